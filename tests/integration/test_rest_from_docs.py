"""test_rest_from_docs -- syncs from a small REST server written only from docs/mapping.md's
OrfeoNG-style example (section 8.3): the answers it serves are the doc's example blocks
(marked <!-- ejemplo-respuesta: NAME -->), filled with a few hundred filings whose keys have
spaces and accents, paged by the server's own cap; errors come inside HTTP 200 bodies as the
doc shows. segcont runs with mappings/orfeong-rest.json (which must equal the doc's block) and a
bearer token in key_file; every field of every stored filing is compared with what the server
served, after a first pass, after changes, and a wrong token must give the Spanish
authorization error."""
import copy
import datetime
import http.server
import json
import os
import random
import re
import sys
import threading
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
import segtest  # noqa: E402
from segtest import check  # noqa: E402

DOC = os.path.join(segtest.ROOT, "docs", "mapping.md")
MAPPING = os.path.join(segtest.ROOT, "mappings", "orfeong-rest.json")
BASE_PATH = "/version1/externos/radicados-externos"
TOKEN = "tok-3f9a1c-PRUEBA"
SERVER_PAGE_CAP = 40  # the server gives at most this many per page, whatever per-page asks
FIELDS = segtest.DS_FIELDS + ["tipo_documental_nombre", "id_sgd"]


def doc_blocks():
    """{name: parsed JSON} of the fenced json blocks that follow a marker comment
    <!-- ejemplo-respuesta: NAME --> or <!-- ejemplo-mapeo: NAME --> in docs/mapping.md."""
    with open(DOC, encoding="utf-8") as f:
        text = f.read()
    blocks = {}
    for m in re.finditer(r"<!-- ejemplo-(?:respuesta|mapeo): ([^ ]+) -->\n```json\n(.*?)\n```",
                         text, re.S):
        blocks[m.group(1)] = json.loads(m.group(2))
    return blocks


DOCS = doc_blocks()
LIST_EXAMPLE = DOCS["list"]
GET_EXAMPLE = DOCS["get"]
LIST_KEYS = list(LIST_EXAMPLE["data"][0])
GET_KEYS = list(GET_EXAMPLE["data"][0])
with open(MAPPING, encoding="utf-8") as _f:
    SHIPPED = json.load(_f)


# ---------------------------------------------------------------- the dataset

ASUNTOS = [
    "Solicitud de adición y prórroga al contrato %d de 2024",
    "Liquidación del convenio interadministrativo N.º %d",
    "Contratación directa: prestación de servicios profesionales (%d)",
    "Invitación pública de mínima cuantía %d — «urgente»",
    "Cesión del contrato %d & anexos <firmados>",
    "  Respuesta a derecho de petición %d\t",
    "Suspensión del contrato %d por \"fuerza mayor\"",
    "Otrosí %d: ampliación de la compañía aseguradora ñandú 🧾",
]
PEOPLE = ["Ana María Pérez Gómez", "Luis Ángel Rodríguez", "José Núñez Ibáñez",
          "Consorcio Vías del Sur S.A.S.", "Müller & Cía. Ltda.", "Ñusta Quispe"]
TIPOS = ["Solicitud de novedad contractual", "Derecho de petición", "Oficio",
         "Cuenta de cobro", "Memorando interno"]
AREAS = [(110, "Oficina Asesora Jurídica"), (200, None), (777, None), (342, "Dirección de Contratación")]


