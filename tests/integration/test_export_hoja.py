"""The export equals the office's sheet (issue 13, item 10), through the API and the command,
on a database synced from fakeds where filings were returned, re-entered, concluded with a
note and given their contract data: the new columns and values, the XLSX page setup (landscape,
fit to width, header repeated), the semáforo fills of Estado SLA, the filings of each figure
one per row on their own sheet, every part well-formed XML; the CSV with the same columns."""
import datetime
import io
import sqlite3
import urllib.request
import xml.etree.ElementTree as ET
import zipfile

import segtest as t

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
FILLS = {"A tiempo": "FFE8F5E9", "Por vencer": "FFFFF3E0", "Vencido": "FFFDECEA"}

env = t.start_api("export_hoja", days=30, per_day=4)
B, db, conf, U = env["base"], env["db"], env["conf"], env["users"]
DIR, ABO, APO = U["director"][1], U["abogado"][1], U["apoyo"][1]
ABO_ID = U["abogado"][0]


def call(method, path, token=DIR, body=None):
    return t.api(B, method, path, token=token, body=body)


def download(path, token=DIR):
    req = urllib.request.Request(B + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status, r.read()


def col_index(ref):
    n = 0
    for ch in ref:
        if not ch.isalpha():
            break
        n = n * 26 + ord(ch) - 64
    return n - 1


def read_xlsx(data):
    """{part: tree} of every XML part, the sheets as lists of rows {col: (text, style)}."""
    z = zipfile.ZipFile(io.BytesIO(data))
    parts = {}
    for name in z.namelist():
        if name.endswith(".xml") or name.endswith(".rels"):
            parts[name] = ET.fromstring(z.read(name))  # raises on a malformed part
    # shared strings, or none when every string is inline (constant_memory)
    shared = parts.get("xl/sharedStrings.xml")
    strings = ["".join(si.itertext()) for si in shared.findall("m:si", NS)] if shared is not None else []

    def sheet(n):
        rows = []
        for row in parts["xl/worksheets/sheet%d.xml" % n].iter("{%s}row" % NS["m"]):
            cells = {}
            for c in row.findall("m:c", NS):
                v = c.find("m:v", NS)
                inline = c.find("m:is", NS)
                if c.get("t") == "inlineStr" and inline is not None:
                    # an inline string is a string cell like a shared one
                    cells[col_index(c.get("r"))] = ("".join(inline.itertext()), int(c.get("s", "0")), "s")
                    continue
                if v is None:
                    continue
                text = strings[int(v.text)] if c.get("t") == "s" else v.text
                cells[col_index(c.get("r"))] = (text, int(c.get("s", "0")), c.get("t", "n"))
            rows.append(cells)
        return rows
    return parts, sheet


print("1. el trabajo de la oficina sobre radicados sincronizados")
st, h, lst = call("GET", "/api/radicados?estado=recibido&por_pagina=50")
nums = [x["numero"] for x in lst["radicados"]]
t.check(len(nums) >= 12, "hay radicados sin repartir (%d)" % len(nums))
N1, N2 = nums[0], nums[1]
for n in nums[:12]:
    st, h, b = call("POST", "/api/radicados/%s/reparto" % n, body={"abogado_id": ABO_ID})
    t.check(st in (200, 201), "reparto de %s (%d)" % (n, st))
g = "/api/radicados/%s/gestiones"
for body in ({"tipo": "devolucion", "texto": "Falta el CDP"}, {"tipo": "reingreso"},
             {"tipo": "devolucion", "texto": "CDP sin firma; repetir"}, {"tipo": "reingreso"},
             {"tipo": "conclusion", "satisfactorio": True, "texto": "Concepto favorable"}):
    st, h, b = call("POST", g % N1, token=ABO, body=body)
    t.check(st == 201, "%s en %s (%d)" % (body["tipo"], N1, st))
st, h, b = call("POST", g % N2, token=ABO, body={"tipo": "devolucion", "texto": "Sin estudio previo"})
t.check(st == 201, "devolución pendiente en %s" % N2)
v = call("GET", "/api/radicados/" + N1)[2]["seguimiento"]["version"]
contrato = {"version": v, "numero_contrato": "0012024", "contratista": "Consorcio Vías & Andenes",
            "objeto": "Mantenimiento de la sede", "valor": 125000000,
            "fecha_suscripcion": "2024-02-29", "linea_paa": "PAA-2024-33"}
st, h, b = call("PATCH", "/api/radicados/" + N1, token=APO, body=contrato)
t.check(st == 200, "apoyo registra el contrato (%d %s)" % (st, b if st != 200 else ""))
v = b["seguimiento"]["version"]
st, h, b = call("PATCH", "/api/radicados/" + N1, body={"version": v, "novedad": "prorroga"})
t.check(st == 200, "la novedad (%d)" % st)
# Repartos of other ages, so that the three colours of the semáforo appear.
con = sqlite3.connect(db)
now = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=-5)))
for k, n in enumerate(nums[2:12]):
    when = (now - datetime.timedelta(days=2 * k)).replace(microsecond=0).isoformat()
    rid = con.execute("SELECT id FROM radicado WHERE numero = ?", (n,)).fetchone()[0]
    con.execute("UPDATE gestion SET fecha = ? WHERE radicado_id = ? AND tipo = 'reparto'", (when, rid))
    con.execute("UPDATE seguimiento SET fecha_reparto = ? WHERE radicado_id = ?", (when, rid))
