"""segtest -- shared helpers of the integration tests: start fakeds and segcont on
127.0.0.1 with free ports, write a configuration in a temporary folder, read the
database, compare it with fakeds' dataset. Every process started here is stopped at
exit, and every wait is bounded."""
import atexit
import datetime
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.join(ROOT, "build")
SEGCONT = os.path.join(BUILD, "segcont")
FAKEDS = os.path.join(BUILD, "fakeds")
SHARED = os.environ.get("SEGCONT_SHARED", os.path.join(ROOT, "..", "shared"))
KEY = "CLAVE-DEL-SERVICIO"
# The shipped orfeo-soap profile plus the simulator's area names (real getInfoRadicado answers
# carry only the area's code: a mapping names the areas).
FAKEDS_MAPPING = os.path.join(ROOT, "config", "fakeds-mapping.json")
with open(FAKEDS_MAPPING, encoding="utf-8") as _f:
    FAKEDS_AREAS = {k: v for k, v in json.load(_f)["dependencias"].items() if k[0] != "_"}
OFFICE = "342"
_procs = []
_failures = []


def today_bogota():
    return (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=5)).date()


def check(cond, what):
    """Records a failed assertion (the test goes on, so one run shows every failure)."""
    if cond:
        print("  ok:", what)
    else:
        print("  FALLA:", what)
        _failures.append(what)
    return cond


def finish():
    """Ends the test: exit status 1 when any check failed."""
    stop_all()
    if _failures:
        print("%d comprobaciones fallaron" % len(_failures))
        sys.exit(1)
    print("todas las comprobaciones pasaron")
    sys.exit(0)


def stop_all():
    for p in _procs:
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
    _procs.clear()


atexit.register(stop_all)


def tmpdir(name):
    d = tempfile.mkdtemp(prefix="segcont-%s-" % name)
    atexit.register(shutil.rmtree, d, True)
    return d


def wait_for_file(path, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        if os.path.exists(path) and os.path.getsize(path) > 0:
            return open(path).read().strip()
        time.sleep(0.05)
    raise RuntimeError("no apareció %s" % path)


class FakeDS:
    """A running fakeds process and its control API."""

    def __init__(self, workdir, *args):
        self.portfile = os.path.join(workdir, "fakeds.port")
        if os.path.exists(self.portfile):
            os.unlink(self.portfile)
        log = open(os.path.join(workdir, "fakeds.log"), "ab")
        cmd = [FAKEDS, "--port", "0", "--port-file", self.portfile, "--max-seconds", "900"]
        self.proc = subprocess.Popen(cmd + list(args), stdout=log, stderr=log)
        _procs.append(self.proc)
        self.port = int(wait_for_file(self.portfile))
        self.base = "http://127.0.0.1:%d" % self.port
        self.url = self.base + "/webServices/servidor.php"

    def control(self, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data,
                                     method="GET" if body is None else "POST")
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read().decode())

    def dump(self, dependencia=None):
        q = "" if dependencia is None else "?dependencia=" + dependencia
        return {f["numero"]: f for f in self.control("/control/dump" + q)["filings"]}

    def faults(self, rate, kinds=None, delay_ms=1500, seed=7):
        body = {"rate": rate, "seed": seed, "delay_ms": delay_ms}
        if kinds:
            body["kinds"] = kinds
        return self.control("/control/faults", body)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def write_config(workdir, ds_url, backfill_from, **extra):
    """Writes segcont.conf and its key file in workdir; returns the config path."""
    key = os.path.join(workdir, "ds.key")
    with open(key, "w") as f:
        f.write(KEY + "\n")
    os.chmod(key, 0o600)
    sections = {
        "document_system": {
            "url": ds_url,
            "mapping": FAKEDS_MAPPING,
            "dependencia": OFFICE,
            "key_file": "ds.key",
            "poll_interval": "5",
            "timeout": "5",
            "backfill_from": backfill_from,
            "max_parallel": "4",
            "max_retries": "8",
            "retry_base_ms": "20",
            "retry_max_ms": "400",
        },
        "store": {"path": "segcont.db"},
        "http": {"listen": "127.0.0.1", "port": str(free_port()), "threads": "2"},
        "log": {"level": "info"},
    }
    for k, v in extra.items():
        sec, key_name = k.split("__", 1)
        sections.setdefault(sec, {})[key_name] = str(v)
    path = os.path.join(workdir, "segcont.conf")
    with open(path, "w") as f:
        for sec, kv in sections.items():
            f.write("[%s]\n" % sec)
            for k, v in kv.items():
                f.write("%s = %s\n" % (k, v))
    return path


