"""Faults of the document system are retried and survived: with 30% of answers faulty
(delays past the client's timeout, resets, HTTP 500 and 503 with Retry-After, HTML
pages, truncated and malformed XML), repeated passes converge to exactly the database
that a fault-free sync gives."""
import datetime
import os

import segtest as t

today = t.today_bogota()
start = today - datetime.timedelta(days=75)
work = t.tmpdir("faults")
ds = t.FakeDS(work, "--seed", "5", "--from", start.isoformat(), "--to", today.isoformat(),
              "--per-day", "8")
office = ds.dump(t.OFFICE)

clean_dir = os.path.join(work, "limpio")
faulty_dir = os.path.join(work, "fallas")
os.mkdir(clean_dir)
os.mkdir(faulty_dir)
backfill = (start - datetime.timedelta(days=1)).isoformat()
clean_conf = t.write_config(clean_dir, ds.url, backfill)
faulty_conf = t.write_config(faulty_dir, ds.url, backfill, document_system__timeout=1,
                             document_system__max_retries=5)

rc, out, err = t.run_segcont("sync", "--once", "-c", clean_conf)
t.check(rc == 0, "la pasada sin fallas termina bien")
t.compare_with_dataset(os.path.join(clean_dir, "segcont.db"), office)

ds.faults(0.3, ["delay", "reset", "http500", "http503", "html", "truncated", "malformed"],
          delay_ms=1500)
passes = 0
rc = 1
log = ""
while rc != 0 and passes < 40:
    rc, out, err = t.run_segcont("sync", "--once", "-c", faulty_conf)
    log += err
    passes += 1
stats = ds.control("/control/stats")
print("   pasadas: %d, peticiones: %d, fallas inyectadas: %d %s" %
      (passes, stats["requests"], stats["faults"], stats.get("faults_by_kind")))
t.check(rc == 0, "las pasadas convergen bajo 30%% de fallas (%d pasadas)" % passes)
t.check(stats["faults"] > 50, "se inyectaron fallas de verdad (%d)" % stats["faults"])
faulty_db = os.path.join(faulty_dir, "segcont.db")
t.compare_with_dataset(faulty_db, office)
clean_db = os.path.join(clean_dir, "segcont.db")
q = ("SELECT r.numero, s.tipo_tramite, s.estado, s.version FROM radicado r "
     "JOIN seguimiento s ON s.radicado_id = r.id ORDER BY r.numero")
t.check(t.db_query(clean_db, q) == t.db_query(faulty_db, q), "el seguimiento es idéntico")
t.check(t.db_query(faulty_db, "SELECT count(*) FROM gestion")[0][0] == 0,
        "las fallas no producen cambios espurios")
for word, what in [("Retry-After", "503 con Retry-After"), ("HTML", "página HTML"),
                   ("transporte", "error de transporte"), ("mal formada", "XML mal formado"),
                   ("reintento", "reintentos")]:
    t.check(word in log, "el registro nombra %s" % what)
t.finish()
