"""GET /api/indicadores?base=actividad|radicacion over real HTTP against `segcont serve`, on
hand-counted fixtures: (1) six filings of June-July 2026 with gestiones on known days
(tests/data/actividad-scenario.sql, whose header has the business-day arithmetic) and (2) the
issue's case: 20 repartos, 9 conclusions and 5 devoluciones made today through the API on
filings received two months ago. Under actividad they are today's work; under radicacion they
belong to the month of their filing. Also: radicacion stays the default; an unknown base is a
422 in Spanish; «tiempo hasta el reparto» per period and per area."""
import datetime
import os
import sqlite3

import segtest as t

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "data", "actividad-scenario.sql")

env = t.start_api("api-actividad", days=75)
B, db = env["base"], env["db"]
U = env["users"]
DIR, ABO = U["director"][1], U["abogado"][1]
ABO_ID, ABO2_ID = U["abogado"][0], U["abogado2"][0]
F = {i: "20269990000%02d1" % i for i in range(1, 7)}


def call(method, path, token=DIR, body=None):
    return t.api(B, method, path, token=token, body=body)


def ind(desde, hasta, base=None):
    path = "/api/indicadores?detalle=1&desde=%s&hasta=%s" % (desde, hasta)
    if base is not None:
        path += "&base=" + base
    st, h, b = call("GET", path)
    t.check(st == 200, "GET %s: 200 (%s)" % (path, st))
    return b


def cnt(c):
    """(n, sorted numeros) of a {"n", "radicados"} figure."""
    return (c["n"], sorted(c["radicados"]))


def times(x):
    return (x["n"], x["mediana"], x["p90"], sorted((m["numero"], m["dias"]) for m in x["mediciones"]))


def fx(*ids):
    return sorted(F[i] for i in ids)


def area(b, codigo):
    for a in b["por_area"]:
        if a["dependencia_origen"] == codigo:
            return a
    return None


con = sqlite3.connect(db)
with open(FIXTURE, encoding="utf-8") as f:
    con.executescript(f.read())
con.close()

print("1. julio de 2026 por actividad: lo hecho en julio, sea cual sea la fecha de radicación")
b = ind("2026-07-01", "2026-07-31", "actividad")
o = b["oficina"]
t.check(b["periodo"]["base"] == "actividad" and "hecho en el periodo" in b["periodo"]["criterio"],
        "periodo.base es actividad y el criterio lo dice en español")
t.check(cnt(o["recibidos"]) == (1, fx(6)), "recibidos en julio: solo F6 (%s)" % (o["recibidos"],))
t.check(cnt(o["repartidos"]) == (4, fx(1, 2, 4, 5)),
        "repartidos en julio: F1 F2 F4 F5, F3 se repartió en junio (%s)" % (o["repartidos"],))
t.check(cnt(o["reasignaciones"]) == (1, fx(5)), "una reasignación (F5), aparte de los repartos")
t.check(cnt(o["devoluciones"]) == (1, fx(2)), "una devolución en julio (F2)")
t.check(cnt(o["concluidos"]) == (3, fx(1, 2, 3)), "concluidos en julio: F1 F2 F3")
t.check(times(o["dias_habiles"]) == (3, 5.0, 8.2, sorted([(F[1], 5), (F[2], 9), (F[3], 2)])),
        "días hábiles de respuesta 5, 9 y 2: mediana 5, p90 8.2 (%s)" % (times(o["dias_habiles"]),))
dm = o["dentro_meta"]
t.check(dm["base"] == 5 and dm["porcentaje"] == 40.0 and sorted(dm["dentro"]["radicados"]) == fx(1, 3)
        and sorted(dm["fuera"]["radicados"]) == fx(2, 4, 5),
        "dentro de la meta: F1 F3; fuera: F2 (9 > 5) y F4 F5 (vencidos en julio): 40 %% (%s)" % (dm,))
g = o["gestiones"]
t.check((g["reparto"]["n"], g["reasignacion"]["n"], g["devolucion"]["n"], g["reingreso"]["n"],
         g["conclusion"]["n"], g["observacion"]["n"]) == (4, 1, 1, 1, 3, 0),
        "gestiones de julio por tipo: 4 repartos, 1 reasignación, 1 devolución, 1 reingreso, "
        "3 conclusiones, 0 observaciones")
t.check(times(o["tiempo_hasta_reparto"]) ==
        (4, 1.5, 8.3, sorted([(F[1], 1), (F[2], 1), (F[4], 11), (F[5], 2)])),
        "tiempo hasta el reparto de los repartos de julio: 1 1 11 2 (%s)" % (times(o["tiempo_hasta_reparto"]),))
