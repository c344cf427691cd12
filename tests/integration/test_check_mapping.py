#!/usr/bin/env python3
"""test_check_mapping.py -- segcont check-mapping and check-ds for every format: the shipped
mappings are valid; broken variants written here (an unknown key, a bad JSON Pointer, a bad
regular expression, a template variable the request does not have, a missing request for the
cursor kind, a bad base, several errors at once, an error inherited from a base file) are
refused with their file and key path; --muestra reads saved answers (tests/data/json, the
shared ds-contract samples, SOAP answers) as the daemon would; check-ds talks to a running
build/fakecmis with mappings/cmis-browser.json, with the right and a wrong password.

Run from the repository root (tests/run.sh does): python3 tests/integration/test_check_mapping.py"""
import copy
import datetime
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import segtest as t  # noqa: E402

ROOT = t.ROOT
MAPPINGS = os.path.join(ROOT, "mappings")
CMIS = os.path.join(MAPPINGS, "cmis-browser.json")
SOAP = os.path.join(MAPPINGS, "orfeo-soap.json")
SQL = os.path.join(MAPPINGS, "orfeo-sql.json")
CLASIF = os.path.join(MAPPINGS, "clasificacion.json")
DATA = os.path.join(ROOT, "tests", "data")
JSON_DATA = os.path.join(DATA, "json")
CONTRACT = os.path.join(t.SHARED, "ds-contract")


def one_line(s):
    return " | ".join(s.strip().splitlines())[:600]


def check_mapping(*args):
    return t.run_segcont("check-mapping", *args, timeout=60)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def write(dirname, name, value):
    path = os.path.join(dirname, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, indent=1)
    return path


def cmis_variant(change):
    """cmis-browser.json with its base made absolute, then changed by change(m)."""
    m = load(CMIS)
    m["base"] = CLASIF
    change(m)
    return m


work = t.tmpdir("check-mapping")

print("1. Los mapeos entregados son válidos")
for path in sorted(glob.glob(os.path.join(MAPPINGS, "*.json"))):
    m = load(path)
    rc, out, err = check_mapping(path)
    if "profile" not in m:
        t.check(rc == 1 and "archivo base" in err,
                "%s (sin profile) se rechaza diciendo que es un archivo base (rc=%d, %s)"
                % (os.path.basename(path), rc, one_line(err)))
        continue
    t.check(rc == 0 and "mapeo válido" in out and "perfil: %s" % m["profile"] in out,
            "%s es válido (rc=%d, %s)" % (os.path.basename(path), rc, one_line(out + err)))
rc, out, err = check_mapping(CMIS)
t.check("cursor: token" in out and "hereda de: " in out and "clasificacion.json" in out
        and "latest_token" in out and "HTTP Basic" in out
        and "filtra por la dependencia configurada" in out,
        "el resumen de cmis-browser dice cursor, base, peticiones, autenticación y filtro")
t.check("numero, fecha_radicacion, asunto, folios" in out,
        "el resumen nombra los campos que lee cada petición")
rc, out, err = check_mapping(CMIS, "--json")
try:
    s = json.loads(out)
except ValueError:
    s = {}
t.check(rc == 0 and s.get("valido") is True and s.get("formato") == "json"
        and s.get("cursor") == "token"
        and sorted(s.get("peticiones", {})) == ["changes", "info", "latest_token", "list",
                                                 "modified"]
        and s["peticiones"]["list"].get("filtra_dependencia") is True
        and "id_sgd" in s["peticiones"]["list"]["campos"],
        "--json da el resumen como objeto (rc=%d, %s)" % (rc, one_line(out)))
rc, out, err = check_mapping(SQL)
t.check(rc == 0 and "formato: sql" in out and "list_by_date" in out,
        "el resumen de orfeo-sql nombra sus consultas")
rc, out, err = check_mapping(SOAP)
t.check(rc == 0 and "formato: xml" in out and "info: operación SOAP" in out,
        "el resumen de orfeo-soap nombra sus operaciones")

