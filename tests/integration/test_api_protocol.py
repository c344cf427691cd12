"""HTTP at the protocol level, over raw sockets against `segcont serve`: what libmicrohttpd lets
through and segcont refuses itself as Spanish JSON (a NUL in the path or the query)."""
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

t.check(t.db_dump(db) == before, "nada de lo anterior cambió la base")
st, body = t.http_get(B + "/healthz")
t.check(st == 200 and env["proc"].poll() is None, "el servicio sigue en pie")
t.finish()