con.commit()
con.close()


def check_xlsx(data, how):
    parts, sheet = read_xlsx(data)
    t.check(True, "%s: cada parte del libro es XML bien formado (%d partes)" % (how, len(parts)))
    book = parts["xl/workbook.xml"]
    names = [s.get("name") for s in book.find("m:sheets", NS)]
    t.check(names == ["Seguimiento", "Indicadores", "Radicados por indicador"],
            "%s: tres hojas %s" % (how, names))
    titles = [d for d in book.iter("{%s}definedName" % NS["m"])
              if d.get("name") == "_xlnm.Print_Titles" and d.get("localSheetId") == "0"]
    t.check(len(titles) == 1 and titles[0].text == "Seguimiento!$1:$1",
            "%s: el encabezado se repite en cada página (Print_Titles)" % how)
    s1 = parts["xl/worksheets/sheet1.xml"]
    ps = s1.find("m:pageSetup", NS)
    fit = s1.find("m:sheetPr/m:pageSetUpPr", NS)
    t.check(ps is not None and ps.get("orientation") == "landscape" and ps.get("paperSize") == "9" and
            ps.get("fitToHeight") == "0" and ps.get("fitToWidth", "1") == "1" and
            fit is not None and fit.get("fitToPage") == "1",
            "%s: horizontal, A4, ajustado al ancho de una página" % how)
    t.check(s1.find("m:sheetViews/m:sheetView/m:pane[@state='frozen']", NS) is not None and
            s1.find("m:autoFilter", NS) is not None, "%s: encabezado fijo y filtros" % how)
    rows = sheet(1)
    header = [rows[0][i][0] for i in sorted(rows[0])]
    for want in ("Novedad", "Línea del PAA", "Devoluciones: fecha y motivo", "Fechas de reingreso",
                 "Nota de conclusión", "Objeto", "Fecha de suscripción"):
        t.check(want in header, "%s: columna «%s»" % (how, want))
    col = {name: i for i, name in enumerate(header)}
    by_num = {r[0][0]: r for r in rows[1:] if 0 in r}
    r1 = by_num.get(N1, {})

    def text(r, name):
        return r.get(col[name], ("", 0, ""))[0]
    devs = text(r1, "Devoluciones: fecha y motivo").split("\n")
    t.check(len(devs) == 2 and devs[0].endswith(": Falta el CDP") and
            devs[1].endswith(": CDP sin firma; repetir"),
            "%s: cada devolución con su fecha y motivo %s" % (how, devs))
    t.check(len(text(r1, "Fechas de reingreso").split("\n")) == 2, "%s: dos reingresos" % how)
    t.check(text(r1, "Nota de conclusión") == "Concepto favorable", "%s: la nota de conclusión" % how)
    t.check(text(r1, "Objeto") == "Mantenimiento de la sede" and
            text(r1, "Línea del PAA") == "PAA-2024-33" and text(r1, "Novedad") == "Prórroga",
            "%s: objeto, línea del PAA y novedad" % how)
    nc = r1.get(col["Número de contrato"])
    t.check(nc is not None and nc[0] == "0012024" and nc[2] == "s",
            "%s: el número de contrato es una celda de texto con su cero" % how)
    fs = r1.get(col["Fecha de suscripción"])
    t.check(fs is not None and fs[2] == "n" and abs(float(fs[0]) - 45351) < 1e-9,
            "%s: fecha de suscripción como fecha de Excel (%s)" % (how, fs))
    t.check(text(by_num.get(N2, {}), "Devoluciones: fecha y motivo").endswith(": Sin estudio previo"),
            "%s: la devolución pendiente" % how)
    # Semáforo: each state label has its colour, the three appear.
    styles = parts["xl/styles.xml"]
    fills = [f.find("m:patternFill/m:fgColor", NS) for f in styles.find("m:fills", NS)]
    xfs = styles.find("m:cellXfs", NS).findall("m:xf", NS)
    seen, wrong = set(), []
    for r in rows[1:]:
        cell = r.get(col["Estado SLA"])
        if cell is None:
            continue
        label = cell[0].replace(" (devuelto al área)", "")
        fg = fills[int(xfs[cell[1]].get("fillId", "0"))]
        rgb = fg.get("rgb") if fg is not None else None
        if label in FILLS:
            seen.add(label)
            if rgb != FILLS[label]:
                wrong.append((label, rgb))
        elif rgb is not None:
            wrong.append((label, rgb))
    t.check(not wrong and seen == set(FILLS),
            "%s: Estado SLA verde/ámbar/rojo como la web (vistos %s, errores %s)" %
            (how, sorted(seen), wrong))
    # The filings of each figure: one per row, matching the count on «Indicadores».
    frows = sheet(3)
    t.check([frows[0][i][0] for i in sorted(frows[0])] ==
            ["Sección", "Grupo", "Indicador", "Radicado", "Días hábiles"], "%s: encabezado" % how)
    s3 = parts["xl/worksheets/sheet3.xml"]
    t.check(s3.find("m:pageSetup", NS).get("orientation") == "landscape",
            "%s: la hoja de radicados también se imprime horizontal" % how)
    office = {}
    for r in frows[1:]:
        if r.get(0, ("",))[0] == "Oficina":
            office.setdefault(r[2][0], []).append(r[3])
    concl = office.get("Concluidos", [])
    t.check(any(c[0] == N1 for c in concl) and all(c[2] == "s" for c in concl),
            "%s: «Concluidos» lista %s en su propia fila, como texto" % (how, N1))
    st, h, ind = call("GET", "/api/indicadores?detalle=1")
    for key, label in (("recibidos", "Recibidos"), ("devoluciones", "Devoluciones"),
                       ("en_curso", "En curso")):
        want = sorted(ind["oficina"][key]["radicados"])
        got = sorted(c[0] for c in office.get(label, []))
        t.check(got == want, "%s: «%s» tiene una fila por radicado (%d)" % (how, label, len(got)))
    longest = max(len(c[0]) for r in sheet(2) for c in r.values())
    t.check(longest < 200, "%s: ninguna celda de «Indicadores» junta radicados (%d)" % (how, longest))
    return header


