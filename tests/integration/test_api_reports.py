"""The report and reconciliation routes over real HTTP against `segcont serve`: the SLA block of
a filing and of the list's rows, /api/indicadores after a reparto and a conclusion made through
the API, the XLSX and CSV downloads, the calendar routes against the shared holiday vectors, the
reparto suggestion of /api/abogados/carga, and the discrepancies found by `segcont reconcile`
(listed, resolved by the Director, refused to a lawyer), with their /metrics gauges."""
import datetime
import http.client
import io
import os
import time
import zipfile

import segtest as t

env = t.start_api("api-reports")
B, db, conf, ds = env["base"], env["db"], env["conf"], env["ds"]
U = env["users"]
DIR, ABO, ABO2, APO, ADM = (U[k][1] for k in ("director", "abogado", "abogado2", "apoyo", "admin"))
ABO_ID, ABO2_ID = U["abogado"][0], U["abogado2"][0]
SLA_KEYS = {"meta", "reloj", "estado", "inicio", "fin", "dias_usados", "dias_restantes",
            "fecha_limite", "devoluciones", "dias_en_espera", "rondas", "correcciones"}


def call(method, path, token=DIR, body=None, **kw):
    return t.api(B, method, path, token=token, body=body, **kw)


def raw(path, token=DIR):
    """GET returning the body as bytes (the downloads are binary)."""
    host, port = B.replace("http://", "").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request("GET", path, headers={"Authorization": "Bearer " + token})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def q(sql, *args):
    return t.db_query(db, sql, *args)


# Open filings, valid in the document system, of a tipo with a target.
candidates = [r[0] for r in q(
    "SELECT r.numero FROM radicado r JOIN seguimiento s ON s.radicado_id = r.id "
    "WHERE s.estado = 'recibido' AND r.estado_ds = 'vigente' "
    "AND s.tipo_tramite IN ('contratacion_directa', 'proceso_seleccion') "
    "ORDER BY r.fecha_radicacion DESC, r.numero")]
t.check(len(candidates) >= 3, "hay radicados recibidos para repartir (%d)" % len(candidates))
N1, N2, N3 = candidates[:3]
metas = {"contratacion_directa": 3, "proceso_seleccion": 5}


def tipo_of(numero):
    return q("SELECT s.tipo_tramite FROM seguimiento s JOIN radicado r ON r.id = s.radicado_id "
             "WHERE r.numero = ?", numero)[0][0]


print("1. el bloque «sla» de un radicado y de las filas del listado")
st, h, b = call("GET", "/api/radicados/" + N1)
t.check(st == 200 and set(b.get("sla", {})) == SLA_KEYS, "GET radicado trae «sla»: %s" % b.get("sla"))
t.check(b["sla"]["reloj"] == "sin_iniciar" and b["sla"]["estado"] == "sin_iniciar",
        "recibido: reloj y estado sin_iniciar")
t.check({"radicado", "seguimiento", "gestiones", "auditoria"} <= set(b),
        "el resto de la ficha sigue ahí")
st, h, before_ind = call("GET", "/api/indicadores")
t.check(st == 200 and before_ind["oficina"]["concluidos"]["n"] == 0,
        "indicadores antes de las gestiones: ningún concluido")
st, h, b = call("POST", "/api/radicados/%s/reparto" % N1, body={"abogado_id": ABO_ID})
t.check(st == 200 and b.get("sla", {}).get("reloj") == "corriendo",
        "la respuesta del reparto trae el reloj corriendo")
st, h, b = call("GET", "/api/radicados/" + N1)
s = b.get("sla", {})
t.check(st == 200 and s.get("reloj") == "corriendo" and s.get("estado") == "a_tiempo" and
        s.get("dias_usados") == 0 and s.get("meta") == metas[tipo_of(N1)] and
        s.get("dias_restantes") == s.get("meta") and s.get("fecha_limite") and
        len(s.get("rondas", [])) == 1, "tras el reparto: corriendo, a tiempo, 0 días de %s" % s)
