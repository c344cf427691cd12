#!/usr/bin/env python3
"""test_fakecmis_contract.py -- checks that build/fakecmis answers the cmis-browser profile of
shared/ds-contract as CMIS 1.1 Browser Binding servers do (repository info, queries paged
under a cap, succinct and verbose properties, content changes, expired tokens, Basic
credentials, CMIS errors), and that its dataset, control API and faults behave, over real
sockets.

Run from the repository root (tests/run.sh does):
    python3 tests/integration/test_fakecmis_contract.py [TEST-NAME...]
Needs build/fakecmis, or the binary named by FAKECMIS_BIN (e.g. one built with
-fsanitize=address,undefined). SEGCONT_SHARED names the shared folder (default ../shared).
Python standard library only; every fakecmis started here is stopped at the end, and a test
fails when one of them exits with a non-zero status (a crash or a sanitizer report)."""

import base64
import datetime
import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
import traceback
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import segtest  # noqa: E402 -- the helpers, FakeCMIS among them

ROOT = segtest.ROOT
CONTRACT = os.path.join(segtest.SHARED, "ds-contract")
SAMPLE_DATASET = os.path.join(ROOT, "tests", "fakecmis", "muestra.json")
FAKECMIS = segtest.FAKECMIS
REPO = "/cmis/browser/sgd"
TOTAL_BUDGET = 300.0  # seconds for the whole script
STARTED = time.monotonic()
STARTED_IN_TEST = []
RESULTS = {"passed": 0, "failed": 0, "failures": []}
SAMPLE_PROPS = ["cmis:objectId", "cmis:objectTypeId", "cmis:lastModificationDate",
                "sgd:numeroRadicado", "sgd:tipoRadicado", "sgd:fechaRadicado", "sgd:asunto",
                "sgd:dependenciaActual", "sgd:dependenciaRadicadora", "sgd:tipoDocumental",
                "sgd:remitente", "sgd:folios", "sgd:estado"]
RAD_QUERY = "SELECT * FROM sgd:radicado"
OFFICE_QUERY = "SELECT * FROM sgd:radicado WHERE sgd:dependenciaActual = '342'"


def contract(name):
    with open(os.path.join(CONTRACT, name), encoding="utf-8") as f:
        return json.load(f)


def start(*args, **kw):
    """A fakecmis on a free port, stopped (and its exit status checked) after the test."""
    work = segtest.tmpdir("fakecmis")
    cmis = segtest.FakeCMIS(work, *args, **kw)
    STARTED_IN_TEST.append(cmis)
    return cmis


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def cmis_error(cmis, status, exception, *args, **kw):
    """Checks a CMIS error answer: status, Content-Type and {"exception", "message"}."""
    got, headers, body = cmis.cmis(*args, **kw)
    check(got == status, "%r %r: estado %d, se espera %d: %r" % (args, kw, got, status, body))
    check(headers.get("content-type", "").startswith("application/json"),
          "error sin JSON: %r" % headers.get("content-type"))
    check(isinstance(body, dict) and body.get("exception") == exception and
          isinstance(body.get("message"), str) and body["message"],
          "%r %r: se espera %s: %r" % (args, kw, exception, body))
    return body


def ms_of(iso):
    return int(datetime.datetime.fromisoformat(iso).timestamp() * 1000)


def ts(ms):
    """A CMIS SQL TIMESTAMP literal of epoch ms."""
    d = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
    return "TIMESTAMP '%s.%03dZ'" % (d.strftime("%Y-%m-%dT%H:%M:%S"), ms % 1000)


def succ(results):
    return [r["succinctProperties"] for r in results]


def test(fn):
    name = fn.__name__
    if time.monotonic() - STARTED > TOTAL_BUDGET:
        RESULTS["failed"] += 1
        RESULTS["failures"].append(name)
        print("FAIL %s: sin tiempo (presupuesto de %d s agotado)" % (name, TOTAL_BUDGET))
        return
    t0 = time.monotonic()
    STARTED_IN_TEST.clear()
    try:
        try:
            fn()
        finally:
            codes = [(c, c.stop()) for c in STARTED_IN_TEST]
        for c, rc in codes:
            if rc != 0:
                raise AssertionError("fakecmis terminó con código %r:\n%s"
                                     % (rc, c.log()[-3000:]))
        RESULTS["passed"] += 1
        print("ok   %s (%.1fs)" % (name, time.monotonic() - t0))
    except Exception as e:  # noqa: BLE001 -- every failure is reported, then the next test runs
        RESULTS["failed"] += 1
        RESULTS["failures"].append(name)
        print("FAIL %s: %s" % (name, e))
        if not isinstance(e, AssertionError):
            traceback.print_exc()
    sys.stdout.flush()


# ---------------------------------------------------------------- repository info, credentials

def test_repository_info():
    cmis = start()
    sample = contract("cmis-repositoryInfo.json")["sgd"]
    status, headers, body = cmis.request("GET", "/cmis/browser")
    check(status == 200 and headers["content-type"] == "application/json;charset=UTF-8",
          "servicio: %d %r" % (status, headers.get("content-type")))
    info = json.loads(body)["sgd"]
    check(set(sample) <= set(info), "faltan claves de la muestra: %r" % (set(sample) - set(info)))
    for key in ("repositoryId", "repositoryName", "cmisVersionSupported"):
        check(info[key] == sample[key], "%s: %r" % (key, info[key]))
    check(info["capabilities"]["capabilityChanges"] == "properties" and
          info["capabilities"]["capabilityQuery"] == "metadataonly", "capacidades")
    check(info["repositoryUrl"] == cmis.base + REPO, "repositoryUrl %r" % info["repositoryUrl"])
    check(info["rootFolderUrl"] == cmis.base + REPO + "/root", "rootFolderUrl")
    check(isinstance(info["latestChangeLogToken"], str) and
          info["latestChangeLogToken"] == cmis.token(), "latestChangeLogToken")
    for args in ({"selector": "repositoryInfo"}, {}):
        status, _, same = cmis.cmis(**args)
        check(status == 200 and same == info, "repositoryInfo (%r) distinto del servicio" % args)
    # The root folder is where rootFolderUrl says.
    path = urllib.parse.urlparse(info["rootFolderUrl"]).path
    status, _, body = cmis.request("GET", path + "?succinct=true")
    root = json.loads(body)["succinctProperties"]
    check(status == 200 and root["cmis:objectId"] == info["rootFolderId"] and
          root["cmis:objectTypeId"] == "cmis:folder" and root["cmis:path"] == "/",
          "raíz %r" % root)
    stats = cmis.control("/control/stats")
    check(stats["by_selector"]["repositories"] == 1 and
          stats["by_selector"]["repositoryInfo"] == 2 and stats["by_selector"]["object"] == 1,
          "stats por selector: %r" % stats["by_selector"])


