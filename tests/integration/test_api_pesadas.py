"""The heavy routes (indicators, their drill-down, the exports) are worked out on threads of
their own (connector/http_heavy.c): while one runs, every other request is still answered at
once, whichever server thread its kept-alive connection is tied to. serve's heavy handlers are slowed by
SEGCONT_TEST_HEAVY_SLEEP_MS (1.5 s) so that a request stuck behind one would show; a served
answer still goes to the server thread's cache; and when serve stops, what waits for a heavy
thread is answered 503 at once."""
import http.client
import os
import signal
import threading
import time

import segtest as t

SLEEP_MS = 1500
os.environ["SEGCONT_TEST_HEAVY_SLEEP_MS"] = str(SLEEP_MS)
env = t.start_api("api-pesadas", days=30, per_day=6)
del os.environ["SEGCONT_TEST_HEAVY_SLEEP_MS"]
B, U = env["base"], env["users"]
DIR = U["director"][1]
host, port = B.replace("http://", "").split(":")


def get(path, conn=None, timeout=30):
    """(status, seconds, headers, body) of one GET, on conn or a new connection."""
    c = conn or http.client.HTTPConnection(host, int(port), timeout=timeout)
    t0 = time.monotonic()
    c.request("GET", path, headers={"Authorization": "Bearer " + DIR})
    r = c.getresponse()
    body = r.read()
    took = time.monotonic() - t0
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    if conn is None:
        c.close()
    return r.status, took, hdrs, body


def in_background(path, out, conn=None):
    th = threading.Thread(target=lambda: out.append(get(path, conn)))
    th.start()
    return th


def quick_reads(conns):
    """A list read (or /healthz) on each kept-alive connection: the slowest's seconds and the
    statuses seen."""
    slowest = 0.0
    statuses = set()
    for i, c in enumerate(conns):
        path = "/api/radicados?por_pagina=5&pagina=%d" % (1 + i % 3) if i % 4 else "/healthz"
        st, took, _, _ = get(path, c)
        statuses.add(st)
        slowest = max(slowest, took)
    return slowest, statuses


# Kept-alive connections, as a browser's: libmicrohttpd ties each to the server thread that
# accepted it (a new connection goes to an idle thread, so only these could wait).
conns = [http.client.HTTPConnection(host, int(port), timeout=30) for _ in range(12)]
quick_reads(conns)
for path in ("/api/indicadores?base=actividad", "/api/indicadores/radicados?cifra=oficina.recibidos",
             "/api/export.csv"):
    print("1. %s mientras se calcula: las demás conexiones no esperan" % path)
    got = []
    th = in_background(path, got)
    time.sleep(0.2)
    slowest, statuses = quick_reads(conns)
    th.join()
    st, took, hdrs, body = got[0]
    t.check(st == 200 and took >= SLEEP_MS / 1000.0, "%s responde 200 tras el cálculo (%.2f s)" % (path, took))
    t.check(statuses <= {200, 503} and 200 in statuses and slowest < 0.6,
            "12 conexiones abiertas leen mientras tanto, la más lenta en %.3f s (%s)" % (slowest, sorted(statuses)))
    if path.startswith("/api/export"):
        t.check("attachment" in hdrs.get("content-disposition", "") and body.startswith(b"\xef\xbb\xbf"),
                "la exportación llega entera, con su nombre de archivo")
    else:
        t.check(body.startswith(b"{") and b'"error"' not in body, "la respuesta es el JSON de la cifra")
for c in conns:
    c.close()

print("2. la respuesta calculada aparte queda en la caché del hilo que la envió")
conn = http.client.HTTPConnection(host, int(port), timeout=30)
st1, took1, _, body1 = get("/api/indicadores?base=radicacion", conn)
st2, took2, _, body2 = get("/api/indicadores?base=radicacion", conn)
conn.close()
t.check(st1 == 200 and took1 >= SLEEP_MS / 1000.0, "la primera se calcula (%.2f s)" % took1)
t.check(st2 == 200 and took2 < 0.5 and body2 == body1,
        "la segunda, en la misma conexión, sale de la caché (%.3f s), igual" % took2)

print("3. errores de la petición se responden sin esperar a un hilo pesado")
st, took, _, body = get("/api/indicadores?desde=2026-13-01")
t.check(st == 422 and took < 0.5 and b"fecha_invalida" in body, "fecha inválida: 422 en %.3f s" % took)

print("4. al detenerse, lo que espera un hilo pesado recibe 503 enseguida")
got = []
ths = [in_background("/api/export.csv?desde=2000-01-0%d" % (i + 1), got) for i in range(4)]
time.sleep(0.4)  # two run, two wait
t0 = time.monotonic()
env["proc"].send_signal(signal.SIGTERM)
for th in ths:
    th.join()
env["proc"].wait(timeout=30)
stopped = time.monotonic() - t0
codes = sorted(g[0] for g in got)
quick_503 = [g for g in got if g[0] == 503 and g[1] < 1.2]
t.check(codes == [200, 200, 503, 503], "las dos en curso terminan (200) y las dos en espera reciben 503: %s" % codes)
t.check(len(quick_503) == 2, "los 503 llegan sin esperar a las otras (%s)" % [round(g[1], 2) for g in got])
t.check(env["proc"].returncode == 0 and stopped < SLEEP_MS / 1000.0 + 5,
        "serve termina bien en %.2f s (código %s)" % (stopped, env["proc"].returncode))
t.finish()