print("2. Variantes rotas: cada error con su archivo y la ruta de la clave")
cases = [
    ("clave-desconocida", lambda m: m["requests"]["list"].__setitem__("pagin", {}),
     "requests.list.pagin: clave desconocida"),
    ("clave-raiz", lambda m: m.__setitem__("timezon_offset", "-05:00"),
     "timezon_offset: clave desconocida"),
    ("puntero", lambda m: m["requests"]["list"]["answer"].__setitem__("items", "results/*"),
     "requests.list.answer.items: "),
    ("puntero-campo",
     lambda m: m["requests"]["changes"]["answer"]["fields"].__setitem__("asunto", "~2x"),
     "requests.changes.answer.fields.asunto: "),
    ("regex", lambda m: m["numero"].__setitem__("pattern", "[0-9"),
     "numero.pattern: expresión regular no válida"),
    ("variable", lambda m: m["requests"]["info"]["query"].__setitem__("q", "{{desde}}"),
     "requests.info.query.q: "),
    ("sin-changes", lambda m: m["requests"].__delitem__("changes"),
     "requests.changes: falta (el cursor \"token\" la necesita)"),
    ("regla", lambda m: m["errors"]["rules"][1].__setitem__("means", "vencido"),
     "errors.rules.1.means: "),
]
for name, change, expect in cases:
    path = write(work, name + ".json", cmis_variant(change))
    rc, out, err = check_mapping(path)
    t.check(rc == 1 and (path + ": " + expect) in err,
            "%s: rechazado con «%s» (rc=%d, %s)" % (name, expect, rc, one_line(err)))
m = cmis_variant(lambda m: None)
m["base"] = "no-existe.json"
path = write(work, "base-mala.json", m)
rc, out, err = check_mapping(path)
t.check(rc == 1 and (path + ": base: ") in err and "no-existe.json" in err,
        "una base que no existe se rechaza en la clave base (rc=%d, %s)" % (rc, one_line(err)))

# Several errors at once: every one reported, in the loader's order, in one run.
def many(m):
    m["timezon_offset"] = "x"
    m["numero"]["pattern"] = "[0-9"
    m["errors"]["rules"][0]["pointer"] = "exception"
    m["requests"]["list"]["answer"]["fields"]["asunto"] = "sin/barra"
    m["requests"]["list"]["answer"]["fields"]["numro"] = "/a"
    m["requests"]["changes"]["query"]["x"] = "{{nada}}"


path = write(work, "varios.json", cmis_variant(many))
rc, out, err = check_mapping(path)
want = ["timezon_offset", "numero.pattern", "errors.rules.0.pointer",
        "requests.list.answer.fields.asunto", "requests.list.answer.fields.numro",
        "requests.changes.query.x"]
found = [line.split(": ")[1] for line in err.splitlines() if line.startswith(path + ": ")]
t.check(rc == 1 and found == want and "6 errores" in err,
        "seis errores en un archivo: los seis, cada uno con su clave (%s)" % one_line(err))
rc, out, err = check_mapping(path, "--json")
try:
    j = json.loads(out)
except ValueError:
    j = {}
t.check(rc == 1 and j.get("valido") is False
        and [e["clave"] for e in j.get("errores", [])] == want,
        "--json da los errores como lista (archivo, clave, mensaje)")

# An error inherited from a base file names the base file.
base = cmis_variant(lambda m: m["requests"]["list"]["answer"].__setitem__("filtro", {}))
base_path = write(work, "base-con-error.json", base)
top_path = write(work, "hereda.json", {"base": "base-con-error.json", "profile": "hereda"})
rc, out, err = check_mapping(top_path)
t.check(rc == 1 and (base_path + ": requests.list.answer.filtro: clave desconocida") in err,
        "un error de la base se atribuye al archivo base (%s)" % one_line(err))

# Every format: a SOAP and a SQL mapping with a typo and a bad value.
soap = load(SOAP)
soap["base"] = CLASIF
soap["endpoint_pat"] = "/x"
soap["timezone_offset"] = "-5"
path = write(work, "soap-roto.json", soap)
rc, out, err = check_mapping(path)
t.check(rc == 1 and (path + ": endpoint_pat: clave desconocida") in err
        and (path + ": timezone_offset: ") in err,
        "SOAP: los dos errores, con sus claves (%s)" % one_line(err))
sql = load(SQL)
sql["base"] = CLASIF
sql["sesion"] = {}
sql["max_window_days"] = -3
path = write(work, "sql-roto.json", sql)
rc, out, err = check_mapping(path)
t.check(rc == 1 and (path + ": sesion: clave desconocida") in err
        and (path + ": max_window_days: ") in err,
        "SQL: los dos errores, con sus claves (%s)" % one_line(err))