def test_basic_auth():
    d = segtest.tmpdir("fakecmis-pw")
    pw = os.path.join(d, "cmis.pw")
    with open(pw, "w") as f:
        f.write("  otra clave:con dos puntos \n")
    cmis = start("--user", "lector", "--password-file", pw, user="lector",
                 password="otra clave:con dos puntos")
    status, _, body = cmis.cmis("repositoryInfo")
    check(status == 200 and body["repositoryId"] == "sgd", "credenciales correctas: %d" % status)
    refused = [("sin credenciales", False), ("clave errada", ("lector", "otra")),
               ("usuario errado", ("segcont", "otra clave:con dos puntos")),
               ("credenciales por defecto", (segtest.CMIS_USER, segtest.CMIS_PASSWORD))]
    for what, auth in refused:
        status, headers, body = cmis.cmis("repositoryInfo", auth=auth)
        check(status == 401, "%s: estado %d" % (what, status))
        check(headers.get("www-authenticate") == 'Basic realm="sgd"',
              "%s: WWW-Authenticate %r" % (what, headers.get("www-authenticate")))
        check(body == {"exception": "unauthorized", "message": "Authorization Required"},
              "%s: cuerpo %r" % (what, body))
    for header in ("Basic", "Basic !!!!", "Bearer abc",
                   "Basic " + base64.b64encode(b"lector").decode()):
        status, _, _ = cmis.request("GET", REPO, headers={"Authorization": header}, auth=False)
        check(status == 401, "Authorization %r: estado %d" % (header, status))
    # Every CMIS path asks for credentials before anything else; the control API never does.
    for path in ("/cmis/browser", REPO + "/root", "/cmis/browser/otro", "/cmis/atom"):
        status, _, _ = cmis.request("GET", path, auth=False)
        check(status == 401, "%s sin credenciales: %d" % (path, status))
    stats = cmis.control("/control/stats")
    check(stats["unauthorized"] == 12 and stats["requests"] == 1,
          "los rechazos no cuentan como peticiones: %r" % stats)
    # No password anywhere in the process' output.
    check("otra clave" not in cmis.log(), "la contraseña aparece en la salida")

    html = start("--auth-html")
    status, headers, body = html.cmis("query", auth=False, q=RAD_QUERY)
    check(status == 401 and headers["content-type"].startswith("text/html") and
          "HTTP Status 401" in body and headers.get("www-authenticate") == 'Basic realm="sgd"',
          "--auth-html: %d %r" % (status, headers.get("content-type")))
    open_repo = start("--no-auth")
    status, _, _ = open_repo.cmis("repositoryInfo", auth=False)
    check(status == 200, "--no-auth: %d" % status)


# ---------------------------------------------------------------- the samples

def test_sample_dataset_as_the_samples():
    cmis = start("--dataset", SAMPLE_DATASET)
    sample = contract("cmis-contentChanges.json")
    events, token, pages = cmis.changes_all()
    by_id = {}
    for e in events:
        by_id.setdefault(e["succinctProperties"]["cmis:objectId"], []).append(e)
    for want in sample["objects"]:
        props = want["succinctProperties"]
        got = [e for e in by_id.get(props["cmis:objectId"], [])
               if e["changeEventInfo"]["changeType"] == want["changeEventInfo"]["changeType"]]
        check(len(got) == 1, "sin el evento %s de %s" % (want["changeEventInfo"]["changeType"],
                                                          props["cmis:objectId"]))
        check(got[0]["changeEventInfo"] == want["changeEventInfo"],
              "changeEventInfo %r" % got[0]["changeEventInfo"])
        mine = {k: got[0]["succinctProperties"].get(k) for k in props}
        check(mine == props, "propiedades distintas de la muestra:\n %r\n %r" % (mine, props))
        check(list(got[0]["succinctProperties"])[:len(SAMPLE_PROPS)] == SAMPLE_PROPS,
              "orden de las propiedades")
    check(set(sample) == set(json.loads(json.dumps({"objects": [], "hasMoreItems": False,
                                                    "changeLogToken": token}))),
          "claves de contentChanges")
    check(token == str(int(cmis.token()) + 1), "el siguiente token tras el último: %s" % token)
    # The whole log: the three filings, the folders and the annex, in time order.
    kinds = [e["succinctProperties"]["cmis:objectTypeId"] for e in events]
    check(sorted(kinds) == sorted(["cmis:folder", "cmis:folder", "sgd:radicado", "sgd:radicado",
                                   "sgd:radicado", "sgd:radicado", "sgd:anexo"]),
          "eventos del conjunto de muestra: %r" % kinds)
    times = [e["changeEventInfo"]["changeTime"] for e in events]
    check(times == sorted(times), "eventos fuera de orden")
    # The third filing has a multi-valued sender; the dump joins it.
    results, _ = cmis.query_all(RAD_QUERY + " WHERE sgd:numeroRadicado = '20245100020112'")
    check(succ(results)[0]["sgd:remitente"] == ["Luz Ángela Díaz Beltrán",
                                                "Fondo de Desarrollo Local de Suba"],
          "remitente multivaluado: %r" % succ(results)[0]["sgd:remitente"])
    dump = cmis.dump()
    check(dump["20245100020112"]["remitente"] ==
          "Luz Ángela Díaz Beltrán; Fondo de Desarrollo Local de Suba", "remitente unido")
    check(dump["20241300012213"]["fecha_radicacion"] == "2024-05-02T09:14:07-05:00" and
          dump["20242110004873"]["tipo_radicado"] == "interna", "dump de la muestra")


def test_dump_and_dataset_round_trip():
    cmis = start("--dataset", SAMPLE_DATASET)
    dump = cmis.control("/control/dump")
    fields = ["numero", "tipo_radicado", "fecha_radicacion", "asunto", "folios",
              "dependencia_origen", "dependencia_actual", "remitente", "tipo_documental",
              "estado_ds", "object_id", "remitente_cmis", "creado_ms", "modificado_ms"]
    check(isinstance(dump, list) and all(list(f) == fields for f in dump),
          "campos del dump: %r" % (dump[0] if dump else None))
    check([f["numero"] for f in dump] == ["20241300012213", "20242110004873", "20245100020112"],
          "orden del dump")
    with open(SAMPLE_DATASET, encoding="utf-8") as f:
        loaded = json.load(f)
    for want, got in zip(loaded["filings"], dump):
        check({k: got[k] for k in want} == want, "el dump no reproduce %s" % want["numero"])
    others = cmis.control("/control/others")
    check(others == sorted(loaded["others"], key=lambda o: o["object_id"]),
          "/control/others: %r" % others)
    # A dump loaded with --dataset gives the same dump and the same answers.
    gen = start("--seed", "4", "--per-day", "6", "--from", "2024-03-01", "--to", "2024-04-30")
    full = gen.control("/control/dump")
    path = os.path.join(segtest.tmpdir("fakecmis-dump"), "dump.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(full, f, ensure_ascii=False)
    again = start("--dataset", path)
    check(again.control("/control/dump") == full, "cargar el dump no da el mismo dump")
    check(again.query_all(RAD_QUERY)[0] == gen.query_all(RAD_QUERY)[0],
          "las consultas difieren tras --dataset")
    office = gen.control("/control/dump?dependencia=342")
    check(office == [f for f in full if f["dependencia_actual"] == "342"] and
          0 < len(office) < len(full), "dump?dependencia=342")
    for f in full:
        check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-05:00", f["fecha_radicacion"]),
              "fecha_radicacion %r" % f["fecha_radicacion"])


# ---------------------------------------------------------------- query

