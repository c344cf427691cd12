"""The follow-up API over real HTTP against `segcont serve` on a database synced from fakeds:
every route's happy path, every role's permissions, the workflow's transitions and their
422 messages, the audit trail, vencidos, /metrics, and token rotation."""
import datetime
import json
import sqlite3
import time
import unicodedata
import urllib.parse

import segtest as t

env = t.start_api("api")
B, db, conf = env["base"], env["db"], env["conf"]
U = env["users"]
DIR, ABO, ABO2, APO, ADM, INA = (U[k][1] for k in ("director", "abogado", "abogado2", "apoyo",
                                                      "admin", "inactivo"))
ABO_ID, ABO2_ID, APO_ID, INA_ID = U["abogado"][0], U["abogado2"][0], U["apoyo"][0], U["inactivo"][0]


def call(method, path, token=DIR, body=None, **kw):
    return t.api(B, method, path, token=token, body=body, **kw)


def fold(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s)
                   if not unicodedata.combining(c)).lower()


def q(sql, *args):
    return t.db_query(db, sql, *args)


numeros = [r[0] for r in q("SELECT numero FROM radicado ORDER BY fecha_radicacion DESC, id DESC")]
total = len(numeros)
t.check(total > 150, "la base tiene radicados sincronizados (%d)" % total)

print("1. autenticación")
st, h, b = call("GET", "/api/radicados", token=None)
t.check(st == 401 and b["error"]["codigo"] == "no_autenticado", "sin token: 401 (%s)" % st)
t.check(h.get("www-authenticate", "").startswith("Bearer"), "401 con WWW-Authenticate: Bearer")
st, h, b = call("GET", "/api/radicados", token="sgc_" + "A" * 43)
t.check(st == 401 and b["error"]["codigo"] == "token_invalido", "token desconocido: 401")
st, h, b = call("GET", "/api/radicados", token=None, headers={"Authorization": "Basic YTpi"})
t.check(st == 401, "esquema Basic: 401")
st, h, b = call("GET", "/api/radicados", token=INA)
t.check(st == 401 and b["error"]["codigo"] == "usuario_inactivo", "usuario inactivo: 401")
st, body = t.http_get(B + "/healthz")
t.check(st == 200 and json.loads(body)["base_de_datos"] == "ok", "/healthz sin token: 200")
for key, rol in (("director", "director"), ("abogado", "abogado"), ("apoyo", "apoyo"),
                 ("admin", "admin")):
    st, h, b = call("GET", "/api/usuarios/yo", token=U[key][1])
    t.check(st == 200 and b["rol"] == rol and b["id"] == U[key][0], "yo de %s: %s" % (rol, b))
t.check(DIR not in open(env["work"] + "/serve.log").read(), "el token no aparece en el registro")
hashes = [r[0] for r in q("SELECT token_hash FROM usuario")]
t.check(all(len(x) == 64 and not x.startswith("sgc_") for x in hashes),
        "solo se guardan hashes de los tokens")

print("2. listado, filtros, orden y páginas")
st, h, b = call("GET", "/api/radicados")
t.check(st == 200 and b["total"] == total and b["pagina"] == 1 and b["por_pagina"] == 50,
        "listado por defecto: total %s, página 1 de 50" % b.get("total"))
t.check([r["numero"] for r in b["radicados"]] == numeros[:50], "orden por defecto: -fecha")
t.check(h.get("content-type", "").startswith("application/json"), "responde JSON")
st, h, b = call("GET", "/api/radicados?pagina=2&por_pagina=20")
t.check(st == 200 and [r["numero"] for r in b["radicados"]] == numeros[20:40], "página 2 de 20")
st, h, b = call("GET", "/api/radicados?pagina=1000")
t.check(st == 200 and b["radicados"] == [] and b["total"] == total, "página vacía con total")
st, h, b = call("GET", "/api/radicados?orden=numero&por_pagina=500")
t.check(st == 200 and [r["numero"] for r in b["radicados"]] == sorted(numeros)[:500],
        "orden=numero")
