"""Age in the queue, over real HTTP against `segcont serve`: an unassigned filing's "sla" block
carries dias_en_espera, the business days since it arrived counted as dias_usados counts
(the office's calendar: weekends, Colombian holidays, an extra non-working day of the
configuration, the closing time), in GET /api/radicados rows and GET /api/radicados/{numero};
null once assigned or out of the queue."""
import datetime
import sqlite3

import segtest as t

today = t.today_bogota()
# an extra non-working day of the office: three business days ago at the latest
EXTRA = today - datetime.timedelta(days=3)
while EXTRA.weekday() >= 5:
    EXTRA -= datetime.timedelta(days=1)
env = t.start_api("api-espera", calendar__non_working_days=EXTRA.isoformat())
B, db, conf = env["base"], env["db"], env["conf"]
U = env["users"]
DIR, ABO_ID = U["director"][1], U["abogado"][0]


def call(method, path, token=DIR, body=None):
    return t.api(B, method, path, token=token, body=body)


off = set()
for year in {today.year, today.year - 1}:
    rc, out, err = t.run_segcont("calendario", "-c", conf, "festivos", str(year))
    t.check(rc == 0, "festivos %d de la oficina" % year)
    off |= {datetime.date.fromisoformat(x) for x in out.split()}
t.check(EXTRA in off, "el día no hábil de la oficina está en su calendario")


def business(d):
    return d.weekday() < 5 and d not in off


def expected(arrival_day, after_closing):
    """Business days in (day 0, today], day 0 the arrival's day, or the next business day
    when it arrived after the closing time or on a day off."""
    d0 = arrival_day
    if after_closing or not business(d0):
        d0 += datetime.timedelta(days=1)
        while not business(d0):
            d0 += datetime.timedelta(days=1)
    n, d = 0, d0 + datetime.timedelta(days=1)
    while d <= today:
        n += business(d)
        d += datetime.timedelta(days=1)
    return n


cands = [r[0] for r in t.db_query(
    db, "SELECT r.numero FROM radicado r JOIN seguimiento s ON s.radicado_id = r.id "
    "WHERE s.estado = 'recibido' AND r.estado_ds = 'vigente' ORDER BY r.numero")]
t.check(len(cands) >= 4, "hay radicados sin repartir (%d)" % len(cands))
N_OLD, N_LATE, N_WEEKEND, N_REP = cands[:4]
d_old = today - datetime.timedelta(days=20)
d_late = today - datetime.timedelta(days=9)
while not business(d_late):
    d_late -= datetime.timedelta(days=1)
d_weekend = today - datetime.timedelta(days=(today.weekday() + 2) % 7 + 7)  # a Saturday
cases = {N_OLD: (d_old, "T10:00:00-05:00", False), N_LATE: (d_late, "T16:45:00-05:00", True),
         N_WEEKEND: (d_weekend, "T09:00:00-05:00", False), N_REP: (d_old, "T10:00:00-05:00", False)}
con = sqlite3.connect(db)
for n, (d, hora, late) in cases.items():
    con.execute("UPDATE radicado SET fecha_radicacion = ? WHERE numero = ?", (d.isoformat() + hora, n))
con.commit()
con.close()

print("1. días en espera en la ficha y en la lista")
for n, (d, hora, late) in cases.items():
    if n == N_REP:
        continue
    st, h, b = call("GET", "/api/radicados/" + n)
    want = expected(d, late)
    t.check(st == 200 and b["sla"]["dias_en_espera"] == want and b["sla"]["reloj"] == "sin_iniciar",
            "%s llegó %s%s: %d días hábiles en espera (%s)" % (n, d, hora, want, b["sla"].get("dias_en_espera")))
rows, pagina = {}, 1
while True:
    st, h, b = call("GET", "/api/radicados?estado=recibido&por_pagina=100&pagina=%d" % pagina)
    rows.update({r["numero"]: r for r in b["radicados"]})
    if len(b["radicados"]) < 100:
        break
    pagina += 1
t.check(all(rows[n]["sla"]["dias_en_espera"] == expected(*[cases[n][0], cases[n][2]])
            for n in (N_OLD, N_LATE, N_WEEKEND)), "las filas de la lista traen el mismo valor")
vig = [r for r in rows.values() if r["estado_ds"] != "anulado"]
anul = [r for r in rows.values() if r["estado_ds"] == "anulado"]
t.check(all(isinstance(r["sla"]["dias_en_espera"], int) for r in vig),
        "toda fila sin repartir trae dias_en_espera (%d filas)" % len(vig))
t.check(all(r["sla"]["dias_en_espera"] is None and r["sla"]["reloj"] == "no_aplica" for r in anul),
        "anulado en el sistema documental: sin reloj ni espera (%d filas)" % len(anul))

print("2. repartido o fuera de la cola: null")
v = call("GET", "/api/radicados/" + N_REP)[2]["seguimiento"]["version"]
st, h, b = call("POST", "/api/radicados/%s/reparto" % N_REP, body={"abogado_id": ABO_ID, "version": v})
t.check(st in (200, 201) and b["sla"]["dias_en_espera"] is None and b["sla"]["reloj"] == "corriendo",
        "repartido: dias_en_espera null (%s)" % st)
st, h, b = call("GET", "/api/radicados?estado=repartido&por_pagina=100")
t.check(st == 200 and b["radicados"] and all(r["sla"]["dias_en_espera"] is None for r in b["radicados"]),
        "las filas repartidas traen null")
st, h, b = call("POST", "/api/radicados/%s/gestiones" % N_OLD, body={"tipo": "archivo", "motivo": "derecho de petición"})
t.check(st == 201 and b["sla"]["dias_en_espera"] is None, "archivado: null")

t.finish()
