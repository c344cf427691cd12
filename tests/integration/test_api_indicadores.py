"""GET /api/indicadores's counts-only default against detalle=1, and the drill-down
GET /api/indicadores/radicados?cifra=, over real HTTP against `segcont serve`, on the hand-counted
fixture of test_api_actividad.py (tests/data/actividad-scenario.sql) plus the synced filings of
the last 75 days and two repartos made through the API. For both bases and three periods:
the default answer has no list of every filing and the same n as detalle=1 for every figure;
every figure of the answer (found by walking detalle=1's answer, not from a list written here)
resolves as a cifra, with the figure's n, and its pages together give exactly the filings that
detalle=1 lists; pages are stable and ordered; unknown paths are 400 and bad dates 422, in
Spanish; every role reads them."""
import collections
import json
import os
import sqlite3

import segtest as t

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "data", "actividad-scenario.sql")

env = t.start_api("api-indicadores", days=75)
B, db = env["base"], env["db"]
U = env["users"]
DIR = U["director"][1]
ABO_ID = U["abogado"][0]

# The arrays of the answer and the member that names their elements in a cifra (docs/openapi.yaml).
KEYS = {"por_abogado": "abogado_id", "por_tipo_tramite": "tipo_tramite",
        "por_modalidad": "modalidad", "por_area": "dependencia_origen"}


def call(method, path, token=DIR, body=None):
    return t.api(B, method, path, token=token, body=body)


def err(b):
    """(codigo, mensaje) of an error body."""
    e = (b or {}).get("error") or {}
    return e.get("codigo", ""), e.get("mensaje", "")


def qs(**kw):
    return "&".join("%s=%s" % (k, v) for k, v in kw.items() if v is not None)


def figures(node, path=""):
    """(path, node) of every figure of a detalle=1 answer: objects with "radicados" or
    "mediciones", and the vencidos / por_vencer arrays."""
    out = []
    if isinstance(node, dict):
        if "radicados" in node or "mediciones" in node:
            out.append((path, node))
        for k, v in node.items():
            if k in ("radicados", "mediciones", "periodo", "metas"):
                continue
            sub = path + "." + k if path else k
            if k in ("vencidos", "por_vencer") and path == "":
                out.append((sub, v))
            elif k in KEYS and isinstance(v, list):
                for el in v:
                    out += figures(el, sub + "." + str(el[KEYS[k]]))
            else:
                out += figures(v, sub)
    return out


def at(node, path):
    """The node of a (default) answer at a cifra path."""
    parts = path.split(".")
    i = 0
    while i < len(parts):
        p = parts[i]
        if p in KEYS and isinstance(node.get(p), list):
            node = next(el for el in node[p] if str(el[KEYS[p]]) == parts[i + 1])
            i += 2
        else:
            node = node[p]
            i += 1
    return node


def listed(fig):
    """The numeros detalle=1 lists for a figure (a multiset: one per measurement)."""
    if isinstance(fig, list):
        return [x["numero"] for x in fig]
    if "mediciones" in fig:
        return [m["numero"] for m in fig["mediciones"]]
    return fig["radicados"]


def drill(cifra, desde, hasta, base, pagina=None, por_pagina=None):
    return call("GET", "/api/indicadores/radicados?" + qs(cifra=cifra, desde=desde, hasta=hasta,
                                                         base=base, pagina=pagina,
                                                         por_pagina=por_pagina))


def all_pages(cifra, desde, hasta, base):
    rows, page = [], 1
    while True:
        st, h, b = drill(cifra, desde, hasta, base, page, 200)
        if st != 200:
            return st, None, rows
        rows += b["radicados"]
        if len(b["radicados"]) < 200:
            return st, b, rows
        page += 1


con = sqlite3.connect(db)
with open(FIXTURE, encoding="utf-8") as f:
    con.executescript(f.read())
con.close()
# Two repartos today so the open load, the due-soon list and today's activity have filings.
recibidos = [r[0] for r in t.db_query(
    db, "SELECT r.numero FROM radicado r JOIN seguimiento s ON s.radicado_id = r.id "
    "WHERE s.estado = 'recibido' AND r.estado_ds = 'vigente' ORDER BY r.numero")]
for n in recibidos[:2]:
    st, h, b = call("POST", "/api/radicados/%s/reparto" % n, body={"abogado_id": ABO_ID})
    t.check(st == 200, "reparto de %s" % n)