st, h, b = call("GET", "/api/radicados?q=" + N1)
rows = {r["numero"]: r for r in b.get("radicados", [])}
t.check(st == 200 and rows.get(N1, {}).get("sla", {}).get("reloj") == "corriendo",
        "la fila del listado trae su «sla»")
st, h, b = call("GET", "/api/radicados?por_pagina=50")
total_list = b.get("total", 0)
t.check(st == 200 and len(b["radicados"]) == 50 and
        all(set(r.get("sla") or {}) == SLA_KEYS for r in b["radicados"]),
        "cada fila de una página de 50 trae «sla»")
t.check(all(r["sla"]["estado"] in ("sin_iniciar", "no_aplica") for r in b["radicados"]
            if r["estado"] == "recibido"), "las filas recibidas no tienen reloj")
pages = (total_list + 49) // 50
t0 = time.time()
for p in range(1, pages + 1):  # distinct pages: none comes from the answer cache
    call("GET", "/api/radicados?por_pagina=50&orden=numero&pagina=%d" % p)
ms = (time.time() - t0) * 1000 / pages
t.check(ms < 100, "una página de 50 con «sla» sin caché: %.1f ms en promedio (%d páginas)" % (ms, pages))

print("2. indicadores tras un reparto y una conclusión hechos por la API")
st, h, b = call("POST", "/api/radicados/%s/gestiones" % N1, token=ABO,
                body={"tipo": "conclusion", "satisfactorio": True, "texto": "Concepto favorable"})
t.check(st == 201 and b["seguimiento"]["estado"] == "concluido", "conclusión de %s" % N1)
t.check(b.get("sla", {}).get("reloj") == "detenido", "el reloj se detiene al concluir")
st, h, b = call("POST", "/api/radicados/%s/reparto" % N2, body={"abogado_id": ABO2_ID})
t.check(st == 200, "reparto de %s al segundo abogado" % N2)
st, h, ind = call("GET", "/api/indicadores?detalle=1")
t.check(st == 200 and h.get("content-type", "").startswith("application/json"), "GET /api/indicadores: 200")
of = ind.get("oficina", {})
# Annulled filings (here or in the document system) count only under «anulados».
total = q("SELECT count(*) FROM radicado r JOIN seguimiento s ON s.radicado_id = r.id"
          " WHERE r.estado_ds <> 'anulado' AND s.estado <> 'anulado'")[0][0]
annulled = q("SELECT count(*) FROM radicado r JOIN seguimiento s ON s.radicado_id = r.id"
             " WHERE r.estado_ds = 'anulado' OR s.estado = 'anulado'")[0][0]
t.check(of.get("recibidos", {}).get("n") == total, "oficina: %s recibidos de %d" %
        (of.get("recibidos", {}).get("n"), total))
t.check(of.get("anulados", {}).get("n") == annulled, "oficina: %s anulados de %d" %
        (of.get("anulados", {}).get("n"), annulled))
t.check(of.get("concluidos", {}).get("radicados") == [N1], "oficina: concluido %s" % N1)
t.check(N2 in of.get("en_curso", {}).get("radicados", []), "oficina: %s en curso" % N2)
t.check(of.get("dentro_meta", {}).get("dentro", {}).get("radicados") == [N1] and
        of["dentro_meta"]["porcentaje"] == 100.0, "oficina: 100%% dentro de la meta (%s)" %
        of.get("dentro_meta", {}).get("porcentaje"))
t.check(of.get("dias_habiles", {}).get("mediciones") == [{"numero": N1, "dias": 0}],
        "oficina: la medición en días hábiles del concluido")
per = {x["abogado_id"]: x for x in ind.get("por_abogado", [])}
a1, a2 = per.get(ABO_ID, {}), per.get(ABO2_ID, {})
t.check(a1.get("concluidos", {}).get("radicados") == [N1] and a1.get("carga_actual", {}).get("n") == 0,
        "%s: 1 concluido, sin carga abierta" % a1.get("abogado"))