tipo = q("SELECT tipo_tramite, count(*) FROM seguimiento GROUP BY 1 ORDER BY 2 DESC")[0]
st, h, b = call("GET", "/api/radicados?tipo_tramite=%s" % tipo[0])
t.check(st == 200 and b["total"] == tipo[1], "tipo_tramite=%s: %s" % (tipo[0], b.get("total")))
days = sorted({r[0][:10] for r in q("SELECT fecha_radicacion FROM radicado")})
d1, d2 = days[len(days) // 4], days[len(days) // 2]
want = q("SELECT count(*) FROM radicado WHERE substr(fecha_radicacion, 1, 10) BETWEEN ? AND ?",
         d1, d2)[0][0]
st, h, b = call("GET", "/api/radicados?desde=%s&hasta=%s" % (d1, d2))
t.check(st == 200 and b["total"] == want, "desde/hasta inclusivos: %s de %s" % (b.get("total"), want))
asuntos = q("SELECT numero, asunto FROM radicado")
word = None
for cand in ("prórroga", "adición", "modificación", "contratación", "liquidación"):
    if any(cand in a for _, a in asuntos):
        word = cand
        break
t.check(word is not None, "hay asuntos con tildes para buscar")
want = sum(1 for _, a in asuntos if fold(word) in fold(a))
for variant in (word, word.upper(), fold(word)):
    st, h, b = call("GET", "/api/radicados?q=" + urllib.parse.quote(variant))
    t.check(st == 200 and b["total"] == want,
            "q=%s sin importar tildes ni mayúsculas: %s de %s" % (variant, b.get("total"), want))
frag = numeros[7][-6:]
want = sum(1 for n, _ in asuntos if frag in n)
st, h, b = call("GET", "/api/radicados?q=" + frag)
t.check(st == 200 and b["total"] >= 1 and b["total"] >= want, "q busca en el número (%s)" % frag)
st, h, b = call("GET", "/api/radicados?q=" + urllib.parse.quote("solicitud " + fold(word)))
want2 = sum(1 for _, a in asuntos if fold(word) in fold(a) and "solicitud" in fold(a))
t.check(st == 200 and b["total"] == want2, "q con dos palabras exige ambas (%s)" % b.get("total"))
st, h, b = call("GET", "/api/radicados?q=%25")
t.check(st == 200 and b["total"] == sum(1 for _, a in asuntos if "%" in a), "q=% es literal")

print("3. un radicado")
N1, N2, N3, N4, N5, N6 = numeros[10:16]
st, h, b = call("GET", "/api/radicados/" + N1)
t.check(st == 200 and set(b) == {"radicado", "seguimiento", "gestiones", "auditoria", "sla"},
        "GET radicado: radicado, seguimiento, gestiones, auditoria, sla")
t.check(b["sla"]["reloj"] == "sin_iniciar" and b["sla"]["dias_usados"] is None,
        "un radicado recibido tiene el reloj sin iniciar: %s" % b["sla"])
t.check(b["radicado"]["numero"] == N1 and b["seguimiento"]["version"] == 1 and
        b["seguimiento"]["estado"] == "recibido", "versión 1, estado recibido")
st, h, b = call("GET", "/api/radicados/99999999999999")
t.check(st == 404 and b["error"]["codigo"] == "radicado_no_encontrado", "radicado desconocido: 404")
for key in ("abogado", "apoyo", "admin"):
    st, h, b = call("GET", "/api/radicados/" + N1, token=U[key][1])
    t.check(st == 200, "%s puede leer un radicado" % key)

print("4. reparto: solo el Director, a un abogado activo")
st, h, b = call("POST", "/api/radicados/%s/gestiones" % N1, body={"tipo": "devolucion", "texto": "x"})
t.check(st == 422 and b["error"]["mensaje"] ==
        "no se puede devolver un radicado en estado recibido: primero debe repartirse",
        "devolver antes del reparto: 422 con la razón (%s)" % b)
for key in ("abogado", "apoyo", "admin"):
    st, h, b = call("POST", "/api/radicados/%s/reparto" % N1, token=U[key][1],
                    body={"abogado_id": ABO_ID})
    t.check(st == 403 and b["error"]["codigo"] == "rol_no_autorizado", "%s no reparte: 403" % key)
for bad in (APO_ID, INA_ID, 9999):
    st, h, b = call("POST", "/api/radicados/%s/reparto" % N1, body={"abogado_id": bad})
    t.check(st == 422, "repartir al usuario %d (no abogado activo): 422" % bad)
st, h, b = call("POST", "/api/radicados/%s/reparto" % N1, body={"abogado_id": ABO_ID, "version": 1})
s = b.get("seguimiento", {})
t.check(st == 200 and s.get("estado") == "repartido" and s.get("abogado_id") == ABO_ID and
        s.get("version") == 2 and s.get("fecha_reparto"), "reparto: repartido, versión 2, fecha")
g = b.get("gestiones", [])
t.check(len(g) == 1 and g[0]["tipo"] == "reparto" and g[0]["usuario_id"] == U["director"][0] and
        g[0]["fecha"], "la gestión reparto queda con fecha y usuario")
campos = sorted(a["campo"] for a in b.get("auditoria", []))
t.check(campos == ["abogado_id", "estado", "fecha_reparto", "gestion"],
        "auditoría del reparto: %s" % campos)
st, h, b = call("POST", "/api/radicados/%s/reparto" % N1, body={"abogado_id": ABO_ID})
t.check(st == 422 and "ya lo tiene asignado" in b["error"]["mensaje"], "repartir al mismo: 422")
for n in (N2, N3, N4, N5):
    st, h, b = call("POST", "/api/radicados/%s/reparto" % n, body={"abogado_id": ABO_ID})
    t.check(st == 200, "reparto de %s" % n)
st, h, b = call("POST", "/api/radicados/%s/reparto" % N5, body={"abogado_id": ABO2_ID, "texto": "carga"})
t.check(st == 200 and b["seguimiento"]["estado"] == "repartido" and
        b["seguimiento"]["abogado_id"] == ABO2_ID and b["gestiones"][-1]["tipo"] == "reasignacion" and
        b["gestiones"][-1]["datos"] == {"de": ABO_ID, "a": ABO2_ID}, "reasignación: otra gestión, mismo estado")

print("5. gestiones: el flujo de estados")
path = "/api/radicados/%s/gestiones" % N1
st, h, b = call("POST", path, token=ABO, body={"tipo": "observacion", "texto": "Reviso estudios previos"})
t.check(st == 201 and b["seguimiento"]["estado"] == "en_revision",
        "primera observación del abogado: en_revision (%s)" % st)
st, h, b = call("POST", path, token=ABO, body={"tipo": "devolucion"})
t.check(st == 422 and "texto" in b["error"]["mensaje"], "devolución sin texto: 422")
st, h, b = call("POST", path, token=ABO, body={"tipo": "conclusion", "texto": "x"})
t.check(st == 422 and "satisfactorio" in b["error"]["mensaje"], "conclusión sin satisfactorio: 422")
st, h, b = call("POST", path, token=ABO, body={"tipo": "devolucion", "texto": "Falta el CDP"})
t.check(st == 201 and b["seguimiento"]["estado"] == "devuelto" and b["seguimiento"]["devoluciones"] == 1,
        "devolución: devuelto, devoluciones 1")
st, h, b = call("POST", path, token=ABO, body={"tipo": "devolucion", "texto": "otra vez"})
t.check(st == 422 and b["error"]["codigo"] == "transicion_invalida" and
        "estado devuelto" in b["error"]["mensaje"], "devolver lo devuelto: 422 (%s)" % b["error"]["mensaje"])
st, h, b = call("POST", path, token=ABO, body={"tipo": "conclusion", "satisfactorio": True})
t.check(st == 422 and "reingreso" in b["error"]["mensaje"], "concluir lo devuelto: 422")
st, h, b = call("POST", path, token=ABO, body={"tipo": "observacion", "texto": "Llamé al área"})
t.check(st == 201 and b["seguimiento"]["estado"] == "devuelto", "observación mientras está devuelto")
st, h, b = call("POST", path, token=ABO, body={"tipo": "reingreso", "texto": "Llegó el CDP"})
t.check(st == 201 and b["seguimiento"]["estado"] == "en_revision", "reingreso: en_revision")
st, h, b = call("POST", path, token=ABO, body={"tipo": "reingreso"})
t.check(st == 422 and "solo reingresa un radicado devuelto" in b["error"]["mensaje"],
        "reingreso sin devolución: 422")
st, h, b = call("POST", path, token=ABO, body={"tipo": "conclusion", "satisfactorio": True,
                                              "texto": "Concepto favorable"})
s = b.get("seguimiento", {})
t.check(st == 201 and s.get("estado") == "concluido" and s.get("concluido_satisfactorio") is True and
        s.get("fecha_conclusion"), "conclusión: concluido, satisfactorio, fecha")
st, h, b = call("POST", path, token=ABO, body={"tipo": "observacion", "texto": "tarde"})
t.check(st == 422 and "Director" in b["error"]["mensaje"], "gestión en concluido: 422")
st, h, b = call("POST", "/api/radicados/%s/reparto" % N1, body={"abogado_id": ABO2_ID})
t.check(st == 422 and "reabrirlo" in b["error"]["mensaje"], "repartir un concluido: 422")
st, h, b = call("POST", path, token=ABO, body={"tipo": "reapertura", "texto": "x"})
t.check(st == 403, "el abogado no reabre: 403")
st, h, b = call("POST", path, body={"tipo": "reapertura", "texto": "El área pidió ajustes"})
s = b.get("seguimiento", {})
t.check(st == 201 and s.get("estado") == "en_revision" and s.get("fecha_conclusion") is None and
        s.get("concluido_satisfactorio") is None, "reapertura por el Director: en_revision")
tipos = [x["tipo"] for x in b["gestiones"]]
t.check(tipos == ["reparto", "observacion", "devolucion", "observacion", "reingreso", "conclusion",
                  "reapertura"], "historial completo: %s" % tipos)
t.check(b["seguimiento"]["version"] == 2 + len(tipos) - 1, "cada escritura sube la versión (%d)"
        % b["seguimiento"]["version"])
st, h, b = call("POST", "/api/radicados/%s/gestiones" % N2, body={"tipo": "observacion", "texto": "nota"})
t.check(st == 201 and b["seguimiento"]["estado"] == "repartido",
        "la observación del Director no inicia la revisión")

print("6. permisos por rol")
st, h, b = call("PATCH", "/api/radicados/" + N2, token=ABO2, body={"version": 3, "observaciones": "x"})
t.check(st == 403 and b["error"]["codigo"] == "no_asignado", "otro abogado no edita: 403")
st, h, b = call("POST", "/api/radicados/%s/gestiones" % N2, token=ABO2,
                body={"tipo": "observacion", "texto": "x"})
t.check(st == 403, "otro abogado no registra gestiones: 403")
for key in ("apoyo", "admin"):
    st, h, b = call("POST", "/api/radicados/%s/gestiones" % N2, token=U[key][1],
                    body={"tipo": "observacion", "texto": "x"})
    t.check(st == 403, "%s no registra gestiones: 403" % key)
st, h, b = call("PATCH", "/api/radicados/" + N2, token=ADM, body={"version": 3, "valor": 1})
t.check(st == 403, "admin no edita seguimientos: 403")
st, h, b = call("PATCH", "/api/radicados/" + N2, token=APO, body={"version": 3, "observaciones": "x"})
t.check(st == 403 and "apoyo" in b["error"]["mensaje"], "apoyo no edita observaciones: 403")
v = call("GET", "/api/radicados/" + N2)[2]["seguimiento"]["version"]
contrato = {"version": v, "numero_contrato": "CD-2024-117", "contratista": "Consorcio Vías & Andenes",
            "objeto": "Mantenimiento de la sede", "valor": 125000000, "fecha_suscripcion": "2024-02-29",
            "fecha_rp": "2024-03-01", "fecha_aprobacion_garantias": "2024-03-04",
            "fecha_arl": "2024-03-05", "fecha_acta_inicio": "2024-03-06", "publicado_secop": True,
            "linea_paa": "PAA-2024-33"}
st, h, b = call("PATCH", "/api/radicados/" + N2, token=APO, body=contrato)
s = b.get("seguimiento", {})
t.check(st == 200 and all(s.get(k) == val for k, val in contrato.items() if k != "version") and
        s.get("version") == v + 1, "apoyo registra contrato y legalización (una versión más)")
aud = [a for a in b["auditoria"] if a["usuario_id"] == APO_ID]
t.check(sorted(a["campo"] for a in aud) == sorted(k for k in contrato if k != "version"),
        "una fila de auditoría por campo cambiado (%d)" % len(aud))
a = [x for x in aud if x["campo"] == "publicado_secop"][0]
t.check(a["valor_anterior"] == "false" and a["valor_nuevo"] == "true" and a["fecha"],
        "auditoría con valor anterior y nuevo: %s" % a)
st, h, b = call("POST", "/api/sync", token=ABO)
t.check(st == 403, "un abogado no lanza la sincronización: 403")
st, h, b = call("PATCH", "/api/radicados/" + N2, token=ABO,
                body={"version": v + 1, "modalidad": "minima_cuantia", "observaciones": "ok",
                      "tipo_tramite": "proceso_seleccion", "valor": None})
t.check(st == 200 and b["seguimiento"]["modalidad"] == "minima_cuantia" and
        b["seguimiento"]["valor"] is None, "el abogado asignado edita su radicado")

print("7. versiones")
v = b["seguimiento"]["version"]
n_aud = len(b["auditoria"])
st, h, b = call("PATCH", "/api/radicados/" + N2, token=ABO, body={"version": v - 1, "objeto": "viejo"})
t.check(st == 409 and b["error"]["codigo"] == "version_obsoleta", "versión vieja: 409")
st, h, b = call("GET", "/api/radicados/" + N2)
t.check(b["seguimiento"]["objeto"] != "viejo" and b["seguimiento"]["version"] == v and
        len(b["auditoria"]) == n_aud, "el 409 no cambia nada")
st, h, b = call("PATCH", "/api/radicados/" + N2, token=ABO, body={"version": v, "objeto": b["seguimiento"]["objeto"]})
t.check(st == 200 and b["seguimiento"]["version"] == v and len(b["auditoria"]) == n_aud,
        "un PATCH sin diferencias no crea versión ni auditoría")

print("8. radicados anulados")
con = sqlite3.connect(db)
con.execute("UPDATE radicado SET estado_ds = 'anulado' WHERE numero = ?", (N3,))
con.commit()
con.close()
st, h, b = call("POST", "/api/radicados/%s/gestiones" % N3, token=ABO, body={"tipo": "observacion", "texto": "x"})
t.check(st == 422 and "anulado" in b["error"]["mensaje"], "anulado en el SGD: sin gestiones (422)")
st, h, b = call("PATCH", "/api/radicados/" + N3, token=ABO, body={"version": 2, "objeto": "x"})
t.check(st == 422, "anulado en el SGD: sin PATCH (422)")
st, h, b = call("POST", "/api/radicados/%s/reparto" % N3, body={"abogado_id": ABO2_ID})
t.check(st == 422, "anulado en el SGD: sin reparto (422)")

print("9. carga por abogado")
st, h, b = call("GET", "/api/abogados/carga", token=ADM)
byid = {x["id"]: x for x in b.get("abogados", [])}
want = q("SELECT abogado_id, estado, count(*) FROM seguimiento WHERE estado IN "
         "('repartido', 'en_revision', 'devuelto') AND abogado_id IS NOT NULL GROUP BY 1, 2")
ok = st == 200 and all(byid[a]["por_estado"][e] == c for a, e, c in want)
ok = ok and byid[ABO_ID]["abiertos"] == sum(c for a, e, c in want if a == ABO_ID)
t.check(ok, "carga por estado coincide con la base: %s" % [(x["nombre"], x["abiertos"]) for x in byid.values()])
t.check(INA_ID not in byid, "un abogado inactivo sin radicados no aparece")
t.check(b["sin_repartir"] == q("SELECT count(*) FROM seguimiento WHERE estado = 'recibido'")[0][0],
        "sin_repartir cuenta los recibidos")
t.check(sum(byid[ABO_ID]["por_tipo_tramite"].values()) == byid[ABO_ID]["abiertos"],
        "por_tipo_tramite suma los abiertos")

print("10. vencidos")
old = (datetime.datetime.now() - datetime.timedelta(days=40)).strftime("%Y-%m-%dT09:00:00-05:00")
con = sqlite3.connect(db)
con.execute("UPDATE seguimiento SET tipo_tramite = 'contratacion_directa', fecha_reparto = ? WHERE "
            "radicado_id = (SELECT id FROM radicado WHERE numero = ?)", (old, N4))
con.execute("UPDATE gestion SET fecha = ? WHERE tipo = 'reparto' AND "
            "radicado_id = (SELECT id FROM radicado WHERE numero = ?)", (old, N4))
con.commit()
con.close()
time.sleep(0.4)  # another process wrote: the API sees it within 250 ms
st, h, b = call("GET", "/api/radicados?vencidos=1")
got = [r["numero"] for r in b.get("radicados", [])]
t.check(st == 200 and N4 in got, "vencidos=1 incluye uno repartido hace 40 días (%s)" % got)
t.check(N5 not in got and N1 not in got, "vencidos=1 no incluye los recién repartidos")
st, h, b = call("GET", "/api/radicados?vencidos=1&abogado_id=%d" % ABO2_ID)
t.check(st == 200 and b["total"] == 0, "vencidos combina con abogado_id")
st, h, b = call("GET", "/api/radicados?estado=repartido&abogado_id=%d" % ABO_ID)
want = q("SELECT count(*) FROM seguimiento WHERE estado = 'repartido' AND abogado_id = ?", ABO_ID)[0][0]
t.check(st == 200 and b["total"] == want, "estado y abogado_id combinados (%s)" % b.get("total"))

print("11. sync, métricas, 404 y 405")
st, h, b = call("POST", "/api/sync", token=ADM)
t.check(st == 202 and b["estado"] == "solicitada", "admin lanza la sincronización: 202")
st, h, b = call("DELETE", "/api/radicados/" + N1)
t.check(st == 405 and "PATCH" in h.get("allow", "") and b["error"]["codigo"] == "metodo_no_permitido",
        "DELETE: 405 con Allow (%s)" % h.get("allow"))
st, h, b = call("GET", "/api/nada")
t.check(st == 404 and b["error"]["codigo"] == "no_encontrado", "ruta desconocida: 404 JSON")
st, body = t.http_get(B + "/metrics")
t.check(st == 200, "/metrics sin token: 200")
rec = q("SELECT count(*) FROM seguimiento WHERE estado = 'recibido'")[0][0]
t.check('segcont_radicados{estado="recibido"} %d' % rec in body, "gauge de radicados por estado")
t.check('route="/api/radicados/{numero}",method="PATCH",status="409"' in body,
        "contador por patrón de ruta y estado")
t.check(N1 not in body, "las métricas usan el patrón, no la URL")
t.check("segcont_http_request_duration_seconds_bucket" in body and 'le="+Inf"' in body,
        "histograma de latencia")
t.check("segcont_sync_passes_total" in body and "segcont_sync_last_success_timestamp_seconds" in body,
        "métricas de sincronización")

print("12. usuarios por línea de órdenes")
rc, out, err = t.run_segcont("user", "list", "-c", conf, "--json")
lst = json.loads(out) if rc == 0 else []
t.check(rc == 0 and len(lst) == 6 and all("token" not in json.dumps(x) for x in lst),
        "user list --json sin tokens")
rc, out, err = t.run_segcont("user", "add", "-c", conf, "--nombre", "X", "--rol", "jefe")
t.check(rc == 2, "rol desconocido: uso (2)")
rc, out, err = t.run_segcont("user", "token", "-c", conf, "--id", str(ABO2_ID), "--json")
new = json.loads(out)["token"] if rc == 0 else ""
t.check(rc == 0 and new.startswith("sgc_") and new != ABO2, "user token rota el token")
time.sleep(0.4)
st, h, b = call("GET", "/api/usuarios/yo", token=ABO2)
t.check(st == 401, "el token anterior deja de valer")
st, h, b = call("GET", "/api/usuarios/yo", token=new)
t.check(st == 200 and b["id"] == ABO2_ID, "el token nuevo vale")
rc, out, err = t.run_segcont("user", "token", "-c", conf, "--id", "999")
t.check(rc == 1, "user token de un id desconocido: 1")
rc, out, err = t.run_segcont("user", "disable", "-c", conf, "--id", str(ABO2_ID), "--json")
t.check(rc == 0 and json.loads(out) == {"id": ABO2_ID, "activo": False}, "user disable --json")
time.sleep(0.4)
st, h, b = call("GET", "/api/usuarios/yo", token=new)
t.check(st == 401 and b["error"]["codigo"] == "usuario_inactivo",
        "el token de un usuario desactivado deja de valer: %d" % st)
st, h, b = call("POST", "/api/radicados/%s/reparto" % N6, body={"abogado_id": ABO2_ID})
t.check(st == 422 and b["error"]["codigo"] == "valor_invalido", "no se reparte a un desactivado")
rc, out, err = t.run_segcont("user", "list", "-c", conf, "--json")
t.check(rc == 0 and [x["activo"] for x in json.loads(out) if x["id"] == ABO2_ID] == [False],
        "user list muestra al desactivado")
rc, out, err = t.run_segcont("user", "enable", "-c", conf, "--id", str(ABO2_ID))
t.check(rc == 0 and "activado" in out, "user enable")
time.sleep(0.4)
st, h, b = call("GET", "/api/usuarios/yo", token=new)
t.check(st == 200 and b["activo"] is True, "reactivado, el mismo token vuelve a valer")
rc, out, err = t.run_segcont("user", "disable", "-c", conf, "--id", "999")
t.check(rc == 1 and "no existe" in err, "user disable de un id desconocido: 1")
rc, out, err = t.run_segcont("user", "disable", "-c", conf)
t.check(rc == 2, "user disable sin --id: uso (2)")
t.finish()