def run_segcont(*args, timeout=300, env=None):
    """Runs a segcont subcommand to completion; returns (exit status, stdout, stderr)."""
    p = subprocess.run([SEGCONT] + list(args), capture_output=True, timeout=timeout,
                       env=env, text=True)
    return p.returncode, p.stdout, p.stderr


def start_serve(conf, workdir):
    log = open(os.path.join(workdir, "serve.log"), "ab")
    p = subprocess.Popen([SEGCONT, "serve", "-c", conf], stdout=log, stderr=log)
    _procs.append(p)
    return p


def http_get(url, timeout=5):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


DS_FIELDS = ["numero", "tipo_radicado", "fecha_radicacion", "asunto", "folios", "ruta",
             "dependencia_origen", "dependencia_origen_nombre", "dependencia_actual",
             "remitente", "tipo_documental", "estado_ds"]


def db_filings(dbpath, fields=None):
    """{numero: {field: value}} of the stored filings; fields defaults to DS_FIELDS."""
    con = sqlite3.connect(dbpath)
    con.row_factory = sqlite3.Row
    rows = con.execute("SELECT %s FROM radicado" % ", ".join(fields or DS_FIELDS)).fetchall()
    con.close()
    return {r["numero"]: dict(r) for r in rows}


def db_query(dbpath, sql, *params):
    con = sqlite3.connect(dbpath)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