path = os.path.join(work, "no-json.json")
with open(path, "w") as f:
    f.write('{"profile": "x",\n "format": }\n')
rc, out, err = check_mapping(path)
t.check(rc == 1 and (path + ": línea 2") in err, "un JSON roto se rechaza con su línea")

print("3. --muestra: lo que el mapeo extrae de respuestas guardadas")
sample = os.path.join(JSON_DATA, "muestra-cmis-query.json")
rc, out, err = check_mapping(CMIS, "--muestra", sample)
t.check(rc == 0 and "radicados leídos: 2" in out and "ignorados: 1" in out
        and "has_more sí; total 240" in out and "1-2021-23677" in out,
        "list: dos radicados, el anexo ignorado, has_more y total (%s)" % one_line(out))
rc, out, err = check_mapping(CMIS, "--muestra", sample, "--json")
try:
    arr = json.loads(out)
except ValueError:
    arr = None
t.check(rc == 0 and isinstance(arr, list) and [f["numero"] for f in arr]
        == ["20241300012213", "1-2021-23677"]
        and arr[0]["remitente"] == "Oficina de Tecnologías; Subdirección Financiera"
        and arr[0]["fecha_radicacion"] == "2024-05-02T09:14:07-05:00"
        and arr[0]["folios"] == 12 and arr[1]["tipo_radicado"] == "entrada"
        and arr[0]["id_sgd"] == "d1f0c9a2-2213",
        "--json: la lista de radicados con sus campos convertidos (%s)" % one_line(out))
rc, out, err = check_mapping(CMIS, "--muestra",
                             os.path.join(JSON_DATA, "muestra-cmis-changes-deleted.json"),
                             "--peticion", "changes")
t.check(rc == 0 and "1 eliminaciones (delete): id_sgd 77ab310e-4873" in out
        and "next «10420»" in out and "2021EE7835" in out,
        "changes: el cambio, el eliminado por id_sgd y el token siguiente (%s)" % one_line(out))
rc, out, err = check_mapping(CMIS, "--muestra",
                             os.path.join(CONTRACT, "cmis-contentChanges.json"),
                             "--peticion", "changes", "--json")
try:
    arr = json.loads(out)
except ValueError:
    arr = None
t.check(rc == 0 and isinstance(arr, list)
        and [f["numero"] for f in arr] == ["20241300012213", "20242110004873"],
        "changes: la muestra del contrato compartido da sus dos radicados")
rc, out, err = check_mapping(CMIS, "--muestra",
                             os.path.join(JSON_DATA, "muestra-cmis-repository-info.json"),
                             "--peticion", "latest_token")
t.check(rc == 0 and "token de cambios: 10412" in out, "latest_token: el token (%s)"
        % one_line(out))
rc, out, err = check_mapping(CMIS, "--muestra",
                             os.path.join(CONTRACT, "cmis-repositoryInfo.json"),
                             "--peticion", "latest_token")
t.check(rc == 0 and "token de cambios: 10412" in out,
        "latest_token: la forma de la raíz del servicio ({\"sgd\": {infos}}) da el mismo token "
        "por el segundo puntero del perfil (rc=%d, %s)" % (rc, one_line(out)))
rc, out, err = check_mapping(CMIS, "--muestra",
                             os.path.join(JSON_DATA, "muestra-cmis-token-expired.json"),
                             "--peticion", "changes", "--estado", "400")
t.check(rc == 0 and "token_expired" in out and "regla que coincidió: errors.rules.1" in out,
        "un error CMIS: la regla que coincidió y lo que significa (%s)" % one_line(out))
rc, out, err = check_mapping(CMIS, "--muestra",
                             os.path.join(JSON_DATA, "muestra-cmis-unauthorized.json"),
                             "--estado", "401")
t.check(rc == 0 and "error de credenciales" in out and "errors.rules.0" in out,
        "un 401 CMIS: credenciales, regla 0")
bad = os.path.join(JSON_DATA, "muestra-truncada.json")
rc, out, err = check_mapping(CMIS, "--muestra", bad)
t.check(rc == 1 and bad in err and "no es JSON válido" in err,
        "una muestra truncada: mensaje que nombra el archivo (%s)" % one_line(err))
