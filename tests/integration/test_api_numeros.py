"""Radicado numbers of other document systems through `segcont serve` on 127.0.0.1: filings
synced from fakeds are renamed in the database file to 1-2021-23677, 3-2024-17052 (Secretaría
Jurídica Distrital), 2021EE7835, 2024ER7835 (Servicio Civil) and 20201300124633 (Orfeo), with a
mapping whose numero.pattern admits them all (tests/data/mappings/soap-otros-numeros.json;
fakeds itself serves only Orfeo's numbers). Then, over HTTP: GET by number (plain and
%-encoded), the Spanish 404 of a number of another form, the search by the whole number and
by fragments in any case, the text order, the workflow (reparto, observación, PATCH,
conclusión) on such a number, the indicators, both exports (CSV ="…", XLSX string cells
with the Text format, read back from the zip), and a reconciliation that finds them missing
in the document system, listed and resolved through /api/discrepancias."""
import csv
import datetime
import io
import json
import os
import sqlite3
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
import zipfile

import segtest as t

MAPPING = os.path.join(t.ROOT, "tests", "data", "mappings", "soap-otros-numeros.json")
SHAPES = ["1-2021-23677", "3-2024-17052", "2021EE7835", "2024ER7835", "20201300124633"]
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
TEXT_FORMAT = "49"  # Excel's built-in "@"

env = t.start_api("numeros", document_system__mapping=MAPPING)
B, db, conf = env["base"], env["db"], env["conf"]
U = env["users"]
DIR, ABO, APO = U["director"][1], U["abogado"][1], U["apoyo"][1]
ABO_ID = U["abogado"][0]


def call(method, path, token=DIR, body=None):
    return t.api(B, method, path, token=token, body=body)


def path_of(numero, encode_all=False):
    """The filing's path, its number %-encoded as encodeURIComponent does (or every byte)."""
    if encode_all:
        return "/api/radicados/" + "".join("%%%02X" % c for c in numero.encode())
    return "/api/radicados/" + urllib.parse.quote(numero, safe="")


def listing(query):
    st, h, b = call("GET", "/api/radicados?" + query)
    if st != 200:
        return st, None, []
    return st, b["total"], [r["numero"] for r in b["radicados"]]


print("1. radicados de otras formas en la base")
# Open filings of more than three days ago (the poller's next pass re-reads only the last day).
cutoff = (t.today_bogota() - datetime.timedelta(days=3)).isoformat()
old = [r[0] for r in t.db_query(
    db, "SELECT r.numero FROM radicado r JOIN seguimiento s ON s.radicado_id = r.id"
    " WHERE s.estado = 'recibido' AND r.fecha_radicacion < ? ORDER BY r.fecha_radicacion",
    cutoff)][:len(SHAPES)]
t.check(len(old) == len(SHAPES), "hay %d radicados para renombrar (%d)" % (len(SHAPES), len(old)))
renamed = dict(zip(SHAPES, old))
con = sqlite3.connect(db)
for new, was in renamed.items():
    con.execute("UPDATE radicado SET numero = ? WHERE numero = ?", (new, was))
con.commit()
con.close()
stored = {r[0]: r[1] for r in t.db_query(
    db, "SELECT numero, typeof(numero) FROM radicado WHERE numero IN (%s)" %
    ",".join("?" * len(SHAPES)), *SHAPES)}
t.check(stored == {n: "text" for n in SHAPES}, "guardados como texto: %s" % stored)
all_numbers = [r[0] for r in t.db_query(db, "SELECT numero FROM radicado")]
time.sleep(0.5)  # another process's commit reaches serve's caches within 250 ms

print("2. GET por número")
for n in SHAPES:
    st, h, b = call("GET", path_of(n))
    t.check(st == 200 and b["radicado"]["numero"] == n and b["seguimiento"]["estado"] == "recibido",
            "GET %s: 200 con su número como texto (%s)" % (n, st))
    st, h, b = call("GET", path_of(n, encode_all=True))
    t.check(st == 200 and b["radicado"]["numero"] == n, "GET %s con cada byte %%-codificado" % n)
st, h, b = call("GET", path_of("2021ee7835"))
t.check(st == 404 and b["error"]["codigo"] == "radicado_no_encontrado" and
        b["error"]["mensaje"] == "número de radicado inválido: «2021ee7835» no tiene la forma de los "
        "números de este sistema documental (hasta 24 caracteres con la forma de numero.pattern "
        "del mapeo)", "otra forma (minúsculas): 404 que dice la forma esperada (%s)" % b)
st, h, b = call("GET", path_of("1-2021 23677"))
t.check(st == 404 and "«1-2021 23677» no tiene la forma" in b["error"]["mensaje"],
        "un espacio %%20 decodificado: 404 (%s)" % b["error"]["mensaje"])
st, h, b = call("GET", path_of("9-9999-99999"))
t.check(st == 404 and b["error"]["mensaje"] == "no existe el radicado 9-9999-99999",
        "un número de la forma admitida que no existe: 404 no existe")
