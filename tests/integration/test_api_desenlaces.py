"""The outcomes that take a filing out of the queue, over real HTTP against `segcont serve`:
POST /api/radicados/{numero}/gestiones with tipo archivo (motivo required), traslado
(dependencia_destino required, digits, not the office's own) and anulacion (only when the
document system shows the annulment), Director only; each outcome leaves «Sin repartir», the
lawyers' load and the reparto suggestion, has no SLA clock, is counted on its own in the
office's indicators and leaves its audit rows; reapertura brings the filing back to the
estado it had."""
import sqlite3

import segtest as t

env = t.start_api("api-desenlaces")
B, db = env["base"], env["db"]
U = env["users"]
DIR, ABO, ABO2, APO, ADM = (U[k][1] for k in ("director", "abogado", "abogado2", "apoyo", "admin"))
ABO_ID, ABO2_ID = U["abogado"][0], U["abogado2"][0]


def call(method, path, token=DIR, body=None):
    return t.api(B, method, path, token=token, body=body)


def gestion(numero, body, token=DIR):
    return call("POST", "/api/radicados/%s/gestiones" % numero, token=token, body=body)


def q(sql, *args):
    return t.db_query(db, sql, *args)


def mensaje(b):
    return (b or {}).get("error", {}).get("mensaje", "") if isinstance(b, dict) else str(b)


def unassigned():
    """The numbers of «Sin repartir» (estado recibido), every page."""
    out, pagina = [], 1
    while True:
        st, h, b = call("GET", "/api/radicados?estado=recibido&por_pagina=100&pagina=%d" % pagina)
        if st != 200:
            return None
        out += [r["numero"] for r in b["radicados"]]
        if len(b["radicados"]) < 100:
            return out
        pagina += 1


def carga():
    # detalle=1: each lawyer of the suggestion lists its open filings
    st, h, b = call("GET", "/api/abogados/carga?tipo_tramite=contratacion_directa&detalle=1")
    return b if st == 200 else {}


def lawyer(c, lid):
    return next((a for a in c.get("abogados", []) if a["id"] == lid), {})


def suggested(c, lid):
    return next((a for a in c.get("sugerencia", {}).get("abogados", []) if a["abogado_id"] == lid), {})


cands = [r[0] for r in q(
    "SELECT r.numero FROM radicado r JOIN seguimiento s ON s.radicado_id = r.id "
    "WHERE s.estado = 'recibido' AND r.estado_ds = 'vigente' ORDER BY r.numero")]
t.check(len(cands) >= 5, "hay radicados recibidos y vigentes (%d)" % len(cands))
ARCH, TRAS, ANUL, CARG, OTRO = cands[:5]

print("1. la lista de gestiones admite los desenlaces; roles")
st, h, b = gestion(ARCH, {"tipo": "archivar", "motivo": "x"})
t.check(st == 422 and "archivo" in mensaje(b) and "traslado" in mensaje(b) and "anulacion" in mensaje(b),
        "un tipo desconocido lista archivo, traslado y anulacion: %s" % mensaje(b))
st, h, b = gestion(ARCH, {"tipo": "archivo", "motivo": "derecho de petición"}, token=ABO)
t.check(st == 403 and b["error"]["codigo"] == "rol_no_autorizado" and
        mensaje(b) == "solo el Director puede archivar, trasladar o confirmar la anulación de un radicado",
        "un abogado no archiva: 403 en español (%s)" % mensaje(b))
for key, tok in (("apoyo", APO), ("admin", ADM)):
    st, h, b = gestion(ARCH, {"tipo": "traslado", "dependencia_destino": "500"}, token=tok)
    t.check(st == 403, "%s no traslada: 403" % key)
st, h, b = call("GET", "/api/radicados/" + ARCH)
t.check(b["seguimiento"]["estado"] == "recibido" and b["seguimiento"]["version"] == 1,
        "los 403 no cambian nada")