rc, out, err = check_mapping(CMIS, "--muestra", os.path.join(JSON_DATA, "muestra-sin-numero.json"))
t.check(rc == 1 and "falta el número de radicado" in out,
        "un elemento sin número: mal formada, y por qué (%s)" % one_line(out))
rc, out, err = check_mapping(SOAP, "--muestra", os.path.join(CONTRACT, "list-response.xml"),
                             "--json")
try:
    arr = json.loads(out)
except ValueError:
    arr = None
t.check(rc == 0 and isinstance(arr, list) and len(arr) > 0
        and all(len(f["numero"]) == 14 for f in arr),
        "SOAP list: la muestra del contrato compartido (%s)" % one_line(out)[:200])
rc, out, err = check_mapping(SOAP, "--muestra", os.path.join(CONTRACT, "info-response.xml"),
                             "--peticion", "detail")
t.check(rc == 0 and "radicados leídos: 1" in out and "dependencia_actual" in out,
        "SOAP info (--peticion detail): un radicado con sus campos de detalle")
bad = os.path.join(DATA, "xml", "list-truncated.xml")
rc, out, err = check_mapping(SOAP, "--muestra", bad)
t.check(rc == 1 and bad in err, "SOAP: una muestra truncada nombra el archivo (%s)"
        % one_line(err))
rc, out, err = check_mapping(SQL, "--muestra", bad)
t.check(rc == 2 and "no aplica" in err, "SQL: --muestra no aplica (uso, 2)")
rc, out, err = check_mapping(CMIS, "--muestra", sample, "--peticion", "otra")
t.check(rc == 2 and "--peticion" in err, "una petición desconocida es un error de uso")
rc, out, err = check_mapping(CMIS, "--muestra", os.path.join(work, "no-existe.json"))
t.check(rc == 2 and "no-existe.json" in err, "una muestra que no existe es un error de uso")
rc, out, err = t.run_segcont("check-mapping")
t.check(rc == 2 and "uso:" in err, "sin archivo: uso (2)")
rc, out, err = t.run_segcont("--help")
t.check("check-mapping ARCHIVO" in out, "--help nombra check-mapping")

print("4. check-ds contra fakecmis (perfil cmis-browser)")
today = t.today_bogota()
cmis = t.FakeCMIS(work, "--from", str(today - datetime.timedelta(days=60)), "--to", str(today),
                  "--per-day", "10")
conf = t.write_config(work, cmis.repository_url, "2024-01-02",
                      document_system__mapping=CMIS, document_system__user=t.CMIS_USER,
                      document_system__max_retries="2")
with open(os.path.join(work, "ds.key"), "w") as f:
    f.write(t.CMIS_PASSWORD + "\n")
rc, out, err = t.run_segcont("check-ds", "-c", conf, timeout=120)
t.check(rc == 0 and "credenciales aceptadas; token actual «%s»" % cmis.token() in out
        and "filtra por la dependencia 342" in out and "cumplen numero" in out
        and "rechaza una contraseña errónea" in out and "una sincronización funcionaría" in out,
        "check-ds: token, primera página, números, filtro, contraseña errónea rechazada "
        "(rc=%d, %s)" % (rc, one_line(out)))
t.check("corta las páginas en 100" in out and "en total" in out,
        "check-ds: el tope de página del servidor y el total")
numbers = set(cmis.dump(t.OFFICE))
shown = [l.split()[1] for l in out.splitlines() if l.strip().startswith("numero ")]
t.check(len(shown) == 1 and shown[0] in numbers,
        "check-ds: el radicado de ejemplo es uno de la dependencia en fakecmis")
with open(os.path.join(work, "ds.key"), "w") as f:
    f.write("clave-errada\n")
rc, out, err = t.run_segcont("check-ds", "-c", conf, timeout=120)
t.check(rc == 1 and "rechazó las credenciales" in out and "qué hacer" in out
        and "la sincronización no funcionaría" in out,
        "check-ds con contraseña errónea: problema y qué hacer, estado 1 (rc=%d, %s)"
        % (rc, one_line(out)))
t.check(cmis.stop() == 0, "fakecmis terminó limpio")
t.finish()