# The path is decoded before routing: %2F is a '/', which no number holds (the mapping
# refuses it), so .../1-2021-23677%2Fgestiones is the gestiones route, and GET is not its.
st, h, b = call("GET", path_of("1-2021-23677") + "%2Fgestiones")
t.check(st == 405 and b["error"]["codigo"] == "metodo_no_permitido",
        "%%2F se lee como «/»: la ruta de gestiones, 405 para GET (%s)" % b["error"]["codigo"])

print("3. búsqueda y orden")
for q, want in (("1-2021-23677", ["1-2021-23677"]), ("2021EE7835", ["2021EE7835"]),
                ("2021ee7835", ["2021EE7835"]), ("20201300124633", ["20201300124633"])):
    st, total, nums = listing("q=" + urllib.parse.quote(q))
    t.check(st == 200 and nums == want and total == 1, "q=%s: el número entero (%s)" % (q, nums))
for frag in ("23677", "EE7835", "ee7835", "2024ER", "-2024-", "7835", "0124633"):
    want = sorted(n for n in all_numbers if frag.lower() in n.lower())
    st, total, nums = listing("orden=numero&por_pagina=500&q=" + urllib.parse.quote(frag))
    t.check(st == 200 and nums == want and total == len(want) and want,
            "q=%s: por fragmento, sin importar mayúsculas (%s)" % (frag, nums))
st, total, nums = listing("q=7835&estado=recibido&orden=-numero")
t.check(nums == ["2024ER7835", "2021EE7835"], "q con filtro de estado y orden -numero: %s" % nums)
st, total, nums = listing("orden=numero&por_pagina=500")
t.check(nums == sorted(all_numbers)[:500], "orden=numero es orden de texto")
t.check(nums.index("1-2021-23677") < nums.index("20201300124633") < nums.index("2021EE7835")
        < nums.index("2024ER7835") < nums.index("3-2024-17052"),
        "1-2021-23677 < 20201300124633 < 2021EE7835 < 2024ER7835 < 3-2024-17052")

print("4. el flujo sobre 3-2024-17052")
N = "3-2024-17052"
P = path_of(N)
st, h, b = call("POST", P + "/reparto", body={"abogado_id": ABO_ID})
t.check(st == 200 and b["seguimiento"]["estado"] == "repartido" and
        b["seguimiento"]["abogado_id"] == ABO_ID, "reparto: %s" % st)
st, h, b = call("POST", P + "/gestiones", token=ABO, body={"tipo": "observacion",
                                                          "texto": "Reviso los estudios previos"})
t.check(st == 201 and b["seguimiento"]["estado"] == "en_revision", "observación: en_revision")
v = b["seguimiento"]["version"]
st, h, b = call("PATCH", P, token=APO, body={"version": v, "numero_contrato": "1-2021"})
t.check(st == 200 and b["seguimiento"]["numero_contrato"] == "1-2021" and
        b["radicado"]["numero"] == N, "PATCH del número de contrato 1-2021")
st, h, b = call("PATCH", P, token=APO, body={"version": v, "contratista": "x"})
t.check(st == 409 and N in b["error"]["mensaje"], "versión vieja: 409 que nombra %s" % N)
st, h, b = call("POST", P + "/gestiones", token=ABO,
                body={"tipo": "conclusion", "satisfactorio": True, "texto": "Contrato elaborado"})
t.check(st == 201 and b["seguimiento"]["estado"] == "concluido", "conclusión: concluido")
t.check([g["tipo"] for g in b["gestiones"]] == ["reparto", "observacion", "conclusion"],
        "la historia: %s" % [g["tipo"] for g in b["gestiones"]])
t.check(any(a["campo"] == "numero_contrato" and a["valor_nuevo"] == "1-2021" for a in b["auditoria"]),
        "la auditoría guarda el número de contrato")
rows = t.db_query(db, "SELECT s.estado FROM seguimiento s JOIN radicado r ON r.id = s.radicado_id"
                  " WHERE r.numero = ?", N)
t.check(rows == [("concluido",)], "en la base: concluido")
st, h, b = call("GET", P + "/gestiones")
t.check(st == 405, "GET de gestiones: 405 con el número con guiones")
desde = (t.today_bogota() - datetime.timedelta(days=60)).isoformat()
st, h, b = call("GET", "/api/indicadores?detalle=1&desde=" + desde)
concl = b.get("oficina", {}).get("concluidos", {}).get("radicados", []) if st == 200 else []
t.check(N in concl, "los indicadores cuentan %s entre los concluidos" % N)
st, h, b = call("GET", "/api/abogados/carga")
t.check(st == 200, "carga por abogado: 200")

print("5. exportación")
st, h, body = call("GET", "/api/export.csv?desde=" + desde)
t.check(st == 200 and isinstance(body, str), "export.csv: 200")
text = body.lstrip("\ufeff") if isinstance(body, str) else ""
records = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
by_first = {r[0]: r for r in records[1:] if r}
for n in SHAPES:
    t.check('="%s"' % n in by_first, "CSV: %s como =\"%s\"" % (n, n))