t.check(a2.get("carga_actual", {}).get("radicados") == [N2] and a2.get("concluidos", {}).get("n") == 0,
        "%s: carga abierta %s" % (a2.get("abogado"), N2))
t.check(ind.get("metas", {}).get("contratacion_directa") == 3, "metas por tipo de trámite")
today = t.today_bogota().isoformat()
st, h, b = call("GET", "/api/indicadores?desde=%s&hasta=%s" % (today, today))
want = q("SELECT count(*) FROM radicado WHERE substr(fecha_radicacion, 1, 10) = ?", today)[0][0]
t.check(st == 200 and b["oficina"]["recibidos"]["n"] == want and b["periodo"]["desde"] == today,
        "con periodo: %s recibidos hoy (%d en la base)" % (b["oficina"]["recibidos"]["n"], want))
for key in ("abogado", "apoyo", "admin"):
    st, h, b = call("GET", "/api/indicadores", token=U[key][1])
    t.check(st == 200, "%s lee los indicadores" % key)

print("3. exportación XLSX y CSV")
st, h, body = raw("/api/export.xlsx")
t.check(st == 200 and body[:4] == b"PK\x03\x04", "export.xlsx: 200 y empieza por PK (%d bytes)" % len(body))
t.check(h.get("content-type") == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "export.xlsx: Content-Type de hoja de cálculo (%s)" % h.get("content-type"))
t.check(h.get("content-disposition") == 'attachment; filename="seguimiento-todo.xlsx"',
        "export.xlsx: %s" % h.get("content-disposition"))
try:
    z = zipfile.ZipFile(io.BytesIO(body))
    names = z.namelist()
    wb = z.read("xl/workbook.xml").decode()
    t.check("Seguimiento" in wb and "Indicadores" in wb, "el libro tiene las hojas Seguimiento e Indicadores")
    strings = z.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in names else ""
    t.check(N1 in strings or any(N1 in z.read(n).decode("utf-8", "replace") for n in names
                                 if n.startswith("xl/worksheets/")), "el libro incluye %s" % N1)
except (zipfile.BadZipFile, KeyError) as e:
    t.check(False, "export.xlsx es un ZIP de Office válido (%s)" % e)
d1 = (t.today_bogota() - datetime.timedelta(days=10)).isoformat()
st, h, body = raw("/api/export.csv?desde=%s&hasta=%s" % (d1, today), token=APO)
t.check(st == 200 and body[:3] == b"\xef\xbb\xbf", "export.csv: 200 y empieza por el BOM de UTF-8")
text = body[3:].decode("utf-8")
t.check(h.get("content-type") == "text/csv; charset=utf-8", "export.csv: %s" % h.get("content-type"))
t.check(h.get("content-disposition") == 'attachment; filename="seguimiento-%s-a-%s.csv"' % (d1, today),
        "export.csv: %s" % h.get("content-disposition"))
t.check(text.startswith("Radicado;") and "\r\n" in text and N1 in text,
        "el CSV separa con ';', termina líneas en CRLF e incluye %s" % N1)
t.check("no-store" in h.get("cache-control", ""), "la descarga no se guarda en cachés")

print("4. calendario")
vectors = {}
with open(os.path.join(t.SHARED, "vectors", "festivos-colombia.txt")) as f:
    for line in f:
        if line.strip() and not line.startswith("#"):
            parts = line.split()
            vectors[parts[0]] = parts[1:]
st, h, b = call("GET", "/api/calendario/festivos?anio=2025", token=ABO)
fechas = [x["fecha"] for x in b.get("festivos", [])]
t.check(st == 200 and b.get("anio") == 2025 and fechas == vectors["2025"],
        "festivos 2025: las 17 fechas del vector compartido (%d)" % len(fechas))