# What each schema migration added, undone (newest first), so a test can take a database of
# today's schema back to an older one with its data and watch serve migrate it forward.
UNDO_MIGRATION = {
    14: tuple("DROP INDEX seguimiento_orden_" + n for n in (
        "fecha", "estado", "estado_desc", "tipo", "tipo_desc", "reparto", "reparto_desc",
        "limite", "limite_desc", "restantes", "restantes_desc", "numero")) + (
        "DROP TRIGGER seguimiento_sla_ai",
        "CREATE TRIGGER seguimiento_sla_ai AFTER INSERT ON seguimiento"
        " WHEN NEW.fecha_radicacion = '' OR NEW.sla_dia IS NOT NULL BEGIN"
        " UPDATE seguimiento SET sla_dia = NULL, fecha_radicacion = coalesce((SELECT"
        " r.fecha_radicacion FROM radicado r WHERE r.id = NEW.radicado_id), '')"
        " WHERE radicado_id = NEW.radicado_id; END",
        "DROP TRIGGER radicado_sla_au",
        "CREATE TRIGGER radicado_sla_au AFTER UPDATE OF numero, estado_ds, fecha_radicacion,"
        " tipo_radicado, dependencia_origen, dependencia_origen_nombre ON radicado"
        " WHEN OLD.numero IS NOT NEW.numero OR OLD.estado_ds IS NOT NEW.estado_ds"
        " OR OLD.fecha_radicacion IS NOT NEW.fecha_radicacion"
        " OR OLD.tipo_radicado IS NOT NEW.tipo_radicado"
        " OR OLD.dependencia_origen IS NOT NEW.dependencia_origen"
        " OR OLD.dependencia_origen_nombre IS NOT NEW.dependencia_origen_nombre BEGIN"
        " UPDATE seguimiento SET sla_dia = NULL, fecha_radicacion = NEW.fecha_radicacion"
        " WHERE radicado_id = NEW.id; END"),
    13: ("DROP INDEX seguimiento_reparto", "DROP INDEX seguimiento_conclusion",
         "DROP INDEX seguimiento_recepcion"),
    12: ("DROP INDEX seguimiento_cifras", "DROP INDEX seguimiento_cifras_abiertos",
         "DROP INDEX gestion_fecha",
         "ALTER TABLE seguimiento DROP COLUMN sla_cifras",
         "ALTER TABLE seguimiento DROP COLUMN numero", "ALTER TABLE seguimiento DROP COLUMN area",
         "ALTER TABLE seguimiento DROP COLUMN area_nombre",
         "ALTER TABLE seguimiento DROP COLUMN gestion_tipos", "DROP TRIGGER radicado_sla_au",
         "CREATE TRIGGER radicado_sla_au AFTER UPDATE OF numero, estado_ds, fecha_radicacion"
         " ON radicado WHEN OLD.numero IS NOT NEW.numero OR OLD.estado_ds IS NOT NEW.estado_ds"
         " OR OLD.fecha_radicacion IS NOT NEW.fecha_radicacion BEGIN"
         " UPDATE seguimiento SET sla_dia = NULL, fecha_radicacion = NEW.fecha_radicacion"
         " WHERE radicado_id = NEW.id; END"),
    11: ("DROP TRIGGER seguimiento_conteo_dia_ai", "DROP TRIGGER seguimiento_conteo_dia_ad",
         "DROP TRIGGER seguimiento_conteo_dia_au", "DROP TABLE seguimiento_conteo_dia",
         "DROP INDEX seguimiento_semaforo", "DROP INDEX seguimiento_abierto_limite",
         "DROP INDEX seguimiento_legalizacion", "DROP INDEX seguimiento_conteo_sla",
         "DROP INDEX seguimiento_conteo_tipo"),
    10: tuple("ALTER TABLE seguimiento DROP COLUMN sla_%s" % c for c in (
        "reloj", "meta", "inicio", "fin", "devoluciones", "espera", "rondas", "correcciones")) +
        ("DROP INDEX gestion_radicado", "CREATE INDEX gestion_radicado ON gestion (radicado_id, fecha)"),
    9: ("DROP TRIGGER seguimiento_fila_ai", "DROP TRIGGER seguimiento_fila_au",
        "DROP TRIGGER radicado_fila_au", "DROP TRIGGER usuario_fila_au",
        "DROP TRIGGER usuario_fila_ad", "ALTER TABLE seguimiento DROP COLUMN fila",
        "DROP TRIGGER seguimiento_sla_ai", "DROP TRIGGER seguimiento_sla_au",
        "DROP TRIGGER gestion_sla_ai", "DROP TRIGGER gestion_sla_au",
        "DROP TRIGGER gestion_sla_ad", "DROP TRIGGER radicado_sla_au",
        "DROP INDEX seguimiento_sla_dia", "DROP TABLE sla_huella",
        "DROP TRIGGER seguimiento_conteo_ai", "DROP TRIGGER seguimiento_conteo_ad",
        "DROP TRIGGER seguimiento_conteo_au", "DROP TABLE seguimiento_conteo",
        "DROP INDEX seguimiento_fecha", "DROP INDEX seguimiento_tipo",
        "DROP INDEX seguimiento_limite", "DROP INDEX seguimiento_abogado_limite",
        "DROP INDEX seguimiento_restantes",
        "DROP INDEX seguimiento_estado", "DROP INDEX seguimiento_abogado",
        "CREATE INDEX seguimiento_estado ON seguimiento (estado)",
        "CREATE INDEX seguimiento_abogado ON seguimiento (abogado_id, estado)",
        "ALTER TABLE seguimiento DROP COLUMN sla", "ALTER TABLE seguimiento DROP COLUMN sla_dia",
        "ALTER TABLE seguimiento DROP COLUMN sla_estado",
        "ALTER TABLE seguimiento DROP COLUMN sla_fecha_limite",
        "ALTER TABLE seguimiento DROP COLUMN sla_dias_restantes",
        "ALTER TABLE seguimiento DROP COLUMN fecha_radicacion",
        "DROP TABLE IF EXISTS sqlite_stat1", "DROP TABLE IF EXISTS sqlite_stat4"),
    8: ("DROP TABLE vista",),
    7: ("DROP TRIGGER seguimiento_texto_ai", "DROP TRIGGER seguimiento_texto_au",
        "DROP TRIGGER seguimiento_texto_ad", "DROP TRIGGER gestion_texto_ai",
        "DROP TRIGGER gestion_texto_au", "DROP TRIGGER gestion_texto_ad",
        "DROP VIEW seguimiento_texto_fuente", "DROP TABLE seguimiento_texto",
        "DROP INDEX radicado_numero_clave"),
}


