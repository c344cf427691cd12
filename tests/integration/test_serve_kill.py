"""A killed daemon resumes without losing or duplicating a filing: `segcont serve`
is killed with SIGKILL at random moments of a long backfill and restarted each time;
the final database is exactly fakeds' office filings. Also: /healthz reports the sync
state, and SIGTERM stops the daemon cleanly."""
import datetime
import json
import os
import random
import signal
import time

import segtest as t

today = t.today_bogota()
start = today - datetime.timedelta(days=300)
work = t.tmpdir("kill")
ds = t.FakeDS(work, "--seed", "23", "--from", start.isoformat(), "--to", today.isoformat(),
              "--per-day", "8")
conf = t.write_config(work, ds.url, (start - datetime.timedelta(days=1)).isoformat(),
                      document_system__max_parallel=2)
port = [l.split("=")[1].strip() for l in open(conf) if l.startswith("port")][0]
health = "http://127.0.0.1:%s/healthz" % port
db = os.path.join(work, "segcont.db")
rng = random.Random(4)
# Slow every answer a little so that the backfill lasts long enough to be interrupted.
ds.faults(1.0, ["delay"], delay_ms=20)

def stored():
    try:
        return t.db_query(db, "SELECT count(*) FROM radicado")[0][0] if os.path.exists(db) else 0
    except Exception:
        return 0


kills = 0
counts = []
for i in range(10):
    # Each run is killed at a random moment after it has committed at least one more window
    # (a fixed sleep would depend on how loaded the machine is).
    before = stored()
    p = t.start_serve(conf, work)
    deadline = time.time() + 60
    while stored() <= before and p.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    time.sleep(rng.uniform(0.0, 0.8))
    if p.poll() is not None:
        break
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=10)
    kills += 1
    n = t.db_query(db, "SELECT count(*) FROM radicado")[0][0] if os.path.exists(db) else 0
    counts.append(n)
    print("   muerte %d: %d radicados en la base" % (kills, n))
office_total = len(ds.dump(t.OFFICE))
t.check(kills >= 5, "el demonio murió %d veces" % kills)
t.check(len(set(counts)) >= 3, "cada reinicio retomó y avanzó: %s" % counts)
mid = [n for n in counts if n < office_total]
t.check(len(mid) >= 5,
        "al menos 5 muertes ocurrieron a mitad de la carga (%s de %d)" % (counts, office_total))

ds.faults(0)
p = t.start_serve(conf, work)
deadline = time.time() + 180
state = {}
while time.time() < deadline:
    try:
        code, body = t.http_get(health)
        state = json.loads(body)
        if code == 200 and state["sync"]["cursor"] == today.isoformat() and state["sync"]["ultimo_exito"]:
            break
    except OSError:
        pass
    time.sleep(0.3)
t.check(state.get("estado") == "ok", "/healthz dice ok tras la carga: %s" % state)
t.compare_with_dataset(db, ds.dump(t.OFFICE))
t.check(t.db_query(db, "SELECT count(*) FROM gestion")[0][0] == 0, "sin cambios espurios tras reinicios")

print("degradado: el sistema documental se cae")
ds.stop()
code, body = t.http_get(health)
deadline = time.time() + 60
while time.time() < deadline and code != 503:
    time.sleep(0.5)
    code, body = t.http_get(health)
t.check(code == 503 and "degradada desde" in body, "/healthz responde 503 y desde cuándo: %s" % body[:300])

p.send_signal(signal.SIGTERM)
try:
    rc = p.wait(timeout=30)
except Exception:
    rc = None
t.check(rc == 0, "SIGTERM detiene el demonio limpiamente (rc=%s)" % rc)
t.check(t.db_query(db, "PRAGMA integrity_check")[0][0] == "ok", "la base está íntegra")
t.finish()
