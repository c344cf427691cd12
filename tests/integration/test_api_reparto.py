"""POST /api/reparto over real HTTP against `segcont serve`: roles, the body's shape, every
422 of an item (the bad one at position 7, nothing assigned after it), 1 and 200 items, 201
refused, and the result equal field by field to 200 single repartos made on a second server
over the same data (the seguimiento row, the gestión rows, the audit rows, the fecha
límite)."""
import sqlite3

import segtest as t

DAYS, PER_DAY = 130, 8  # about 1,000 filings: 200 + 200 + the cases, all still recibido
A = t.start_api("reparto_a", days=DAYS, per_day=PER_DAY)
U = A["users"]
DIR, ABO, APO, ADM = (U[k][1] for k in ("director", "abogado", "apoyo", "admin"))
ABO_ID, ABO2_ID, APO_ID, INA_ID = (U[k][0] for k in ("abogado", "abogado2", "apoyo",
                                                      "inactivo"))


def call(env, method, path, token=None, body=None):
    return t.api(env["base"], method, path, token=token or env["users"]["director"][1],
                 body=body)


def q(env, sql, *args):
    return t.db_query(env["db"], sql, *args)


def counts(env):
    return (q(env, "SELECT COUNT(*) FROM seguimiento WHERE estado = 'recibido'")[0][0],
            q(env, "SELECT COUNT(*) FROM gestion")[0][0],
            q(env, "SELECT COUNT(*) FROM auditoria")[0][0])


sin_repartir = [r[0] for r in q(A, "SELECT r.numero FROM radicado r JOIN seguimiento s ON "
                                   "s.radicado_id = r.id WHERE s.estado = 'recibido' AND "
                                   "r.estado_ds = 'vigente' ORDER BY r.fecha_radicacion, r.id")]
t.check(len(sin_repartir) >= 420, "hay radicados sin repartir (%d)" % len(sin_repartir))
# the pool: cases first, then the 200 compared with the single repartos
POOL = sin_repartir[:20]
BULK = sin_repartir[20:220]
MORE = sin_repartir[220:421]


def good(n, first=0):
    return [{"numero": x, "abogado_id": ABO_ID if i % 2 == 0 else ABO2_ID}
            for i, x in enumerate(POOL[first:first + n])]


print("1. roles")
before = counts(A)
for key in ("abogado", "apoyo", "admin"):
    st, h, b = call(A, "POST", "/api/reparto", token=U[key][1], body={"asignaciones": good(1)})
    t.check(st == 403 and b["error"]["codigo"] == "rol_no_autorizado",
            "%s no reparte en bloque: 403 (%s)" % (key, st))
st, h, b = t.api(A["base"], "POST", "/api/reparto", body={"asignaciones": good(1)})
t.check(st == 401, "sin token: 401")
t.check(counts(A) == before, "nada repartido con los 403 y el 401")

print("2. la forma del cuerpo")
for body, status, codigo, what in (
        (None, 400, None, "sin cuerpo"),
        ({}, 400, "campo_requerido", "sin «asignaciones»"),
        ({"asignaciones": "x"}, 400, "tipo_invalido", "«asignaciones» no es una lista"),
        ({"asignaciones": good(1), "otro": 1}, 400, "campo_desconocido", "un campo de más"),
        ({"asignaciones": []}, 422, "valor_invalido", "lista vacía"),
        ({"asignaciones": [{"numero": x, "abogado_id": ABO_ID} for x in MORE]}, 422,
         "valor_invalido", "201 asignaciones")):
    st, h, b = call(A, "POST", "/api/reparto", body=body)
    err = b.get("error", {}) if isinstance(b, dict) else {}
    t.check(st == status and (codigo is None or err.get("codigo") == codigo) and
            err.get("mensaje"), "%s: %d %s (%s %s)" % (what, status, codigo or "", st, err))
t.check(len(MORE) == 201, "la lista refusada tenía 201 elementos")
t.check(counts(A) == before, "nada repartido tras los 400 y el 201")

print("3. 422: el primer elemento que no se puede repartir, en la posición 7; nada queda")
# one filing concluded (not assignable: it must be reopened first), one already with ABO
concl, mine = POOL[15], POOL[16]
st, h, b = call(A, "POST", "/api/radicados/%s/reparto" % concl, body={"abogado_id": ABO_ID})
t.check(st == 200, "reparto previo de %s" % concl)
st, h, b = call(A, "POST", "/api/radicados/%s/gestiones" % concl, token=ABO,
                body={"tipo": "conclusion", "satisfactorio": True})
t.check(st == 201 and b["seguimiento"]["estado"] == "concluido", "%s concluido" % concl)
st, h, b = call(A, "POST", "/api/radicados/%s/reparto" % mine, body={"abogado_id": ABO_ID})
t.check(st == 200, "reparto previo de %s a la abogada" % mine)
before = counts(A)
six = good(6)
cases = [
    ({"numero": "99999999999999", "abogado_id": ABO_ID}, "radicado_no_encontrado",
     "no existe el radicado", "número desconocido"),
    ({"numero": "no/válido", "abogado_id": ABO_ID}, "radicado_no_encontrado",
     "número de radicado inválido", "número mal formado"),
    ({"numero": concl, "abogado_id": ABO2_ID}, "transicion_invalida",
     "reapertura", "concluido: no se reparte en su estado"),
    ({"numero": mine, "abogado_id": ABO_ID}, "transicion_invalida", "ya lo tiene asignado",
     "al abogado que ya lo tiene"),
    ({"numero": POOL[7], "abogado_id": APO_ID}, "valor_invalido", "no es un abogado activo",
     "a un usuario de apoyo"),
    ({"numero": POOL[7], "abogado_id": INA_ID}, "valor_invalido", "no es un abogado activo",
     "a un abogado inactivo"),
    ({"numero": POOL[7], "abogado_id": 99999}, "valor_invalido", "no es un abogado activo",
     "a un usuario que no existe"),
    ({"numero": POOL[1], "abogado_id": ABO2_ID}, "radicado_repetido", "asignación 2",
     "un número dos veces"),
    ({"numero": 123, "abogado_id": ABO_ID}, "valor_invalido", "«numero» debe ser un texto",
     "número no es texto"),
    ({"numero": POOL[7], "abogado_id": "3"}, "valor_invalido", "«abogado_id»",
     "abogado_id no es entero"),
    ({"numero": POOL[7], "abogado_id": 0}, "valor_invalido", "«abogado_id»", "abogado_id 0"),
    ({"numero": POOL[7]}, "valor_invalido", "«abogado_id»", "sin abogado_id"),
    ({"numero": POOL[7], "abogado_id": ABO_ID, "texto": "x"}, "valor_invalido",
     "campo desconocido «texto»", "un campo de más en el elemento"),
    ("20240001", "valor_invalido", "debe ser un objeto", "el elemento no es un objeto"),
]
for item, codigo, part, what in cases:
    body = {"asignaciones": six + [item] + good(3, first=8)}
    st, h, b = call(A, "POST", "/api/reparto", body=body)
    err = b.get("error", {}) if isinstance(b, dict) else {}
    msg = err.get("mensaje", "")
    t.check(st == 422 and err.get("codigo") == codigo and msg.startswith("asignación 7") and
            part in msg, "%s: 422 %s «%s»" % (what, codigo, msg))
    t.check(counts(A) == before, "%s: nada repartido, ni gestión ni auditoría" % what)
st, h, b = call(A, "GET", "/api/radicados/" + POOL[0])
t.check(b["seguimiento"]["estado"] == "recibido" and b["seguimiento"]["abogado_id"] is None and
        b["seguimiento"]["version"] == 1, "el primer elemento sigue sin repartir (versión 1)")

print("4. un elemento")
st, h, b = call(A, "POST", "/api/reparto", body={"asignaciones": good(1)})
t.check(st == 200 and b.get("repartidos") == 1 and len(b.get("radicados", [])) == 1,
        "un elemento: 200, repartidos 1 (%s)" % b)
row = b["radicados"][0]
st, h, g = call(A, "GET", "/api/radicados/" + POOL[0])
t.check(row["numero"] == POOL[0] and row["abogado_id"] == ABO_ID and row["fecha_limite"] and
        row["fecha_limite"] == g["sla"]["fecha_limite"],
        "la fila: numero, abogado_id y la fecha límite del radicado (%s)" % row)
t.check(g["seguimiento"]["estado"] == "repartido" and g["seguimiento"]["abogado_id"] == ABO_ID,
        "el radicado quedó repartido a la abogada")

print("5. 200 elementos, comparados con 200 repartos uno a uno en otro servidor")
plan = [{"numero": x, "abogado_id": (ABO_ID, ABO2_ID)[i % 3 == 0]} for i, x in enumerate(BULK)]
st, h, b = call(A, "POST", "/api/reparto", body={"asignaciones": plan})
t.check(st == 200 and b.get("repartidos") == 200 and len(b.get("radicados", [])) == 200,
        "200 elementos: 200, repartidos 200")