# The schema version of today's segcont: the newest migration the table above undoes.
SCHEMA = max(UNDO_MIGRATION)

def downgrade(dbpath, version):
    """Takes the database at dbpath (stopped) from its schema back to version, data kept."""
    con = sqlite3.connect(dbpath)
    try:
        current = con.execute("PRAGMA user_version").fetchone()[0]
        for step in range(current, version, -1):
            for sql in UNDO_MIGRATION[step]:
                con.execute(sql)
            con.execute("PRAGMA user_version = %d" % (step - 1))
        con.commit()
    finally:
        con.close()


def compare_with_dataset(dbpath, expected, fields=None):
    """Checks the database holds exactly the expected filings with every field equal (fields
    defaults to DS_FIELDS). Without fields, expected is fakeds' dump: the area name stored is
    the one FAKEDS_MAPPING's table gives the area's code (SGD_DIR_NOMBRE is not read)."""
    if fields is None:
        expected = {n: dict(f, dependencia_origen_nombre=FAKEDS_AREAS.get(
            f.get("dependencia_origen", ""), "")) for n, f in expected.items()}
    fields = fields or DS_FIELDS
    got = db_filings(dbpath, fields)
    check(len(got) == len(expected),
          "la base tiene %d radicados y el sistema documental %d" % (len(got), len(expected)))
    missing = sorted(set(expected) - set(got))
    extra = sorted(set(got) - set(expected))
    check(not missing, "ningún radicado falta (faltan %d: %s)" % (len(missing), missing[:5]))
    check(not extra, "ningún radicado sobra (sobran %d: %s)" % (len(extra), extra[:5]))
    diffs = []
    for numero in sorted(set(expected) & set(got)):
        for field in fields:
            e = expected[numero].get(field)
            g = got[numero].get(field)
            if field == "folios":
                e = int(e)
            if e != g:
                diffs.append("%s.%s: esperado %r, base %r" % (numero, field, e, g))
    check(not diffs, "cada campo coincide (%d diferencias: %s)" % (len(diffs), diffs[:5]))
    dup = db_query(dbpath, "SELECT numero, count(*) FROM radicado GROUP BY numero HAVING count(*) > 1")
    check(not dup, "ningún radicado duplicado")
    orphans = db_query(dbpath, "SELECT count(*) FROM radicado r LEFT JOIN seguimiento s "
                       "ON s.radicado_id = r.id WHERE s.radicado_id IS NULL")[0][0]
    check(orphans == 0, "cada radicado tiene su seguimiento (%d sin él)" % orphans)
    return got


# ---- HTTP API helpers (tests/integration/test_api*.py)

if os.environ.get("SEGCONT_BIN"):  # a locally built binary, for trying a branch
    SEGCONT = os.environ["SEGCONT_BIN"]


def api(base, method, path, token=None, body=None, headers=None, raw=None, timeout=10):
    """One HTTP request to segcont: body is sent as JSON (raw: bytes as they are).
    Returns (status, headers as a dict with lowercase names, JSON value or text)."""
    import http.client
    host, port = base.replace("http://", "").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    hdrs = {}
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    if token is not None:
        hdrs["Authorization"] = "Bearer " + token
    hdrs.update(headers or {})
    try:
        conn.request(method, path, body=data, headers=hdrs)
        r = conn.getresponse()
        text = r.read().decode("utf-8", "replace")
        rh = {k.lower(): v for k, v in r.getheaders()}
    finally:
        conn.close()
    try:
        value = json.loads(text) if text else None
    except ValueError:
        value = text
    return r.status, rh, value