today = t.today_bogota().isoformat()
PERIODS = [("2026-07-01", "2026-07-31"), ("2026-06-01", "2026-06-30"), (None, None)]
for base in ("radicacion", "actividad"):
    for desde, hasta in PERIODS:
        label = "%s %s..%s" % (base, desde or "", hasta or "")
        print("1. %s: conteos frente a detalle=1" % label)
        q = qs(desde=desde, hasta=hasta, base=base)
        st, h, short = call("GET", "/api/indicadores?" + q)
        st2, h2, full = call("GET", "/api/indicadores?detalle=1&" + q)
        t.check(st == 200 and st2 == 200, "%s: 200 y 200 (%s, %s)" % (label, st, st2))
        text = json.dumps(short)
        t.check('"radicados"' not in text and '"mediciones"' not in text,
                "%s: la respuesta por omisión no lista radicados ni mediciones" % label)
        t.check(isinstance(full["vencidos"], list) and isinstance(full["por_vencer"], list),
                "%s: detalle=1 trae vencidos y por_vencer como listas completas" % label)
        for k in ("vencidos", "por_vencer"):
            v = short[k]
            t.check(v["n"] == len(full[k]) and len(v["primeros"]) == min(10, v["n"]) and
                    v["primeros"] == full[k][:10],
                    "%s: %s {n: %d, primeros: los %d más urgentes}" % (label, k, v["n"], len(v["primeros"])))
        figs = figures(full)
        t.check(len(figs) > 50, "%s: %d cifras en la respuesta" % (label, len(figs)))
        same = [p for p, fig in figs if p not in ("vencidos", "por_vencer")
                and at(short, p)["n"] != fig["n"]]
        t.check(not same, "%s: cada cifra tiene el mismo n con y sin detalle (%s)" % (label, same[:5]))

        print("2. %s: cada cifra se abre en /api/indicadores/radicados" % label)
        bad = []
        nonempty = 0
        for path, fig in figs:
            want = listed(fig)
            st, b, rows = all_pages(path, desde, hasta, base)
            n = len(fig) if isinstance(fig, list) else fig["n"]
            if st != 200:
                bad.append((path, st))
                continue
            got = [r["numero"] for r in rows]
            if b["cifra"] != path or b["n"] != n or b["total"] != len(want) or \
                    collections.Counter(got) != collections.Counter(want):
                bad.append((path, b["n"], n, b["total"], len(want)))
            if rows:
                nonempty += 1
                if set(rows[0]) != {"numero", "fecha_radicacion", "asunto", "estado", "abogado",
                                    "tipo_tramite", "sla"} or "estado" not in rows[0]["sla"]:
                    bad.append((path, "campos", sorted(rows[0])))
            if path in ("vencidos", "por_vencer"):
                if got != want:
                    bad.append((path, "orden de urgencia"))
            elif [(r["fecha_radicacion"], r["numero"]) for r in rows] != \
                    sorted(((r["fecha_radicacion"], r["numero"]) for r in rows), reverse=True):
                bad.append((path, "orden"))
        t.check(not bad, "%s: todas las cifras se abren con su n y sus radicados (%s)" % (label, bad[:4]))
        t.check(nonempty > 5, "%s: %d cifras con radicados" % (label, nonempty))

print("3. paginación")
st, h, full = call("GET", "/api/indicadores?detalle=1")
biggest = max(((p, f) for p, f in figures(full)), key=lambda x: len(listed(x[1])))
path, fig = biggest
total = len(listed(fig))
t.check(total >= 5, "la cifra más grande (%s) tiene %d radicados" % (path, total))
st, h, p1 = drill(path, None, None, None)
t.check(st == 200 and p1["pagina"] == 1 and p1["por_pagina"] == 50 and
        len(p1["radicados"]) == min(50, total), "sin pagina ni por_pagina: la primera de 50")
pages, k = [], 1
while True:
    st, h, b = drill(path, None, None, None, k, 2)
    t.check(st == 200 and b["pagina"] == k and b["por_pagina"] == 2, "página %d de 2" % k)
    pages += b["radicados"]
    if len(b["radicados"]) < 2 or k > 500:
        break
    k += 1
st, h, whole = drill(path, None, None, None, 1, 200)
t.check([r["numero"] for r in pages][:200] == [r["numero"] for r in whole["radicados"]] and
        len(pages) == total, "las páginas de 2 juntas son la lista entera, en el mismo orden (%s: %d de %d)"
        % (path, len(pages), total))
st, h, b = drill(path, None, None, None, 10000, 50)
t.check(st == 200 and b["radicados"] == [] and b["total"] == total, "una página más allá: vacía, con el total")

print("4. errores")
for bad_path in ("oficina.nada", "oficina", "oficina.dentro_meta", "por_abogado.999999.asignados",
                 "por_abogado", "vencidos.primeros", "oficina.recibidos.n", "periodo", ".", "x" * 300):
    st, h, b = drill(bad_path, None, None, None)
    t.check(st == 400 and err(b)[0] == "parametro_invalido" and "cifra" in err(b)[1],
            "cifra «%s»: 400 en español (%s %s)" % (bad_path[:30], st, err(b)[1]))
st, h, b = call("GET", "/api/indicadores/radicados")
t.check(st == 400 and "falta «cifra»" in err(b)[1], "sin cifra: 400 (%s)" % err(b)[1])
for arg in ("por_pagina=0", "por_pagina=201", "pagina=0", "pagina=x"):
    st, h, b = call("GET", "/api/indicadores/radicados?cifra=vencidos&" + arg)
    t.check(st in (400, 422) and err(b)[1], "%s: %s (%s)" % (arg, st, err(b)[1]))
for arg in ("desde=2026-13-01", "hasta=2026-02-30", "desde=2026-07-01&hasta=2026-06-01"):
    for route in ("/api/indicadores?", "/api/indicadores/radicados?cifra=vencidos&"):
        st, h, b = call("GET", route + arg)
        t.check(st == 422 and err(b)[0] == "fecha_invalida", "%s%s: 422 (%s)" % (route, arg, st))
st, h, b = call("GET", "/api/indicadores/radicados?cifra=vencidos&base=tramite")
t.check(st == 422, "base desconocida: 422 (%s)" % st)
st, h, b = call("GET", "/api/indicadores?detalle=2")
t.check(st == 400 and "detalle" in err(b)[1], "detalle=2: 400 (%s)" % err(b)[1])
st, h, b = call("GET", "/api/indicadores/radicados?cifra=vencidos", token=None)
t.check(st == 401, "sin sesión: 401 (%s)" % st)
for key in ("abogado", "apoyo", "admin"):
    st, h, b = call("GET", "/api/indicadores/radicados?cifra=oficina.recibidos", token=U[key][1])
    t.check(st == 200, "%s abre las cifras" % key)

t.finish()
