"""A REST document system shaped like OrfeoNG's external endpoint (tests/data/json/rest.json):
a small threaded HTTP server on 127.0.0.1 serves it, and `segcont sync --once` reads it with
each authentication kind (none, basic, bearer, oauth2: the token reused until it expires,
renewed once on a 401, a second 401 an authentication failure in Spanish) and each paging
kind (page, offset, next link; the server silently caps the page size and is still read to
the end). Errors inside a 200 body are authentication errors, 5xx answers are retried, an
HTML page instead of JSON is malformed; every field of every filing in the SQLite file is
compared with what the server served."""
import base64
import datetime
import http.server
import json
import os
import sys
import threading
import time
import urllib.parse

import segtest as t

ROOT = t.ROOT
REST = os.path.join(ROOT, "tests", "data", "json", "rest.json")
USER = "ana.perez"
BOGOTA = datetime.timezone(datetime.timedelta(hours=-5))
AREAS = {"110": "Oficina Asesora Jurídica"}


def make_dataset(today):
    """Filings of office 342 over the last days, with numbers of several forms, every type
    of value the mapping converts, and two of another office (the server filters them)."""
    out = []
    forms = ["2024%02d%07d%d", "1-2024-%05d%d", "2024ER%04d%d"]
    remitentes = [["María Fernanda Peña", "Luis Ángel Ruiz"], ["Empresa & Cía. S.A.S."], [],
                  ["José \"Pepe\" Núñez"]]
    for i in range(23):
        day = today - datetime.timedelta(days=(i * 3) % 12)
        at = datetime.datetime(day.year, day.month, day.day, 8 + i % 9, (i * 7) % 60,
                               (i * 13) % 60, tzinfo=BOGOTA)
        digit = 1 + i % 3
        form = forms[i % 3]
        if form.startswith("2024%02d"):
            numero = form % (i % 12 + 1, 100000 + i, digit)
        else:
            numero = form % (1000 + i, digit)
        out.append({
            "numero": numero,
            "instante": at,
            "asunto": "Solicitud %d: información & datos = \"públicos\" + más — ñandú" % i,
            "folios": i % 5,
            "dependencia_origen": "110" if i % 2 else "250",
            "dependencia_actual": "342" if i not in (5, 17) else "999",
            "remitentes": remitentes[i % 4],
            "anulado": i % 7 == 3,
            "id": "ng-%d" % (9000 + i),
        })
    return out


def item_list(f, i):
    """The list's item: epoch ms, some numbers under the alternative key "numero", folios as
    a number, the office as a number."""
    ms = int(f["instante"].timestamp() * 1000)
    item = {"Clase": "radicado" if i % 2 else "memorando", "Fecha": ms, "Asunto": f["asunto"],
            "Folios": f["folios"], "Dependencia Radicadora": f["dependencia_origen"],
            "Dependencia Tramitadora": int(f["dependencia_actual"]),
            "Tipo Documental": "Derecho de petición", "Remitentes": f["remitentes"],
            "Anulado": f["anulado"], "id": f["id"]}
    if i % 4 == 1:
        item["Número radicado"] = None
        item["numero"] = f["numero"]
    else:
        item["Número radicado"] = f["numero"]
    return item


def item_info(f):
    """The detail: the date as "dd/mm/YYYY hh:mm:ss AM", folios as text."""
    return {"Número radicado": f["numero"], "Fecha": f["instante"].strftime("%d/%m/%Y %I:%M:%S %p"),
            "Asunto": f["asunto"], "Folios": str(f["folios"]),
            "Dependencia Radicadora": f["dependencia_origen"],
            "Dependencia Tramitadora": f["dependencia_actual"],
            "Tipo Documental": "Derecho de petición", "Remitentes": f["remitentes"],
            "Anulado": "true" if f["anulado"] else "false"}