a1, a2 = area(b, "9600"), area(b, "9700")
t.check(a1 is not None and a1["devoluciones"]["n"] == 1 and a1["recibidos"]["n"] == 0 and
        times(a1["correccion_dias"]) == (1, 4.0, 4.0, [(F[2], 4)]) and
        times(a1["tiempo_hasta_reparto"])[:2] == (2, 1.0),
        "área 9600: 1 devolución, corrección de 4 días, hasta el reparto mediana 1 (%s)" % (a1,))
t.check(a2 is not None and a2["recibidos"]["n"] == 1 and
        times(a2["tiempo_hasta_reparto"]) == (2, 6.5, 10.1, sorted([(F[4], 11), (F[5], 2)])),
        "área 9700: 1 recibido (F6), hasta el reparto 11 y 2: mediana 6,5 (%s)" % (a2 and a2["tiempo_hasta_reparto"],))
fix = [x for x in b["por_abogado"] if x["abogado_id"] == 900]
t.check(len(fix) == 1 and fix[0]["asignados"]["n"] == 4 and fix[0]["concluidos"]["n"] == 3,
        "por abogado: la abogada del escenario tiene 4 asignaciones y 3 conclusiones en julio")

print("2. agosto por actividad; junio, julio y agosto por radicación")
b = ind("2026-08-01", "2026-08-31", "actividad")
o = b["oficina"]
t.check(cnt(o["repartidos"]) == (1, fx(6)) and cnt(o["concluidos"]) == (1, fx(6)) and
        times(o["dias_habiles"])[:2] == (1, 2.0) and cnt(o["recibidos"]) == (0, []),
        "agosto por actividad: F6 repartido y concluido en 2 días, nada recibido")
t.check(times(o["tiempo_hasta_reparto"]) == (1, 20.0, 20.0, [(F[6], 20)]),
        "F6 esperó 20 días hábiles hasta el reparto")
t.check(o["dentro_meta"]["base"] == 1 and o["dentro_meta"]["porcentaje"] == 100.0,
        "agosto: F4 y F5 vencieron en julio, no cuentan en agosto")
b = ind("2026-06-01", "2026-06-30", "radicacion")
o = b["oficina"]
t.check(b["periodo"]["base"] == "radicacion", "periodo.base es radicacion")
t.check(cnt(o["recibidos"]) == (5, fx(1, 2, 3, 4, 5)) and cnt(o["repartidos"]) == (5, fx(1, 2, 3, 4, 5)),
        "junio por radicación: F1-F5 recibidos y repartidos")
t.check(cnt(o["concluidos"]) == (3, fx(1, 2, 3)) and times(o["dias_habiles"])[:3] == (3, 5.0, 8.2),
        "junio por radicación: las 3 conclusiones de julio cuentan en junio")
t.check(cnt(o["devoluciones"]) == (1, fx(2)) and cnt(o["en_curso"]) == (2, fx(4, 5)),
        "junio por radicación: 1 devolución, F4 y F5 en curso")
t.check(times(o["tiempo_hasta_reparto"]) ==
        (5, 1.0, 7.4, sorted([(F[1], 1), (F[2], 1), (F[3], 0), (F[4], 11), (F[5], 2)])),
        "junio por radicación: hasta el reparto 1 1 0 11 2 (%s)" % (times(o["tiempo_hasta_reparto"]),))
t.check(o["gestiones"]["reparto"]["n"] == 5 and o["gestiones"]["conclusion"]["n"] == 3,
        "junio por radicación: las gestiones de esos radicados, de cualquier fecha")
b = ind("2026-07-01", "2026-07-31", "radicacion")
o = b["oficina"]
t.check(cnt(o["recibidos"]) == (1, fx(6)) and cnt(o["concluidos"]) == (1, fx(6)) and
        cnt(o["devoluciones"]) == (0, []) and times(o["tiempo_hasta_reparto"])[:2] == (1, 20.0),
        "julio por radicación: solo F6 (concluido en agosto), ninguna devolución")
b = ind("2026-08-01", "2026-08-31", "radicacion")
t.check(b["oficina"]["recibidos"]["n"] == 0 and b["oficina"]["concluidos"]["n"] == 0,
        "agosto por radicación: nada radicado, nada concluido")

print("3. la base por omisión y una base desconocida")
d1 = ind("2026-06-01", "2026-06-30")
d2 = ind("2026-06-01", "2026-06-30", "radicacion")
d1.pop("corte", None)
d2.pop("corte", None)
t.check(d1 == d2, "sin base, el resultado es el de base=radicacion")
st, h, e = call("GET", "/api/indicadores?desde=2026-06-01&hasta=2026-06-30&base=tramite")
t.check(st == 422 and "actividad" in e.get("error", {}).get("mensaje", "") and "radicacion" in e["error"]["mensaje"],
        "base=tramite: 422 que nombra actividad y radicacion (%s %s)" % (st, e))