def test_query_paging_to_the_end_under_the_cap():
    cmis = start()
    office = cmis.dump("342")
    status, page = cmis.query(OFFICE_QUERY, max_items=1000)
    check(status == 200 and len(page["results"]) == 100 and page["hasMoreItems"] is True and
          page["numItems"] == len(office), "maxItems=1000 bajo el tope de 100: %d resultados, "
          "hasMoreItems %r, numItems %r" % (len(page["results"]), page["hasMoreItems"],
                                            page["numItems"]))
    check(set(page) == {"results", "hasMoreItems", "numItems"}, "claves: %r" % set(page))
    results, pages = cmis.query_all(OFFICE_QUERY, max_items=1000)
    check(pages == (len(office) + 99) // 100, "páginas: %d" % pages)
    ids = [r["cmis:objectId"] for r in succ(results)]
    check(ids == sorted(ids) and len(set(ids)) == len(ids), "orden por cmis:objectId, sin repetir")
    got = {r["sgd:numeroRadicado"]: r for r in succ(results)}
    check(set(got) == set(office), "la consulta paginada no da la oficina del dump (%d vs %d)"
          % (len(got), len(office)))
    for numero, f in office.items():
        r = got[numero]
        rem = r["sgd:remitente"]
        check(r["sgd:fechaRadicado"] == ms_of(f["fecha_radicacion"]) and
              r["sgd:asunto"] == f["asunto"] and r["sgd:folios"] == f["folios"] and
              r["sgd:dependenciaRadicadora"] == f["dependencia_origen"] and
              r["sgd:tipoDocumental"] == f["tipo_documental"] and
              r["sgd:estado"] == f["estado_ds"] and r["cmis:objectId"] == f["object_id"] and
              r["sgd:tipoRadicado"] == {"salida": "1", "entrada": "2", "interna": "3"}[
                  f["tipo_radicado"]] and
              ("; ".join(rem) if isinstance(rem, list) else rem) == f["remitente"] and
              r["cmis:lastModificationDate"] == f["modificado_ms"],
              "resultado distinto del dump: %s" % numero)
    # Smaller pages, the end, past the end.
    status, page = cmis.query(OFFICE_QUERY, max_items=3, skip=5)
    check(succ(page["results"]) == succ(results[5:8]) and page["hasMoreItems"], "maxItems=3")
    status, page = cmis.query(OFFICE_QUERY, max_items=100, skip=len(office) - 2)
    check(len(page["results"]) == 2 and page["hasMoreItems"] is False, "la última página")
    status, page = cmis.query(OFFICE_QUERY, skip=len(office) + 10)
    check(status == 200 and page["results"] == [] and page["hasMoreItems"] is False and
          page["numItems"] == len(office), "más allá del final")
    status, page = cmis.query(OFFICE_QUERY, max_items=0)
    check(page["results"] == [] and page["hasMoreItems"] is True, "maxItems=0")
    status, page = cmis.query(OFFICE_QUERY)
    check(len(page["results"]) == 100, "sin maxItems: el tope")
    small = start("--page-cap", "7", "--per-day", "2", "--to", "2024-01-31")
    status, page = small.query(RAD_QUERY, max_items=1000)
    check(len(page["results"]) == 7 and page["hasMoreItems"], "--page-cap 7")
    results, pages = small.query_all(RAD_QUERY)
    check(len(results) == len(small.dump()) and pages == (len(results) + 6) // 7,
          "paginar hasta el final con --page-cap 7")


def test_query_conditions_and_order():
    cmis = start()
    dump = list(cmis.dump().values())
    checks = [
        (" WHERE sgd:dependenciaActual = '342'", lambda f: f["dependencia_actual"] == "342"),
        (" WHERE sgd:dependenciaActual <> '342'", lambda f: f["dependencia_actual"] != "342"),
        (" WHERE sgd:dependenciaRadicadora IN ('211', '510')",
         lambda f: f["dependencia_origen"] in ("211", "510")),
        (" WHERE sgd:estado IN ('anulado','anulacion_solicitada') AND sgd:tipoRadicado = '2'",
         lambda f: f["estado_ds"] != "vigente" and f["tipo_radicado"] == "entrada"),
        (" WHERE sgd:folios >= 100 AND sgd:folios < 150",
         lambda f: 100 <= f["folios"] < 150),
        (" WHERE sgd:fechaRadicado >= TIMESTAMP '2024-04-01T05:00:00.000Z' AND "
         "sgd:fechaRadicado < TIMESTAMP '2024-04-02T00:00:00-05:00'",
         lambda f: f["fecha_radicacion"][:10] == "2024-04-01"),
        (" WHERE cmis:lastModificationDate > TIMESTAMP '2024-06-20T00:00:00.000Z' AND "
         "sgd:dependenciaActual = '342'",
         lambda f: f["modificado_ms"] > ms_of("2024-06-20T00:00:00+00:00") and
         f["dependencia_actual"] == "342"),
        (" WHERE cmis:lastModificationDate <= TIMESTAMP '2024-01-05T12:00:00.5+00:00'",
         lambda f: f["modificado_ms"] <= ms_of("2024-01-05T12:00:00.500+00:00")),
        (" WHERE sgd:asunto = 'no existe'", lambda f: False),
        (" where sgd:tipoDocumental = '1070' order by sgd:numeroRadicado",
         lambda f: f["tipo_documental"] == "1070"),
    ]
    for where, keep in checks:
        results, _ = cmis.query_all(RAD_QUERY + where)
        got = sorted(r["sgd:numeroRadicado"] for r in succ(results))
        want = sorted(f["numero"] for f in dump if keep(f))
        check(got == want, "%s: %d resultados, se esperan %d" % (where, len(got), len(want)))
    # ORDER BY, both ways, ties broken by objectId.
    results, _ = cmis.query_all(OFFICE_QUERY + " ORDER BY sgd:fechaRadicado DESC")
    keys = [(-r["sgd:fechaRadicado"], r["cmis:objectId"]) for r in succ(results)]
    check(keys == sorted(keys), "ORDER BY sgd:fechaRadicado DESC")
    results, _ = cmis.query_all(RAD_QUERY + " ORDER BY sgd:folios ASC")
    keys = [(r["sgd:folios"], r["cmis:objectId"]) for r in succ(results)]
    check(keys == sorted(keys) and len(keys) == len(dump), "ORDER BY sgd:folios ASC")
    # Escapes in text literals; the query reaches a value with a quote.
    numero = dump[0]["numero"]
    cmis.control("/control/update", {"numero": numero, "asunto": "Prórroga d'Artagnan \\ & <x>"})
    literal = "'Prórroga d\\'Artagnan \\\\ & <x>'"
    results, _ = cmis.query_all(RAD_QUERY + " WHERE sgd:asunto = " + literal)
    check([r["sgd:numeroRadicado"] for r in succ(results)] == [numero], "literal con \\' y \\\\")
    # A column list returns those properties only, in that order.
    status, page = cmis.query("SELECT sgd:numeroRadicado, cmis:objectId FROM sgd:radicado "
                              "ORDER BY sgd:numeroRadicado", max_items=2)
    check(list(page["results"][0]["succinctProperties"]) == ["sgd:numeroRadicado",
                                                             "cmis:objectId"], "SELECT columnas")
    # POST cmisaction=query with a form answers as the GET does (urlencode writes + for spaces).
    status, _, posted = cmis.cmis(post={"cmisaction": "query", "statement": OFFICE_QUERY,
                                        "maxItems": "50", "skipCount": "10", "succinct": "true"})
    status2, got = cmis.query(OFFICE_QUERY, max_items=50, skip=10)
    check(status == 200 and posted == got, "POST cmisaction=query distinto del GET")
    stats = cmis.control("/control/stats")["by_selector"]
    check(stats["query"] >= 20, "consultas contadas: %r" % stats)


def test_query_refused_as_invalid_argument():
    cmis = start("--dataset", SAMPLE_DATASET)
    bad = [
        "", "DELETE FROM sgd:radicado", "SELECT * FROM sgd:radicado WHERE",
        RAD_QUERY + " WHERE sgd:estado = 'vigente' OR sgd:folios = 3",
        RAD_QUERY + " WHERE sgd:asunto LIKE 'Sol%'",
        RAD_QUERY + " WHERE NOT sgd:folios = 3",
        RAD_QUERY + " WHERE sgd:folios NOT IN (1, 2)",
        RAD_QUERY + " WHERE (sgd:folios = 3)",
        RAD_QUERY + " WHERE sgd:color = 'rojo'",
        RAD_QUERY + " WHERE sgd:remitente = 'Subdirección Financiera'",
        RAD_QUERY + " WHERE sgd:folios = '3'",
        RAD_QUERY + " WHERE sgd:asunto = 3",
        RAD_QUERY + " WHERE sgd:asunto < 'b'",
        RAD_QUERY + " WHERE sgd:fechaRadicado >= '2024-01-01'",
        RAD_QUERY + " WHERE sgd:fechaRadicado >= TIMESTAMP '2024-01-01'",
        RAD_QUERY + " WHERE sgd:fechaRadicado >= TIMESTAMP '2024-01-01T00:00:00'",
        RAD_QUERY + " WHERE sgd:fechaRadicado >= TIMESTAMP '2024-02-30T00:00:00Z'",
        RAD_QUERY + " WHERE sgd:fechaRadicado IN (TIMESTAMP '2024-01-01T00:00:00Z')",
        RAD_QUERY + " WHERE sgd:asunto = 'sin cerrar",
        RAD_QUERY + " WHERE sgd:asunto = 'escape \\n'",
        RAD_QUERY + " WHERE sgd:asunto = \"comillas dobles\"",
        RAD_QUERY + " WHERE sgd:numeroRadicado IN ()",
        RAD_QUERY + " ORDER BY sgd:remitente",
        RAD_QUERY + " ORDER BY sgd:folios, cmis:objectId",
        RAD_QUERY + " LIMIT 10",
        RAD_QUERY + "; DROP TABLE x",
        "SELECT * FROM cmis:document", "SELECT * FROM cmis:folder", "SELECT * FROM otro:tipo",
        "SELECT sgd:noexiste FROM sgd:radicado", "SELECT cmis:path FROM sgd:radicado",
        "SELECT * FROM sgd:radicado WHERE " + " AND ".join(["sgd:folios > 1"] * 33),
        RAD_QUERY + " WHERE sgd:asunto = '" + "x" * 1100 + "'",
    ]
    for q in bad:
        body = cmis_error(cmis, 400, "invalidArgument", "query", q=q, succinct="true")
        check(len(body["message"]) < 600, "mensaje demasiado largo para %r" % q[:60])
    status, _, body = cmis.cmis("query", q=RAD_QUERY + " WHERE sgd:asunto = 'a' OR sgd:folios = 1")
    check("OR" in body["message"], "el mensaje nombra OR: %r" % body["message"])
    cmis_error(cmis, 400, "invalidArgument", "query")
    for params in ({"maxItems": "-1"}, {"maxItems": "abc"}, {"skipCount": "-3"},
                   {"succinct": "quizás"}, {"dateTimeFormat": "iso"}):
        cmis_error(cmis, 400, "invalidArgument", "query", q=RAD_QUERY, **params)
    # Not UTF-8, and a long statement.
    status, _, body = cmis.request("GET", REPO + "?cmisselector=query&q=SELECT%20%FF")
    check(status == 400 and json.loads(body)["exception"] == "invalidArgument", "q no UTF-8")
    cmis_error(cmis, 400, "invalidArgument", "query", q=RAD_QUERY + " " * 9000)


def test_succinct_and_verbose_properties():
    cmis = start("--dataset", SAMPLE_DATASET)
    q = RAD_QUERY + " ORDER BY sgd:numeroRadicado"
    _, short = cmis.query(q, succinct=True)
    _, verbose = cmis.query(q, succinct=False)
    status, _, default = cmis.cmis("query", q=q)
    check(default == verbose, "sin succinct la forma es la detallada")
    for s, v in zip(short["results"], verbose["results"]):
        check(list(v) == ["properties"] and list(s) == ["succinctProperties"], "claves")
        sp, vp = s["succinctProperties"], v["properties"]
        check(list(sp) == list(vp), "las mismas propiedades en el mismo orden")
        for pid, entry in vp.items():
            check(list(entry) == ["id", "localName", "displayName", "queryName", "type",
                                  "cardinality", "value"], "claves de %s: %r" % (pid, entry))
            check(entry["id"] == pid == entry["queryName"] and
                  entry["localName"] == pid.split(":", 1)[1] and entry["value"] == sp[pid],
                  "entrada de %s: %r" % (pid, entry))
            multi = isinstance(sp[pid], list)
            check(entry["cardinality"] == ("multi" if multi else "single"),
                  "cardinalidad de %s" % pid)
        check(vp["sgd:asunto"]["displayName"] == "Asunto" and vp["sgd:asunto"]["type"] == "string",
              "sgd:asunto detallado: %r" % vp["sgd:asunto"])
        check(vp["sgd:fechaRadicado"]["type"] == "datetime" and
              isinstance(vp["sgd:fechaRadicado"]["value"], int), "datetime en ms")
        check(vp["sgd:folios"]["type"] == "integer" and vp["cmis:objectId"]["type"] == "id",
              "tipos integer e id")
        check(vp["cmis:secondaryObjectTypeIds"]["cardinality"] == "multi" and
              vp["cmis:description"]["value"] is None, "lista vacía y null")
    third = verbose["results"][2]["properties"]["sgd:remitente"]
    check(third["cardinality"] == "multi" and
          third["value"] == ["Luz Ángela Díaz Beltrán", "Fondo de Desarrollo Local de Suba"],
          "remitente multivaluado detallado: %r" % third)
    first = verbose["results"][0]["properties"]["sgd:remitente"]
    check(first["cardinality"] == "single" and isinstance(first["value"], str), "remitente simple")
    # dateTimeFormat=extended writes datetimes as ISO text, in both forms.
    status, _, ext = cmis.cmis("query", q=q, succinct="true", dateTimeFormat="extended")
    check(ext["results"][0]["succinctProperties"]["sgd:fechaRadicado"] ==
          "2024-05-02T14:14:07.000Z", "dateTimeFormat=extended: %r"
          % ext["results"][0]["succinctProperties"]["sgd:fechaRadicado"])
    # The changes in both forms too.
    _, vch = cmis.changes(succinct=False)
    check(all("properties" in o and "changeEventInfo" in o for o in vch["objects"]),
          "contentChanges detallado")
    # Type definitions say what the properties are.
    status, _, tdef = cmis.cmis("typeDefinition", typeId="sgd:radicado")
    defs = tdef["propertyDefinitions"]
    check(status == 200 and tdef["baseId"] == "cmis:document" and
          defs["sgd:remitente"]["cardinality"] == "multi" and
          defs["sgd:folios"]["propertyType"] == "integer" and
          set(SAMPLE_PROPS) <= set(defs), "typeDefinition: %r" % tdef.get("id"))
    cmis_error(cmis, 404, "objectNotFound", "typeDefinition", typeId="sgd:otro")


def test_multi_valued_sender_in_generated_data():
    cmis = start("--seed", "2")
    results, _ = cmis.query_all(RAD_QUERY)
    values = [r["sgd:remitente"] for r in succ(results)]
    lists = [v for v in values if isinstance(v, list)]
    check(lists and len(lists) < 0.4 * len(values), "remitentes multivaluados: %d de %d"
          % (len(lists), len(values)))
    check(any(len(v) == 1 for v in lists) and any(len(v) >= 2 for v in lists),
          "listas de uno y de varios")
    check(all(isinstance(v, str) and v for v in values if not isinstance(v, list)),
          "los demás son textos")
    dump = cmis.dump()
    for r in succ(results):
        v = r["sgd:remitente"]
        f = dump[r["sgd:numeroRadicado"]]
        check(f["remitente"] == ("; ".join(v) if isinstance(v, list) else v) and
              f["remitente_cmis"] == v, "remitente del dump de %s" % f["numero"])


# ---------------------------------------------------------------- content changes

def test_content_changes_after_control_changes():
    cmis = start("--dataset", SAMPLE_DATASET)
    latest = cmis.token()
    status, page = cmis.changes(latest)
    check(status == 200 and len(page["objects"]) == 1 and page["hasMoreItems"] is False and
          page["changeLogToken"] == str(int(latest) + 1),
          "pedir desde latestChangeLogToken devuelve ese cambio: %r" % page)
    token = page["changeLogToken"]
    status, page = cmis.changes(token)
    check(page["objects"] == [] and page["changeLogToken"] == token, "nada nuevo")
    before_ms = int(time.time() * 1000) - 1

    added = cmis.control("/control/add", {"fecha_radicacion": "2024-05-03 10:00:00",
                                          "asunto": "Cesión del contrato 4120000-77-2024",
                                          "dependencia_origen": "211", "folios": 4,
                                          "remitente": ["Ana Lucía Rodríguez Cárdenas",
                                                        "Subdirección Financiera"]})
    check(added["numero"] == "20242110004883" and added["dependencia_actual"] == "342" and
          added["remitente"] == "Ana Lucía Rodríguez Cárdenas; Subdirección Financiera",
          "add: %r" % added)
    moved = cmis.control("/control/update", {"numero": "20241300012213",
                                             "dependencia_actual": "130", "folios": 13})
    annulled = cmis.control("/control/annul", {"numero": "20242110004873"})
    check(annulled["estado_ds"] == "anulado", "annul: %r" % annulled)
    removed = cmis.control("/control/remove", {"numero": "20245100020112"})
    cmis.control("/control/security", {"object_id": "5a6b7c8d-f001"})
    check(cmis.token() == str(int(token) + 4), "cinco cambios, cinco tokens: %s" % cmis.token())
    status, _, info = cmis.cmis("repositoryInfo")
    check(info["latestChangeLogToken"] == cmis.token(), "repositoryInfo sigue el token")

    status, page = cmis.changes(token, max_items=2)
    check(len(page["objects"]) == 2 and page["hasMoreItems"] is True and
          page["changeLogToken"] == str(int(token) + 2), "página de 2: %r" % page)
    events, nxt, pages = cmis.changes_all(token, max_items=2)
    check(pages == 3 and nxt == str(int(token) + 5), "paginar los cambios: %d %s" % (pages, nxt))
    kinds = [(e["changeEventInfo"]["changeType"], e["succinctProperties"]["cmis:objectId"])
             for e in events]
    check(kinds == [("created", added["object_id"]), ("updated", moved["object_id"]),
                    ("updated", annulled["object_id"]), ("deleted", removed["object_id"]),
                    ("security", "5a6b7c8d-f001")], "eventos: %r" % kinds)
    created = events[0]["succinctProperties"]
    check(created["sgd:numeroRadicado"] == "20242110004883" and
          created["sgd:remitente"] == ["Ana Lucía Rodríguez Cárdenas",
                                       "Subdirección Financiera"] and
          created["cmis:lastModificationDate"] == events[0]["changeEventInfo"]["changeTime"],
          "propiedades del creado: %r" % created)
    check(events[1]["succinctProperties"]["sgd:dependenciaActual"] == "130" and
          events[1]["succinctProperties"]["sgd:folios"] == 13, "salida de la 342 visible")
    check(events[2]["succinctProperties"]["sgd:estado"] == "anulado", "anulado visible")
    check(events[3]["succinctProperties"] == {"cmis:objectId": removed["object_id"],
                                              "cmis:objectTypeId": "sgd:radicado"},
          "un deleted lleva solo objectId y objectTypeId: %r" % events[3])
    check(events[4]["succinctProperties"]["cmis:objectTypeId"] == "cmis:folder", "security")
    times = [e["changeEventInfo"]["changeTime"] for e in events]
    check(times == sorted(times) and times[0] >= before_ms, "horas de los cambios")
    # Without includeProperties only the ids come.
    status, page = cmis.changes(token, include_properties=False)
    check(all(set(o["succinctProperties"]) == {"cmis:objectId", "cmis:objectTypeId"}
              for o in page["objects"]), "includeProperties=false")
    # Queries see the same state.
    results, _ = cmis.query_all(OFFICE_QUERY)
    office = {r["sgd:numeroRadicado"] for r in succ(results)}
    check(office == {"20242110004873", "20242110004883"},
          "la oficina tras los cambios: %r" % office)
    results, _ = cmis.query_all(RAD_QUERY + " WHERE cmis:lastModificationDate >= " + ts(before_ms))
    check(sorted(r["sgd:numeroRadicado"] for r in succ(results)) ==
          ["20241300012213", "20242110004873", "20242110004883"], "modificados desde antes")
    check(set(cmis.dump("342")) == {"20242110004873", "20242110004883"}, "dump?dependencia=342")
    # The same token read again gives the same events (idempotent paging).
    again, _, _ = cmis.changes_all(token)
    check(again == events, "releer desde el mismo token da lo mismo")


def test_other_types_and_deleted_objects_in_the_log():
    cmis = start("--seed", "3")
    events, _, pages = cmis.changes_all(max_items=1000)
    check(pages > 3, "el registro se pagina bajo el tope de 100 (%d páginas)" % pages)
    check(len(events) == int(cmis.token()), "un evento por token")
    types = {}
    for e in events:
        key = (e["succinctProperties"]["cmis:objectTypeId"], e["changeEventInfo"]["changeType"])
        types[key] = types.get(key, 0) + 1
    for key in [("cmis:folder", "created"), ("cmis:folder", "security"),
                ("cmis:document", "created"), ("cmis:document", "updated"),
                ("cmis:document", "deleted"), ("sgd:anexo", "created"), ("sgd:anexo", "deleted"),
                ("sgd:radicado", "created"), ("sgd:radicado", "updated"),
                ("sgd:radicado", "deleted"), ("sgd:radicado", "security")]:
        check(types.get(key, 0) > 0, "ningún evento %r: %r" % (key, types))
    for e in events:
        p = e["succinctProperties"]
        if e["changeEventInfo"]["changeType"] == "deleted":
            check(set(p) == {"cmis:objectId", "cmis:objectTypeId"}, "deleted con más: %r" % p)
    deleted = {e["succinctProperties"]["cmis:objectId"] for e in events
               if e["changeEventInfo"]["changeType"] == "deleted"}
    for e in events:
        if e["succinctProperties"]["cmis:objectId"] in deleted:
            check(set(e["succinctProperties"]) == {"cmis:objectId", "cmis:objectTypeId"},
                  "un objeto ya borrado no tiene propiedades en sus eventos viejos")
    annexes = [e["succinctProperties"] for e in events
               if e["succinctProperties"]["cmis:objectTypeId"] == "sgd:anexo" and
               len(e["succinctProperties"]) > 2]
    dump = cmis.dump()
    check(annexes and all(a["sgd:numeroRadicado"] in dump for a in annexes) and
          all("sgd:asunto" not in a for a in annexes),
          "los anexos llevan el número de su radicado")
    results, _ = cmis.query_all(RAD_QUERY)
    check({r["cmis:objectTypeId"] for r in succ(results)} == {"sgd:radicado"} and
          len(results) == len(dump), "solo radicados en la consulta")
    live = {e["succinctProperties"]["cmis:objectId"] for e in events
            if e["succinctProperties"]["cmis:objectTypeId"] == "sgd:radicado"} - deleted
    check(live == {f["object_id"] for f in dump.values()}, "los radicados vivos del registro")
    # Any object by id; an unknown one is objectNotFound.
    other = cmis.control("/control/others")
    doc = next(o for o in other if o["tipo"] == "cmis:document")
    status, _, body = cmis.cmis("object", objectId=doc["object_id"], succinct="true")
    check(status == 200 and body["succinctProperties"]["cmis:name"] == doc["nombre"] and
          body["succinctProperties"]["cmis:baseTypeId"] == "cmis:document", "object: %r" % body)
    cmis_error(cmis, 404, "objectNotFound", "object", objectId="no-existe")
    cmis_error(cmis, 400, "invalidArgument", "object")
    # Deleting an annex through the control API logs a deleted cmis document.
    annex = next(o for o in other if o["tipo"] == "sgd:anexo")
    token = str(int(cmis.token()) + 1)
    cmis.control("/control/remove", {"object_id": annex["object_id"]})
    status, page = cmis.changes(token)
    check(page["objects"][0]["succinctProperties"] == {"cmis:objectId": annex["object_id"],
                                                       "cmis:objectTypeId": "sgd:anexo"},
          "deleted del anexo: %r" % page["objects"])


def test_expired_tokens():
    cmis = start("--log-keep", "50", "--per-day", "3", "--to", "2024-02-29")
    latest = int(cmis.token())
    tokens = cmis.control("/control/token")
    check(tokens["oldestChangeLogToken"] == str(latest - 49) and tokens["entries"] == 50,
          "el registro guarda 50: %r" % tokens)
    body = cmis_error(cmis, 400, "invalidArgument", "contentChanges", changeLogToken="1",
                      includeProperties="true", succinct="true")
    check("change log token no longer valid" in body["message"], "mensaje: %r" % body["message"])
    cmis_error(cmis, 400, "invalidArgument", "contentChanges", changeLogToken=str(latest - 50))
    events, nxt, _ = cmis.changes_all(str(latest - 49))
    check(len(events) == 50 and nxt == str(latest + 1), "los 50 guardados")
    events, _, _ = cmis.changes_all()
    check(len(events) == 50, "sin token: desde el más viejo guardado")
    status, _, info = cmis.cmis("repositoryInfo")
    check(info["changesIncomplete"] is True, "changesIncomplete")
    # Tokens never given, and not numbers.
    for bad in (str(latest + 2), "abc", "-1", "1e3", "99999999999999999999"):
        cmis_error(cmis, 400, "invalidArgument", "contentChanges", changeLogToken=bad)
    # /control/expire drops everything: the latest token is expired, the next one is not.
    cmis.control("/control/expire", {})
    body = cmis_error(cmis, 400, "invalidArgument", "contentChanges", changeLogToken=str(latest))
    check("no longer valid" in body["message"], "expire: %r" % body["message"])
    status, page = cmis.changes(str(latest + 1))
    check(status == 200 and page["objects"] == [] and page["changeLogToken"] == str(latest + 1),
          "el siguiente token sigue valiendo: %r" % page)
    cmis.control("/control/add", {"fecha_radicacion": "2024-02-29 09:00:00", "asunto": "nuevo"})
    status, page = cmis.changes(str(latest + 1))
    check(len(page["objects"]) == 1 and page["changeLogToken"] == str(latest + 2),
          "tras expire, un cambio nuevo: %r" % page)
    check(cmis.control("/control/token")["expired"] == 50, "expired cuenta lo descartado")
    # Some servers say constraint (409) instead.
    other = start("--log-keep", "10", "--per-day", "1", "--to", "2024-01-31",
                  "--expired-error", "constraint")
    body = cmis_error(other, 409, "constraint", "contentChanges", changeLogToken="1")
    check("no longer valid" in body["message"], "constraint: %r" % body["message"])


def test_change_token_last_as_the_spec_words_it():
    cmis = start("--dataset", SAMPLE_DATASET, "--change-token", "last")
    status, page = cmis.changes("1", max_items=2)
    ids = [o["succinctProperties"]["cmis:objectId"] for o in page["objects"]]
    check(status == 200 and page["changeLogToken"] == "2" and page["hasMoreItems"],
          "--change-token last: el token del último evento: %r" % page["changeLogToken"])
    status, again = cmis.changes(page["changeLogToken"], max_items=2)
    check(again["objects"][0]["succinctProperties"]["cmis:objectId"] == ids[1],
          "pedir con ese token repite el último evento")
    latest = cmis.token()
    status, end = cmis.changes(latest)
    check(len(end["objects"]) == 1 and end["changeLogToken"] == latest and
          end["hasMoreItems"] is False, "al final, el mismo token: %r" % end)


# ---------------------------------------------------------------- faults

def set_faults(cmis, **cfg):
    status, body = cmis.control_status("/control/faults", cfg)
    check(status == 200, "faults %r: %d %r" % (cfg, status, body))
    return body


def test_each_fault_kind():
    cmis = start("--dataset", SAMPLE_DATASET)
    q = RAD_QUERY + " ORDER BY sgd:numeroRadicado"
    path = REPO + "?" + urllib.parse.urlencode({"cmisselector": "query", "q": q,
                                                "succinct": "true"})
    status, _, want = cmis.request("GET", path)
    check(status == 200, "respuesta normal: %d" % status)

    set_faults(cmis, rate=1, kinds=["delay"], delay_ms=400)
    t0 = time.monotonic()
    status, _, body = cmis.request("GET", path)
    check(time.monotonic() - t0 >= 0.38 and body == want, "delay: %.2fs" % (time.monotonic() - t0))

    set_faults(cmis, kinds=["reset"])
    try:
        status, _, body = cmis.request("GET", path)
        raise AssertionError("reset: llegó una respuesta %d" % status)
    except (http.client.RemoteDisconnected, ConnectionResetError, http.client.BadStatusLine,
            BrokenPipeError):
        pass

    set_faults(cmis, kinds=["http500"])
    status, headers, body = cmis.request("GET", path)
    check(status == 500 and body == b"Internal Server Error" and
          headers["content-type"].startswith("text/plain"), "http500: %d %r" % (status, body))

    set_faults(cmis, kinds=["http503"])
    status, headers, body = cmis.request("GET", path)
    check(status == 503 and headers.get("retry-after") == "1", "http503: %d %r" % (status, headers))

    set_faults(cmis, kinds=["html"])
    status, headers, body = cmis.request("GET", path)
    check(status == 200 and headers["content-type"].startswith("text/html") and
          b"kc-form-login" in body, "html: %d %r" % (status, body[:80]))

    set_faults(cmis, kinds=["truncated"])
    status, headers, body = cmis.request("GET", path)
    check(status == 200 and body == want[:len(want) // 2] and
          headers.get("content-length") == str(len(want) // 2), "truncated: %d bytes" % len(body))

    set_faults(cmis, kinds=["malformed"])
    status, headers, body = cmis.request("GET", path)
    check(status == 200 and len(body) == len(want) - 1 and
          headers["content-type"].startswith("application/json"), "malformed: %d" % status)
    try:
        json.loads(body)
        raise AssertionError("malformed: el JSON se pudo leer")
    except ValueError:
        pass

    set_faults(cmis, kinds=["runtime"])
    status, _, body = cmis.request("GET", path)
    check(status == 500 and json.loads(body)["exception"] == "runtime", "runtime: %d" % status)

    set_faults(cmis, kinds=["denied"])
    status, _, body = cmis.request("GET", path)
    check(status == 403 and json.loads(body)["exception"] == "permissionDenied",
          "denied: %d %r" % (status, body))

    # Faults hit every selector; control is never faulted; credentials come first.
    set_faults(cmis, kinds=["http500"])
    for selector in ("repositoryInfo", "contentChanges", "typeDefinition"):
        status, _, _ = cmis.cmis(selector)
        check(status == 500, "falla en %s: %d" % (selector, status))
    status, _, _ = cmis.cmis("repositoryInfo", auth=False)
    check(status == 401, "sin credenciales no hay falla: %d" % status)
    set_faults(cmis, kinds=["reset"])
    status, stats = cmis.control_status("/control/stats")
    check(status == 200, "stats bajo fallas: %d" % status)
    want_kinds = {k: 1 for k in ("delay", "reset", "http500", "http503", "html", "truncated",
                                 "malformed", "runtime", "denied")}
    want_kinds["http500"] = 4
    check(stats["faults_by_kind"] == want_kinds, "faults_by_kind: %r" % stats["faults_by_kind"])
    check(stats["requests"] == 13 and stats["faults"] == 12 and stats["unauthorized"] == 1 and
          stats["by_selector"]["query"] == 10 and stats["by_selector"]["contentChanges"] == 1,
          "stats: %r" % stats)
    set_faults(cmis, rate=0)
    check(cmis.request("GET", path)[2] == want, "rate 0 apaga las fallas")
    _, cfg = cmis.control_status("/control/faults")
    check(cfg["rate"] == 0 and cfg["kinds"] == ["reset"], "config %r" % cfg)


def fault_sequence(cmis, n):
    return [cmis.cmis("repositoryInfo")[0] for _ in range(n)]


def test_faults_deterministic_and_from_cli():
    args = ("--dataset", SAMPLE_DATASET, "--fault-rate", "0.5", "--faults", "http500,http503",
            "--fault-seed", "7")
    cmis = start(*args)
    first = fault_sequence(cmis, 24)
    check({200, 500, 503} <= set(first), "secuencia sin mezcla: %r" % first)
    set_faults(cmis, seed=7)
    check(fault_sequence(cmis, 24) == first, "la misma semilla no repitió la secuencia")
    other = start(*args)
    check(fault_sequence(other, 24) == first, "otro proceso con la misma semilla difiere")
    _, cfg = cmis.control_status("/control/faults")
    check(cfg["rate"] == 0.5 and sorted(cfg["kinds"]) == ["http500", "http503"], "config %r" % cfg)
    default = start("--dataset", SAMPLE_DATASET)
    _, cfg = default.control_status("/control/faults")
    check(cfg["kinds"] == ["delay", "reset", "http500", "http503", "html", "truncated",
                           "malformed"] and cfg["rate"] == 0, "fallas por defecto: %r" % cfg)
    for bad in (["--faults", "terremoto"], ["--fault-rate", "2"], ["--faults", ""]):
        p = subprocess.run([FAKECMIS, "--port", "0", "--max-seconds", "5"] + bad,
                           capture_output=True, timeout=20)
        check(p.returncode == 2, "%r: código %d" % (bad, p.returncode))


def test_delay_does_not_block_and_stops_cleanly():
    cmis = start("--dataset", SAMPLE_DATASET, "--fault-rate", "1", "--faults", "delay")
    result = {}

    def slow():
        try:
            result["r"] = cmis.request("GET", REPO + "?cmisselector=repositoryInfo", timeout=60)
        except Exception as e:  # noqa: BLE001 -- the connection is expected to drop
            result["e"] = e

    t = threading.Thread(target=slow, daemon=True)
    t.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    status, _ = cmis.control_status("/control/stats")
    check(status == 200 and time.monotonic() - t0 < 1.0, "control bloqueado por un delay")
    t0 = time.monotonic()
    rc = cmis.stop()
    check(rc == 0, "SIGTERM durante un delay: código %r" % rc)
    check(time.monotonic() - t0 < 5.0, "SIGTERM tardó %.1fs" % (time.monotonic() - t0))
    t.join(10)
    check("r" not in result, "el delay respondió pese a detenerse")
    check(re.search(r"^fakecmis: escuchando en http://127\.0\.0\.1:%d/cmis/browser$" % cmis.port,
                    cmis.log(), re.M), "línea de arranque: %r" % cmis.log())
    check(not os.path.exists(cmis.portfile), "--port-file quedó tras terminar")


def test_max_seconds():
    cmis = start("--dataset", SAMPLE_DATASET, "--max-seconds", "1")
    try:
        rc = cmis.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        raise AssertionError("--max-seconds 1 no terminó el proceso")
    check(rc == 0, "--max-seconds: código %d" % rc)


# ---------------------------------------------------------------- data, control, command line

def test_generated_dataset_shape_and_determinism():
    a = start("--seed", "7")
    b = start("--seed", "7")
    c = start("--seed", "8")
    da, db, dc = (x.control("/control/dump") for x in (a, b, c))
    check(da == db and da != dc, "la semilla no determina el dump")
    check(a.changes_all()[0] == b.changes_all()[0], "la misma semilla, otro registro")
    start_day = datetime.date(2024, 1, 2)
    weekdays = sum(1 for k in range(179) if (start_day + datetime.timedelta(days=k)).weekday() < 5)
    events, _, _ = a.changes_all()
    deleted = sum(1 for e in events if e["changeEventInfo"]["changeType"] == "deleted" and
                  e["succinctProperties"]["cmis:objectTypeId"] == "sgd:radicado")
    check(len(da) + deleted == weekdays * 20 and 0 < deleted < 0.03 * len(da),
          "%d radicados + %d borrados, se esperan %d" % (len(da), deleted, weekdays * 20))
    n = len(da)
    others = [f for f in da if f["dependencia_actual"] != "342"]
    check(0.18 * n < len(others) < 0.32 * n, "otras dependencias: %d de %d" % (len(others), n))
    check({f["tipo_radicado"] for f in da} == {"interna", "entrada"}, "tipos de radicado")
    check({f["estado_ds"] for f in da} == {"vigente", "anulacion_solicitada", "anulado"}, "estados")
    check(len({f["tipo_documental"] for f in da}) >= 5 and
          len({f["dependencia_origen"] for f in da}) == 9, "vocabulario de fakeds")
    hours = {int(f["fecha_radicacion"][11:13]) for f in da}
    check({0, 12, 17} <= hours, "horas de radicación: %r" % sorted(hours))
    text = " ".join(f["asunto"] for f in da).lower()
    for word in ("contratación directa", "licitación pública", "otrosí", "liquidación", "&",
                 "<", "–"):
        check(word in text, "ningún asunto contiene %r" % word)
    for f in da:
        num = f["numero"]
        check(re.fullmatch(r"\d{14}", num) and num[:4] == f["fecha_radicacion"][:4] and
              num[4:7] == f["dependencia_origen"] and
              num[-1] == {"interna": "3", "entrada": "2"}[f["tipo_radicado"]],
              "número orfeo raro: %s" % num)
        check(re.fullmatch(r"[0-9a-f]{8}-\d{4}", f["object_id"]) and
              f["object_id"][-4:] == num[-4:], "object_id %r" % f["object_id"])
        check(f["creado_ms"] == ms_of(f["fecha_radicacion"]) and
              f["modificado_ms"] >= f["creado_ms"], "fechas del repositorio de %s" % num)
        if f["dependencia_actual"] != "342" or f["estado_ds"] != "vigente":
            check(f["modificado_ms"] > f["creado_ms"], "un cambio sin fecha de modificación")
    check(len({f["object_id"] for f in da}) == n, "object_id repetidos")
    # The other shapes of numbers.
    for shape, pattern in (("sjd", r"[23]-2024-\d{4,7}"), ("servicio", r"2024(ER|IE)\d{4,7}")):
        x = start("--numeros", shape, "--per-day", "4", "--to", "2024-02-15")
        dump = x.control("/control/dump")
        check(all(re.fullmatch(pattern, f["numero"]) for f in dump),
              "--numeros %s: %r" % (shape, [f["numero"] for f in dump[:3]]))
        added = x.control("/control/add", {"fecha_radicacion": "2024-02-15T10:00:00-05:00",
                                           "tipo_radicado": "entrada"})
        same = [f["numero"] for f in dump if f["tipo_radicado"] == "entrada"]
        check(re.fullmatch(pattern.replace("[23]", "2").replace("(ER|IE)", "ER"),
                           added["numero"]) and added["numero"] not in same,
              "--numeros %s, número nuevo: %s" % (shape, added["numero"]))
    check(x.control("/control/add", {"fecha_radicacion": "2024-03-01 08:00:00",
                                     "tipo_radicado": "salida"})["numero"].startswith("2024EE"),
          "salida en forma servicio: EE")


def test_control_bad_input():
    cmis = start("--dataset", SAMPLE_DATASET)
    cases = [
        ("/control/add", {"asunto": "sin fecha"}),
        ("/control/add", {"fecha_radicacion": "02/05/2024", "asunto": "x"}),
        ("/control/add", {"fecha_radicacion": "2024-05-02 10:00:00", "color": "rojo"}),
        ("/control/add", {"fecha_radicacion": "2024-05-02 10:00:00", "folios": "tres"}),
        ("/control/add", {"fecha_radicacion": "2024-05-02 10:00:00", "numero": "12 ab"}),
        ("/control/add", {"fecha_radicacion": "2024-05-02 10:00:00", "estado_ds": "roto"}),
        ("/control/add", {"fecha_radicacion": "2024-05-02 10:00:00", "asunto": "con \u0001"}),
        ("/control/add", {"fecha_radicacion": "2024-05-02 10:00:00", "remitente": [1]}),
        ("/control/add", {"fecha_radicacion": "2024-05-02 10:00:00", "remitente": ["a; b"]}),
        ("/control/add", {"fecha_radicacion": "2024-05-02 10:00:00", "creado_ms": 5}),
        ("/control/add", {"fecha_radicacion": "2024-05-02 10:00:00",
                          "numero": "20241300012223", "tipo_radicado": "entrada"}),
        ("/control/add", {"fecha_radicacion": "2024-05-02 10:00:00", "dependencia_actual": "34"}),
        ("/control/add", {"tipo": "cmis:policy"}),
        ("/control/add", {"tipo": "sgd:anexo", "nombre": "sin número"}),
        ("/control/update", {"asunto": "sin número"}),
        ("/control/update", {"numero": "20242110004873", "tipo_radicado": "salida"}),
        ("/control/update", {"numero": "20242110004873", "object_id": "d1f0c9a2-2213"}),
        ("/control/update", {"object_id": "5a6b7c8d-f001", "asunto": "una carpeta"}),
        ("/control/annul", {"numero": "20242110004873", "estado": "borrado"}),
        ("/control/remove", {"numero": "20242110004873", "asunto": "x"}),
        ("/control/remove", {"object_id": "9f0e1d2c-root"}),
        ("/control/remove", [1, 2]),
        ("/control/faults", {"rate": 2}),
        ("/control/faults", {"kinds": ["terremoto"]}),
        ("/control/expire", {"todo": True}),
    ]
    before = cmis.token()
    for path, obj in cases:
        status, body = cmis.control_status(path, obj)
        check(status == 400 and isinstance(body.get("error"), str),
              "%s %r: %d %r" % (path, obj, status, body))
    for path, obj, code in (("/control/update", {"numero": "20240000000003", "folios": 2}, 404),
                            ("/control/remove", {"object_id": "no-existe"}, 404),
                            ("/control/annul", {"numero": "20240000000003"}, 404),
                            ("/control/add", {"numero": "20242110004873",
                                              "fecha_radicacion": "2024-05-02 10:00:00"}, 409),
                            ("/control/add", {"object_id": "d1f0c9a2-2213",
                                              "fecha_radicacion": "2024-05-02 10:00:00"}, 409)):
        status, body = cmis.control_status(path, obj)
        check(status == code and "error" in body, "%s %r: %d" % (path, obj, status))
    status, _, body = cmis.request("POST", "/control/add", b"{no es json", auth=False)
    check(status == 400 and "error" in json.loads(body), "JSON inválido: %d" % status)
    for path, code in (("/control/dump?dependencia=abc", 400), ("/control/nada", 404)):
        status, _ = cmis.control_status(path)
        check(status == code, "%s: %d" % (path, status))
    status, _, _ = cmis.request("GET", "/control/add", auth=False)
    check(status == 405, "GET /control/add: %d" % status)
    check(len(cmis.dump()) == 3 and cmis.token() == before, "una petición rechazada cambió algo")


def test_http_errors_and_command_line():
    cmis = start("--dataset", SAMPLE_DATASET)
    cmis_error(cmis, 400, "invalidArgument", "children")
    cmis_error(cmis, 405, "notSupported", post={"cmisaction": "createDocument"})
    cmis_error(cmis, 400, "invalidArgument", post={"statement": RAD_QUERY})
    status, headers, body = cmis.request("POST", REPO, b"cmisaction=query",
                                         {"Content-Type": "multipart/form-data; boundary=x"})
    check(status == 400 and json.loads(body)["exception"] == "invalidArgument", "multipart")
    status, _, body = cmis.request("POST", REPO, b"cmisaction=query&statement=%ZZ",
                                   {"Content-Type": "application/x-www-form-urlencoded"})
    check(status == 400, "%%ZZ en el formulario: %d" % status)
    for path, exception in (("/cmis/browser/otro", "objectNotFound"),
                            (REPO + "/root/hija", "objectNotFound")):
        status, _, body = cmis.request("GET", path)
        check(status == 404 and json.loads(body)["exception"] == exception,
              "%s: %d" % (path, status))
    status, headers, body = cmis.request("PUT", REPO, b"x")
    check(status == 405 and json.loads(body)["exception"] == "notSupported", "PUT: %d" % status)
    status, headers, body = cmis.request("POST", "/cmis/browser", b"a=b",
                                         {"Content-Type": "application/x-www-form-urlencoded"})
    check(status == 405 and headers.get("allow") == "GET", "POST al servicio: %d" % status)
    status, _, _ = cmis.request("GET", "/otra/cosa")
    check(status == 404, "ruta desconocida: %d" % status)
    status, _, _ = cmis.request("POST", REPO, b"a=" + b"x" * (1024 * 1024 + 10),
                                {"Content-Type": "application/x-www-form-urlencoded"})
    check(status == 413, "cuerpo de más de 1 MiB: %d" % status)
    for bad in (["--listen", "0.0.0.0"], ["--numeros", "otro"], ["--page-cap", "0"],
                ["--log-keep", "0"], ["--expired-error", "gone"], ["--change-token", "x"],
                ["--no-auth", "--user", "x"], ["--user", "a:b"], ["--password-file", "/no/existe"],
                ["--to", "2023-01-01"],
                ["--dataset", "/no/existe.json"], ["sobrante"]):
        p = subprocess.run([FAKECMIS, "--port", "0", "--max-seconds", "5"] + bad,
                           capture_output=True, timeout=20)
        check(p.returncode in (1, 2) and p.stderr, "%r: código %d" % (bad, p.returncode))
    p = subprocess.run([FAKECMIS, "--port", "0", "--listen", "0.0.0.0", "--max-seconds", "5"],
                       capture_output=True, timeout=20)
    check(p.returncode == 2 and b"loopback" in p.stderr, "--listen 0.0.0.0")


def main():
    if not os.access(FAKECMIS, os.X_OK):
        print("FAIL: falta %s (make build/fakecmis)" % FAKECMIS)
        print("0 passed, 1 failed")
        return 1
    if not os.path.isdir(CONTRACT):
        print("FAIL: falta %s (SEGCONT_SHARED)" % CONTRACT)
        print("0 passed, 1 failed")
        return 1
    tests = [
        test_repository_info,
        test_basic_auth,
        test_sample_dataset_as_the_samples,
        test_dump_and_dataset_round_trip,
        test_query_paging_to_the_end_under_the_cap,
        test_query_conditions_and_order,
        test_query_refused_as_invalid_argument,
        test_succinct_and_verbose_properties,
        test_multi_valued_sender_in_generated_data,
        test_content_changes_after_control_changes,
        test_other_types_and_deleted_objects_in_the_log,
        test_expired_tokens,
        test_change_token_last_as_the_spec_words_it,
        test_each_fault_kind,
        test_faults_deterministic_and_from_cli,
        test_delay_does_not_block_and_stops_cleanly,
        test_max_seconds,
        test_generated_dataset_shape_and_determinism,
        test_control_bad_input,
        test_http_errors_and_command_line,
    ]
    only = sys.argv[1:]
    try:
        for t in tests:
            if not only or t.__name__ in only:
                test(t)
    finally:
        segtest.stop_all()
    if RESULTS["failures"]:
        print("failed: " + " ".join(RESULTS["failures"]))
    print("%d passed, %d failed" % (RESULTS["passed"], RESULTS["failed"]))
    return 1 if RESULTS["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