class Rest:
    """The REST service: auth kind, page cap, injected faults, request counters."""

    def __init__(self, dataset, auth="bearer", cap=None, paging="page"):
        self.dataset = dataset
        self.auth = auth
        self.cap = cap
        self.paging = paging
        self.lock = threading.Lock()
        self.counts = {}
        self.fail_5xx = 0      # the next N list answers are 503
        self.html = False      # list answers are a login page
        self.huge = False      # list answers of 17 MiB
        self.deep = False      # list answers nested 200 deep
        self.bad_key = False   # the bearer key is refused (inside a 200 body)
        self.expires_in = 3600
        self.tokens = {}       # token -> still valid
        self.token_seq = 0
        self.reject_all = False  # every OAuth2 token refused
        self.revoke_next = False  # the current token is refused once
        self.page_sizes = []
        self.unauthorized = 0
        self.accept = set()
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        srv.daemon_threads = True
        base_error = srv.handle_error

        def handle_error(request, address):
            # a client that drops a kept-alive connection is no fault of the test
            if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
                base_error(request, address)

        srv.handle_error = handle_error
        self.srv = srv
        self.port = srv.server_address[1]
        self.url = "http://127.0.0.1:%d/api" % self.port
        threading.Thread(target=srv.serve_forever, daemon=True).start()

    def count(self, what):
        with self.lock:
            self.counts[what] = self.counts.get(what, 0) + 1

    def stop(self):
        self.srv.shutdown()
        self.srv.server_close()

    def office(self):
        return [f for f in self.dataset if f["dependencia_actual"] == "342"]

    def authorized(self, h):
        got = h.headers.get("Authorization", "")
        if self.auth == "none":
            return got == ""
        if self.auth == "basic":
            want = base64.b64encode(("%s:%s" % (USER, t.KEY)).encode()).decode()
            return got == "Basic " + want
        if self.auth == "bearer":
            return not self.bad_key and got == "Bearer " + t.KEY
        token = got[7:] if got.startswith("Bearer ") else ""
        with self.lock:
            if self.reject_all or not self.tokens.get(token):
                return False
            if self.revoke_next:
                self.revoke_next = False
                self.tokens[token] = False
                return False
        return True

    def handler(self):
        rest = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def send(self, status, body, ctype="application/json; charset=utf-8"):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def body(self):
                n = int(self.headers.get("Content-Length", "0"))
                return self.rfile.read(n) if n else b""

            def refuse(self):
                rest.unauthorized += 1
                if rest.auth == "bearer":  # OrfeoNG: the error inside a 200 body
                    self.send(200, {"status": 401, "message": "Token inválido o vencido",
                                    "data": []})
                else:
                    self.send(401, {"message": "no autorizado"})

            def do_POST(self):
                u = urllib.parse.urlsplit(self.path)
                raw = self.body()
                if u.path == "/oauth/token":
                    return self.token(raw)
                if u.path != "/api/radicados/buscar":
                    return self.send(404, {"message": "ruta desconocida"})
                rest.count("list")
                rest.accept.add(self.headers.get("Accept", ""))
                if not rest.authorized(self):
                    return self.refuse()
                if rest.fail_5xx > 0:
                    with rest.lock:
                        rest.fail_5xx -= 1
                    return self.send(503, b"<html>Servicio no disponible</html>", "text/html")
                if rest.huge:
                    return self.send(200, b'{"data": [], "x": "' + b"a" * (17 << 20) + b'"}')
                if rest.deep:
                    return self.send(200, b'{"data": ' + b"[" * 200 + b"]" * 200 + b"}")
                if rest.html:
                    return self.send(200, b"<!DOCTYPE html><html><body>Inicie sesi\xc3\xb3n"
                                     b"</body></html>", "text/html; charset=utf-8")
                if self.headers.get("X-Dependencia") != "342" or \
                        self.headers.get("Content-Type") != "application/json":
                    return self.send(400, {"message": "cabeceras"})
                q = json.loads(raw.decode())
                return self.list(q, urllib.parse.parse_qs(u.query))

            def list(self, q, query):
                d0 = datetime.datetime.strptime(q["desde"], "%d/%m/%Y").date()
                d1 = datetime.datetime.strptime(q["hasta"], "%d/%m/%Y").date()
                inicio = datetime.datetime.fromisoformat(q["inicio"])
                fin = datetime.datetime.fromisoformat(q["fin"])
                if inicio.date() != d0 or fin.date() != d1 + datetime.timedelta(days=1) or \
                        q["filtro"]["codigos"] != ["342", 7, True, None] or \
                        q["filtro"]["texto"] != "comillas \" y salto\n":
                    return self.send(400, {"message": "cuerpo inesperado"})
                found = sorted((f for f in rest.office() if inicio <= f["instante"] < fin),
                               key=lambda f: f["numero"])
                # documents of another class among the results (the mapping's filter drops
                # them): part of what the server pages and counts
                rows = []
                for k, f in enumerate(found):
                    if k % 4 == 2:
                        rows.append({"Clase": "anexo", "Número radicado": "2024999999%04d1" % k})
                    rows.append(f)
                size = q["tam"]
                if rest.cap:
                    size = min(size, rest.cap)
                rest.page_sizes.append(size)
                if rest.paging == "page":
                    start = (q["pagina"] - 1) * size
                elif rest.paging == "offset":
                    start = q["desplazamiento"]
                else:
                    start = int(query.get("desde_fila", ["0"])[0])
                page = rows[start:start + size]
                items = [f if "Clase" in f else item_list(f, rest.dataset.index(f))
                         for f in page]
                ans = {"status": 200, "data": items}
                if rest.paging == "page" and "con_total" in query:
                    ans["total"] = len(rows)
                if rest.paging == "next_link" and start + size < len(rows):
                    ans["links"] = {"next": "/api/radicados/buscar?entidad=sdh&desde_fila=%d"
                                    % (start + len(page))}
                return self.send(200, ans)

            def token(self, raw):
                rest.count("token")
                got = self.headers.get("Authorization", "")
                want = "Basic " + base64.b64encode(("%s:%s" % (USER, t.KEY)).encode()).decode()
                form = urllib.parse.parse_qs(raw.decode())
                if got != want:
                    return self.send(401, {"error": "invalid_client",
                                           "error_description": "cliente desconocido"})
                if form.get("grant_type") != ["client_credentials"] or \
                        form.get("scope") != ["radicados.lectura"]:
                    return self.send(400, {"error": "invalid_request"})
                with rest.lock:
                    rest.token_seq += 1
                    tok = "tok-%d" % rest.token_seq
                    rest.tokens[tok] = True
                return self.send(200, {"access_token": tok, "token_type": "Bearer",
                                       "expires_in": rest.expires_in})

            def do_GET(self):
                u = urllib.parse.urlsplit(self.path)
                prefix = "/api/version1/externos/radicados-externos/radicados-get/"
                if not u.path.startswith(prefix):
                    return self.send(404, {"message": "ruta desconocida"})
                rest.count("info")
                if not rest.authorized(self):
                    return self.refuse()
                numero = urllib.parse.unquote(u.path[len(prefix):])
                query = urllib.parse.parse_qs(u.query)
                if query.get("id") != [numero] or query.get("clave") != [t.KEY]:
                    return self.send(400, {"message": "consulta inesperada"})
                for f in rest.dataset:
                    if f["numero"] == numero:
                        return self.send(200, {"status": 200, "data": [item_info(f)]})
                return self.send(200, {"status": 404, "message": "no existe"})

        return H