print("2. el motivo y el destino: 422 en español")
for body, want in (
        ({"tipo": "archivo"}, "«motivo» es obligatorio para archivar (por qué no es una solicitud de contratación)"),
        ({"tipo": "archivo", "motivo": "   "}, "«motivo» es obligatorio para archivar"),
        ({"tipo": "archivo", "motivo": None}, "«motivo» es obligatorio"),
        ({"tipo": "archivo", "texto": "nota", "motivo": "m"}, "«texto» no corresponde a la gestión «archivo»"),
        ({"tipo": "traslado"}, "«dependencia_destino» es obligatoria para trasladar"),
        ({"tipo": "traslado", "dependencia_destino": "50A"}, "debe ser el código de una dependencia: solo dígitos"),
        ({"tipo": "traslado", "dependencia_destino": ""}, "solo dígitos"),
        ({"tipo": "traslado", "dependencia_destino": 500}, "dependencia_destino"),
        ({"tipo": "traslado", "dependencia_destino": "1" * 21}, "admite hasta 20 bytes"),
        ({"tipo": "traslado", "dependencia_destino": t.OFFICE}, "la dependencia de esta oficina"),
        ({"tipo": "archivo", "motivo": "m", "dependencia_destino": "500"}, "«dependencia_destino» solo corresponde al traslado"),
        ({"tipo": "observacion", "texto": "x", "motivo": "m"}, "«motivo» solo corresponde al archivo"),
):
    st, h, b = gestion(ARCH, body)
    t.check(st in (400, 422) and want in mensaje(b), "%s -> %d «%s»" % (body, st, mensaje(b)))
st, h, b = gestion(ARCH, {"tipo": "anulacion"})
t.check(st == 422 and b["error"]["codigo"] == "transicion_invalida" and
        "no está anulado ni con anulación solicitada en el sistema documental" in mensaje(b),
        "anulación de un radicado vigente: 422 (%s)" % mensaje(b))
t.check(q("SELECT count(*) FROM gestion g JOIN radicado r ON r.id = g.radicado_id WHERE r.numero = ?",
          ARCH)[0][0] == 0, "ningún rechazo escribió gestiones")

print("3. carga y sugerencia antes de los desenlaces")
st, h, b = call("POST", "/api/radicados/%s/reparto" % CARG, body={"abogado_id": ABO2_ID})
t.check(st == 200, "reparto de %s a Abogado Ruiz" % CARG)
st, h, b = call("POST", "/api/radicados/%s/reparto" % TRAS, body={"abogado_id": ABO_ID})
st, h, b = gestion(TRAS, {"tipo": "observacion", "texto": "empiezo"}, token=ABO)
t.check(st == 201 and b["seguimiento"]["estado"] == "en_revision", "%s en revisión con Abogada Peña" % TRAS)
c0 = carga()
sin0 = c0.get("sin_repartir")
t.check(lawyer(c0, ABO2_ID).get("abiertos") == 1 and
        [x["numero"] for x in suggested(c0, ABO2_ID).get("radicados", [])] == [CARG] and
        suggested(c0, ABO2_ID).get("abiertos") == 1 and
        [x["numero"] for x in suggested(c0, ABO_ID).get("radicados", [])] == [TRAS],
        "antes: %s y %s cuentan en la carga y en la sugerencia" % (CARG, TRAS))
st, h, ind0 = call("GET", "/api/indicadores?detalle=1")
t.check(st == 200 and ind0["oficina"]["desenlaces"] ==
        {k: {"n": 0, "radicados": []} for k in ("archivado", "trasladado", "anulado")},
        "indicadores: desenlaces en cero (%s)" % ind0.get("oficina", {}).get("desenlaces"))
rec0 = ind0["oficina"]["recibidos"]["n"]

print("4. archivo, traslado y anulación")
st, h, b = gestion(ARCH, {"tipo": "archivo", "motivo": "Derecho de petición: no es contratación"})
s = b.get("seguimiento", {}) if isinstance(b, dict) else {}
g = b.get("gestiones", [{}])[-1] if isinstance(b, dict) else {}
t.check(st == 201 and s.get("estado") == "archivado" and s.get("estado_anterior") == "recibido",
        "archivo: 201, archivado, deja constancia del estado anterior")
t.check(g.get("tipo") == "archivo" and g.get("texto") == "Derecho de petición: no es contratación" and
        g.get("datos") == {"estado_anterior": "recibido"}, "la gestión archivo guarda el motivo: %s" % g)