print("3b. la exportación sigue la base: sus filas son las del periodo en esa base")
for base, want in (("actividad", [1, 2, 3, 4, 5, 6]), ("radicacion", [6])):
    st, h, body = t.api(B, "GET", "/api/export.csv?desde=2026-07-01&hasta=2026-07-31&base=" + base,
                        token=DIR)
    text = body.decode("utf-8") if isinstance(body, bytes) else str(body)
    got = [i for i in range(1, 7) if F[i] in text]
    t.check(st == 200 and got == want, "CSV de julio, base %s: filas de %s (%s)" % (base, want, got))
st, h, e = call("GET", "/api/export.xlsx?base=otra")
t.check(st == 422, "exportación con base desconocida: 422 (%s)" % st)

print("4. el trabajo de hoy sobre radicados de hace dos meses (el caso del issue)")
today = t.today_bogota()
two = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1) - datetime.timedelta(days=1)
m_from = two.replace(day=1).isoformat()
m_to = two.isoformat()
month_from = today.replace(day=1).isoformat()
cands = [r[0] for r in t.db_query(
    db, "SELECT r.numero FROM radicado r JOIN seguimiento s ON s.radicado_id = r.id "
    "WHERE s.estado = 'recibido' AND r.estado_ds = 'vigente' AND substr(r.fecha_radicacion, 1, 10) "
    "BETWEEN ? AND ? ORDER BY r.fecha_radicacion, r.numero", m_from, m_to)]
t.check(len(cands) >= 20, "hay 20 radicados recibidos de %s a %s (%d)" % (m_from, m_to, len(cands)))
work = cands[:20]
before = ind(m_from, m_to, "radicacion")["oficina"]
ok = 0
for i, numero in enumerate(work):
    st, h, r = call("POST", "/api/radicados/%s/reparto" % numero,
                    body={"abogado_id": ABO_ID if i % 2 == 0 else ABO2_ID})
    ok += st == 200
t.check(ok == 20, "20 repartos hechos hoy por la API (%d)" % ok)
ok = 0
for numero in work[:9]:
    st, h, r = call("POST", "/api/radicados/%s/gestiones" % numero,
                    body={"tipo": "conclusion", "satisfactorio": True, "texto": "Concluido hoy"})
    ok += st == 201
t.check(ok == 9, "9 conclusiones hechas hoy (%d)" % ok)
ok = 0
for numero in work[9:14]:
    st, h, r = call("POST", "/api/radicados/%s/gestiones" % numero,
                    body={"tipo": "devolucion", "texto": "Falta el estudio previo"})
    ok += st == 201
t.check(ok == 5, "5 devoluciones hechas hoy (%d)" % ok)

b = ind(month_from, today.isoformat(), "actividad")
o = b["oficina"]
t.check(cnt(o["repartidos"]) == (20, sorted(work)), "este mes por actividad: 20 repartidos")
t.check(cnt(o["concluidos"]) == (9, sorted(work[:9])) and
        all(m["dias"] == 0 for m in o["dias_habiles"]["mediciones"]) and o["dias_habiles"]["n"] == 9,
        "este mes por actividad: 9 concluidos, respondidos el mismo día (0 días hábiles)")
t.check(cnt(o["devoluciones"]) == (5, sorted(work[9:14])), "este mes por actividad: 5 devoluciones")
t.check(o["tiempo_hasta_reparto"]["n"] == 20 and
        all(m["dias"] > 0 for m in o["tiempo_hasta_reparto"]["mediciones"]),
        "este mes por actividad: 20 tiempos hasta el reparto, todos de días hábiles de espera")
b = ind(month_from, today.isoformat(), "radicacion")
o = b["oficina"]
t.check(o["repartidos"]["n"] == 0 and o["concluidos"]["n"] == 0 and o["devoluciones"]["n"] == 0,
        "este mes por radicación: ni repartos ni conclusiones ni devoluciones (radicados de otro mes)")
b = ind(m_from, m_to, "radicacion")
o = b["oficina"]
t.check(o["repartidos"]["n"] == before["repartidos"]["n"] + 20 and
        o["concluidos"]["n"] == before["concluidos"]["n"] + 9 and
        o["devoluciones"]["n"] == before["devoluciones"]["n"] + 5,
        "el mes de radicación (%s) gana los 20 repartos, 9 conclusiones y 5 devoluciones" % m_from[:7])
b = ind(m_from, m_to, "actividad")
t.check(b["oficina"]["repartidos"]["n"] == 0 and b["oficina"]["concluidos"]["n"] == 0,
        "ese mes por actividad: nada se hizo entonces")

t.finish()
