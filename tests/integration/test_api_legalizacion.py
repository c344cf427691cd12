"""Legalization dates and the anulación's discrepancy, over real HTTP against `segcont serve`:
PATCH refuses (422, Spanish, naming the field) a legalization date (RP, garantías, ARL, acta de
inicio) before the subscription date, stored or in the same PATCH, and any of these dates or the
subscription date after today (Bogotá); stored data that already breaks the rule does not make an
unrelated PATCH fail. The gestión anulacion resolves the filing's open anulado_en_sgd
discrepancy in the same transaction (a note naming the gestión and who); reapertura does not
reopen it."""
import datetime
import sqlite3

import segtest as t

env = t.start_api("api-legalizacion")
B, db = env["base"], env["db"]
U = env["users"]
DIR, APO = U["director"][1], U["apoyo"][1]
DIR_ID = U["director"][0]
today = t.today_bogota()
TOMORROW = (today + datetime.timedelta(days=1)).isoformat()
TODAY = today.isoformat()


def call(method, path, token=DIR, body=None):
    return t.api(B, method, path, token=token, body=body)


def q(sql, *args):
    return t.db_query(db, sql, *args)


def mensaje(b):
    return (b or {}).get("error", {}).get("mensaje", "") if isinstance(b, dict) else str(b)


def version(numero):
    return call("GET", "/api/radicados/" + numero)[2]["seguimiento"]["version"]


def patch(numero, fields, token=APO):
    body = dict(fields, version=version(numero))
    return call("PATCH", "/api/radicados/" + numero, token=token, body=body)


cands = [r[0] for r in q(
    "SELECT r.numero FROM radicado r JOIN seguimiento s ON s.radicado_id = r.id "
    "WHERE s.estado = 'recibido' AND r.estado_ds = 'vigente' ORDER BY r.numero")]
t.check(len(cands) >= 3, "hay radicados recibidos y vigentes (%d)" % len(cands))
N1, N2, N3 = cands[:3]

print("1. fechas de legalización anteriores a la suscripción")
st, h, b = patch(N1, {"fecha_suscripcion": "2026-03-10", "fecha_rp": "2026-03-09"})
t.check(st == 422 and b["error"]["codigo"] == "valor_invalido" and
        mensaje(b) == "«fecha_rp» (2026-03-09) es anterior a la fecha de suscripción del contrato "
        "(2026-03-10)", "RP anterior a la suscripción del mismo PATCH: 422 (%s)" % mensaje(b))
t.check(call("GET", "/api/radicados/" + N1)[2]["seguimiento"]["fecha_suscripcion"] is None,
        "el 422 no escribe nada")
st, h, b = patch(N1, {"fecha_suscripcion": "2026-03-10", "fecha_rp": "2026-03-10"})
t.check(st == 200 and b["seguimiento"]["fecha_rp"] == "2026-03-10",
        "RP el mismo día de la suscripción: 200")
for campo in ("fecha_aprobacion_garantias", "fecha_arl", "fecha_acta_inicio"):
    st, h, b = patch(N1, {campo: "2026-03-01"})
    t.check(st == 422 and ("«%s» (2026-03-01) es anterior" % campo) in mensaje(b) and
            "(2026-03-10)" in mensaje(b),
            "%s anterior a la suscripción guardada: 422 (%s)" % (campo, mensaje(b)))
st, h, b = patch(N1, {"fecha_suscripcion": "2026-03-11"})
t.check(st == 422 and "«fecha_rp» (2026-03-10) es anterior" in mensaje(b) and "(2026-03-11)" in mensaje(b),
        "mover la suscripción después del RP guardado: 422 (%s)" % mensaje(b))
st, h, b = patch(N1, {"fecha_suscripcion": "2026-03-02", "fecha_arl": "2026-03-05"})
t.check(st == 200 and b["seguimiento"]["fecha_suscripcion"] == "2026-03-02",
        "suscripción más temprana y ARL posterior: 200")
st, h, b = patch(N1, {"fecha_rp": None})
t.check(st == 200 and b["seguimiento"]["fecha_rp"] is None, "borrar una fecha siempre se puede")

print("2. fechas futuras")
for campo in ("fecha_suscripcion", "fecha_rp", "fecha_aprobacion_garantias", "fecha_arl",
              "fecha_acta_inicio"):
    st, h, b = patch(N2, {campo: TOMORROW})
    t.check(st == 422 and mensaje(b) == "«%s» (%s) es posterior a hoy (%s)" % (campo, TOMORROW, TODAY),
            "%s mañana: 422 (%s)" % (campo, mensaje(b)))