class Dataset:
    """The filings the server holds, as its items (dicts keyed by the doc's example keys)."""

    def __init__(self, today, days, per_day):
        self.rnd = random.Random(1212)
        self.items = {}
        self.seq = 0
        self.lock = threading.Lock()
        for back in range(days, -1, -1):
            day = today - datetime.timedelta(days=back)
            for _ in range(per_day + self.rnd.randint(-2, 2)):
                self.add(day, "342")
            self.add(day, "200")  # another office's: never listed for 342

    def add(self, day, office):
        rnd = self.rnd
        self.seq += 1
        numero = int("%04d%s%06d%d" % (day.year, "342", self.seq, rnd.choice([1, 2, 2, 3, 5])))
        code, name = rnd.choice(AREAS)
        item = {
            "Número radicado": numero,
            "Fecha radicación": "%s %02d:%02d:%02d" % (day.isoformat(), rnd.randint(0, 23),
                                                        rnd.randint(0, 59), rnd.randint(0, 59)),
            "Asunto": rnd.choice(ASUNTOS) % rnd.randint(1, 999),
            "Dependencia Tramitadora": int(office),
            "Dependencia Radicadora": {"Código": code, "Nombre": name},
            "Folios": rnd.randint(0, 300),
            "Tipo Documental": rnd.choice(TIPOS),
            "Remitente": (rnd.sample(PEOPLE, 2) if rnd.random() < 0.3 else rnd.choice(PEOPLE)),
            "Anulado": rnd.random() < 0.1,
        }
        if rnd.random() < 0.1:
            del item["Anulado"]  # not written: in force
        self.items[numero] = item
        return item


def check_shapes(ds):
    """The server's items have exactly the doc's example keys, with the example's types."""
    item = next(iter(ds.items.values()))
    check(set(item) == set(GET_KEYS), "los elementos del servidor tienen las claves del ejemplo "
          "de radicados-get (%s)" % ", ".join(GET_KEYS))
    check(set(LIST_KEYS) <= set(GET_KEYS), "las claves de la lista están en el detalle")
    bad = [k for k in GET_KEYS if not isinstance(item[k], type(GET_EXAMPLE["data"][0][k]))
           and k != "Remitente"]
    check(not bad, "cada valor tiene el tipo JSON del ejemplo (distintos: %s)" % bad)


# ---------------------------------------------------------------- the server


class State:
    def __init__(self, ds):
        self.ds = ds
        self.lock = threading.Lock()
        self.requests = 0
        self.auth_refused = 0
        self.accept = set()
        self.fail_once = set()  # request keys answered once with the doc's server error
        self.failed = 0
        self.list_pages = 0