def add_user(conf, nombre, rol):
    """Creates a user with `segcont user add --json`; returns (id, token)."""
    rc, out, err = run_segcont("user", "add", "-c", conf, "--nombre", nombre, "--rol", rol, "--json")
    if rc != 0:
        raise RuntimeError("user add falló (%d): %s" % (rc, err.strip()))
    v = json.loads(out)
    return v["id"], v["token"]


def wait_healthz(base, timeout=20):
    """Waits until segcont answers /healthz (200 or 503); returns the JSON body."""
    end = time.time() + timeout
    while time.time() < end:
        try:
            status, body = http_get(base + "/healthz", timeout=2)
            return json.loads(body)
        except (OSError, ValueError):
            time.sleep(0.05)
    raise RuntimeError("segcont no respondió en %s" % base)


def sync_passes(base):
    """Passes recorded so far (complete or not), from /healthz."""
    s = wait_healthz(base).get("sync", {})
    return s.get("pasadas", 0) + s.get("fallos", 0)


def wait_sync_idle(base, passes_before, timeout=30):
    """Waits until the poller has finished a pass beyond passes_before."""
    end = time.time() + timeout
    while time.time() < end:
        h = wait_healthz(base)
        s = h.get("sync", {})
        if not s.get("en_curso") and s.get("pasadas", 0) + s.get("fallos", 0) > passes_before:
            return h
        time.sleep(0.05)
    raise RuntimeError("la pasada de sincronización no terminó")


def start_api(name, days=45, per_day=8, **config):
    """fakeds with a small dataset, `sync --once`, `reconcile`, users of every role, then `segcont serve`
    with an idle poller (its first pass done). Returns a dict with work, ds, conf, db,
    base and users {key: (id, token)}."""
    today = today_bogota()
    start = today - datetime.timedelta(days=days)
    work = tmpdir(name)
    ds = FakeDS(work, "--seed", "5", "--from", start.isoformat(), "--to", today.isoformat(),
                "--per-day", str(per_day))
    extra = {"document_system__poll_interval": "3600"}
    extra.update(config)
    conf = write_config(work, ds.url, start.isoformat(), **extra)
    rc, out, err = run_segcont("sync", "--once", "-c", conf)
    if rc != 0:
        raise RuntimeError("sync --once falló: %s" % err[-500:])
    # Today's reconciliation done beforehand, so that serve's daily run does not write
    # discrepancies in the middle of a test.
    rc, out, err = run_segcont("reconcile", "-c", conf)
    if rc != 0:
        raise RuntimeError("reconcile falló: %s" % err[-500:])
    users = {
        "director": add_user(conf, "Directora Gómez", "director"),
        "abogado": add_user(conf, "Abogada Peña", "abogado"),
        "abogado2": add_user(conf, "Abogado Ruiz", "abogado"),
        "apoyo": add_user(conf, "Apoyo Díaz", "apoyo"),
        "admin": add_user(conf, "Admin Soto", "admin"),
        "inactivo": add_user(conf, "Abogado Retirado", "abogado"),
    }
    rc, out, err = run_segcont("user", "disable", "-c", conf, "--id", str(users["inactivo"][0]))
    if rc != 0:
        raise RuntimeError("user disable falló: %s" % err[-500:])
    db = os.path.join(work, "segcont.db")
    con = sqlite3.connect(db)
    before = sum(con.execute("SELECT pasadas, fallos FROM sync_estado").fetchone())
    con.close()
    port = None
    with open(conf) as f:
        for line in f:
            if line.startswith("port"):
                port = int(line.split("=")[1])
    proc = start_serve(conf, work)
    base = "http://127.0.0.1:%d" % port
    wait_sync_idle(base, before)
    return {"work": work, "ds": ds, "conf": conf, "db": db, "base": base, "users": users,
            "proc": proc}


