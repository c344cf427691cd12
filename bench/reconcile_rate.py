"""Measures how long one `segcont reconcile` of the last 90 days takes against fakeds on
127.0.0.1 with ~50 filings a day (BENCH_PER_DAY, BENCH_DAYS): first with every follow-up
open (a detail call for every listed filing: the worst case), then with 80% of them
concluded (closer to a real office). Not a test: prints figures.
SEGCONT_BIN overrides the binary."""
import datetime
import json
import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))
import segtest as t  # noqa: E402

if os.environ.get("SEGCONT_BIN"):
    t.SEGCONT = os.environ["SEGCONT_BIN"]
per_day = int(os.environ.get("BENCH_PER_DAY", "50"))
days = int(os.environ.get("BENCH_DAYS", "90"))
today = t.today_bogota()
start = today - datetime.timedelta(days=days)
work = t.tmpdir("bench-reconcile")
ds = t.FakeDS(work, "--seed", "3", "--from", start.isoformat(), "--to", today.isoformat(),
              "--per-day", str(per_day))
conf = t.write_config(work, ds.url, start.isoformat(), document_system__reconcile_days=days)
db = os.path.join(work, "segcont.db")
rc, out, err = t.run_segcont("sync", "--once", "-c", conf)
if rc != 0:
    print("sync falló:", err[-800:])
    sys.exit(1)


def run(label):
    t0 = time.monotonic()
    rc, out, err = t.run_segcont("reconcile", "-c", conf, "--json")
    dt = time.monotonic() - t0
    if rc != 0:
        print("reconcile falló:", err[-800:])
        sys.exit(1)
    r = json.loads(out)
    print("reconcile, %s: %d días, %d ventanas, %d radicados listados, %d consultas de detalle, "
          "%d discrepancias abiertas: %.2f s (proceso), %d ms (informe)" %
          (label, days, r["ventanas"], r["listados"], r["consultas_detalle"],
           r["nuevas"] + r["siguen"], dt, r["duracion_ms"]))


run("todo seguimiento abierto")
run("otra vez, sin novedades")
con = sqlite3.connect(db)
con.execute("UPDATE seguimiento SET estado = 'concluido' WHERE radicado_id % 5 <> 0")
con.commit()
con.close()
run("80% concluido")
t.stop_all()
