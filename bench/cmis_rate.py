"""Measures how many filings per second one `segcont sync --once` ingests with the cmis-browser
profile (mappings/cmis-browser.json) from fakecmis on 127.0.0.1: a repository in which at least
BENCH_FILINGS (100,000) filings of the last year sit in dependency 342 (and about as many in
other dependencies, which the query leaves out); a first backfill (31-day query windows paged by
1000 to the end, then the change log from the token taken before it), then the time of a next
pass with nothing new (one contentChanges call). The stored result is compared with fakecmis'
own dump, field by field, before any figure is printed. Not a test: prints figures.

The baseline, in the same run: a plain Python client reading the same query pages (the same
windows, maxItems 1000, succinct) over one keep-alive connection and decoding their JSON, with
nothing stored; the ratio says what segcont's parsing, hashing and SQLite transactions cost on
top of the repository's own answers (fakecmis pages by skipCount, re-reading each window's
results for every page as a real query does, so at this size the repository's time dominates;
segcont's own CPU time is printed beside it).
Environment: BENCH_FILINGS, SEGCONT_BIN, FAKECMIS_BIN."""
import datetime
import http.client
import json
import math
import os
import resource
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))
import segtest as t  # noqa: E402

target = int(os.environ.get("BENCH_FILINGS", "100000"))
OFFICE_SHARE = 0.7  # about seven tenths of fakecmis' filings are the office's
FIELDS = ("tipo_radicado", "fecha_radicacion", "asunto", "folios", "dependencia_origen",
          "dependencia_actual", "remitente", "tipo_documental", "estado_ds")

today = t.today_bogota()
start = today - datetime.timedelta(days=365)
weekdays = sum(1 for i in range(366) if (start + datetime.timedelta(days=i)).weekday() < 5)
per_day = min(2000, int(math.ceil(target / (weekdays * OFFICE_SHARE) * 1.05)))

work = t.tmpdir("bench-cmis")
t0 = time.monotonic()
cmis = t.FakeCMIS(work, "--seed", "5", "--from", start.isoformat(), "--to", today.isoformat(),
                  "--per-day", str(per_day), timeout=300)
expected = cmis.dump(t.OFFICE)
print("fakecmis: %d radicados de la oficina (de %d por día hábil) en %.1f s"
      % (len(expected), per_day, time.monotonic() - t0))
if len(expected) < target:
    print("fakecmis generó menos radicados de la oficina que BENCH_FILINGS (%d < %d)"
          % (len(expected), target))
    sys.exit(1)


def windows():
    """The backfill's windows as the profile asks them: 31 days, from start to today."""
    d = start
    while d <= today:
        end = min(d + datetime.timedelta(days=30), today)
        yield d, end
        d = end + datetime.timedelta(days=1)


def baseline():
    """Seconds a plain client takes to read every page of the office's windows."""
    import base64
    auth = base64.b64encode(("%s:%s" % (t.CMIS_USER, t.CMIS_PASSWORD)).encode()).decode()
    conn = http.client.HTTPConnection("127.0.0.1", cmis.port, timeout=60)
    seen = 0
    t1 = time.monotonic()
    for d, end in windows():
        nxt = end + datetime.timedelta(days=1)
        q = ("SELECT * FROM sgd:radicado WHERE sgd:dependenciaActual = '%s' AND "
             "sgd:fechaRadicado >= TIMESTAMP '%sT00:00:00.000-05:00' AND "
             "sgd:fechaRadicado < TIMESTAMP '%sT00:00:00.000-05:00' ORDER BY cmis:objectId"
             % (t.OFFICE, d.isoformat(), nxt.isoformat()))
        skip = 0
        while True:
            path = "/cmis/browser/sgd?" + urllib.parse.urlencode(
                {"cmisselector": "query", "q": q, "maxItems": "1000", "skipCount": str(skip),
                 "succinct": "true"})
            conn.request("GET", path, headers={"Authorization": "Basic " + auth})
            resp = conn.getresponse()
            page = json.loads(resp.read().decode("utf-8"))
            if resp.status != 200:
                raise RuntimeError("query: %d %r" % (resp.status, page))
            skip += len(page["results"])
            if not page["hasMoreItems"] or not page["results"]:
                break
        seen += skip
    dt = time.monotonic() - t1
    conn.close()
    if seen != len(expected):
        raise RuntimeError("la línea base leyó %d radicados, no %d" % (seen, len(expected)))
    return dt


key = os.path.join(work, "cmis.key")
with open(key, "w") as f:
    f.write(t.CMIS_PASSWORD)
os.chmod(key, 0o600)
conf = t.write_config(work, cmis.repository_url, start.isoformat(),
                      document_system__mapping=os.path.join(t.ROOT, "mappings",
                                                            "cmis-browser.json"),
                      document_system__user=t.CMIS_USER,
                      document_system__key_file=key, document_system__timeout=60)
db = os.path.join(work, "segcont.db")
figures = []
cpu = []
for n in (1, 2):
    t1 = time.monotonic()
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    rc, out, err = t.run_segcont("sync", "--once", "-c", conf, timeout=3600)
    figures.append(time.monotonic() - t1)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)  # segcont only: fakecmis still runs
    cpu.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    if rc != 0:
        print("sync falló:", err[-800:])
        sys.exit(1)
    if n == 1:
        print("   " + out.strip())
got = t.db_filings(db, ("numero",) + FIELDS)
diffs = [num for num, f in expected.items()
         if num not in got or any(str(got[num][k]) != str(f[k]) for k in FIELDS)]
if diffs or len(got) != len(expected):
    print("el resultado no es el esperado: %d guardados, %d esperados, %d distintos (p. ej. %s)"
          % (len(got), len(expected), len(diffs), diffs[:3]))
    sys.exit(1)
base = min(baseline() for _ in range(2))
first, second = figures
print("sync --once, carga inicial CMIS: %d radicados en %.2f s = %.0f radicados/s"
      % (len(expected), first, len(expected) / first))
print("   CPU de segcont (usuario + sistema): %.2f s = %.0f radicados por segundo de CPU; el "
      "resto es la espera del repositorio" % (cpu[0], len(expected) / cpu[0]))
print("   línea base: un cliente simple lee las mismas páginas en %.2f s (%.0f radicados/s); "
      "segcont tarda %.1f veces eso" % (base, len(expected) / base, first / base))
print("sync --once, pasada siguiente sin novedades (registro de cambios): %.2f s" % second)
cmis.stop()
t.stop_all()
