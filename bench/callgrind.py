"""Instructions per request of segcont's reads, counted by valgrind's callgrind (repeatable on
a noisy machine, unlike seconds): for each binary given (default build/segcont), `serve` runs
under callgrind on bench/run.sh's database (build/bench, made by `make bench`) with the answer
cache off (and on, with --cache), once with no request and once with N requests of each read
path; the difference divided by N is the cost of one request. Both runs first send W (20)
warm-up requests of the path, so that what each HTTP thread does once (opening its connection,
preparing its statements) is not counted as the cost of a request. Only what runs inside the
HTTP callback (http_api_answer) is counted, so the idle poller's retries against the absent
document system (their number depends on the wall time) add no noise. Not a test: prints
figures.
usage: python3 bench/callgrind.py [--cache] [-n N] [-w W] [BINARY...]"""
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
W = os.path.join(ROOT, "build", "bench")


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def total_ir(path):
    """The summed Ir of every callgrind output file of one run (one file per thread)."""
    total = 0
    d = os.path.dirname(path)
    base = os.path.basename(path)
    for f in os.listdir(d):
        if f.startswith(base):
            for line in open(os.path.join(d, f)):
                m = re.match(r"^(?:summary|totals): (\d+)", line)
                if m:
                    total += int(m.group(1))
                    break
    return total


def run(binary, paths, n, cache, tag, warm=0):
    port = free_port()
    out = os.path.join(W, "callgrind-%s.out" % tag)
    for f in os.listdir(W):
        if f.startswith(os.path.basename(out)):
            os.unlink(os.path.join(W, f))
    env = dict(os.environ, SEGCONT_HTTP_PORT=str(port), SEGCONT_HTTP_CACHE="1" if cache else "0")
    p = subprocess.Popen(["valgrind", "--tool=callgrind", "--separate-threads=no",
                          "--collect-atstart=no", "--toggle-collect=http_api_answer",
                          "--callgrind-out-file=" + out, binary, "serve", "-c",
                          os.path.join(W, "segcont.conf")], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=W)
    token = open(os.path.join(W, "token")).read().strip()
    # The first /healthz waits for the integrity check serve starts with (a read of the
    # whole database: minutes under valgrind, which runs one thread at a time).
    deadline = time.time() + 900
    while time.time() < deadline:
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=900).read()
            break
        except urllib.error.HTTPError:
            break  # it answers (503: its idle poller cannot reach a document system)
        except Exception:
            if p.poll() is not None:
                sys.exit("bench: %s serve terminó antes de escuchar" % binary)
            time.sleep(0.2)
    for path in paths:
        for _ in range(warm + n):
            req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path),
                                         headers={"Authorization": "Bearer " + token})
            urllib.request.urlopen(req, timeout=60).read()
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=300)
    return total_ir(out)


def main():
    args = sys.argv[1:]
    cache = "--cache" in args
    args = [a for a in args if a != "--cache"]
    n = 50
    if "-n" in args:
        i = args.index("-n")
        n = int(args[i + 1])
        del args[i:i + 2]
    warm = 20
    if "-w" in args:
        i = args.index("-w")
        warm = int(args[i + 1])
        del args[i:i + 2]
    binaries = [os.path.abspath(b) for b in args] or [os.path.join(ROOT, "build", "segcont")]
    if not os.path.exists(os.path.join(W, "segcont.db")):
        sys.exit("bench: falta build/bench/segcont.db; corra antes make bench")
    numero = open(os.path.join(W, "numero")).read().strip()
    reads = [("GET /api/radicados?por_pagina=50", "/api/radicados?por_pagina=50"),
             ("GET /api/radicados/{numero}", "/api/radicados/" + numero)]
    print("instrucciones por petición (callgrind, caché %s, %d peticiones tras %d de calentamiento)"
          % ("on" if cache else "off", n, warm))
    for b in binaries:
        for name, path in reads:
            base = run(b, [path], 0, cache, "base", warm)
            ir = run(b, [path], n, cache, "read", warm)
            print("%-40s %-36s %12.0f" % (b, name, (ir - base) / n))


main()
