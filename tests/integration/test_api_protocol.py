"""HTTP at the protocol level, over raw sockets against `segcont serve`: what libmicrohttpd lets
through and segcont refuses itself as Spanish JSON (a NUL in the path or the query, two
Content-Length headers, Content-Length with Transfer-Encoding, a URI or header block over
segcont's caps, HTTP/1.1 without Host), what the library still answers itself (README, «API
HTTP»: a malformed Content-Length, a bad HTTP version, a header line without a colon, a URI or
headers beyond its per-connection memory), and `serve` listening on IPv6 ([::1])."""
import json
import os
import re
import socket
import sqlite3
import time

import segtest as t

env = t.start_api("api-protocol")
B, db, conf = env["base"], env["db"], env["conf"]
U = env["users"]
DIR = U["director"][1]
host, port = "127.0.0.1", int(B.rsplit(":", 1)[1])
numero = t.db_query(db, "SELECT numero FROM radicado ORDER BY numero LIMIT 1")[0][0]


def raw(data, addr=None, timeout=10):
    """Sends bytes as they are; returns every byte the server sends until it closes (or the
    timeout), and the parsed first answer (status, headers, body)."""
    family = socket.AF_INET6 if addr and ":" in addr[0] else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(addr or (host, port))
    try:
        s.sendall(data)
        try:
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        got = b""
        end = time.time() + timeout
        while time.time() < end:
            try:
                chunk = s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not chunk:
                break
            got += chunk
    finally:
        s.close()
    head, _, body = got.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and lines[0].startswith("HTTP/") else 0
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    n = int(headers.get("content-length", len(body)) or 0)
    return got, status, headers, body[:n]


STATUS_LINE = re.compile(rb"HTTP/1\.[01] \d\d\d ")


def request(method, path, headers=(), body=b"", version="HTTP/1.1", token=DIR, host_header=True):
    lines = ["%s %s %s" % (method, path, version)]
    if host_header:
        lines.append("Host: %s:%d" % (host, port))
    if token:
        lines.append("Authorization: Bearer " + token)
    lines += list(headers)
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def json_error(status, headers, body):
    """The codigo of a Spanish JSON error body, or None."""
    if not headers.get("content-type", "").startswith("application/json"):
        return None
    try:
        e = json.loads(body.decode("utf-8"))["error"]
    except (ValueError, KeyError, TypeError):
        return None
    return e.get("codigo") if e.get("mensaje") else None


def ours(what, data, status, codigo):
    got, st, h, b = raw(data)
    c = json_error(st, h, b)
    t.check(st == status and c == codigo and len(STATUS_LINE.findall(got)) == 1,
            "%s: %d %s en JSON (se recibió %d %s)" % (what, status, codigo, st, c or b[:80]))
    return got


def library(what, data, status):
    """An answer libmicrohttpd gives by itself: its status, not our JSON (README lists these)."""
    got, st, h, b = raw(data)
    t.check(st == status and json_error(st, h, b) is None,
            "%s: libmicrohttpd responde %d por sí misma (se recibió %d)" % (what, status, st))
    return got


before = t.db_dump(db)
patch = json.dumps({"version": 999, "observaciones": "no debe quedar"}).encode()

print("1. NUL en la ruta o en los parámetros")
ours("/static/app.js%00.txt", request("GET", "/static/app.js%00.txt", token=None), 400,
     "caracter_nulo")
ours("/api/radicados/N%00x", request("GET", "/api/radicados/%s%%00x" % numero), 400,
     "caracter_nulo")
ours("?estado=recibido%00x", request("GET", "/api/radicados?estado=recibido%00x"), 400,
     "caracter_nulo")
ours("PATCH con %00", request("PATCH", "/api/radicados/%s%%00" % numero,
                               ["Content-Type: application/json",
                                "Content-Length: %d" % len(patch)], patch), 400, "caracter_nulo")
got, st, h, b = raw(request("GET", "/api/radicados?q=%2500"))
t.check(st == 200, "«%%2500» (un «%%00» escrito) no es un NUL: 200 (%d)" % st)
got, st, h, b = raw(request("GET", "/static/app.js", token=None))
t.check(st == 200, "/static/app.js sigue sirviéndose (%d)" % st)

print("2. Content-Length repetido, o con Transfer-Encoding")
path = "/api/radicados/" + numero
ours("dos Content-Length iguales", request("PATCH", path, ["Content-Type: application/json",
     "Content-Length: %d" % len(patch), "Content-Length: %d" % len(patch)], patch), 400,
     "cabecera_repetida")
ours("dos Content-Length distintos", request("PATCH", path, ["Content-Type: application/json",
     "Content-Length: %d" % len(patch), "Content-Length: 5"], patch), 400, "cabecera_repetida")
chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(patch), patch)
ours("Content-Length y chunked", request("PATCH", path, ["Content-Type: application/json",
     "Content-Length: %d" % len(patch), "Transfer-Encoding: chunked"], chunked), 400,
     "codificacion_no_admitida")
ours("Transfer-Encoding gzip", request("PATCH", path, ["Content-Type: application/json",
     "Transfer-Encoding: gzip"], patch), 400, "codificacion_no_admitida")
got, st, h, b = raw(request("PATCH", path, ["Content-Type: application/json",
                                            "Transfer-Encoding: chunked"], chunked))
t.check(st == 409 and json_error(st, h, b) == "version_obsoleta",
        "un cuerpo chunked solo sí se lee (409 por la versión: %d)" % st)

print("3. límites propios: URI y cabeceras")
ours("URI de 5000 bytes", request("GET", "/api/radicados?q=" + "a" * 5000), 414,
     "uri_demasiado_larga")
ours("cabeceras de 10 KB", request("GET", "/api/radicados", ["X-Relleno: " + "b" * 10000]), 431,
     "cabeceras_demasiado_grandes")
ours("HTTP/1.1 sin Host", request("GET", "/healthz", token=None, host_header=False), 400,
     "falta_host")
got, st, h, b = raw(request("GET", "/healthz", token=None, host_header=False,
                            version="HTTP/1.0"))
t.check(st == 200, "HTTP/1.0 sin Host: 200 (%d)" % st)

print("4. lo que libmicrohttpd sigue respondiendo por sí misma")
got = library("Content-Length no numérico", request("PATCH", path, ["Content-Length: abc"]), 400)
t.check(len(STATUS_LINE.findall(got)) >= 1, "… (y, en 0.9.75, con la línea de estado %d veces)"
        % len(STATUS_LINE.findall(got)))
library("Content-Length mayor que 2^64", request("PATCH", path,
        ["Content-Length: 99999999999999999999999"]), 413)
library("versión HTTP/2.0", request("GET", "/healthz", token=None, version="HTTP/2.0"), 505)
library("versión HTTP/x.y", request("GET", "/healthz", token=None, version="HTTP/x.y"), 400)
library("cabecera sin dos puntos", request("GET", "/healthz", ["sin dos puntos"], token=None), 400)
library("URI de 40 KB", request("GET", "/api/radicados?q=" + "a" * 40000), 414)
library("cabeceras de 40 KB", request("GET", "/api/radicados", ["X-Relleno: " + "b" * 40000]), 431)
library("chunked mal formado", request("PATCH", path, ["Content-Type: application/json",
        "Transfer-Encoding: chunked"], b"zz\r\nxx\r\n0\r\n\r\n"), 400)
st, body = t.http_get(B + "/metrics")
n = [int(x.split()[-1]) for x in body.splitlines()
     if x.startswith("segcont_http_unhandled_total")]
# (those whose request line was read: a bad version or a URI too long never get that far)
t.check(n and n[0] >= 4, "/metrics cuenta las que no llegaron a segcont (%s)" % n)

t.check(t.db_dump(db) == before, "nada de lo anterior cambió la base")
st, body = t.http_get(B + "/healthz")
t.check(st == 200 and env["proc"].poll() is None, "el servicio sigue en pie")

print("5. escuchar en IPv6 ([::1])")
work6 = t.tmpdir("api-ipv6")
conf6 = t.write_config(work6, env["ds"].url, t.today_bogota().isoformat(),
                       http__listen="::1", document_system__poll_interval="3600")
rc, out, err = t.run_segcont("check-config", "-c", conf6)
t.check(rc == 0, "check-config acepta listen = ::1 (%d %s)" % (rc, err.strip()[-200:]))
port6 = int([ln.split("=")[1] for ln in open(conf6) if ln.startswith("port")][0])
proc6 = t.start_serve(conf6, work6)
got, st, b = b"", 0, b""
end = time.time() + 20
while time.time() < end and proc6.poll() is None:
    try:
        got, st, h, b = raw(b"GET /healthz HTTP/1.1\r\nHost: [::1]:%d\r\nConnection: close\r\n\r\n"
                            % port6, addr=("::1", port6), timeout=5)
        if st:
            break
    except OSError:
        time.sleep(0.1)
ok = False
try:
    ok = st in (200, 503) and "estado" in json.loads(b.decode())
except ValueError:
    pass
t.check(ok, "serve en [::1]: GET /healthz responde JSON (%s)" % got[:60])
log6 = open(os.path.join(work6, "serve.log")).read()
t.check("escuchando en http://[::1]:%d" % port6 in log6, "el registro dice http://[::1]:%d"
        % port6)
if proc6.poll() is None:
    proc6.terminate()
    proc6.wait(timeout=10)
t.finish()