bulk_rows = {r["numero"]: r for r in b.get("radicados", [])}
t.check([r["numero"] for r in b.get("radicados", [])] == BULK, "las filas en el orden pedido")

B = t.start_api("reparto_b", days=DAYS, per_day=PER_DAY)
t.check(B["users"]["abogado"][0] == ABO_ID and B["users"]["abogado2"][0] == ABO2_ID,
        "el segundo servidor tiene los mismos usuarios")
single = {}
ok = 0
for p in plan:
    st, h, r = call(B, "POST", "/api/radicados/%s/reparto" % p["numero"],
                    body={"abogado_id": p["abogado_id"]})
    ok += st == 200
    single[p["numero"]] = r
t.check(ok == 200, "200 repartos uno a uno: 200 cada uno (%d)" % ok)

SEG = ("SELECT s.* FROM seguimiento s JOIN radicado r ON r.id = s.radicado_id "
       "WHERE r.numero = ?")
GES = ("SELECT g.tipo, g.usuario_id, g.texto, g.satisfactorio, g.datos, substr(g.fecha, 1, 10) "
       "FROM gestion g JOIN radicado r ON r.id = g.radicado_id WHERE r.numero = ? ORDER BY g.id")
# the gestion's audit row names its row ("reparto #id"): the id must be that database's own
AUD = ("SELECT a.usuario_id, a.campo, a.valor_anterior, "
       "CASE WHEN a.campo = 'fecha_reparto' THEN substr(a.valor_nuevo, 1, 10) "
       "WHEN a.campo = 'gestion' AND a.valor_nuevo = 'reparto #' || (SELECT max(g.id) FROM "
       "gestion g WHERE g.radicado_id = a.radicado_id) THEN 'reparto #<su id>' "
       "ELSE a.valor_nuevo END, substr(a.fecha, 1, 10) "
       "FROM auditoria a JOIN radicado r ON r.id = a.radicado_id WHERE r.numero = ? "
       "ORDER BY a.id")


def seg_row(env, numero):
    con = sqlite3.connect(env["db"])
    con.row_factory = sqlite3.Row
    r = dict(con.execute(SEG, (numero,)).fetchone())
    con.close()
    # the stored SLA block carries the reparto's instant; its fecha límite is compared below;
    # the kept list row (fila) is made of the columns compared here
    r = {k: v for k, v in r.items() if not k.startswith("sla") and k != "fila"}
    for k in ("creado", "actualizado", "fecha_reparto"):  # instants: the day must agree
        r[k] = (r[k] or "")[:10]
    return r


diff = {"seguimiento": [], "gestion": [], "auditoria": [], "fecha_limite": []}
for p in plan:
    n = p["numero"]
    if seg_row(A, n) != seg_row(B, n):
        diff["seguimiento"].append(n)
    if q(A, GES, n) != q(B, GES, n) or len(q(A, GES, n)) != 1:
        diff["gestion"].append(n)
    if q(A, AUD, n) != q(B, AUD, n) or len(q(A, AUD, n)) < 3:
        diff["auditoria"].append(n)
    st, h, ga = call(A, "GET", "/api/radicados/" + n)
    fl_single = single[n].get("sla", {}).get("fecha_limite")
    if not (bulk_rows.get(n, {}).get("fecha_limite") == fl_single == ga["sla"]["fecha_limite"]
            and fl_single):
        diff["fecha_limite"].append(n)
for what, bad in diff.items():
    t.check(not bad, "%s igual al de los repartos uno a uno en los 200 (distintos: %s)" %
            (what, bad[:3]))
ex = BULK[0]
t.check(q(A, GES, ex)[0][:2] == ("reparto", U["director"][0]),
        "la gestión es un «reparto» de la Directora")
t.check(sorted(r[1] for r in q(A, AUD, ex)) == ["abogado_id", "estado", "fecha_reparto",
                                                "gestion"],
        "la auditoría: abogado_id, estado, fecha_reparto, gestion")

print("6. la caché sigue a la escritura: la carga y el listado ven los 200")
st, h, b = call(A, "GET", "/api/radicados?estado=recibido&por_pagina=1")
t.check(b["total"] == before[0] - 201, "sin repartir: %d menos (%d)" % (201, b["total"]))
st, h, b = call(A, "GET", "/api/abogados/carga")
carga = {x["id"]: x["abiertos"] for x in b["abogados"]}
expected_abo = 1 + 1 + sum(1 for p in plan if p["abogado_id"] == ABO_ID)  # mine, POOL[0]
t.check(carga.get(ABO_ID) == expected_abo, "la carga de la abogada: %s (%s)" %
        (expected_abo, carga.get(ABO_ID)))

t.finish()