def make_handler(state):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def answer(self, body):
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(200)  # OrfeoNG-style: every answer is a 200
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            q = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
            with state.lock:
                state.requests += 1
                state.accept.add(self.headers.get("Accept", ""))
            if self.headers.get("Authorization") != "Bearer " + TOKEN:
                with state.lock:
                    state.auth_refused += 1
                return self.answer(DOCS["error-autorizacion"])
            key = url.path + "?" + url.query
            with state.lock:
                injected = any(key.endswith(f) for f in state.fail_once)
                if injected:
                    state.fail_once = {f for f in state.fail_once if not key.endswith(f)}
                    state.failed += 1
            if injected:
                return self.answer(DOCS["error-servidor"])
            if url.path == BASE_PATH + "/radicados-list":
                return self.answer(self.list_page(q))
            if url.path == BASE_PATH + "/radicados-get":
                return self.answer(self.get_one(q))
            self.answer({"data": [], "status": 404, "message": "ruta desconocida"})

        def list_page(self, q):
            try:
                desde = datetime.date.fromisoformat(q["desde"])
                hasta = datetime.date.fromisoformat(q["hasta"])
                page = int(q.get("page", "1"))
                per = min(int(q.get("per-page", "20")), SERVER_PAGE_CAP)
            except (KeyError, ValueError):
                return {"data": [], "status": 400, "message": "parámetros no válidos"}
            with state.ds.lock:
                rows = [i for n, i in sorted(state.ds.items.items())
                        if str(i["Dependencia Tramitadora"]) == q.get("dependencia")
                        and desde <= datetime.date.fromisoformat(i["Fecha radicación"][:10]) <= hasta]
                chunk = [{k: copy.deepcopy(i[k]) for k in LIST_KEYS}
                         for i in rows[(page - 1) * per:page * per]]
            with state.lock:
                state.list_pages += 1
            body = copy.deepcopy(LIST_EXAMPLE)
            body["data"] = chunk
            body["_meta"] = {"totalCount": len(rows), "pageCount": -(-len(rows) // per),
                             "currentPage": page, "perPage": per}
            check_meta = set(body["_meta"]) == set(LIST_EXAMPLE["_meta"])
            assert check_meta, "the _meta keys of the doc changed"
            return body

        def get_one(self, q):
            with state.ds.lock:
                item = state.ds.items.get(int(q["id"])) if q.get("id", "").isdigit() else None
                item = copy.deepcopy(item)
            if item is None:
                return DOCS["get-no-encontrado"]
            body = copy.deepcopy(GET_EXAMPLE)
            body["data"] = [item]
            return body

    return Handler


def start_server(state):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


# ---------------------------------------------------------------- what the doc says is stored


def expected_filings(ds):
    """The filings segcont must hold, field by field, as docs/mapping.md section 8.3 and the
    shipped mapping say: numbers and codes as text, the date with the mapping's offset, the
    sender list joined with "; ", Anulado through estado_ds, a missing area name from the
    dependencias table, tipo_radicado from the number's last digit."""
    digits = SHIPPED["tipo_radicado"]["digits"]
    areas = SHIPPED["dependencias"]
    out = {}
    for n, i in ds.items.items():
        if str(i["Dependencia Tramitadora"]) != segtest.OFFICE:
            continue
        numero = str(n)
        code = str(i["Dependencia Radicadora"]["Código"])
        name = i["Dependencia Radicadora"]["Nombre"]
        rem = i["Remitente"]
        out[numero] = {
            "numero": numero,
            "tipo_radicado": digits.get(numero[-1], SHIPPED["tipo_radicado"]["default"]),
            "fecha_radicacion": i["Fecha radicación"].replace(" ", "T") + SHIPPED["timezone_offset"],
            "asunto": i["Asunto"].strip(" \t\r\n"),
            "folios": i["Folios"],
            "ruta": "",
            "dependencia_origen": code,
            "dependencia_origen_nombre": name if name is not None else areas.get(code, ""),
            "dependencia_actual": str(i["Dependencia Tramitadora"]),
            "remitente": SHIPPED["multi_separator"].join(rem) if isinstance(rem, list) else rem,
            "tipo_documental": "",
            "tipo_documental_nombre": i["Tipo Documental"],
            "estado_ds": "anulado" if i.get("Anulado") is True else "vigente",
            "id_sgd": "",
        }
    return out


def write_conf(workdir, port, token, backfill):
    conf = segtest.write_config(workdir, "http://127.0.0.1:%d%s" % (port, BASE_PATH),
                                backfill.isoformat(), document_system__mapping=MAPPING,
                                document_system__max_retries="4")
    with open(os.path.join(workdir, "ds.key"), "w") as f:
        f.write(token + "\n")
    return conf


def tail(rc, err):
    """The last line segcont wrote to stderr, for a check's text when rc says it failed."""
    lines = err.strip().splitlines()
    return ": " + lines[-1][-300:] if rc != 0 and lines else ""


def totals(out):
    m = re.search(r"(\d+) nuevos, (\d+) cambiados", out)
    return (int(m.group(1)), int(m.group(2))) if m else (None, None)


def main():
    print("test_rest_from_docs: sincronización desde el ejemplo OrfeoNG de docs/mapping.md")
    check(set(DOCS) >= {"list", "get", "get-no-encontrado", "error-autorizacion",
                        "error-servidor", "orfeong-rest.json"},
          "docs/mapping.md trae los bloques de ejemplo (%s)" % ", ".join(sorted(DOCS)))
    check(DOCS["orfeong-rest.json"] == SHIPPED,
          "el mapeo que muestra docs/mapping.md es mappings/orfeong-rest.json")
    check(DOCS["error-autorizacion"]["status"] == 401 and DOCS["error-servidor"]["status"] == 500
          and DOCS["get-no-encontrado"]["status"] == 404,
          "los errores del ejemplo van dentro del cuerpo (401, 404, 500)")

    today = segtest.today_bogota()
    ds = Dataset(today, days=44, per_day=7)
    check_shapes(ds)
    state = State(ds)
    srv = start_server(state)
    port = srv.server_address[1]
    office = sum(1 for i in ds.items.values() if i["Dependencia Tramitadora"] == 342)
    check(office >= 250, "el servidor tiene %d radicados de la oficina" % office)

    # A transient error inside a 200 on a second page, and on one detail: retried.
    some = sorted(n for n, i in ds.items.items() if i["Dependencia Tramitadora"] == 342)[5]
    state.fail_once = {"&page=2&per-page=100", "radicados-get?id=%d" % some}

    work = segtest.tmpdir("rest-docs")
    conf = write_conf(work, port, TOKEN, today - datetime.timedelta(days=44))
    db = os.path.join(work, "segcont.db")
    rc, out, err = segtest.run_segcont("sync", "--once", "-c", conf, timeout=240)
    check(rc == 0, "la primera pasada termina bien (estado %d%s)" % (rc, tail(rc, err)))
    new, changed = totals(out)
    check(new == office, "la primera pasada da %s nuevos de %d" % (new, office))
    check(state.failed == 2, "los dos errores 500 dentro del cuerpo se reintentaron (%d)" % state.failed)
    check(state.list_pages > 2 * 3, "la lista se leyó en varias páginas por ventana (%d páginas)"
          % state.list_pages)
    check(state.auth_refused == 0, "el token bearer de key_file llega en Authorization")
    segtest.compare_with_dataset(db, expected_filings(ds), FIELDS)
    check(state.accept == {"application/json"},
            "segcont pide Accept: application/json, el de accept del mapeo (envió %s)"
            % sorted(state.accept))

    # Changes the next pass must see (its window starts the day before the cursor, today): new
    # filings of today, and filings of today and yesterday whose listed and detail fields change.
    recent = sorted(n for n, i in ds.items.items() if i["Dependencia Tramitadora"] == 342
                    and i["Fecha radicación"][:10] >= (today - datetime.timedelta(days=1)).isoformat())
    with ds.lock:
        for n in recent[:8]:
            i = ds.items[n]
            i["Asunto"] = "Modificado: " + i["Asunto"].strip() + " — prórroga Nº 2"
            i["Folios"] += 7
            i["Remitente"] = ["Nueva Remitente Añez", "Otra Persona Ruíz"]
            i["Anulado"] = True
            i["Dependencia Radicadora"] = {"Código": 200, "Nombre": None}
        for _ in range(12):
            ds.add(today, "342")
    rc, out, err = segtest.run_segcont("sync", "--once", "-c", conf, timeout=240)
    check(rc == 0, "la segunda pasada termina bien (estado %d%s)" % (rc, tail(rc, err)))
    new, changed = totals(out)
    check((new, changed) == (12, min(8, len(recent))),
          "la segunda pasada da 12 nuevos y %d cambiados (dio %s, %s)" % (min(8, len(recent)), new, changed))
    segtest.compare_with_dataset(db, expected_filings(ds), FIELDS)
    gest = segtest.db_query(db, "SELECT count(*) FROM gestion WHERE tipo = 'cambio_sgd'")[0][0]
    check(gest >= min(8, len(recent)), "cada radicado cambiado tiene su gestión cambio_sgd (%d)" % gest)

    # A wrong token: the server says 401 inside a 200; segcont stops with the Spanish error.
    work2 = segtest.tmpdir("rest-docs-token")
    conf2 = write_conf(work2, port, "token-equivocado", today - datetime.timedelta(days=3))
    refused = state.auth_refused
    rc, out, err = segtest.run_segcont("sync", "--once", "-c", conf2, timeout=120)
    check(rc != 0, "con un token equivocado la pasada falla (estado %d)" % rc)
    check("rechazó las credenciales" in err and "revise el token de key_file" in err,
          "el error dice en español que se rechazaron las credenciales%s" % tail(1, err))
    check(DOCS["error-autorizacion"]["message"] in err,
          "el error trae el mensaje del servidor («%s»)" % DOCS["error-autorizacion"]["message"])
    check(state.auth_refused - refused == 1, "un error de credenciales no se reintenta (%d peticiones)"
          % (state.auth_refused - refused))
    stored = segtest.db_query(os.path.join(work2, "segcont.db"), "SELECT count(*) FROM radicado")[0][0]
    check(stored == 0, "con el token equivocado no se guarda nada (%d)" % stored)
    srv.shutdown()
    segtest.finish()


if __name__ == "__main__":
    main()