def db_dump(dbpath):
    """Every table's rows in rowid order, sync_estado and radicado.visto_ultimo left out
    (the poller may touch them), and the search index's shadow tables: for checking that a
    request changed nothing."""
    con = sqlite3.connect(dbpath)
    try:
        out = {}
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for t in tables:
            # FTS5's own storage (some WITHOUT ROWID): seguimiento_texto itself is compared.
            # The planner's statistics (PRAGMA optimize), the stored SLA blocks, which a read
            # may work out again (a day changed, another connection wrote), and the counters
            # that follow them, and the list rows kept from the other columns (fila) are not
            # data.
            if (t in ("sync_estado", "seguimiento_conteo", "seguimiento_conteo_dia") or t.startswith("seguimiento_texto_")
                    or t.startswith("sqlite_stat")):
                continue
            cols = [r[1] for r in con.execute("PRAGMA table_info(%s)" % t)]
            if t == "seguimiento":
                cols = [c for c in cols if not c.startswith("sla") and c != "fila"]
            if t == "radicado":
                cols = [c for c in cols if c != "visto_ultimo"]
            out[t] = con.execute("SELECT %s FROM %s ORDER BY rowid" % (", ".join(cols), t)).fetchall()
        out["schema"] = con.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
        return out
    finally:
        con.close()


# ---- fakecmis: the simulated CMIS repository (tests/fakecmis), Browser Binding over JSON

FAKECMIS = os.environ.get("FAKECMIS_BIN", os.path.join(BUILD, "fakecmis"))  # e.g. an ASan build
CMIS_USER = "segcont"          # fakecmis' default --user
CMIS_PASSWORD = "clave-cmis"   # and password (without --password-file)
CMIS_REPOSITORY = "sgd"


