"""Outside senders in the per-area indicators (issue 13, item 11), over real HTTP against
`segcont serve` and in the export: entry filings (tipo entrada: a company or a citizen radicated
at the ventanilla, whose dependencia_origen is the ventanilla's and whose name is the sender's, as
Orfeo gives them) and filings with no dependencia_origen make one row «Externos (ventanilla)» in /api/indicadores' por_area and in
the XLSX's «Indicadores» sheet, never one per company nor under the latest company's name."""
import io
import sqlite3
import urllib.request
import xml.etree.ElementTree as ET
import zipfile

import segtest as t

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
env = t.start_api("api-externos", days=15, per_day=4)
B, db, U = env["base"], env["db"], env["users"]
DIR = U["director"][1]

cands = [r[0] for r in t.db_query(db, "SELECT numero FROM radicado ORDER BY fecha_radicacion, numero")]
E1, E2 = cands[0], cands[-1]
con = sqlite3.connect(db)
con.execute("UPDATE radicado SET tipo_radicado = 'interna' WHERE tipo_radicado = 'entrada'")
con.execute("UPDATE radicado SET dependencia_origen = '', dependencia_origen_nombre = ?, "
            "remitente = ? WHERE numero = ?", ("Constructora Andina S.A.S.", "Constructora Andina S.A.S.", E1))
con.execute("UPDATE radicado SET tipo_radicado = 'entrada', dependencia_origen = '510', "
            "dependencia_origen_nombre = ?, remitente = ? WHERE numero = ?",
            ("Consultores del Valle Ltda.", "Consultores del Valle Ltda.", E2))
con.commit()
con.close()

print("1. por_area")
st, h, b = t.api(B, "GET", "/api/indicadores?detalle=1", token=DIR)
t.check(st == 200, "GET /api/indicadores: 200")
ext = [a for a in b["por_area"] if a["dependencia_origen"] == ""]
t.check(len(ext) == 1 and ext[0]["nombre"] == "Externos (ventanilla)",
        "una sola fila «Externos (ventanilla)» (%s)" % [(a["dependencia_origen"], a["nombre"]) for a in ext])
t.check(sorted(ext[0]["recibidos"]["radicados"]) == sorted([E1, E2]) and ext[0]["recibidos"]["n"] == 2,
        "con los dos radicados de empresas distintas (uno de entrada por la ventanilla 510)")
t.check(not any(a["nombre"] in ("Constructora Andina S.A.S.", "Consultores del Valle Ltda.") for a in b["por_area"]),
        "ninguna fila lleva el nombre de una empresa")
t.check(all(a["nombre"] != "Externos (ventanilla)" for a in b["por_area"] if a["dependencia_origen"]),
        "las áreas de la entidad conservan su nombre")

print("2. la hoja «Indicadores» del XLSX")
req = urllib.request.Request(B + "/api/export.xlsx", headers={"Authorization": "Bearer " + DIR})
with urllib.request.urlopen(req, timeout=60) as r:
    z = zipfile.ZipFile(io.BytesIO(r.read()))
texts = ["".join(c.itertext()) for c in ET.fromstring(z.read("xl/worksheets/sheet2.xml")).iter("{%s}is" % NS["m"])]
t.check(texts.count("Externos (ventanilla)") == 1, "una fila «Externos (ventanilla)» sin código entre paréntesis")
t.check(not any("Constructora Andina" in x or "Consultores del Valle" in x for x in texts),
        "ningún nombre de empresa como área")

t.finish()