st, h, b = patch(N2, {"fecha_suscripcion": TODAY, "fecha_acta_inicio": TODAY})
t.check(st == 200 and b["seguimiento"]["fecha_acta_inicio"] == TODAY, "hoy sí se admite")

print("3. datos guardados que ya rompen la regla no traban otros cambios")
con = sqlite3.connect(db)
con.execute("UPDATE seguimiento SET fecha_suscripcion = '2026-05-20', fecha_rp = '2026-05-01', "
            "fecha_arl = ? WHERE radicado_id = (SELECT id FROM radicado WHERE numero = ?)",
            (TOMORROW, N3))
con.commit()
con.close()
st, h, b = patch(N3, {"numero_contrato": "CD-2026-9"})
t.check(st == 200 and b["seguimiento"]["numero_contrato"] == "CD-2026-9",
        "un PATCH del número de contrato no juzga las fechas guardadas (%s)" % mensaje(b))
st, h, b = patch(N3, {"fecha_acta_inicio": "2026-05-21"})
t.check(st == 200, "una fecha correcta pasa aunque otras guardadas no lo estén (%s)" % mensaje(b))
st, h, b = patch(N3, {"fecha_suscripcion": "2026-05-19"})
t.check(st == 422 and "«fecha_rp» (2026-05-01)" in mensaje(b),
        "cambiar la suscripción juzga de nuevo el par: 422 (%s)" % mensaje(b))
st, h, b = patch(N3, {"fecha_rp": "2026-05-02"})
t.check(st == 422 and "«fecha_rp» (2026-05-02) es anterior" in mensaje(b),
        "cambiar el RP lo juzga contra la suscripción guardada (%s)" % mensaje(b))

print("4. la anulación resuelve su discrepancia anulado_en_sgd")
rows = q("SELECT d.id, d.numero FROM discrepancia d JOIN radicado r ON r.numero = d.numero "
         "JOIN seguimiento s ON s.radicado_id = r.id WHERE d.tipo = 'anulado_en_sgd' "
         "AND d.estado = 'abierta' AND s.estado = 'recibido' ORDER BY d.id")
t.check(len(rows) >= 1, "la conciliación de base abrió discrepancias anulado_en_sgd (%d)" % len(rows))
DID, AN = rows[0]
st, h, b = call("GET", "/api/discrepancias?estado=abierta&tipo=anulado_en_sgd&por_pagina=100")
t.check(st == 200 and DID in [d["id"] for d in b["discrepancias"]], "Conciliación la lista abierta")
st, h, b = call("POST", "/api/radicados/%s/gestiones" % AN, body={"tipo": "anulacion"})
t.check(st == 201 and b["seguimiento"]["estado"] == "anulado", "anulación confirmada (%s)" % mensaje(b))
d = q("SELECT estado, resuelta_por, nota, cerrada_en FROM discrepancia WHERE id = ?", DID)[0]
t.check(d[0] == "resuelta" and d[1] == DIR_ID and d[3],
        "la discrepancia queda resuelta por la Directora: %s" % (d,))
t.check(d[2] == "anulación confirmada con la gestión «anulacion» por Directora Gómez",
        "la nota dice la gestión y quién: %s" % d[2])
aud = q("SELECT count(*) FROM auditoria WHERE campo = ? AND usuario_id = ?",
        "discrepancia #%d anulado_en_sgd" % DID, DIR_ID)[0][0]
t.check(aud == 1, "una fila de auditoría de la discrepancia")
st, h, b = call("GET", "/api/discrepancias?estado=abierta&tipo=anulado_en_sgd&por_pagina=100")
t.check(st == 200 and DID not in [x["id"] for x in b["discrepancias"]], "Conciliación ya no la lista")
others = [r[0] for r in rows[1:]]
st, h, b = call("POST", "/api/radicados/%s/gestiones" % AN,
                body={"tipo": "reapertura", "texto": "se revisa de nuevo"})
t.check(st == 201 and b["seguimiento"]["estado"] == "recibido", "reapertura de la anulación")
t.check(q("SELECT estado FROM discrepancia WHERE id = ?", DID)[0][0] == "resuelta",
        "la reapertura no reabre la discrepancia")
t.check(all(q("SELECT estado FROM discrepancia WHERE id = ?", i)[0][0] == "abierta" for i in others),
        "las discrepancias de otros radicados siguen abiertas")

t.finish()