print("2. XLSX por la API")
st, data = download("/api/export.xlsx")
t.check(st == 200 and data[:2] == b"PK", "export.xlsx: 200")
api_header = check_xlsx(data, "API")

print("3. XLSX por el comando")
out = env["work"] + "/hoja.xlsx"
rc, o, e = t.run_segcont("export", "-c", conf, "--formato", "xlsx", "-o", out)
t.check(rc == 0, "segcont export xlsx (%s)" % e.strip())
with open(out, "rb") as f:
    cli_header = check_xlsx(f.read(), "CLI")

print("4. CSV: las mismas columnas, en el mismo orden")
out_csv = env["work"] + "/hoja.csv"
rc, o, e = t.run_segcont("export", "-c", conf, "--formato", "csv", "-o", out_csv)
t.check(rc == 0, "segcont export csv (%s)" % e.strip())
with open(out_csv, "rb") as f:
    cli_csv = f.read()
for how, body in (("API", download("/api/export.csv")[1]), ("CLI", cli_csv)):
    text = body.decode("utf-8-sig")
    header = text.split("\r\n", 1)[0].split(";")
    t.check(header == api_header == cli_header, "%s: CSV con las columnas del XLSX (%d)" %
            (how, len(header)))
    t.check("Concepto favorable" in text and ": CDP sin firma; repetir" in text and
            '"=""0012024"""' in text, "%s: nota, motivos y contrato como =\"…\"" % how)

t.stop_all()
t.finish()