class FakeCMIS:
    """A running fakecmis process, its Browser Binding (with Basic credentials) and its
    control API. Every request is bounded by `timeout`; stop() returns the exit status."""

    def __init__(self, workdir, *args, user=CMIS_USER, password=CMIS_PASSWORD, timeout=20):
        self.portfile = os.path.join(workdir, "fakecmis.port")
        if os.path.exists(self.portfile):
            os.unlink(self.portfile)
        self.log_path = os.path.join(workdir, "fakecmis.log")
        log = open(self.log_path, "ab")
        cmd = [FAKECMIS, "--port", "0", "--port-file", self.portfile, "--max-seconds", "900"]
        self.proc = subprocess.Popen(cmd + list(args), stdout=log, stderr=log,
                                     stdin=subprocess.DEVNULL)
        log.close()
        _procs.append(self.proc)
        end = time.time() + timeout
        while not (os.path.exists(self.portfile) and os.path.getsize(self.portfile) > 0):
            if self.proc.poll() is not None:
                raise RuntimeError("fakecmis terminó al arrancar (%d): %s"
                                   % (self.proc.returncode, self.log()[-2000:]))
            if time.time() > end:
                raise RuntimeError("fakecmis no escribió %s" % self.portfile)
            time.sleep(0.02)
        with open(self.portfile) as f:
            self.port = int(f.read().strip())
        self.base = "http://127.0.0.1:%d" % self.port
        self.url = self.base + "/cmis/browser"                # the service URL
        self.repository_url = self.url + "/" + CMIS_REPOSITORY
        self.user = user
        self.password = password

    def log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def request(self, method, path, body=None, headers=None, auth=True, timeout=15):
        """One HTTP request; path is absolute ("/cmis/browser/sgd?..."). auth: True for the
        configured credentials, False for none, or a (user, password) pair. Returns (status,
        headers as a dict with lowercase names, body bytes)."""
        import base64
        import http.client
        hdrs = dict(headers or {})
        if auth:
            user, password = (self.user, self.password) if auth is True else auth
            token = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
            hdrs["Authorization"] = "Basic " + token
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()

    def cmis(self, selector=None, auth=True, post=None, **params):
        """A Browser Binding call on the repository URL: GET with cmisselector=selector and
        params, or (post: a dict of form fields) a POST. Returns (status, headers, JSON value,
        or the text when it is not JSON)."""
        import urllib.parse
        if post is not None:
            body = urllib.parse.urlencode(post).encode()
            status, hdrs, data = self.request(
                "POST", "/cmis/browser/" + CMIS_REPOSITORY, body,
                {"Content-Type": "application/x-www-form-urlencoded"}, auth=auth)
        else:
            q = dict(params)
            if selector is not None:
                q["cmisselector"] = selector
            path = "/cmis/browser/" + CMIS_REPOSITORY
            if q:
                path += "?" + urllib.parse.urlencode(q)
            status, hdrs, data = self.request("GET", path, auth=auth)
        text = data.decode("utf-8", "replace")
        try:
            return status, hdrs, json.loads(text)
        except ValueError:
            return status, hdrs, text

    def query(self, statement, max_items=None, skip=0, succinct=True):
        """One page of a query. Returns (status, JSON)."""
        params = {"q": statement, "skipCount": str(skip),
                  "succinct": "true" if succinct else "false"}
        if max_items is not None:
            params["maxItems"] = str(max_items)
        status, _, value = self.cmis("query", **params)
        return status, value

    def query_all(self, statement, max_items=1000, succinct=True, max_pages=100000):
        """Every result of a query, paging with skipCount until hasMoreItems is false.
        Returns (results, pages)."""
        results = []
        pages = 0
        while pages < max_pages:
            status, page = self.query(statement, max_items, len(results), succinct)
            if status != 200:
                raise RuntimeError("query: %d %r" % (status, page))
            pages += 1
            results += page["results"]
            if not page["hasMoreItems"]:
                return results, pages
        raise RuntimeError("query: más de %d páginas" % max_pages)

    def changes(self, token=None, max_items=None, succinct=True, include_properties=True):
        """One page of contentChanges from token. Returns (status, JSON)."""
        params = {"includeProperties": "true" if include_properties else "false",
                  "succinct": "true" if succinct else "false"}
        if token is not None:
            params["changeLogToken"] = token
        if max_items is not None:
            params["maxItems"] = str(max_items)
        status, _, value = self.cmis("contentChanges", **params)
        return status, value

    def changes_all(self, token=None, max_items=1000, max_pages=100000):
        """Every change event from token on. Returns (events, the next token, pages)."""
        events = []
        for pages in range(1, max_pages + 1):
            status, page = self.changes(token, max_items)
            if status != 200:
                raise RuntimeError("contentChanges: %d %r" % (status, page))
            events += page["objects"]
            token = page["changeLogToken"]
            if not page["hasMoreItems"]:
                return events, token, pages
        raise RuntimeError("contentChanges: más de %d páginas" % max_pages)

    def control_status(self, path, body=None):
        """A control call. Returns (status, JSON)."""
        data = None if body is None else json.dumps(body).encode()
        hdrs = {} if body is None else {"Content-Type": "application/json"}
        status, _, text = self.request("GET" if body is None else "POST", path, data, hdrs,
                                       auth=False)
        return status, json.loads(text.decode("utf-8"))

    def control(self, path, body=None):
        """A control call that must succeed; returns its JSON."""
        status, value = self.control_status(path, body)
        if status >= 300:
            raise RuntimeError("%s: %d %r" % (path, status, value))
        return value

    def dump(self, dependencia=None):
        """{numero: filing} in the field names segcont stores (plus the repository's own)."""
        q = "" if dependencia is None else "?dependencia=" + dependencia
        return {f["numero"]: f for f in self.control("/control/dump" + q)}

    def token(self):
        """The latest change log token, as repositoryInfo gives it."""
        return self.control("/control/token")["latestChangeLogToken"]

    def faults(self, rate, kinds=None, delay_ms=1500, seed=7):
        body = {"rate": rate, "seed": seed, "delay_ms": delay_ms}
        if kinds:
            body["kinds"] = kinds
        return self.control("/control/faults", body)

    def stop(self):
        """SIGTERM, then the exit status (0 when it stopped cleanly)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode
