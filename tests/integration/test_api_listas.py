"""GET /api/radicados worklist parameters over real HTTP against `segcont serve`: abiertos=1,
semaforo=vencido|por_vencer, legalizacion_pendiente=1 (with which items each row misses),
orden=fecha_limite|dias_restantes (server-side, by the SLA block each row shows), and
conteos=1 (vencidos and por vencer under the same filters as the list), checked against the
rows' own SLA blocks and hand-set fixtures."""
import datetime
import sqlite3
import time

import segtest as t

E = t.start_api("listas", days=60, per_day=6)
U = E["users"]
DIR, ABO, APO = (U[k][1] for k in ("director", "abogado", "apoyo"))
ABO_ID, ABO2_ID = U["abogado"][0], U["abogado2"][0]


def get(path, token=DIR):
    st, h, b = t.api(E["base"], "GET", path, token=token)
    return st, b


free = [r[0] for r in t.db_query(E["db"], "SELECT r.numero FROM radicado r JOIN seguimiento s ON "
                                         "s.radicado_id = r.id WHERE s.estado = 'recibido' AND "
                                         "r.estado_ds = 'vigente' ORDER BY r.id")]
t.check(len(free) >= 30, "hay radicados sin repartir (%d)" % len(free))
MINE, OTHER = free[:12], free[12:20]
asig = [{"numero": x, "abogado_id": ABO_ID} for x in MINE] + \
       [{"numero": x, "abogado_id": ABO2_ID} for x in OTHER]
st, h, b = t.api(E["base"], "POST", "/api/reparto", token=DIR, body={"asignaciones": asig})
t.check(st == 200 and b["repartidos"] == 20, "reparto de 20 (%s)" % st)

# Backdate some repartos: 3 of mine and 2 of the other lawyer's long overdue, 2 of mine
# near their limit (a few business days before the meta).
con = sqlite3.connect(E["db"])
today = t.today_bogota()


def backdate(numero, days):
    when = (datetime.datetime.combine(today, datetime.time(15, 0)) -
            datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    rid = con.execute("SELECT id FROM radicado WHERE numero = ?", (numero,)).fetchone()[0]
    con.execute("UPDATE gestion SET fecha = ? WHERE radicado_id = ? AND tipo = 'reparto'",
                (when, rid))
    con.execute("UPDATE seguimiento SET fecha_reparto = ? WHERE radicado_id = ?", (when, rid))


for x in MINE[:3] + OTHER[:2]:
    backdate(x, 90)
# two of mine por vencer: meta - 1 business days used (1 left), counted Monday to Friday
# back from today (no holiday in the fixtures' recent past is needed: a holiday only makes
# them closer to the limit); each one's meta read from its block first
def back_for(used):
    d, n = 0, 0
    while n < used:
        if (today - datetime.timedelta(days=d)).weekday() < 5:
            n += 1
        d += 1
    return d


for x in MINE[3:5]:
    st, h, f = t.api(E["base"], "GET", "/api/radicados/" + x, token=DIR)
    backdate(x, back_for(f["sla"]["meta"] - 1))
con.commit()
con.close()
time.sleep(1.2)  # the server rereads SQLite's data_version within a second

print("1. abiertos=1 y orden=fecha_limite: los del abogado, del límite más próximo al más lejano")
st, b = get("/api/radicados?abogado_id=%d&abiertos=1&orden=fecha_limite&por_pagina=100" % ABO_ID,
            ABO)
t.check(st == 200 and b["total"] == 12, "12 abiertos del abogado (%s %s)" % (st, b.get("total")))
lim = [r["sla"]["fecha_limite"] for r in b["radicados"]]
t.check(all(lim) and lim == sorted(lim), "ordenados por fecha límite: %s" % lim)
t.check({r["numero"] for r in b["radicados"][:3]} == set(MINE[:3]),
        "los tres vencidos primero")
st, b2 = get("/api/radicados?abogado_id=%d&abiertos=1&orden=-fecha_limite&por_pagina=100" % ABO_ID)
t.check([r["numero"] for r in b2["radicados"]][-3:] != [] and
        [r["sla"]["fecha_limite"] for r in b2["radicados"]] == sorted(lim, reverse=True),
        "-fecha_limite: al revés")
st, b3 = get("/api/radicados?abogado_id=%d&abiertos=1&orden=dias_restantes&por_pagina=100" % ABO_ID)
dias = [r["sla"]["dias_restantes"] for r in b3["radicados"]]
t.check(st == 200 and dias == sorted(dias) and dias[0] < 0, "dias_restantes ascendente: %s" % dias)
st, b4 = get("/api/radicados?abogado_id=%d&abiertos=1&orden=-dias_restantes&por_pagina=5&pagina=3"
             % ABO_ID)
t.check(st == 200 and [r["sla"]["dias_restantes"] for r in b4["radicados"]] ==
        sorted(dias, reverse=True)[10:15], "-dias_restantes, página 3 de 5")
st, b5 = get("/api/radicados?orden=fecha_limite&por_pagina=100")
nulls = [r["sla"] is None or r["sla"].get("fecha_limite") is None for r in b5["radicados"]]
t.check(st == 200 and nulls == sorted(nulls), "sin fecha límite al final")

print("2. semaforo y conteos siguen los filtros")
st, b = get("/api/radicados?abogado_id=%d&semaforo=vencido&por_pagina=100" % ABO_ID, ABO)
t.check(st == 200 and sorted(r["numero"] for r in b["radicados"]) == sorted(MINE[:3]),
        "semaforo=vencido con abogado_id: los tres míos (%s)" % b.get("total"))
t.check(all(r["sla"]["estado"] == "vencido" for r in b["radicados"]), "todos vencidos")
st, b = get("/api/radicados?abogado_id=%d&semaforo=por_vencer&por_pagina=100" % ABO_ID, ABO)
t.check(st == 200 and b["total"] == 2 and sorted(r["numero"] for r in b["radicados"]) ==
        sorted(MINE[3:5]), "semaforo=por_vencer justo después: su propio total (%s)" % b["total"])
st, b = get("/api/radicados?semaforo=vencido&por_pagina=100")
t.check(st == 200 and sorted(r["numero"] for r in b["radicados"]) ==
        sorted(MINE[:3] + OTHER[:2]), "semaforo=vencido en la oficina: cinco")
st, ind = get("/api/indicadores?detalle=1&desde=%s&hasta=%s" % (today, today))
t.check(st == 200 and sorted(x["numero"] for x in ind["vencidos"]) ==
        sorted(MINE[:3] + OTHER[:2]), "los mismos que los indicadores")
st, b = get("/api/radicados?abogado_id=%d&conteos=1&por_pagina=1" % ABO_ID, ABO)
allmine = get("/api/radicados?abogado_id=%d&por_pagina=100" % ABO_ID)[1]["radicados"]
pv = sum(1 for r in allmine if r["sla"] and r["sla"]["estado"] == "por_vencer")
t.check(pv == 2, "dos radicados por vencer (%d)" % pv)
t.check(st == 200 and b["conteos"] == {"vencidos": 3, "por_vencer": pv},
        "conteos del abogado: 3 vencidos, %d por vencer (%s)" % (pv, b.get("conteos")))
st, b = get("/api/radicados?conteos=1&por_pagina=1")
t.check(st == 200 and b["conteos"]["vencidos"] == 5, "conteos de la oficina: 5 vencidos")
st, b = get("/api/radicados?abogado_id=%d&conteos=1" % ABO2_ID)
t.check(st == 200 and b["conteos"]["vencidos"] == 2, "conteos del otro abogado: 2")
st, b = get("/api/radicados?estado=recibido&conteos=1")
t.check(st == 200 and b["conteos"] == {"vencidos": 0, "por_vencer": 0},
        "sin repartir: ningún vencido")
st, b = get("/api/radicados?abogado_id=%d" % ABO_ID)
t.check(st == 200 and "conteos" not in b, "sin conteos=1 no hay conteos")
st, b = get("/api/radicados?abogado_id=%d&semaforo=por_vencer&conteos=1" % ABO_ID)
t.check(st == 200 and b["total"] == pv and b["conteos"] == {"vencidos": 3, "por_vencer": pv},
        "semaforo=por_vencer: los conteos siguen los demás filtros, no el del semáforo")

print("3. legalizacion_pendiente: contratos firmados con algo por legalizar, y qué")
full, part = MINE[5], MINE[6]
for numero, body in (
        (full, {"numero_contrato": "CT-2026-001", "fecha_suscripcion": str(today),
                "fecha_rp": str(today), "fecha_aprobacion_garantias": str(today),
                "fecha_arl": str(today), "fecha_acta_inicio": str(today),
                "publicado_secop": True}),
        (part, {"numero_contrato": "CT-2026-002", "fecha_suscripcion": str(today),
                "fecha_rp": str(today)})):
    st, h, f = t.api(E["base"], "GET", "/api/radicados/" + numero, token=ABO)
    body["version"] = f["seguimiento"]["version"]
    st, h, r = t.api(E["base"], "PATCH", "/api/radicados/" + numero, token=ABO, body=body)
    t.check(st == 200, "PATCH de %s: %s %s" % (numero, st, r if st != 200 else ""))
st, b = get("/api/radicados?legalizacion_pendiente=1&por_pagina=100", APO)
t.check(st == 200 and [r["numero"] for r in b["radicados"]] == [part],
        "solo el contrato incompleto (%s)" % [r["numero"] for r in b["radicados"]])
t.check(b["radicados"][0]["legalizacion_pendiente"] ==
        ["fecha_aprobacion_garantias", "fecha_arl", "fecha_acta_inicio", "publicado_secop"],
        "lo que falta: %s" % b["radicados"][0]["legalizacion_pendiente"])
row = [r for r in get("/api/radicados?q=%s" % full)[1]["radicados"] if r["numero"] == full]
t.check(row and row[0]["legalizacion_pendiente"] == [], "el completo: nada pendiente")
row = [r for r in get("/api/radicados?q=%s" % MINE[7])[1]["radicados"] if r["numero"] == MINE[7]]
t.check(row and row[0]["legalizacion_pendiente"] is None, "sin contrato: null")

print("4. valores refusados")
for qs in ("abiertos=2", "semaforo=rojo", "legalizacion_pendiente=si", "conteos=x",
           "orden=fecha_limit"):
    st, b = get("/api/radicados?" + qs)
    t.check(st in (400, 422) and b["error"]["mensaje"], "%s: %s" % (qs, st))

t.finish()
