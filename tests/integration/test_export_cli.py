"""`segcont export` on a real database: the office of tests/data/indicators-scenario.sql;
CSV and XLSX of a period, to a file and to standard output, the files readable only by
their owner, and bad usage (dates out of range too) refused with 2. $SEGCONT_BIN runs another binary in place of
build/segcont."""
import os
import sqlite3
import subprocess
import zipfile

import segtest as t

t.SEGCONT = os.environ.get("SEGCONT_BIN", t.SEGCONT)
work = t.tmpdir("export")
conf = t.write_config(work, "http://127.0.0.1:9/webServices/servidor.php", "2024-01-01")
db = os.path.join(work, "segcont.db")

print("1. base vacía: solo el encabezado")
out_csv = os.path.join(work, "vacio.csv")
rc, out, err = t.run_segcont("export", "-c", conf, "--formato", "csv", "-o", out_csv)
t.check(rc == 0 and os.path.exists(out_csv), "export sobre una base nueva (rc=%d, %s)" % (rc, err))
with open(out_csv, "rb") as f:
    data = f.read()
t.check(data.startswith(b"\xef\xbb\xbfRadicado;") and data.count(b"\r\n") == 1,
        "BOM, encabezado y nada más")

print("2. la oficina del escenario")
con = sqlite3.connect(db)
with open(os.path.join(t.ROOT, "tests", "data", "indicators-scenario.sql"), encoding="utf-8") as f:
    con.executescript(f.read())
con.close()
out_csv = os.path.join(work, "mayo.csv")
rc, out, err = t.run_segcont("export", "-c", conf, "--formato", "csv", "-o", out_csv,
                             "--desde", "2024-05-01", "--hasta", "2024-05-31")
t.check(rc == 0 and "exportados 10 radicados" in err, "10 radicados de mayo: %s" % err.strip())
t.check(os.stat(out_csv).st_mode & 0o077 == 0, "el archivo es legible solo por su dueño")
text = open(out_csv, encoding="utf-8-sig", newline="").read()
records = text.split("\r\n")
t.check(records[0].split(";")[:3] == ["Radicado", "Fecha y hora", "Área solicitante"],
        "encabezado en español")
t.check('"=""20243420000011""";02/05/2024 09:00;' in text, "radicado como texto y fecha dd/mm/aaaa")
rc, out, err = t.run_segcont("export", "-c", conf, "--formato", "csv", "-o", "-")
t.check(rc == 0 and out.count("=\"\"2024342") == 11, "-o - escribe los 11 radicados en la salida")

out_xlsx = os.path.join(work, "mayo.xlsx")
rc, out, err = t.run_segcont("export", "-c", conf, "--formato", "xlsx", "-o", out_xlsx,
                             "--desde", "2024-05-01", "--hasta", "2024-05-31")
t.check(rc == 0, "xlsx de mayo (rc=%d, %s)" % (rc, err.strip()))
with zipfile.ZipFile(out_xlsx) as z:
    book = z.read("xl/workbook.xml").decode()
    sheet = z.read("xl/worksheets/sheet1.xml").decode()
t.check('name="Seguimiento"' in book and 'name="Indicadores"' in book and
        'name="Radicados por indicador"' in book, "tres hojas")
t.check('<autoFilter ref="A1:AG11"/>' in sheet and 'state="frozen"' in sheet,
        "encabezado fijo con filtros sobre 10 filas")
t.check(not [n for n in os.listdir(work) if n.startswith("mayo.xlsx.")], "sin temporales")
try:
    csv_out = subprocess.run(["xlsx2csv", "-d", ";", out_xlsx], capture_output=True, text=True,
                             timeout=60)
    t.check(csv_out.returncode == 0 and "02/05/2024 09:00" in csv_out.stdout,
            "xlsx2csv lee el libro y sus fechas dd/mm/aaaa")
except FileNotFoundError:
    print("  (xlsx2csv no está instalado: se omite)")

print("3. errores de uso")
for args in (["--formato", "pdf", "-o", "x"], ["--formato", "csv"], ["-o", "x"],
             ["--formato", "csv", "-o", "x", "--desde", "2024-5-1"],
             ["--formato", "csv", "-o", "x", "--desde", "2024-06-01", "--hasta", "2024-05-01"]):
    rc, out, err = t.run_segcont("export", "-c", conf, *args)
    t.check(rc == 2 and err.strip() != "", "export %s: sale con 2" % " ".join(args))
for option, value in (("--hasta", "9999-12-31"), ("--desde", "0001-01-01"),
                      ("--hasta", "2100-01-01"), ("--desde", "1983-12-31")):
    rc, out, err = t.run_segcont("export", "-c", conf, "--formato", "csv", "-o", "-", option, value)
    t.check(rc == 2 and out == "" and option in err and value in err and "1984-01-01" in err,
            "export %s %s: fecha fuera de rango, sale con 2 y nombra la opción (%s)" %
            (option, value, err.strip()))
rc, out, err = t.run_segcont("export", "-c", conf, "--formato", "csv", "-o", "-", "--desde",
                             "1984-01-01", "--hasta", "2099-12-31")
t.check(rc == 0 and out.count("=\"\"2024342") == 11,
        "los extremos del rango valen y traen los 11 radicados (%s)" % err.strip())
rc, out, err = t.run_segcont("export", "-c", os.path.join(work, "no.conf"), "--formato", "csv",
                             "-o", os.path.join(work, "x.csv"))
t.check(rc == 1, "configuración ilegible: sale con 1")

print("4. un destino que no es un archivo regular no se reemplaza (un enlace, una FIFO)")
target = os.path.join(work, "real.csv")
open(target, "w").write("no tocar\n")
link = os.path.join(work, "enlace.csv")
os.symlink(target, link)
fifo = os.path.join(work, "tubo")
os.mkfifo(fifo)
for dest, what in ((link, "enlace"), (fifo, "FIFO")):
    rc, out, err = t.run_segcont("export", "-c", conf, "--formato", "csv", "-o", dest)
    t.check(rc == 2 and "no es un archivo regular" in err, "%s: sale con 2 y dice por qué" % what)
t.check(os.path.islink(link) and open(target).read() == "no tocar\n",
        "el enlace y su destino siguen intactos")
t.check(not [n for n in os.listdir(work) if ".csv." in n or "tubo." in n],
        "no quedan temporales")
t.finish()