def write_mapping(work, name, patch):
    """rest.json with its base made absolute and each "a.b.c": value of patch set (None
    deletes); returns the path."""
    with open(REST, encoding="utf-8") as f:
        m = json.load(f)
    m["base"] = os.path.join(ROOT, "mappings", "clasificacion.json")
    for key, value in patch.items():
        node = m
        parts = key.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        if value is None:
            node.pop(parts[-1], None)
        else:
            node[parts[-1]] = value
    path = os.path.join(work, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(m, f, ensure_ascii=False, indent=1)
    return path


def expected(rest):
    out = {}
    for f in rest.office():
        out[f["numero"]] = {
            "numero": f["numero"],
            "tipo_radicado": {"1": "salida", "2": "entrada", "3": "interna"}[f["numero"][-1]],
            "fecha_radicacion": f["instante"].isoformat(),
            "asunto": f["asunto"],
            "folios": f["folios"],
            "ruta": "",
            "dependencia_origen": f["dependencia_origen"],
            "dependencia_origen_nombre": AREAS.get(f["dependencia_origen"], ""),
            "dependencia_actual": "342",
            "remitente": " | ".join(f["remitentes"]),
            "tipo_documental": "",
            "estado_ds": "anulado" if f["anulado"] else "vigente",
            "id_sgd": f["id"],
            "con_detalle": 1,
        }
    return out


FIELDS = ["numero", "tipo_radicado", "fecha_radicacion", "asunto", "folios", "ruta",
          "dependencia_origen", "dependencia_origen_nombre", "dependencia_actual", "remitente",
          "tipo_documental", "estado_ds", "id_sgd", "con_detalle"]


def run(name, rest, patch, backfill, **config):
    work = t.tmpdir("dsjson-" + name)
    mapping = write_mapping(work, "rest.json", patch)
    conf = t.write_config(work, rest.url, backfill, document_system__mapping=mapping,
                          document_system__user=USER, **config)
    rc, out, err = t.run_segcont("sync", "--once", "-c", conf, timeout=120)
    return rc, out, err, os.path.join(work, "segcont.db")


today = t.today_bogota()
backfill = (today - datetime.timedelta(days=14)).isoformat()
dataset = make_dataset(today)
office_n = len([f for f in dataset if f["dependencia_actual"] == "342"])

# ---- bearer, page paging with total (rest.json as written, page_size 2)
print("bearer, páginas con total")
rest = Rest(dataset, auth="bearer", paging="page")
rc, out, err, db = run("bearer", rest, {"requests.list.url": "{{url}}/radicados/buscar?entidad=sdh&con_total=1"},
                       backfill)
t.check(rc == 0, "bearer: la pasada termina bien (%s)" % err.strip()[-300:])
t.compare_with_dataset(db, expected(rest), FIELDS)
t.check(rest.accept == {"application/json"}, "cada petición pide Accept: application/json (%s)" % rest.accept)
t.check(rest.counts.get("info") == office_n,
        "una consulta de detalle por radicado (%s de %d)" % (rest.counts.get("info"), office_n))
rest.stop()

# ---- page paging without total, a server that caps pages at 3 of the 10 asked
print("páginas sin total, el servidor recorta a 3")
rest = Rest(dataset, auth="bearer", cap=3, paging="page")
rc, out, err, db = run("page-cap", rest, {"requests.list.paging": {"kind": "page", "page_size": 10}},
                       backfill)
t.check(rc == 0, "páginas recortadas: la pasada termina bien (%s)" % err.strip()[-300:])
t.compare_with_dataset(db, expected(rest), FIELDS)
t.check(set(rest.page_sizes) == {3}, "el servidor recortó cada página a 3")
rest.stop()

# ---- no auth, offset paging, cap 4 of 50
print("sin autenticación, desplazamiento, el servidor recorta a 4")
rest = Rest(dataset, auth="none", cap=4, paging="offset")
body = json.load(open(REST, encoding="utf-8"))["requests"]["list"]["json_body"]
body = dict(body, desplazamiento="{{offset|number}}")
del body["pagina"]
rc, out, err, db = run("none-offset", rest, {
    "auth": {"kind": "none"},
    "requests.list.json_body": body,
    "requests.list.paging": {"kind": "offset", "page_size": 50}}, backfill)
t.check(rc == 0, "desplazamiento: la pasada termina bien (%s)" % err.strip()[-300:])
t.compare_with_dataset(db, expected(rest), FIELDS)
t.check(rest.counts.get("list", 0) > office_n // 4, "se pidieron todas las páginas recortadas (%s)"
        % rest.counts.get("list"))
rest.stop()

# ---- basic, next link, cap 5
print("basic, enlace a la página siguiente")
rest = Rest(dataset, auth="basic", cap=5, paging="next_link")
body = dict(json.load(open(REST, encoding="utf-8"))["requests"]["list"]["json_body"])
del body["pagina"]
rc, out, err, db = run("basic-next", rest, {
    "auth": {"kind": "basic"},
    "requests.list.json_body": body,
    "requests.list.paging": {"kind": "next_link", "page_size": 20, "next": "/links/next"}},
    backfill)
t.check(rc == 0, "enlace siguiente: la pasada termina bien (%s)" % err.strip()[-300:])
t.compare_with_dataset(db, expected(rest), FIELDS)
t.check(t.KEY not in out + err, "la contraseña no aparece en la salida")
rest.stop()

# ---- oauth2
OAUTH = {"auth": {"kind": "oauth2", "token_url": "{{origen}}/oauth/token",
                  "scope": "radicados.lectura"}}
print("oauth2: un token para toda la pasada")
rest = Rest(dataset, auth="oauth2", paging="page")
rc, out, err, db = run("oauth", rest, OAUTH, backfill)
t.check(rc == 0, "oauth2: la pasada termina bien (%s)" % err.strip()[-300:])
t.compare_with_dataset(db, expected(rest), FIELDS)
t.check(rest.counts.get("token") == 1, "un solo token para %d peticiones (%s pedidos)"
        % (rest.counts.get("list", 0) + rest.counts.get("info", 0), rest.counts.get("token")))
t.check(rest.unauthorized == 0, "ningún 401")
t.check("tok-1" not in out + err, "el token no aparece en la salida")

print("oauth2: el token revocado se renueva una vez")
rest.counts.clear()
rest.revoke_next = True
rc, out, err, db2 = run("oauth-revoked", rest, OAUTH, backfill)
t.check(rc == 0, "token revocado: la pasada termina bien (%s)" % err.strip()[-300:])
t.check(rest.counts.get("token") == 2, "un token al empezar y otro tras el 401 (%s)"
        % rest.counts.get("token"))
t.check(rest.unauthorized == 1, "un solo 401 (%d)" % rest.unauthorized)
t.compare_with_dataset(db2, expected(rest), FIELDS)

print("oauth2: el token nuevo también rechazado")
rest.counts.clear()
rest.unauthorized = 0
rest.reject_all = True
rc, out, err, db3 = run("oauth-rejected", rest, OAUTH, backfill)
t.check(rc != 0, "dos 401 seguidos: la pasada falla")
t.check(rest.counts.get("token") == 2, "se pidió un token nuevo una sola vez (%s)" % rest.counts.get("token"))
t.check(rest.unauthorized == 2, "dos 401 y ninguno más (%d)" % rest.unauthorized)
t.check("rechazó las credenciales" in err and "OAuth2" in err,
        "el error lo dice en castellano: %s" % err.strip()[-300:])
rest.reject_all = False

print("oauth2: el token vence y se pide otro antes del 401")
rest.counts.clear()
rest.unauthorized = 0
rest.expires_in = 2  # kept 1 s
orig_info = rest.srv.RequestHandlerClass.do_GET


def slow_get(h, _orig=orig_info):
    time.sleep(0.25)
    return _orig(h)


rest.srv.RequestHandlerClass.do_GET = slow_get
rc, out, err, db4 = run("oauth-expiry", rest, OAUTH, backfill)
t.check(rc == 0, "token que vence: la pasada termina bien (%s)" % err.strip()[-300:])
t.check(rest.counts.get("token", 0) >= 2, "se pidieron tokens nuevos al vencer (%s)" % rest.counts.get("token"))
t.check(rest.unauthorized == 0, "sin 401: el token se renovó antes de vencer (%d)" % rest.unauthorized)
t.compare_with_dataset(db4, expected(rest), FIELDS)
rest.srv.RequestHandlerClass.do_GET = orig_info
rest.stop()

print("oauth2: credenciales del cliente rechazadas por el servidor de tokens")
rest = Rest(dataset, auth="oauth2", paging="page")
work = t.tmpdir("dsjson-oauth-client")
mapping = write_mapping(work, "rest.json", OAUTH)
conf = t.write_config(work, rest.url, backfill, document_system__mapping=mapping,
                      document_system__user="otro.cliente")
rc, out, err = t.run_segcont("sync", "--once", "-c", conf, timeout=120)
t.check(rc != 0 and "invalid_client" in err and "revise document_system.user" in err,
        "invalid_client se informa en castellano: %s" % err.strip()[-300:])
t.check(rest.counts.get("token") == 1, "invalid_client no se reintenta (%s)" % rest.counts.get("token"))
rest.stop()

print("oauth2 en el servicio: el token sirve para varias pasadas")
rest = Rest(dataset, auth="oauth2", paging="page")
work = t.tmpdir("dsjson-serve")
mapping = write_mapping(work, "rest.json", OAUTH)
conf = t.write_config(work, rest.url, backfill, document_system__mapping=mapping,
                      document_system__user=USER)
port = [line.split("=")[1].strip() for line in open(conf) if line.startswith("port =")][0]
base = "http://127.0.0.1:%s" % port
serve = t.start_serve(conf, work)
passes = 0
end = time.time() + 40
while passes < 3 and time.time() < end:
    try:
        passes = t.wait_healthz(base).get("sync", {}).get("pasadas", 0)
    except RuntimeError:
        break
    time.sleep(0.2)
t.check(passes >= 3, "el servicio hizo tres pasadas (%d)" % passes)
# The poller and the reconciler each have their own client, and so their own token.
t.check(rest.counts.get("token") == 2, "un token por hilo (sincronización y conciliación), no "
        "uno por pasada (%s)" % rest.counts.get("token"))
t.check(rest.unauthorized == 0, "ningún 401 en el servicio")
serve.terminate()
serve.wait(timeout=15)
t.compare_with_dataset(os.path.join(work, "segcont.db"), expected(rest), FIELDS)
rest.stop()

# ---- errors
print("clave errónea: el error viene dentro de un 200")
rest = Rest(dataset, auth="bearer", paging="page")
rest.bad_key = True
rc, out, err, db = run("bad-key", rest, {}, backfill)
t.check(rc != 0, "la pasada falla")
t.check("rechazó las credenciales" in err and "Token inválido o vencido" in err,
        "el error de autenticación se informa con el mensaje del servidor: %s" % err.strip()[-300:])
t.check(rest.counts.get("list") == 1, "no se reintenta (%s peticiones)" % rest.counts.get("list"))
t.check(t.db_query(db, "SELECT count(*) FROM radicado")[0][0] == 0, "nada se guarda")
rest.bad_key = False

print("503 se reintenta")
rest.counts.clear()
rest.fail_5xx = 3
rc, out, err, db = run("5xx", rest, {}, backfill)
t.check(rc == 0, "tras tres 503 la pasada termina bien (%s)" % err.strip()[-300:])
t.check("reintento" in err, "el registro dice que reintenta")
t.compare_with_dataset(db, expected(rest), FIELDS)

print("una página HTML en vez de JSON")
rest.counts.clear()
rest.html = True
rc, out, err, db = run("html", rest, {}, backfill, document_system__max_retries=3)
t.check(rc != 0, "la pasada falla")
t.check("página HTML" in err and "mal formada" in err, "el error dice página HTML: %s" % err.strip()[-300:])
t.check(rest.counts.get("list") == 3, "se reintentó hasta max_retries (%s)" % rest.counts.get("list"))
rest.html = False

print("respuestas demasiado grandes o anidadas")
rest.counts.clear()
rest.huge = True
rc, out, err, db = run("huge", rest, {}, backfill, document_system__max_retries=2)
t.check(rc != 0 and "mayor que el límite" in err,
        "una respuesta de 17 MiB se rechaza: %s" % err.strip()[-200:])
t.check(rest.counts.get("list") == 2, "y se reintenta hasta max_retries (%s)" % rest.counts.get("list"))
rest.huge = False
rest.deep = True
rc, out, err, db = run("deep", rest, {}, backfill, document_system__max_retries=2)
t.check(rc != 0 and "anidado a más de 64 niveles" in err,
        "un JSON anidado 200 niveles se rechaza: %s" % err.strip()[-200:])
rest.stop()

t.finish()