t.check(all(x.get("nombre") for x in b.get("festivos", [])), "cada festivo tiene su nombre")
st, h, b = call("GET", "/api/calendario/festivos?anio=2024")
t.check(st == 200 and [x["fecha"] for x in b["festivos"]] == vectors["2024"], "festivos 2024")
st, h, b = call("GET", "/api/calendario/sumar?desde=2025-06-26&dias=3", token=APO)
t.check(st == 200 and b.get("resultado") == "2025-07-02" and b.get("dias") == 3,
        "2025-06-26 + 3 días hábiles = 2025-07-02 (%s)" % b.get("resultado"))
st, h, b = call("GET", "/api/calendario/sumar?desde=2025-06-26&dias=0")
t.check(st == 200 and b.get("resultado") == "2025-06-26", "día 0: la misma fecha")
st, h, b = call("GET", "/api/calendario/sumar?desde=2025-06-26&dias=3", token=None)
t.check(st == 401, "el calendario pide token")

print("5. sugerencia de reparto en la carga")
st, h, b = call("GET", "/api/abogados/carga?tipo_tramite=contratacion_directa")
sug = b.get("sugerencia", {})
t.check(st == 200 and "abogados" in b and "sin_repartir" in b, "la carga sigue con abogados y sin_repartir")
t.check(sug.get("tipo_tramite") == "contratacion_directa" and sug.get("meta") == 3 and
        sug.get("criterio") and sug.get("fecha_limite_si_se_asigna"), "«sugerencia» con meta, criterio y fecha límite")
ranked = [x["abogado_id"] for x in sug.get("abogados", [])]
t.check(sorted(ranked) == sorted([ABO_ID, ABO2_ID]) and
        [x["posicion"] for x in sug["abogados"]] == list(range(1, len(ranked) + 1)),
        "ordena a los abogados activos: %s" % ranked)
t.check(ranked and ranked[0] == ABO_ID, "primero quien no tiene carga abierta (%s)" % ranked)
t.check(all("radicados" not in x and "abiertos" in x for x in sug.get("abogados", [])),
        "sin detalle, la sugerencia no lista los radicados de cada abogado")
st, h, b = call("GET", "/api/abogados/carga?tipo_tramite=contratacion_directa&detalle=1")
det = {x["abogado_id"]: x for x in b.get("sugerencia", {}).get("abogados", [])}
t.check(st == 200 and [x["abogado_id"] for x in b["sugerencia"]["abogados"]] == ranked and
        all(len(x["radicados"]) == x["abiertos"] for x in det.values()) and det[ABO2_ID]["abiertos"] > 0,
        "detalle=1: cada abogado con sus radicados abiertos (%s)" %
        {k: len(v.get("radicados", [])) for k, v in det.items()})
st, h, b = call("GET", "/api/abogados/carga?tipo_tramite=contratacion_directa&detalle=2")
t.check(st == 400 and b["error"]["codigo"] == "parametro_invalido", "detalle=2: 400")
st, h, b = call("GET", "/api/abogados/carga")
t.check(st == 200 and "sugerencia" not in b, "sin tipo_tramite no hay sugerencia")
st, h, b = call("GET", "/api/abogados/carga?tipo_tramite=licitacion")
t.check(st == 400 and b["error"]["codigo"] == "parametro_invalido", "tipo desconocido: 400")

print("6. discrepancias de la conciliación")
ds.control("/control/update", {"numero": N3, "sgd_eanu_codigo": "2"})
rc, out, err = t.run_segcont("reconcile", "-c", conf, "--json")
t.check(rc == 0, "segcont reconcile termina con 0 (%s)" % err[-300:])
time.sleep(0.4)  # another process wrote: the API sees it within 250 ms
st, h, b = call("GET", "/api/discrepancias", token=ABO)
rows = {(x["numero"], x["tipo"]): x for x in b.get("discrepancias", [])}
d = rows.get((N3, "anulado_en_sgd"))
t.check(st == 200 and d is not None and d["estado"] == "abierta",
        "el abogado ve la discrepancia anulado_en_sgd de %s" % N3)
