#!/usr/bin/env python3
"""indicadores_rate.py -- `make bench`'s /api/indicadores figures (not a test): the time of each
answer (median of BENCH_IND_REPS, 5, requests, each on a new connection; one when the first
takes over 2 s, status 0 after 120 s without an answer) and its size, against
the cache-off serve. The year so far (desde=AAAA-01-01&hasta=today) with base=radicacion and
base=actividad, and no period at all; then the drill-down reads of issue 14's design, measured
only where the server answers 2xx (before that change they are «no disponible»): detalle=1 for
the year, and GET /api/indicadores/radicados?cifra=CIFRA&pagina=1 (BENCH_CIFRA, vencidos).
usage: indicadores_rate.py PORT TOKEN_FILE OUT.json"""
import datetime
import http.client
import json
import os
import statistics
import sys
import time

TIMEOUT = 120
SLOW = 2.0


def get(port, token, path):
    """One GET on a new connection: (status, body bytes, seconds); status 0 when no answer
    came within TIMEOUT seconds."""
    t0 = time.perf_counter()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        c.request("GET", path, headers={"Authorization": "Bearer " + token})
        r = c.getresponse()
        body = r.read()
        return r.status, len(body), time.perf_counter() - t0
    except OSError:
        return 0, 0, time.perf_counter() - t0
    finally:
        c.close()


def main():
    port, token_file, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    token = open(token_file).read().strip()
    reps = int(os.environ.get("BENCH_IND_REPS", "5"))
    today = datetime.date.today()
    year = "desde=%d-01-01&hasta=%s" % (today.year, today.isoformat())
    cifra = os.environ.get("BENCH_CIFRA", "vencidos")
    cases = [
        ("ind-anio-radicacion", "/api/indicadores?%s&base=radicacion" % year),
        ("ind-anio-actividad", "/api/indicadores?%s&base=actividad" % year),
        ("ind-sin-periodo", "/api/indicadores"),
        ("ind-detalle", "/api/indicadores?%s&base=radicacion&detalle=1" % year),
        ("ind-radicados", "/api/indicadores/radicados?cifra=%s&pagina=1" % cifra),
    ]
    result = {}
    for key, path in cases:
        status, size, secs = get(port, token, path)
        times = [secs]
        # An answer over SLOW seconds is timed once: repeating it would only lengthen the run.
        if 200 <= status < 300 and secs < SLOW:
            for _ in range(reps - 1):
                status, size, secs = get(port, token, path)
                times.append(secs)
                if not 200 <= status < 300:
                    break
        result[key] = {"url": path, "status": status, "bytes": size,
                       "ms": statistics.median(times) * 1000, "veces": len(times)}
        print("bench: %s: HTTP %d, %.1f ms, %d bytes" % (key, status, result[key]["ms"], size))
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
