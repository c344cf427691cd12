"""The table of bad requests (tests/data/api/bad-requests.json) against `segcont serve`: each
gets its 4xx with the JSON error body, its codigo and its exact Spanish message, the server
stays up, and the database is left exactly as it was (every table compared after every case)."""
import base64
import json
import os
import socket
import time

import segtest as t

TABLE = os.path.join(t.ROOT, "tests", "data", "api", "bad-requests.json")
MAX_RESPONSE = 1 << 20

env = t.start_api("api-bad")
B, db = env["base"], env["db"]
U = env["users"]
host, port = "127.0.0.1", int(B.rsplit(":", 1)[1])
numeros = [r[0] for r in t.db_query(db, "SELECT numero FROM radicado ORDER BY numero")]
target, recibido = numeros[3], numeros[4]

# The target: assigned to 'abogado' and brought to version 7 (en_revision) through the API.
st, h, b = t.api(B, "POST", "/api/radicados/%s/reparto" % target, token=U["director"][1],
                 body={"abogado_id": U["abogado"][0]})
t.check(st == 200, "reparto del radicado de prueba")
for i in range(5):
    st, h, b = t.api(B, "POST", "/api/radicados/%s/gestiones" % target, token=U["abogado"][1],
                     body={"tipo": "observacion", "texto": "nota %d" % i})
t.check(b["seguimiento"]["version"] == 7 and b["seguimiento"]["estado"] == "en_revision",
        "el radicado de prueba queda en la versión 7, en revisión")

subst = {"numero": target, "numero_recibido": recibido, "abogado_id": str(U["abogado"][0]),
         "abogado2_id": str(U["abogado2"][0]), "apoyo_id": str(U["apoyo"][0]),
         "inactivo_id": str(U["inactivo"][0])}


def fill(text):
    out = []
    parts = text.split("@")
    for i, p in enumerate(parts):
        if i % 2 == 0:
            out.append(p)
        elif p.startswith("repeat:"):
            _, ch, n = p.split(":")
            out.append(ch * int(n))
        else:
            out.append(subst[p])
    return "".join(out)


def read_response(sock, deadline):
    """Reads one HTTP/1.1 response (Content-Length framed). Returns (status, headers, body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        sock.settimeout(max(0.05, deadline - time.time()))
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    n = int(headers.get("content-length", "0"))
    while len(rest) < n and len(rest) < MAX_RESPONSE:
        sock.settimeout(max(0.05, deadline - time.time()))
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, headers, rest[:n]


def send(case):
    """Sends a case over a raw socket (the path goes out verbatim). A body announced over the
    cap is answered before it is sent: the response is read first, then the body is pushed
    and any reset ignored."""
    if "body_base64" in case:
        body = base64.b64decode(case["body_base64"])
    elif "body_size" in case:
        body = b"a" * case["body_size"]
    elif "body" in case:
        body = fill(case["body"]).encode()
    else:
        body = b""
    headers = dict(case.get("headers", {"Content-Type": "application/json"} if body else {}))
    who = case.get("as", "director")
    if who != "none" and "Authorization" not in headers:
        headers["Authorization"] = "Bearer " + U[who][1]
    head = "%s %s HTTP/1.1\r\nHost: %s:%d\r\n" % (case["method"], fill(case["path"]), host, port)
    for k, v in headers.items():
        head += "%s: %s\r\n" % (k, v)
    if body or case["method"] in ("POST", "PATCH", "PUT"):
        head += "Content-Length: %d\r\n" % len(body)
    head += "Connection: close\r\n\r\n"
    deadline = time.time() + 10
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall(head.encode("latin-1"))
        if len(body) > 65536:
            s.settimeout(2)
            try:
                return read_response(s, deadline)
            except socket.timeout:
                pass  # not answered early: send the body and read then
        try:
            s.sendall(body)
        except OSError:
            pass
        return read_response(s, deadline)


cases = json.load(open(TABLE))["cases"]
t.check(len(cases) >= 100, "la tabla tiene %d casos" % len(cases))
before = t.db_dump(db)
for case in cases:
    try:
        status, headers, body = send(case)
    except Exception as e:  # noqa: BLE001 - any failure is this case's failure
        t.check(False, "%s: sin respuesta (%s)" % (case["name"], e))
        continue
    try:
        err = json.loads(body.decode())["error"] if body else {}
    except (ValueError, KeyError, TypeError):
        err = {}
    ok = status == case["status"] and err.get("codigo") == case["codigo"] and err.get("mensaje")
    ok = ok and headers.get("content-type", "").startswith("application/json")
    t.check(ok, "%s: %d %s (esperado %d %s)" % (case["name"], status, err.get("codigo"),
                                               case["status"], case["codigo"]))
    if "mensaje" in case:
        t.check(err.get("mensaje") == fill(case["mensaje"]),
                "%s: el mensaje exacto (%r)" % (case["name"], err.get("mensaje")))
    if status == 401:
        t.check(headers.get("www-authenticate", "").startswith("Bearer"),
                "%s: WWW-Authenticate" % case["name"])
    after = t.db_dump(db)
    if after != before:
        changed = [k for k in before if before[k] != after.get(k)]
        t.check(False, "%s: la base cambió (%s)" % (case["name"], changed))
        before = after
t.check(t.db_dump(db) == before, "la base queda igual tras toda la tabla")
st, body = t.http_get(B + "/healthz")
t.check(st == 200, "el servicio sigue en pie")
t.check(env["proc"].poll() is None, "el proceso no cayó")
t.finish()