t.check(by_first.get('="%s"' % N, [""] * 21)[20] == '="1-2021"',
        "CSV: el contrato 1-2021 como =\"1-2021\" (no ene-21)")
t.check(all(k.startswith('="') for k in by_first), "CSV: todo radicado va como =\"…\"")
t.check(body.count("\r\n") == len(records), "CSV: CRLF")

req = urllib.request.Request(B + "/api/export.xlsx?desde=" + desde,
                             headers={"Authorization": "Bearer " + DIR})
with urllib.request.urlopen(req, timeout=30) as r:
    xlsx = r.read()
z = zipfile.ZipFile(io.BytesIO(xlsx))
# shared strings, or none when every string is inline (constant_memory)
strings = (["".join(x.itertext()) for x in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS)]
           if "xl/sharedStrings.xml" in z.namelist() else [])
xfs = ET.fromstring(z.read("xl/styles.xml")).find("m:cellXfs", NS).findall("m:xf", NS)
sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))


def cells(column):
    """{row: (type, value, numFmtId)} of a column below the header."""
    out = {}
    for c in sheet.iter("{%s}c" % NS["m"]):
        ref = c.get("r")
        col = ref.rstrip("0123456789")
        row = int(ref[len(col):])
        if col != column or row == 1:
            continue
        v = c.find("m:v", NS)
        kind = c.get("t", "n")
        if kind == "inlineStr" and c.find("m:is", NS) is not None:
            # an inline string is a string cell like a shared one
            out[row] = ("s", "".join(c.find("m:is", NS).itertext()),
                        xfs[int(c.get("s", "0"))].get("numFmtId"), c.find("m:f", NS) is not None)
            continue
        value = strings[int(v.text)] if kind == "s" and v is not None else (v.text if v is not None else None)
        out[row] = (kind, value, xfs[int(c.get("s", "0"))].get("numFmtId"),
                    c.find("m:f", NS) is not None)
    return out


col_a = cells("A")
values = {v for _, v, _, _ in col_a.values()}
t.check(set(SHAPES) <= values, "XLSX: los cinco números en la columna Radicado")
t.check(all(k == "s" and fmt == TEXT_FORMAT and not f for k, _, fmt, f in col_a.values()),
        "XLSX: cada radicado es una celda de texto (t=\"s\") con el formato Texto, nunca número ni fecha")
row_n = [r for r, (_, v, _, _) in col_a.items() if v == N]
col_p = cells("U")  # Número de contrato
t.check(row_n and col_p.get(row_n[0], (None,) * 4)[:3] == ("s", "1-2021", TEXT_FORMAT),
        "XLSX: el contrato 1-2021 es texto: %s" % (col_p.get(row_n[0]) if row_n else None,))
t.check("20201300124633" in strings + [v for _, v, _, _ in col_a.values()] and not any("E+" in (v or "") for _, v, _, _ in col_a.values()),
        "XLSX: 20201300124633 tal cual, sin notación científica")

print("6. conciliación")
rc, out, err = t.run_segcont("reconcile", "-c", conf, "--json", timeout=300)
rep = json.loads(out) if rc == 0 else {}
found = {(d["numero"], d["tipo"]) for d in rep.get("discrepancias", [])}
for n in SHAPES:
    kind = "concluido_sin_radicado" if n == N else "no_encontrado"
    t.check((n, kind) in found, "reconcile: %s %s" % (n, kind))
for was in renamed.values():
    t.check((was, "falta_en_seguimiento") in found, "reconcile: el original %s falta" % was)
time.sleep(0.5)
st, h, b = call("GET", "/api/discrepancias?tipo=no_encontrado&por_pagina=100")
listed = {d["numero"]: d for d in b.get("discrepancias", [])} if st == 200 else {}
t.check(st == 200 and set(SHAPES) - {N} <= set(listed) and
        all(isinstance(d["numero"], str) for d in listed.values()),
        "GET /api/discrepancias: los números como texto (%s)" % sorted(listed))
d = listed.get("2021EE7835")
if d is not None:
    st, h, b = call("POST", "/api/discrepancias/%d/resolver" % d["id"],
                    body={"nota": "Radicado del Servicio Civil, revisado"})
    t.check(st == 200 and b["numero"] == "2021EE7835" and b["estado"] == "resuelta",
            "resolver la discrepancia de 2021EE7835 (%s)" % st)
    st, h, b = call("GET", path_of("2021EE7835"))
    t.check(st == 200 and any(a["campo"] == "discrepancia #%d no_encontrado" % d["id"]
                              for a in b["auditoria"]), "la resolución queda en su auditoría")

print("7. la página")
st, h, b = call("GET", "/static/bandeja.js", token=None)
t.check(st == 200 and "encodeURIComponent(r.numero)" in b, "la bandeja codifica el número en el enlace")

t.finish()
