"""Measures how many filings per second one `segcont sync --once` ingests from fakeds on
127.0.0.1 (a first backfill: every filing new, each with its detail call), plus the
time of a second pass with nothing new. Not a test: prints figures."""
import datetime
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))
import segtest as t  # noqa: E402

per_day = int(os.environ.get("BENCH_PER_DAY", "100"))
days = int(os.environ.get("BENCH_DAYS", "120"))
today = t.today_bogota()
start = today - datetime.timedelta(days=days)
work = t.tmpdir("bench-sync")
ds = t.FakeDS(work, "--seed", "3", "--from", start.isoformat(), "--to", today.isoformat(),
              "--per-day", str(per_day))
office = len(ds.dump(t.OFFICE))
conf = t.write_config(work, ds.url, start.isoformat(), document_system__max_parallel=8)
for n in (1, 2):
    t0 = time.monotonic()
    rc, out, err = t.run_segcont("sync", "--once", "-c", conf)
    dt = time.monotonic() - t0
    if rc != 0:
        print("sync falló:", err[-800:])
        sys.exit(1)
    if n == 1:
        print("sync --once, carga inicial: %d radicados de la oficina en %.2f s = %.0f radicados/s"
              % (office, dt, office / dt))
    else:
        print("sync --once, pasada siguiente sin novedades: %.2f s" % dt)
t.stop_all()
