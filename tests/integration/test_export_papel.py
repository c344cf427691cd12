"""The export's paper and outcomes (issue 13, item 10), through the API and the command: every
sheet of the XLSX prints on A4 (Excel paper code 9) by default and on carta (code 1) with
`papel=carta` / `--papel carta`; any other paper is refused in Spanish (400, exit 2); the
«Indicadores» sheet counts the outcomes (archivados, trasladados, anulación confirmada) as the
office totals of /api/indicadores do."""
import io
import subprocess
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
import zipfile

import segtest as t

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}

env = t.start_api("export_papel", days=20, per_day=4)
B, db, conf, U = env["base"], env["db"], env["conf"], env["users"]
DIR = U["director"][1]


def call(method, path, token=DIR, body=None):
    return t.api(B, method, path, token=token, body=body)


def download(path, token=DIR):
    req = urllib.request.Request(B + path, headers={"Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def papers(data):
    """paperSize of every sheet's pageSetup, in sheet order."""
    z = zipfile.ZipFile(io.BytesIO(data))
    out = []
    for name in sorted(n for n in z.namelist() if n.startswith("xl/worksheets/sheet")):
        ps = ET.fromstring(z.read(name)).find("m:pageSetup", NS)
        out.append(ps.get("paperSize") if ps is not None else None)
    return out


def summary_rows(data):
    """{label: value} of the «Indicadores» sheet (sheet2), first two columns."""
    z = zipfile.ZipFile(io.BytesIO(data))
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        shared = ["".join(si.itertext()) for si in
                  ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS)]
    out = {}
    for row in ET.fromstring(z.read("xl/worksheets/sheet2.xml")).iter("{%s}row" % NS["m"]):
        vals = []
        for c in row.findall("m:c", NS)[:2]:
            if c.get("t") == "inlineStr":
                vals.append("".join(c.find("m:is", NS).itertext()))
            elif c.find("m:v", NS) is not None:
                v = c.find("m:v", NS).text
                vals.append(shared[int(v)] if c.get("t") == "s" else v)
        if len(vals) == 2:
            out[vals[0]] = vals[1]
    return out


print("1. desenlaces en la oficina")
cands = [r[0] for r in t.db_query(
    db, "SELECT r.numero FROM radicado r JOIN seguimiento s ON s.radicado_id = r.id "
    "WHERE s.estado = 'recibido' AND r.estado_ds = 'vigente' ORDER BY r.numero")]
ARCH1, ARCH2, TRAS = cands[:3]
g = "/api/radicados/%s/gestiones"
for n in (ARCH1, ARCH2):
    st, h, b = call("POST", g % n, body={"tipo": "archivo", "motivo": "derecho de petición"})
    t.check(st == 201, "archivo de %s (%d)" % (n, st))
st, h, b = call("POST", g % TRAS, body={"tipo": "traslado", "dependencia_destino": "500"})
t.check(st == 201, "traslado de %s (%d)" % (TRAS, st))
st, h, ind = call("GET", "/api/indicadores")
des = ind["oficina"]["desenlaces"]
t.check(des["archivado"]["n"] == 2 and des["trasladado"]["n"] == 1,
        "indicadores: 2 archivados y 1 trasladado (%s)" % {k: v["n"] for k, v in des.items()})

print("2. papel por la API")
st, data = download("/api/export.xlsx")
p = papers(data)
t.check(st == 200 and len(p) >= 3 and all(x == "9" for x in p), "sin papel: A4 en cada hoja %s" % p)
st, data = download("/api/export.xlsx?papel=a4")
t.check(st == 200 and all(x == "9" for x in papers(data)), "papel=a4: A4")
st, data = download("/api/export.xlsx?papel=carta")
p = papers(data)
t.check(st == 200 and len(p) >= 3 and all(x == "1" for x in p), "papel=carta: carta en cada hoja %s" % p)
for bad in ("letter", "A4", "oficio"):
    st, body = download("/api/export.xlsx?papel=" + bad)
    msg = body.decode("utf-8", "replace")
    t.check(st == 400 and "papel debe ser «a4» o «carta»" in msg,
            "papel=%r: 400 en español (%d %s)" % (bad, st, msg[:120]))

print("3. papel por el comando")
out = env["work"] + "/carta.xlsx"
rc, o, e = t.run_segcont("export", "-c", conf, "--formato", "xlsx", "-o", out, "--papel", "carta")
t.check(rc == 0, "segcont export --papel carta (%s)" % e.strip())
with open(out, "rb") as f:
    cli = f.read()
t.check(all(x == "1" for x in papers(cli)), "--papel carta: carta en cada hoja")
p = subprocess.run([t.SEGCONT, "export", "-c", conf, "--formato", "xlsx", "-o", "-", "--papel", "carta"],
                   capture_output=True, timeout=120)
t.check(p.returncode == 0 and all(x == "1" for x in papers(p.stdout)),
        "--papel carta a la salida estándar: carta")
out4 = env["work"] + "/a4.xlsx"
rc, o, e = t.run_segcont("export", "-c", conf, "--formato", "xlsx", "-o", out4)
with open(out4, "rb") as f:
    t.check(rc == 0 and all(x == "9" for x in papers(f.read())), "sin --papel: A4")
rc, o, e = t.run_segcont("export", "-c", conf, "--formato", "xlsx", "-o", out4, "--papel", "oficio")
t.check(rc == 2 and "papel desconocido «oficio»: use a4 o carta" in e, "--papel oficio: uso (%d %s)" % (rc, e.strip()))

print("4. la hoja «Indicadores» cuenta los desenlaces")
for how, book in (("API", download("/api/export.xlsx")[1]), ("CLI", cli)):
    rows = summary_rows(book)
    for label, key in (("Archivados (desenlace)", "archivado"), ("Trasladados (desenlace)", "trasladado"),
                       ("Anulación confirmada (desenlace)", "anulado")):
        t.check(rows.get(label) is not None and int(float(rows[label])) == des[key]["n"],
                "%s: «%s» = %s (indicadores %d)" % (how, label, rows.get(label), des[key]["n"]))

t.finish()