t.check(d is not None and d["evidencia_sgd"] == {"estado_ds": "anulado"} and
        d["evidencia_local"].get("estado") == "recibido", "con la evidencia de los dos lados")
want = q("SELECT count(*) FROM discrepancia WHERE estado = 'abierta'")[0][0]
t.check(b.get("total") == want and b.get("estado") == "abierta" and
        sum(b.get("por_tipo", {}).values()) == want, "total y por_tipo de las abiertas: %s" % b.get("total"))
t.check(b.get("conciliacion", {}).get("ultimo_exito"), "dice cuándo fue la última conciliación")
st, h, b = call("GET", "/api/discrepancias?estado=todas&tipo=anulado_en_sgd&pagina=1&por_pagina=2")
t.check(st == 200 and len(b["discrepancias"]) <= 2 and b["por_pagina"] == 2 and
        all(x["tipo"] == "anulado_en_sgd" for x in b["discrepancias"]), "filtro por tipo y páginas")
st, body = t.http_get(B + "/metrics")
t.check('segcont_discrepancias_abiertas{tipo="anulado_en_sgd"} %d' %
        q("SELECT count(*) FROM discrepancia WHERE estado = 'abierta' AND tipo = 'anulado_en_sgd'")[0][0]
        in body, "/metrics cuenta las discrepancias abiertas por tipo")
t.check("segcont_reconcile_runs_total" in body, "/metrics cuenta las conciliaciones diarias")
path = "/api/discrepancias/%d/resolver" % d["id"] if d else "/api/discrepancias/0/resolver"
st, h, b = call("POST", path, token=ABO, body={"nota": "x"})
t.check(st == 403 and b["error"]["codigo"] == "rol_no_autorizado", "un abogado no resuelve: 403")
st, h, b = call("POST", path, body={"nota": "  Anulado por error; el área radica de nuevo.  "})
t.check(st == 200 and b.get("estado") == "resuelta" and
        b.get("nota") == "Anulado por error; el área radica de nuevo." and
        b.get("resuelta_por", {}).get("id") == U["director"][0] and b.get("cerrada_en"),
        "la Directora resuelve con nota: 200 (%s)" % b)
st, h, b = call("POST", path, body={"nota": "otra vez"})
t.check(st == 409 and b["error"]["codigo"] == "ya_cerrada", "resolverla otra vez: 409")
aud = q("SELECT count(*) FROM auditoria WHERE usuario_id = ? AND valor_nuevo LIKE ?",
        U["director"][0], "%resuelta%")[0][0]
t.check(aud >= 1, "la resolución queda en la auditoría")
st, h, b = call("GET", "/api/discrepancias?estado=resuelta")
t.check(st == 200 and any(x["id"] == d["id"] and x["nota"] for x in b["discrepancias"]),
        "aparece entre las resueltas con su nota")
st, h, b = call("GET", "/api/discrepancias")
t.check(st == 200 and (N3, "anulado_en_sgd") not in {(x["numero"], x["tipo"]) for x in b["discrepancias"]},
        "ya no está entre las abiertas")
other = q("SELECT id FROM discrepancia WHERE estado = 'abierta' ORDER BY id LIMIT 1")
if other:
    st, h, b = call("POST", "/api/discrepancias/%d/resolver" % other[0][0], token=ADM,
                    body={"nota": "Revisado por sistemas"})
    t.check(st == 200 and b["estado"] == "resuelta", "admin también resuelve: 200")
st, h, b = call("POST", "/api/discrepancias/99999999/resolver", body={"nota": "x"})
t.check(st == 404 and b["error"]["codigo"] == "no_encontrada", "id desconocido: 404")
t.finish()