sla = b.get("sla", {})
t.check(sla.get("reloj") == "no_aplica" and sla.get("fecha_limite") is None and sla.get("estado") == "no_aplica",
        "archivado: sin reloj ni fecha límite (%s)" % sla)
st, h, b = gestion(TRAS, {"tipo": "traslado", "dependencia_destino": "500", "motivo": "Lo atiende Talento Humano"})
t.check(st == 201 and b["seguimiento"]["estado"] == "trasladado" and
        b["seguimiento"]["estado_anterior"] == "en_revision" and
        b["gestiones"][-1]["datos"] == {"estado_anterior": "en_revision", "dependencia_destino": "500"} and
        b["gestiones"][-1]["texto"] == "Lo atiende Talento Humano", "traslado: 201, trasladado, destino 500")
st, h, b = gestion(CARG, {"tipo": "archivo", "motivo": "Invitación a un evento"})
t.check(st == 201 and b["seguimiento"]["estado"] == "archivado" and
        b["seguimiento"]["abogado_id"] == ABO2_ID, "archivo de un radicado repartido (conserva su abogado)")
con = sqlite3.connect(db)
con.execute("UPDATE radicado SET estado_ds = 'anulacion_solicitada' WHERE numero = ?", (ANUL,))
con.commit()
con.close()
st, h, b = gestion(ANUL, {"tipo": "anulacion"})
t.check(st == 201 and b["seguimiento"]["estado"] == "anulado" and
        b["gestiones"][-1]["tipo"] == "anulacion" and b["sla"]["reloj"] == "no_aplica",
        "anulación confirmada con la anulación solicitada en el sistema documental")
st, h, b = gestion(ANUL, {"tipo": "anulacion"})
t.check(st == 422 and "ya está confirmada" in mensaje(b), "no se confirma dos veces: %s" % mensaje(b))
st, h, b = gestion(ARCH, {"tipo": "traslado", "dependencia_destino": "500"})
t.check(st == 422 and "salió de la cola con un desenlace" in mensaje(b), "un archivado no se traslada: %s" % mensaje(b))
st, h, b = call("POST", "/api/radicados/%s/reparto" % ARCH, body={"abogado_id": ABO_ID})
t.check(st == 422 and "reabrirlo" in mensaje(b), "un archivado no se reparte: %s" % mensaje(b))

print("5. fuera de «Sin repartir», de la carga, de la sugerencia y del cumplimiento")
un = unassigned()
t.check(un is not None and ARCH not in un and ANUL not in un and OTRO in un,
        "«Sin repartir» ya no lista %s ni %s" % (ARCH, ANUL))
c1 = carga()
t.check(c1.get("sin_repartir") == sin0 - 2, "sin_repartir baja en 2 (%s -> %s)" % (sin0, c1.get("sin_repartir")))
t.check(lawyer(c1, ABO2_ID).get("abiertos", 0) == 0 and lawyer(c1, ABO_ID).get("abiertos", 0) == 0,
        "la carga de los abogados ya no cuenta los desenlaces")
sug = [x["numero"] for a in c1.get("sugerencia", {}).get("abogados", []) for x in a.get("radicados", [])]
t.check(CARG not in sug and TRAS not in sug and suggested(c1, ABO2_ID).get("abiertos") == 0 and
        suggested(c1, ABO2_ID).get("puntaje") == 0, "la sugerencia de reparto no los cuenta (%s)" % sug)
st, h, ind = call("GET", "/api/indicadores?detalle=1")
of = ind.get("oficina", {})
t.check(of.get("desenlaces", {}).get("archivado", {}).get("n") == 2 and
        sorted(of.get("desenlaces", {}).get("archivado", {}).get("radicados", [])) == sorted([ARCH, CARG]),
        "indicadores: archivados %s" % of.get("desenlaces", {}).get("archivado"))
t.check(of.get("desenlaces", {}).get("trasladado") == {"n": 1, "radicados": [TRAS]} and
        of.get("desenlaces", {}).get("anulado") == {"n": 1, "radicados": [ANUL]},
        "indicadores: 1 trasladado y 1 anulado")
t.check(ARCH not in of.get("anulados", {}).get("radicados", []) and
        TRAS not in of.get("anulados", {}).get("radicados", []) and ANUL in of["anulados"]["radicados"],
        "los archivados y trasladados no se cuentan como anulados")
t.check(of.get("recibidos", {}).get("n") == rec0 - 4, "los recibidos medidos bajan en 4 (%s -> %s)" %
        (rec0, of.get("recibidos", {}).get("n")))
fuera = of.get("dentro_meta", {}).get("fuera", {}).get("radicados", []) + \
    of.get("dentro_meta", {}).get("dentro", {}).get("radicados", [])
t.check(all(n not in fuera for n in (ARCH, TRAS, CARG, ANUL)), "ninguno entra en el cumplimiento")

print("6. auditoría")
aud = q("SELECT a.campo, a.valor_anterior, a.valor_nuevo, a.usuario_id FROM auditoria a "
        "JOIN radicado r ON r.id = a.radicado_id WHERE r.numero = ? ORDER BY a.id", TRAS)
t.check(("estado", "en_revision", "trasladado", U["director"][0]) in aud and
        ("estado_anterior", "", "en_revision", U["director"][0]) in aud and
        any(c == "gestion" and (v or "").startswith("traslado #") for c, _, v, _ in aud),
        "el traslado deja filas de auditoría: estado, estado_anterior y la gestión")

print("7. reapertura")
st, h, b = gestion(TRAS, {"tipo": "reapertura", "texto": "volvió"}, token=ABO)
t.check(st == 403, "un abogado no reabre: 403")
st, h, b = gestion(TRAS, {"tipo": "reapertura"})
t.check(st == 422 and "«texto» es obligatorio para reabrir" in mensaje(b), "reabrir pide el motivo en «texto»")
st, h, b = gestion(TRAS, {"tipo": "reapertura", "texto": "Talento Humano lo devolvió"})
t.check(st == 201 and b["seguimiento"]["estado"] == "en_revision" and b["seguimiento"]["estado_anterior"] == "" and
        b["gestiones"][-1]["datos"] == {"desde": "trasladado", "a": "en_revision"} and
        b["sla"]["reloj"] == "corriendo", "reabierto: vuelve a en revisión con su reloj")
st, h, b = gestion(ARCH, {"tipo": "reapertura", "texto": "sí era contratación"})
t.check(st == 201 and b["seguimiento"]["estado"] == "recibido" and b["sla"]["reloj"] == "sin_iniciar",
        "el archivado reabierto vuelve a recibido")
st, h, b = gestion(ANUL, {"tipo": "reapertura", "texto": "la anulación se negó"})
t.check(st == 201 and b["seguimiento"]["estado"] == "recibido", "una anulación confirmada se deshace")
un = unassigned()
t.check(un is not None and ARCH in un and ANUL in un, "vuelven a «Sin repartir»")
c2 = carga()
t.check(c2.get("sin_repartir") == sin0 and lawyer(c2, ABO_ID).get("abiertos") == 1,
        "la carga vuelve a contar a %s y sin_repartir a %s y %s" % (TRAS, ARCH, ANUL))
st, h, b = gestion(TRAS, {"tipo": "reapertura", "texto": "otra vez"})
t.check(st == 422 and "solo se reabre" in mensaje(b), "un radicado abierto no se reabre")
st, h, ind = call("GET", "/api/indicadores?detalle=1")
t.check(ind["oficina"]["desenlaces"]["archivado"] == {"n": 1, "radicados": [CARG]} and
        ind["oficina"]["desenlaces"]["trasladado"]["n"] == 0, "los indicadores siguen a la reapertura")

print("8. el esquema")
t.check(q("PRAGMA user_version")[0][0] >= 6, "esquema en la versión 6 o posterior")
t.check(q("SELECT count(*) FROM seguimiento WHERE estado_anterior NOT IN ('', 'recibido', 'repartido', "
          "'en_revision', 'devuelto')")[0][0] == 0, "estado_anterior solo guarda estados abiertos")

t.finish()
