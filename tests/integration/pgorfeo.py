"""pgorfeo -- a real PostgreSQL server for the orfeo-sql tests, an Orfeo-shaped database written
the way Orfeo's PHP writes it, and what segcont must store from it, computed independently.

Server: a throw-away cluster (initdb in a temporary folder, 127.0.0.1 only, a free port, the
unix socket inside the folder, fsync off), run as the `postgres` user when we are root (initdb
refuses root). Setup goes through the superuser over the socket; segcont connects over TCP as
`segcont_ro` with a password (scram-sha-256), the role tests/data/orfeo-sql/grant.sql creates.
start / stop (fast) / restart / kill (immediate shutdown: every backend dies at once). The
server is stopped at exit, even after a failed check or a SIGTERM; every wait is bounded.

Data: generate(seed, filings, ...) builds a Dataset, the same for a seed and a `now` (the
tests/data/orfeo-sql/schema.sql, the words of vocabulario.json, the cases of casos.json);
Server.load() writes it with COPY into a new UTF8 or WIN1252 database. expected() says what
segcont must store for dependency 342 (see the rule there); sql_expected() asks the loaded
database the same in SQL, as a cross-check. live_*() change a loaded database as Orfeo's users
would (now) and keep the Dataset in step.

`python3 tests/integration/pgorfeo.py` checks the harness by itself (no segcont needed)."""
import atexit
import csv
import datetime
import glob
import io
import json
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time

import segtest

DATA = os.path.join(segtest.ROOT, "tests", "data", "orfeo-sql")
SCHEMA = os.path.join(DATA, "schema.sql")
GRANT = os.path.join(DATA, "grant.sql")
OFFICE = 342
DBNAME = "orfeo"
ROLE = "segcont_ro"
SUPERUSER = "postgres"
# The role's password: a space, quotes and '#', as a DBA may choose (conninfo quoting matters).
PASSWORD = "Orfeo-Lectura 'ro' #2024"
MAPPING = os.path.join(segtest.ROOT, "mappings", "orfeo-sql.json")
TABLES = ["radicado", "hist_eventos", "sgd_dir_drecciones", "dependencia", "sgd_tpr_tpdcumento",
          "sgd_ttr_transaccion"]

ARRIVALS = (2, 9, 12, 16)          # transactions that move a filing into depe_codi_dest
MOVES = {2, 9, 12, 16, 13, 65, 25, 26}  # transactions that change radi_depe_actu (8 is a copy;
                                        # 13, 65, 25 and 26 move it to the archive, 999)
TIPOS = {1: "salida", 2: "entrada", 3: "interna", 4: "circular_interna", 5: "circular_externa",
         6: "resolucion"}
ESTADOS = {None: "vigente", 0: "vigente", 1: "anulacion_solicitada", 2: "anulado"}
# The stored fields compared by the tests: segtest.DS_FIELDS and the document type's name.
FIELDS = segtest.DS_FIELDS + ["tipo_documental_nombre"]
ASCII_WS = " \t\n\r\x0b\x0c"
WAIT = 60  # seconds: the bound of every wait on the server


def bogota_now():
    """The Bogota wall clock (UTC-5, no daylight saving), naive, with microseconds."""
    return (datetime.datetime.now(datetime.timezone.utc)
            - datetime.timedelta(hours=5)).replace(tzinfo=None)


def pg_bin():
    """The folder of initdb/pg_ctl/psql: $SEGCONT_PG_BIN, else Debian's PostgreSQL 15 (or the
    newest installed)."""
    env = os.environ.get("SEGCONT_PG_BIN")
    cands = [env] if env else (["/usr/lib/postgresql/15/bin"] +
                               sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True))
    for c in cands:
        if c and os.path.isfile(os.path.join(c, "initdb")):
            return c
    raise RuntimeError("no se encontró PostgreSQL (initdb) en /usr/lib/postgresql/15/bin: "
                       "instale el paquete postgresql de Debian (.ci/deps lo hace)")


# ---- The server

_servers = []
_signals_installed = False


def _on_signal(signum, frame):
    # atexit handlers (servers stopped, folders removed) run on SystemExit, not on a bare signal.
    raise SystemExit(128 + signum)


def _install_signals():
    global _signals_installed
    if _signals_installed:
        return
    for s in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(s) in (signal.SIG_DFL, None):
            signal.signal(s, _on_signal)
    _signals_installed = True


class Server:
    """A PostgreSQL cluster of its own in a temporary folder, started."""

    def __init__(self, name="orfeo", timezone="America/Bogota"):
        self.bin = pg_bin()
        self.dir = tempfile.mkdtemp(prefix="segcont-pg-%s-" % name)
        atexit.register(shutil.rmtree, self.dir, True)  # runs after _atexit (LIFO)
        self.runas = None
        if os.geteuid() == 0:
            import pwd
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError("se ejecuta como root y no existe el usuario postgres "
                                   "(lo crea el paquete postgresql de Debian)")
            self.runas = (pw.pw_uid, pw.pw_gid)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        self.data = os.path.join(self.dir, "data")
        self.sock = os.path.join(self.dir, "sock")
        self.logfile = os.path.join(self.dir, "postgres.log")
        self._mkdir(self.sock)
        self.port = segtest.free_port()
        self.running = False
        self.encoding = None
        self.hist_id = True
        _servers.append(self)
        atexit.register(self._atexit)
        _install_signals()
        self._initdb(timezone)
        for attempt in range(3):
            try:
                self.start()
                break
            except RuntimeError:
                # The free port was taken between free_port() and the bind: try another.
                if attempt == 2 or "could not bind" not in self.log_tail():
                    raise
                self.port = segtest.free_port()
                self._write(os.path.join(self.data, "postgresql.conf"),
                            "port = %d\n" % self.port, "a")

    # -- processes
    def _mkdir(self, path):
        os.mkdir(path, 0o700)
        if self.runas:
            os.chown(path, *self.runas)

    def _write(self, path, text, mode="w"):
        with open(path, mode, encoding="utf-8") as f:
            f.write(text)
        if self.runas:
            os.chown(path, *self.runas)

    def _run(self, args, timeout=WAIT, check=True):
        """Runs a PostgreSQL program as the cluster's owner, bounded; returns (rc, output)."""
        cmd = [os.path.join(self.bin, args[0])] + list(args[1:])
        if self.runas and shutil.which("runuser"):
            cmd = [shutil.which("runuser"), "-u", "postgres", "--"] + cmd
        elif self.runas:
            cmd = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(shlex.quote(a) for a in cmd)]
        out = os.path.join(self.dir, "pg_ctl.out")
        with open(out, "w") as f:
            if self.runas:
                os.chown(out, *self.runas)
            try:
                p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=f, stderr=f,
                                   cwd=self.dir, timeout=timeout,
                                   env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C",
                                        "LC_ALL": "C", "TZ": "UTC"})
                rc = p.returncode
            except subprocess.TimeoutExpired:
                rc = -1
        with open(out) as f:
            text = f.read()
        if check and rc != 0:
            raise RuntimeError("%s falló (%s): %s\n%s" % (args[0], rc, text.strip()[-1500:],
                                                         self.log_tail()))
        return rc, text

    def log_tail(self, n=3000):
        try:
            with open(self.logfile, errors="replace") as f:
                return "postgres.log: " + f.read()[-n:]
        except OSError:
            return ""

    def _initdb(self, timezone):
        self._run(["initdb", "-D", self.data, "-U", SUPERUSER, "-E", "UTF8", "--locale=C",
                   "-A", "trust", "--no-sync", "--no-instructions"], timeout=120)
        conf = "\n".join([
            "# segcont tests (pgorfeo.py)",
            "listen_addresses = '127.0.0.1'",
            "port = %d" % self.port,
            "unix_socket_directories = '%s'" % self.sock,
            "fsync = off",
            # synchronous_commit stays on: an immediate shutdown must not lose a committed
            # transaction (fsync off is safe here, the machine does not crash).
            "full_page_writes = off",
            "max_connections = 40",
            "shared_buffers = 64MB",
            "max_wal_size = 1GB",
            "timezone = '%s'" % timezone,
            "log_timezone = '%s'" % timezone,
            "lc_messages = 'C'",
            "password_encryption = 'scram-sha-256'",
            "log_connections = on",
            "log_disconnections = on",
            "log_line_prefix = '%m [%p] %u@%d '",
            ""])
        self._write(os.path.join(self.data, "postgresql.conf"), conf, "a")
        # The superuser only through the private socket; everyone else over TCP with a password.
        hba = "\n".join([
            "# TYPE  DATABASE  USER      ADDRESS        METHOD",
            "local   all       %s                 trust" % SUPERUSER,
            "host    all       all       127.0.0.1/32   scram-sha-256",
            ""])
        self._write(os.path.join(self.data, "pg_hba.conf"), hba)

    def start(self):
        self._run(["pg_ctl", "-D", self.data, "-l", self.logfile, "-w", "-t", str(WAIT), "start"],
                  timeout=WAIT + 10)
        self.running = True

    def stop(self):
        """Fast shutdown: sessions are ended, the server waits for nothing."""
        self._run(["pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", str(WAIT), "stop"],
                  timeout=WAIT + 10)
        self.running = False

    def kill(self):
        """Immediate shutdown: the postmaster and every backend quit at once, no checkpoint
        (the next start recovers from the WAL), as when the machine loses the process."""
        self._run(["pg_ctl", "-D", self.data, "-m", "immediate", "-w", "-t", str(WAIT), "stop"],
                  timeout=WAIT + 10)
        self.running = False

    def restart(self):
        if self.running:
            self.stop()
        self.start()

    def _atexit(self):
        pidfile = os.path.join(self.data, "postmaster.pid")
        if not self.running and not os.path.exists(pidfile):
            return
        rc, _ = self._run(["pg_ctl", "-D", self.data, "-m", "immediate", "-w", "-t", "20",
                           "stop"], timeout=30, check=False)
        if rc != 0 and os.path.exists(pidfile):
            try:
                with open(pidfile) as f:
                    os.kill(int(f.readline()), signal.SIGKILL)
            except (OSError, ValueError):
                pass
        self.running = False

    # -- SQL
    def url(self):
        return "postgresql://%s@127.0.0.1:%d/%s" % (ROLE, self.port, DBNAME)

    def psql(self, sql=None, db="postgres", file=None, variables=None, timeout=300):
        """Runs SQL (or a file) as the superuser over the socket, stopping at the first error;
        returns psql's output."""
        cmd = [os.path.join(self.bin, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
               "-h", self.sock, "-p", str(self.port), "-U", SUPERUSER, "-d", db]
        for k, v in (variables or {}).items():
            cmd += ["-v", "%s=%s" % (k, v)]
        cmd += ["-f", file if file else "-"]
        env = dict(os.environ, PGCLIENTENCODING="UTF8", PGCONNECT_TIMEOUT="10")
        p = subprocess.run(cmd, input=(sql or "").encode(), capture_output=True, env=env,
                           timeout=timeout)
        if p.returncode != 0:
            raise RuntimeError("psql falló: %s" % p.stderr.decode(errors="replace")[-2000:])
        return p.stdout.decode()

    def query(self, sql, db=DBNAME):
        """Rows of a SELECT as the superuser, through COPY ... CSV (NULL comes back as None)."""
        out = self.psql("COPY (%s) TO STDOUT WITH (FORMAT csv, NULL '\\N')" % sql, db=db)
        rows = csv.reader(io.StringIO(out, newline=""))
        return [[None if v == "\\N" else v for v in row] for row in rows]

    def ro_psql(self, sql, password=PASSWORD, db=DBNAME, host="127.0.0.1"):
        """Runs SQL as segcont_ro over TCP with a password, as segcont does; returns
        (exit status, stdout, stderr)."""
        cmd = [os.path.join(self.bin, "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
               "-h", host, "-p", str(self.port), "-U", ROLE, "-d", db, "-c", sql]
        env = dict(os.environ, PGCLIENTENCODING="UTF8", PGCONNECT_TIMEOUT="10",
                   PGPASSWORD=password)
        p = subprocess.run(cmd, capture_output=True, env=env, timeout=WAIT,
                           stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout.decode(), p.stderr.decode(errors="replace")

    def _drop_orfeo(self):
        self.psql("DROP DATABASE IF EXISTS %s WITH (FORCE)" % DBNAME)
        if self.query("SELECT 1 FROM pg_roles WHERE rolname = '%s'" % ROLE, db="postgres"):
            for (db,) in self.query("SELECT datname FROM pg_database WHERE datallowconn",
                                    db="postgres"):
                self.psql("DROP OWNED BY %s" % ROLE, db=db)
            self.psql("DROP ROLE %s" % ROLE)

    def load(self, ds, encoding="UTF8", hist_id=True):
        """(Re)creates database orfeo in the given encoding (UTF8 or WIN1252) with the schema, the
        dataset (COPY) and the read-only role of grant.sql; hist_id False drops hist_eventos.id
        (Orfeo 3.8). Returns the seconds it took."""
        t0 = time.monotonic()
        self._drop_orfeo()
        self.psql("CREATE DATABASE %s ENCODING '%s' TEMPLATE template0 LC_COLLATE 'C' "
                  "LC_CTYPE 'C'" % (DBNAME, encoding))
        self.psql(db=DBNAME, file=SCHEMA)
        path = os.path.join(self.dir, "carga.sql")
        ds.write_copy(path)
        try:
            self.psql(db=DBNAME, file=path, timeout=600)
        finally:
            os.unlink(path)
        if not hist_id:
            self.psql("ALTER TABLE hist_eventos DROP COLUMN id", db=DBNAME)
        self.psql(db=DBNAME, file=GRANT, variables={"clave": PASSWORD})
        self.psql("ANALYZE", db=DBNAME)
        self.encoding = encoding
        self.hist_id = hist_id
        return time.monotonic() - t0

    def segcont_sessions(self):
        """How many sessions segcont_ro has open now (0 when the server is down)."""
        if not self.running:
            return 0
        rows = self.query("SELECT count(*) FROM pg_stat_activity WHERE usename = '%s'" % ROLE,
                          db="postgres")
        return int(rows[0][0])


def write_config(workdir, server, backfill_from, password=PASSWORD, **extra):
    """segtest.write_config for the orfeo-sql profile: the server's URL, mappings/orfeo-sql.json,
    the role's password in ds.key (key_file). Returns the configuration's path."""
    extra.setdefault("document_system__mapping", MAPPING)
    conf = segtest.write_config(workdir, server.url(), str(backfill_from), **extra)
    key = os.path.join(workdir, "ds.key")
    with open(key, "w") as f:
        f.write(password + "\n")
    os.chmod(key, 0o600)
    return conf


# ---- Text the way Orfeo's PHP stores it, and back

def htmlspecialchars(s, quotes=True):
    """PHP's htmlspecialchars(): ENT_QUOTES (PHP >= 8.1, ' as &#039;) or ENT_COMPAT (older)."""
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return s.replace("'", "&#039;") if quotes else s


_ENTITY = re.compile(r"&(?:#([0-9]{1,7})|#x([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def decode_entities(s):
    """One pass over the entities segcont decodes: &amp; &lt; &gt; &quot; &apos; and numeric
    &#NNN; / &#xHH; (so &amp;amp; becomes &amp;). Anything else stays as it is."""
    def one(m):
        if m.group(1):
            return chr(int(m.group(1)))
        if m.group(2):
            return chr(int(m.group(2), 16))
        return _NAMED[m.group(3)]
    return _ENTITY.sub(one, s)


def trim(s):
    return s.strip(ASCII_WS)


# ---- The dataset

# hist_eventos columns, in the order of an event list (id is given at load time)
EV_COLS = ["depe_codi", "hist_fech", "usua_codi", "radi_nume_radi", "hist_obse", "usua_codi_dest",
           "usua_doc", "sgd_ttr_codigo", "hist_usua_autor", "hist_doc_dest", "depe_codi_dest"]
E_DEPE, E_FECH, E_USUA, E_RADI, E_OBSE, E_UDEST, E_UDOC, E_TTR, E_AUTOR, E_DDOC, E_DEST = range(11)
RAD_COLS = ["radi_nume_radi", "radi_fech_radi", "tdoc_codi", "mrec_codi", "radi_fech_ofic",
            "radi_nume_hoja", "radi_desc_anex", "radi_path", "radi_usua_actu", "radi_depe_actu",
            "radi_fech_asig", "ra_asun", "radi_usu_ante", "radi_depe_radi", "radi_usua_radi",
            "codi_nivel", "carp_codi", "carp_per", "radi_leido", "sgd_eanu_codigo",
            "sgd_trad_codigo", "sgd_spub_codigo", "id_pais", "radi_nume_folio", "radi_nume_anexo",
            "radi_depe_actu_ant", "muni_codi", "dpto_codi"]
DIR_COLS = ["sgd_dir_codigo", "sgd_dir_tipo", "sgd_oem_codigo", "sgd_ciu_codigo", "radi_nume_radi",
            "muni_codi", "dpto_codi", "sgd_dir_direccion", "sgd_dir_telefono", "sgd_dir_mail",
            "sgd_dir_nombre", "sgd_dir_nomremdes", "sgd_dir_doc", "id_pais", "sgd_doc_fun"]


def _vocab():
    with open(os.path.join(DATA, "vocabulario.json"), encoding="utf-8") as f:
        return json.load(f)


def _cases():
    with open(os.path.join(DATA, "casos.json"), encoding="utf-8") as f:
        return json.load(f)["casos"]


def _doc(dep, user):
    """A plausible cédula for user `user` of dependency `dep` (stable)."""
    return str(10000000 + (dep * 7919 + user * 104729) % 89999999)


class _Stop(Exception):
    """An event would fall after the dataset's cutoff: the filing's story ends here."""


class Dataset:
    """Rows of an Orfeo database: radicados {number: {column: value}}, eventos (lists in
    EV_COLS order), direcciones ({column: value}, in the order they are written), and the code
    tables. backfill_from (a date) and cases {case id: number} say how it was built."""

    def __init__(self, vocab=None):
        self.vocab = vocab or _vocab()
        self.radicados = {}
        self.eventos = []
        self.direcciones = []
        self.casos = {}
        self.backfill_from = None
        self.now = None
        self.seq = {}          # (year, dependency, type) -> last sequence number used
        self.dir_code = 0      # last sgd_dir_codigo used
        self.rng = random.Random(0)

    # -- numbers
    def new_number(self, fecha, dep, tipo):
        key = (fecha.year, dep, tipo)
        s = self.seq.get(key, 0) + 1
        if self.rng.random() < 0.08:  # numbers skipped (a filing started and abandoned)
            s += self.rng.randint(1, 4)
        self.seq[key] = s
        return int("%04d%03d%06d%d" % (fecha.year, dep, s, tipo))

    def names(self):
        """({depe_codi: depe_nomb}, {sgd_tpr_codigo: sgd_tpr_descrip}) as the tables hold them."""
        if not hasattr(self, "_names"):
            self._names = ({c: n for c, n, _ in self.vocab["dependencias"]},
                           {c: n for c, n, _ in self.vocab["tipos_documentales"]})
        return self._names

    def next_dir_code(self):
        self.dir_code += 1
        return self.dir_code

    # -- COPY
    def write_copy(self, path):
        """Writes the rows as one psql script of COPY ... FROM STDIN blocks (text format)."""
        v = self.vocab
        ev = sorted(self.eventos, key=lambda e: e[E_FECH])  # ids follow insertion time
        with open(path, "w", encoding="utf-8") as f:
            f.write("SET client_encoding = 'UTF8';\n")
            f.write("COPY dependencia (depe_codi, depe_nomb, dep_sigla, depe_estado, dpto_codi, "
                    "muni_codi, id_pais, id_cont) FROM STDIN;\n")
            for code, name, sigla in v["dependencias"]:
                f.write("%d\t%s\t%s\t1\t11\t1\t170\t1\n" % (code, _c(name), _c(sigla)))
            f.write("\\.\n")
            f.write("COPY sgd_tpr_tpdcumento (sgd_tpr_codigo, sgd_tpr_descrip, sgd_tpr_termino, "
                    "sgd_tpr_tpuso, sgd_tpr_estado) FROM STDIN;\n")
            for code, name, term in v["tipos_documentales"]:
                f.write("%d\t%s\t%d\t1\t1\n" % (code, _c(name), term))
            f.write("\\.\n")
            f.write("COPY sgd_ttr_transaccion (sgd_ttr_codigo, sgd_ttr_descrip) FROM STDIN;\n")
            for code, name in v["transacciones"]:
                f.write("%d\t%s\n" % (code, _c(name)))
            f.write("\\.\n")
            f.write("COPY radicado (%s) FROM STDIN;\n" % ", ".join(RAD_COLS))
            for r in sorted(self.radicados.values(), key=lambda r: r["radi_fech_radi"]):
                f.write("\t".join(_c(r.get(c)) for c in RAD_COLS))
                f.write("\n")
            f.write("\\.\n")
            f.write("COPY hist_eventos (id, %s) FROM STDIN;\n" % ", ".join(EV_COLS))
            w = f.write
            for i, e in enumerate(ev, 1):
                w("%d\t%d\t%s\t%d\t%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n" % (
                    i, e[0], e[1].isoformat(" "), e[2], e[3], _c(e[4]), _c(e[5]), _c(e[6]), e[7],
                    _c(e[8]), _c(e[9]), _c(e[10])))
            f.write("\\.\n")
            f.write("COPY sgd_dir_drecciones (%s) FROM STDIN;\n" % ", ".join(DIR_COLS))
            for d in self.direcciones:
                f.write("\t".join(_c(d.get(c)) for c in DIR_COLS))
                f.write("\n")
            f.write("\\.\n")
            f.write("SELECT setval('sec_hist_eventos', %d);\n" % max(len(ev), 1))
            f.write("SELECT setval('sec_dir_direcciones', %d);\n" % max(self.dir_code, 1))

    # -- what the tests look at
    def categories(self, dependencia=OFFICE):
        """Numbers by what happened to them (from the events, not from how they were drawn):
        informado: some informar (8) copy into the dependency and never an arrival there;
        propio: filed by the dependency itself and never arrived from another one."""
        arrived, informed = set(), set()
        for e in self.eventos:
            if e[E_DEST] == dependencia:
                if e[E_TTR] in ARRIVALS and e[E_DEPE] != dependencia:
                    arrived.add(e[E_RADI])
                elif e[E_TTR] == 8:
                    informed.add(e[E_RADI])
        own = {n for n, r in self.radicados.items() if r["radi_depe_radi"] == dependencia}
        return {"informado": {str(n) for n in informed - arrived},
                "propio": {str(n) for n in own - arrived}}

    def last_event(self, numero):
        last = None
        for e in self.eventos:
            if e[E_RADI] == numero and (last is None or e[E_FECH] > last):
                last = e[E_FECH]
        return last

    def drop(self, numbers):
        """Removes filings with their events and address rows."""
        numbers = set(numbers)
        for n in numbers:
            del self.radicados[n]
        self.eventos = [e for e in self.eventos if e[E_RADI] not in numbers]
        self.direcciones = [d for d in self.direcciones if d["radi_nume_radi"] not in numbers]


def _c(v):
    """One value in COPY's text format."""
    if v is None:
        return "\\N"
    if isinstance(v, str):
        if "\\" in v or "\t" in v or "\n" in v or "\r" in v:
            v = v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            v = v.replace("\r", "\\r")
        return v
    if isinstance(v, datetime.datetime):
        return v.isoformat(" ")
    return str(v)


class _Story:
    """Builds one filing's events in time order and keeps the filing's state in step."""

    def __init__(self, ds, gen, numero, fecha, dep, user, cutoff):
        self.ds, self.g, self.n = ds, gen, numero
        self.t = fecha
        self.dep, self.user = dep, user
        self.prev_dep, self.prev_user = None, None
        self.eanu = None
        self.digitalized = False
        self.cutoff = cutoff
        self.last_move = fecha
        self.first = True

    def ev(self, ttr, frm, to, gap, obse=None):
        """Appends one event `gap` after the previous one (the first may fall on the filing
        time itself; later ones are strictly later). Raises _Stop past the cutoff."""
        t = self.t + gap
        if not self.first and t <= self.t:
            t = self.t + datetime.timedelta(microseconds=1)
        self.first = False
        if t >= self.cutoff:
            raise _Stop()
        rng = self.g.rng
        actor = self.user if frm == self.dep else rng.randint(1, 6)
        dest_user = rng.randint(1, 8) if to != self.dep or ttr not in MOVES else self.user
        if ttr in (13, 65, 25, 26):
            dest_user = 1
        text = obse or self.g.obse.get(ttr, "")
        if self.g.rng.random() < 0.7:
            text = htmlspecialchars(text)
        self.ds.eventos.append([frm, t, actor, self.n, text, dest_user, _doc(frm, actor), ttr,
                                _doc(frm, actor), _doc(to, dest_user), to])
        self.t = t
        if ttr in MOVES:
            if to != self.dep:
                self.prev_dep, self.prev_user = self.dep, self.user
            self.dep, self.user = to, dest_user
            self.last_move = t
        if ttr == 25:
            self.eanu = 1
        elif ttr == 26:
            self.eanu = 2
        elif ttr == 22:
            self.digitalized = True
        return t


class _Generator:
    def __init__(self, ds, seed, cutoff):
        self.ds = ds
        self.rng = random.Random(seed)
        ds.rng = random.Random(seed * 7 + 1)
        v = ds.vocab
        self.areas = v["areas_que_radican"]
        self.vent = v["ventanilla"]
        self.arch = v["archivo"]
        self.obse = {int(k): t for k, t in v["observaciones"].items()}
        self.asuntos = v["asuntos"]
        self.tdocs = [c for c, _, _ in v["tipos_documentales"]]
        self.cutoff = cutoff

    # -- small draws
    def minutes(self, lo=1, hi=180):
        r = self.rng
        return datetime.timedelta(minutes=r.randint(lo, hi), seconds=r.randint(0, 59),
                                  microseconds=r.randint(0, 999999))

    def hours(self, lo=1, hi=30):
        r = self.rng
        return datetime.timedelta(hours=r.randint(lo, hi), minutes=r.randint(0, 59),
                                  seconds=r.randint(0, 59), microseconds=r.randint(0, 999999))

    def days(self, lo=1, hi=8):
        r = self.rng
        return datetime.timedelta(days=r.randint(lo, hi), hours=r.randint(0, 9),
                                  minutes=r.randint(0, 59), microseconds=r.randint(0, 999999))

    def tiny(self):
        r = self.rng.random()
        if r < 0.15:
            return datetime.timedelta(0)
        return datetime.timedelta(microseconds=self.rng.randint(1, 400000))

    def gap(self):
        r = self.rng.random()
        if r < 0.45:
            return self.minutes()
        if r < 0.8:
            return self.hours()
        return self.days()

    def other_area(self, *not_these):
        while True:
            a = self.rng.choice(self.areas)
            if a not in not_these:
                return a

    def person(self):
        v = self.ds.vocab
        r = self.rng
        given = r.choice(v["nombres"])
        return given, "%s %s %s" % (given, r.choice(v["apellidos"]), r.choice(v["apellidos"]))

    def subject(self, fecha):
        """(tdoc_codi, ra_asun as the column holds it)."""
        r = self.rng
        v = self.ds.vocab
        tdoc, tpl = r.choice(self.asuntos)
        text = tpl.format(n=r.randint(1, 480), anio=fecha.year - r.randint(0, 1),
                          objeto=r.choice(v["objetos"]), persona=self.person()[1],
                          mes=r.choice(v["meses"]))
        x = r.random()
        if x < 0.10:
            tdoc = r.choice(self.tdocs)
        elif x < 0.11:
            tdoc = None
        x = r.random()
        if x < 0.70:
            stored = htmlspecialchars(text)            # PHP >= 8.1: ENT_QUOTES
        elif x < 0.95:
            stored = htmlspecialchars(text, False)     # older PHP: ' left as it is
        elif x < 0.97:
            stored = text                              # migrated, never escaped
        elif x < 0.985:
            stored = htmlspecialchars(text).replace("–", "&#8211;")  # a form outside WIN1252
        else:
            stored = htmlspecialchars(htmlspecialchars(text))  # edited twice
        x = r.random()
        if x < 0.04:
            stored = "  " + stored
        elif x < 0.08:
            stored = stored + "   "
        elif x < 0.09:
            stored = stored + "\r\n"
        elif x < 0.095:
            stored = None
        if stored is not None and len(stored) > 350:
            stored = stored[:350]
            if "&" in stored[-8:]:
                stored = stored[:stored.rindex("&")]
        return tdoc, stored

    def when(self, day):
        """A filing time on `day`: mostly office hours, some at noon, late, at night, and
        just after midnight."""
        r = self.rng
        x = r.random()
        if x < 0.04:
            h, m = 0, r.randint(0, 59)
        elif x < 0.14:
            h, m = 12, r.randint(0, 59)
        elif x < 0.24:
            h, m = r.choice([(16, r.randint(30, 59)), (17, r.randint(0, 59))])
        elif x < 0.28:
            h, m = r.randint(18, 22), r.randint(0, 59)
        else:
            h = r.randint(7, 16)
            m = r.randint(0, 59) if h < 16 else r.randint(0, 29)
        us = r.randint(0, 999999)
        if r.random() < 0.01:
            us = 0
        elif r.random() < 0.01:
            us = 999999
        return datetime.datetime(day.year, day.month, day.day, h, m, r.randint(0, 59), us)

    # -- one filing
    def filing(self, kind, fecha, numero, dep, tipo):
        ds, r = self.ds, self.rng
        tdoc, asunto = self.subject(fecha)
        user = r.randint(1, 8)
        st = _Story(ds, self, numero, fecha, dep, user, self.cutoff)
        try:
            getattr(self, "story_" + kind)(st, dep, tipo)
        except _Stop:
            pass
        hoja = r.randint(1, 40) if r.random() < 0.9 else None
        x = r.random()
        folio = None if x < 0.5 else (0 if x < 0.6 else (hoja or 0) + r.randint(0, 3))
        path = None
        if st.digitalized:
            path = "/%d/%03d/docs/%d.%s" % (fecha.year, dep, numero, r.choice(["pdf", "tif"]))
        elif r.random() < 0.2:
            path = ""
        ds.radicados[numero] = {
            "radi_nume_radi": numero, "radi_fech_radi": fecha, "tdoc_codi": tdoc,
            "mrec_codi": 3 if tipo == 2 else 0, "radi_fech_ofic": fecha,
            "radi_nume_hoja": hoja, "radi_desc_anex": None if r.random() < 0.7 else "1 CD",
            "radi_path": path, "radi_usua_actu": st.user, "radi_depe_actu": st.dep,
            "radi_fech_asig": st.last_move, "ra_asun": asunto,
            "radi_usu_ante": _doc(st.prev_dep, st.prev_user) if st.prev_dep else None,
            "radi_depe_radi": dep, "radi_usua_radi": user, "codi_nivel": r.randint(1, 5),
            "carp_codi": 0 if st.dep == dep else 11, "carp_per": 0, "radi_leido": r.randint(0, 1),
            "sgd_eanu_codigo": st.eanu if st.eanu else (0 if r.random() < 0.3 else None),
            "sgd_trad_codigo": tipo, "sgd_spub_codigo": 0, "id_pais": 170,
            "radi_nume_folio": folio, "radi_nume_anexo": r.randint(0, 3),
            "radi_depe_actu_ant": st.prev_dep, "muni_codi": 1, "dpto_codi": 11}
        self.addresses(numero, dep, tipo)

    def addresses(self, numero, dep, tipo):
        ds, r = self.ds, self.rng
        rows = []
        if r.random() < 0.05:  # a copy row created before the sender's: a lower code
            g, full = self.person()
            rows.append(self.dir_row(numero, 2, g, full))
        if r.random() < 0.95:
            g, full = self.person()
            rows.append(self.dir_row(numero, 1, g, full, tipo=tipo))
        elif r.random() < 0.5:
            g, full = self.person()
            rows.append(self.dir_row(numero, 3, g, full))
        ds.direcciones.extend(rows)

    def dir_row(self, numero, dtipo, given, full, tipo=3, code=None):
        r = self.rng
        x = r.random()
        name = full
        if x < 0.1:
            name = full.upper()
        elif x < 0.15:
            name = full + "  "
        elif x < 0.17:
            name = " " + full
        elif x < 0.18:
            name = None
        mail = "%s@%s" % (given.split()[0].lower().replace("á", "a").replace("é", "e")
                          .replace("í", "i").replace("ó", "o").replace("ú", "u").replace("ñ", "n"),
                          "entidad.gov.co" if tipo != 2 else r.choice(["gmail.com", "hotmail.com"]))
        return {"sgd_dir_codigo": code or self.ds.next_dir_code(), "sgd_dir_tipo": dtipo,
                "sgd_oem_codigo": r.randint(1, 900) if tipo == 2 and r.random() < 0.4 else None,
                "sgd_ciu_codigo": r.randint(1, 90000) if tipo == 2 else None,
                "radi_nume_radi": numero, "muni_codi": 1, "dpto_codi": 11,
                "sgd_dir_direccion": "Calle %d # %d-%d" % (r.randint(1, 170), r.randint(1, 99),
                                                           r.randint(1, 99)),
                "sgd_dir_telefono": str(3000000000 + r.randint(0, 99999999)),
                "sgd_dir_mail": mail, "sgd_dir_nombre": given, "sgd_dir_nomremdes": name,
                "sgd_dir_doc": str(r.randint(10000000, 1099999999)), "id_pais": 170,
                "sgd_doc_fun": None}

    # -- stories: what happens to a filing after it is filed
    def arrive(self, st, dep, tipo):
        """Brings a filing from its filer to the office."""
        r = self.rng
        if tipo == 2:
            if r.random() < 0.3:
                st.ev(2, self.vent, OFFICE, self.tiny())
                return
            st.ev(2, self.vent, self.vent, self.tiny())
            if r.random() < 0.6:
                st.ev(22, self.vent, self.vent, self.minutes(1, 60))
            if r.random() < 0.15:
                a = self.other_area()
                st.ev(9, self.vent, a, self.gap())
                st.ev(9, a, OFFICE, self.gap())
            else:
                st.ev(9, self.vent, OFFICE, self.gap())
            return
        if r.random() < 0.08:
            st.ev(2, dep, OFFICE, self.tiny())
            return
        st.ev(2, dep, dep, self.tiny())
        if r.random() < 0.2:
            st.ev(9, dep, dep, self.minutes())
        if r.random() < 0.1:
            a = self.other_area(dep)
            st.ev(9, dep, a, self.gap())
            dep = a
        late = self.days(10, 60) if r.random() < 0.03 else self.gap()
        st.ev(16 if r.random() < 0.12 else 9, dep, OFFICE, late)

    def story_oficina(self, st, dep, tipo):
        r = self.rng
        self.arrive(st, dep, tipo)
        if r.random() < 0.35:
            st.ev(9, OFFICE, OFFICE, self.minutes())
        if r.random() < 0.15:
            st.ev(22, OFFICE, OFFICE, self.minutes())
        if r.random() < 0.08:
            st.ev(8, OFFICE, self.other_area(), self.minutes())
        if r.random() < 0.1:
            st.ev(32, OFFICE, OFFICE, self.minutes())
        x = r.random()
        if x < 0.55:
            return
        if x < 0.67:
            st.ev(9, OFFICE, self.other_area(), self.gap())
        elif x < 0.79:
            st.ev(r.choice([13, 65]), OFFICE, self.arch, self.days(1, 20))
        elif x < 0.83:
            st.ev(25, OFFICE, self.arch, self.gap())
            st.ev(26, self.arch, self.arch, self.gap())
        elif x < 0.85:
            st.ev(25, OFFICE, self.arch, self.gap())
        elif x < 0.95:
            a = self.other_area()
            st.ev(9, OFFICE, a, self.gap())
            st.ev(12, a, OFFICE, self.gap())
            if r.random() < 0.3:
                st.ev(13, OFFICE, self.arch, self.days())
        else:
            a = self.other_area()
            st.ev(9, OFFICE, a, self.gap())
            st.ev(9, a, OFFICE, self.days())

    def story_informado(self, st, dep, tipo):
        r = self.rng
        first = self.vent if tipo == 2 else dep
        st.ev(2, first, first, self.tiny())
        holder = first
        if tipo == 2 or r.random() < 0.4:
            a = self.other_area(holder)
            st.ev(9, holder, a, self.gap())
            holder = a
        for _ in range(r.randint(1, 2)):
            st.ev(8, holder, OFFICE, self.gap())
        if r.random() < 0.3:
            st.ev(13, holder, self.arch, self.days())

    def story_propio(self, st, dep, tipo):
        r = self.rng
        st.ev(2, OFFICE, OFFICE, self.tiny())
        if r.random() < 0.5:
            st.ev(9, OFFICE, OFFICE, self.minutes())
        if r.random() < 0.2:
            st.ev(8, OFFICE, self.other_area(), self.minutes())
        x = r.random()
        if x < 0.25:
            a = self.other_area()
            st.ev(9, OFFICE, a, self.gap())
            if r.random() < 0.5:
                st.ev(12, a, OFFICE, self.gap())  # returned: this one counts
        elif x < 0.4:
            st.ev(13, OFFICE, self.arch, self.days())

    def story_ajeno(self, st, dep, tipo):
        r = self.rng
        first = self.vent if tipo == 2 else dep
        st.ev(2, first, first, self.tiny())
        holder = first
        if tipo == 2 or r.random() < 0.6:
            a = self.other_area(holder)
            st.ev(9, holder, a, self.gap())
            if r.random() < 0.25:
                st.ev(12, a, holder, self.gap())
            else:
                holder = a
        if r.random() < 0.1:
            st.ev(8, holder, self.other_area(holder), self.gap())
        if r.random() < 0.2:
            st.ev(13, holder, self.arch, self.days())


def generate(seed, filings, days=150, backfill_days=120, now=None, office_share=0.5, cases=True):
    """A deterministic dataset (for a seed and `now`): `filings` filings on weekdays of the last
    `days` days, backfill_from `backfill_days` days ago. About `office_share` of them reach 342
    (radicación then 9/16, or straight into 342), and then stay, move on, are archived, annulled
    or sent back; ~10 % are only informed (8) to 342, ~8 % are filed by 342 itself (some sent out
    and returned), the rest never touch 342. The cases of casos.json are added when `cases`."""
    now = now or bogota_now()
    ds = Dataset()
    ds.now = now
    ds.backfill_from = (now - datetime.timedelta(days=backfill_days)).date()
    start = now.date() - datetime.timedelta(days=days)
    g = _Generator(ds, seed, now - datetime.timedelta(minutes=10))
    r = g.rng
    latest = now - datetime.timedelta(hours=3)
    weekdays = [start + datetime.timedelta(days=i) for i in range(days + 1)
                if (start + datetime.timedelta(days=i)).weekday() < 5]
    inform, own = 0.10, 0.08
    plan = []
    for _ in range(filings):
        x = r.random()
        if x < office_share:
            kind = "oficina"
        elif x < office_share + inform:
            kind = "informado"
        elif x < office_share + inform + own:
            kind = "propio"
        else:
            kind = "ajeno"
        if kind == "propio":
            dep, tipo = OFFICE, 3 if r.random() < 0.85 else 1
        elif r.random() < 0.15:
            dep, tipo = g.vent, 2
        else:
            dep = r.choice(g.areas)
            y = r.random()
            tipo = 3 if y < 0.80 else 1 if y < 0.88 else 4 if y < 0.92 else 6 if y < 0.96 \
                else 5 if y < 0.98 else r.choice([7, 9])
        fecha = g.when(r.choice(weekdays))
        while fecha > latest:
            fecha = g.when(r.choice(weekdays))
        plan.append((fecha, kind, dep, tipo))
    plan.sort(key=lambda p: p[0])
    for fecha, kind, dep, tipo in plan:
        numero = ds.new_number(fecha, dep, tipo)
        g.filing(kind, fecha, numero, dep, tipo)
    # Some senders corrected later: a second sender row with a higher code, sometimes written
    # before the first one.
    extra = []
    for d in ds.direcciones:
        if d["sgd_dir_tipo"] == 1 and r.random() < 0.08:
            given, full = g.person()
            extra.append((d, g.dir_row(d["radi_nume_radi"], 1, given, full)))
    before = {id(d): row for d, row in extra if r.random() < 0.5}
    after = [row for d, row in extra if id(d) not in before]
    rows = []
    for d in ds.direcciones:
        if id(d) in before:
            rows.append(before[id(d)])
        rows.append(d)
    ds.direcciones = rows + after
    if cases:
        add_cases(ds)
    return ds


def generate_counted(seed, target, days=365, backfill_days=366, office_share=0.85, now=None):
    """A dataset in which exactly `target` filings count for 342 (for benchmarks): generated
    with enough filings, then counted ones dropped at random (numbers with gaps, as after
    deletions). No cases."""
    now = now or bogota_now()
    n = int(target / (office_share * 0.95)) + 100
    for _ in range(4):
        ds = generate(seed, n, days=days, backfill_days=backfill_days, now=now,
                      office_share=office_share, cases=False)
        have = sorted(counted(ds, now=now))
        if len(have) >= target:
            ds.drop(random.Random(seed).sample(have, len(have) - target))
            return ds
        n = int(n * target / max(len(have), 1) * 1.05) + 100
    raise RuntimeError("no se llegó a %d radicados de 342" % target)


def _when(spec, ds):
    m = re.match(r"^B([+-]\d+) (\d\d):(\d\d):(\d\d)(?:\.(\d{6}))?$", spec)
    if m:
        day = ds.backfill_from + datetime.timedelta(days=int(m.group(1)))
        return datetime.datetime(day.year, day.month, day.day, int(m.group(2)), int(m.group(3)),
                                 int(m.group(4)), int(m.group(5) or 0))
    m = re.match(r"^N([+-]\d+)([smhd])$", spec)
    if m:
        unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[m.group(2)]
        return ds.now + datetime.timedelta(**{unit: int(m.group(1))})
    raise ValueError("casos.json: hora no válida %r" % spec)


def add_cases(ds):
    """Adds the filings of casos.json (numbers with sequence 900000 + position)."""
    for i, case in enumerate(_cases()):
        rd = case["radicado"]
        fecha = _when(rd["fecha"], ds)
        dep, tipo = rd["depe"], rd["tipo"]
        numero = int("%04d%03d%06d%d" % (fecha.year, dep, 900000 + i, tipo))
        cur, user, eanu, prev, last = dep, 1, None, None, fecha
        for ttr, frm, to, when in case["eventos"]:
            t = _when(when, ds)
            if t < last or (t == last and ttr != 2):
                raise ValueError("casos.json %s: eventos fuera de orden" % case["id"])
            if t > ds.now - datetime.timedelta(minutes=5) and case["id"] != "futuro":
                raise ValueError("casos.json %s: un evento cae después de ahora (backfill_from "
                                 "demasiado cerca de hoy)" % case["id"])
            ds.eventos.append([frm, t, 1, numero, "Caso %s" % case["id"], 1, _doc(frm, 1), ttr,
                               _doc(frm, 1), _doc(to, 1), to])
            last = t
            if ttr in MOVES:
                prev, cur = cur, to
            eanu = 1 if ttr == 25 else 2 if ttr == 26 else eanu
        ds.radicados[numero] = {
            "radi_nume_radi": numero, "radi_fech_radi": fecha, "tdoc_codi": rd.get("tdoc", 7),
            "mrec_codi": 0, "radi_fech_ofic": fecha, "radi_nume_hoja": rd.get("hoja", 2),
            "radi_path": rd.get("path"), "radi_usua_actu": user, "radi_depe_actu": cur,
            "radi_fech_asig": last,
            "ra_asun": rd["ra_asun"] if "ra_asun" in rd else "Caso de prueba %s" % case["id"],
            "radi_depe_radi": dep, "radi_usua_radi": 1, "codi_nivel": 1, "carp_codi": 0,
            "carp_per": 0, "radi_leido": 0, "sgd_eanu_codigo": rd.get("eanu", eanu),
            "sgd_trad_codigo": tipo, "sgd_spub_codigo": 0, "id_pais": 170,
            "radi_nume_folio": rd.get("folio"), "radi_nume_anexo": 0, "radi_depe_actu_ant": prev,
            "muni_codi": 1, "dpto_codi": 11}
        for dtipo, name, given, rank in case.get("direcciones", []):
            ds.direcciones.append({
                "sgd_dir_codigo": 50000000 + i * 10 + rank, "sgd_dir_tipo": dtipo,
                "radi_nume_radi": numero, "sgd_dir_nombre": given, "sgd_dir_nomremdes": name,
                "sgd_dir_mail": "caso@example.org", "id_pais": 170})
        ds.casos[case["id"]] = numero


# ---- What segcont must store

def expected_row(ds, numero, remitentes=None):
    """The radicado row segcont must hold for filing `numero` (FIELDS, folios an int)."""
    r = ds.radicados[numero]
    deps, tdocs = ds.names()
    if remitentes is None:
        remitentes = _senders(ds, {numero})
    asunto = r.get("ra_asun")
    folio, hoja, tdoc = r.get("radi_nume_folio"), r.get("radi_nume_hoja"), r.get("tdoc_codi")
    rem = remitentes.get(numero)
    return {
        "numero": str(numero),
        "tipo_radicado": TIPOS.get(numero % 10, "otro"),
        "fecha_radicacion": r["radi_fech_radi"].strftime("%Y-%m-%dT%H:%M:%S") + "-05:00",
        "asunto": "" if asunto is None else trim(decode_entities(asunto)),
        "folios": folio if folio is not None and folio > 0 else (hoja if hoja is not None else 0),
        "ruta": r.get("radi_path") or "",
        "dependencia_origen": str(r["radi_depe_radi"]),
        "dependencia_origen_nombre": trim(deps.get(r["radi_depe_radi"], "")),
        "dependencia_actual": str(r["radi_depe_actu"]),
        "remitente": trim(rem) if rem else "",
        "tipo_documental": "" if tdoc is None else str(tdoc),
        "tipo_documental_nombre": trim(tdocs.get(tdoc, "")) if tdoc is not None else "",
        "estado_ds": ESTADOS[r.get("sgd_eanu_codigo")],
    }


def _senders(ds, numbers):
    """{number: sgd_dir_nomremdes of its tipo-1 row with the lowest sgd_dir_codigo}."""
    best = {}
    for d in ds.direcciones:
        n = d["radi_nume_radi"]
        if n in numbers and d["sgd_dir_tipo"] == 1:
            if n not in best or d["sgd_dir_codigo"] < best[n][0]:
                best[n] = (d["sgd_dir_codigo"], d.get("sgd_dir_nomremdes"))
    return {n: v[1] for n, v in best.items()}


def counted(ds, dependencia=OFFICE, backfill_from=None, now=None):
    """Numbers (ints) of the filings segcont must store: those with an arrival into
    `dependencia` -- a hist_eventos row with depe_codi_dest = it, sgd_ttr_codigo 2, 9, 12 or 16
    and depe_codi another dependency -- at or after backfill_from 00:00 and before now."""
    lo = datetime.datetime.combine(backfill_from or ds.backfill_from, datetime.time())
    now = now or bogota_now()
    return {e[E_RADI] for e in ds.eventos
            if e[E_DEST] == dependencia and e[E_TTR] in ARRIVALS and e[E_DEPE] != dependencia
            and lo <= e[E_FECH] < now}


def expected(ds, dependencia=OFFICE, backfill_from=None, now=None):
    """{numero (text): expected radicado row} of every filing segcont must store."""
    nums = counted(ds, dependencia, backfill_from, now)
    senders = _senders(ds, nums)
    return {str(n): expected_row(ds, n, senders) for n in nums}


SQL_EXPECTED = """
SELECT r.radi_nume_radi::text,
       to_char(r.radi_fech_radi, 'YYYY-MM-DD"T"HH24:MI:SS') || '-05:00',
       r.ra_asun,
       (CASE WHEN r.radi_nume_folio > 0 THEN r.radi_nume_folio
             ELSE coalesce(r.radi_nume_hoja, 0) END)::text,
       coalesce(r.radi_path, ''),
       r.radi_depe_radi::text,
       coalesce(btrim(d.depe_nomb, E' \\t\\n\\r\\f\\v'), ''),
       r.radi_depe_actu::text,
       coalesce((SELECT btrim(x.sgd_dir_nomremdes, E' \\t\\n\\r\\f\\v')
                 FROM sgd_dir_drecciones x
                 WHERE x.radi_nume_radi = r.radi_nume_radi AND x.sgd_dir_tipo = 1
                 ORDER BY x.sgd_dir_codigo LIMIT 1), ''),
       coalesce(r.tdoc_codi::text, ''),
       coalesce(btrim(t.sgd_tpr_descrip, E' \\t\\n\\r\\f\\v'), ''),
       CASE coalesce(r.sgd_eanu_codigo, 0) WHEN 0 THEN 'vigente'
            WHEN 1 THEN 'anulacion_solicitada' WHEN 2 THEN 'anulado' END
FROM radicado r
LEFT JOIN dependencia d ON d.depe_codi = r.radi_depe_radi
LEFT JOIN sgd_tpr_tpdcumento t ON t.sgd_tpr_codigo = r.tdoc_codi
WHERE r.radi_nume_radi IN (
    SELECT h.radi_nume_radi FROM hist_eventos h
    WHERE h.depe_codi_dest = %(dep)d AND h.sgd_ttr_codigo IN (2, 9, 12, 16)
      AND h.depe_codi <> %(dep)d
      AND h.hist_fech >= '%(desde)s' AND h.hist_fech < localtimestamp)
"""


def sql_expected(server, ds=None, dependencia=OFFICE, backfill_from=None):
    """The same as expected(), asked of the loaded database in SQL (server clock for "now");
    only the subject's entity decoding and trimming is done here in Python."""
    desde = backfill_from or ds.backfill_from
    rows = server.query(SQL_EXPECTED % {"dep": dependencia, "desde": desde.isoformat()})
    out = {}
    for row in rows:
        f = dict(zip(["numero", "fecha_radicacion", "asunto", "folios", "ruta",
                      "dependencia_origen", "dependencia_origen_nombre", "dependencia_actual",
                      "remitente", "tipo_documental", "tipo_documental_nombre", "estado_ds"], row))
        f["tipo_radicado"] = TIPOS.get(int(f["numero"][-1]), "otro")
        f["asunto"] = "" if f["asunto"] is None else trim(decode_entities(f["asunto"]))
        f["folios"] = int(f["folios"])
        out[f["numero"]] = f
    return out


def diff_rows(expected_rows, got_rows, fields=FIELDS, limit=5):
    """(missing numbers, extra numbers, first field differences) between two {numero: row}."""
    missing = sorted(set(expected_rows) - set(got_rows))
    extra = sorted(set(got_rows) - set(expected_rows))
    diffs = []
    for n in sorted(set(expected_rows) & set(got_rows)):
        for f in fields:
            if expected_rows[n].get(f) != got_rows[n].get(f):
                diffs.append("%s.%s: esperado %r, obtenido %r" % (n, f, expected_rows[n].get(f),
                                                                  got_rows[n].get(f)))
    return missing, extra, diffs[:limit] if limit else diffs


# ---- Live changes, the way Orfeo's users make them (now). Each returns {numero, que, antes,
# despues (expected rows; antes None for a filing that did not count), eventos}; call settle()
# before the segcont pass that must see them.

def _lit(v):
    if v is None:
        return "NULL"
    if isinstance(v, datetime.datetime):
        return "'%s'::timestamp" % v.isoformat(" ")
    if isinstance(v, str):
        return "'" + v.replace("'", "''") + "'"
    return str(v)


def _now_after(*times):
    """Now (Bogota), strictly after every given time."""
    t = bogota_now()
    floor = max([x for x in times if x is not None], default=None)
    if floor is not None and t <= floor:
        t = floor + datetime.timedelta(microseconds=1)
    return t


_last_change = [None]


def _changed_at(t):
    if _last_change[0] is None or t > _last_change[0]:
        _last_change[0] = t


def settle():
    """Returns once the clock has passed the whole second after the last live change: a pass
    that starts then must see every change (segcont's windows end at a whole second of now,
    so a change made in the current second belongs to the next pass)."""
    if _last_change[0] is None:
        return
    goal = _last_change[0].replace(microsecond=0) + datetime.timedelta(seconds=1)
    end = time.monotonic() + 3
    while bogota_now() <= goal and time.monotonic() < end:
        time.sleep(0.005)


def _apply(server, ds, numero, updates, events):
    """Writes the filing's column updates and its new events in one transaction, and the same
    into the Dataset."""
    sql = ["BEGIN;"]
    if updates:
        sql.append("UPDATE radicado SET %s WHERE radi_nume_radi = %d;" % (
            ", ".join("%s = %s" % (k, _lit(v)) for k, v in updates.items()), numero))
    for e in events:
        sql.append("INSERT INTO hist_eventos (%s) VALUES (%s);" % (
            ", ".join(EV_COLS), ", ".join(_lit(v) for v in e)))
    sql.append("COMMIT;")
    server.psql("\n".join(sql), db=DBNAME)
    ds.radicados[numero].update(updates)
    ds.eventos.extend(events)
    _changed_at(max([e[E_FECH] for e in events], default=bogota_now()))


def _event(ttr, frm, to, t, numero, obse, actor=1, dest_user=1):
    return [frm, t, actor, numero, htmlspecialchars(obse), dest_user, _doc(frm, actor), ttr,
            _doc(frm, actor), _doc(to, dest_user), to]


def _pick(ds, rng, pred, what):
    exp = counted(ds)
    now = bogota_now()
    last = {}
    for e in ds.eventos:
        if e[E_FECH] > last.get(e[E_RADI], e[E_FECH] - datetime.timedelta(1)):
            last[e[E_RADI]] = e[E_FECH]
    cands = sorted(n for n in ds.radicados if pred(n, n in exp) and last.get(n, now) < now)
    if not cands:
        raise RuntimeError("no hay radicado para %s" % what)
    return rng.choice(cands)


def _change(ds, numero, before, what, events):
    after = expected_row(ds, numero)
    return {"numero": str(numero), "que": what, "antes": before, "despues": after,
            "eventos": [(e[E_TTR], e[E_DEPE], e[E_DEST], e[E_FECH].isoformat(" "))
                        for e in events]}


def _vigente(r):
    return r.get("sgd_eanu_codigo") in (None, 0)


def live_move_on(server, ds, numero=None, to=None, rng=None):
    """A filing held by 342 is reassigned (9) to another area now."""
    rng = rng or random.Random(1)
    if numero is None:
        numero = _pick(ds, rng, lambda n, c: c and ds.radicados[n]["radi_depe_actu"] == OFFICE
                       and _vigente(ds.radicados[n]), "seguir a otra área")
    to = to or rng.choice([a for a in ds.vocab["areas_que_radican"]])
    before = expected_row(ds, numero)
    t = _now_after(ds.last_event(numero))
    ev = [_event(9, OFFICE, to, t, numero, "Se remite para su trámite")]
    _apply(server, ds, numero, {"radi_depe_actu": to, "radi_usua_actu": 1,
                                "radi_depe_actu_ant": OFFICE, "radi_fech_asig": t}, ev)
    return _change(ds, numero, before, "siguió a %d" % to, ev)


def live_annul(server, ds, numero=None, rng=None):
    """Annulment requested (25: sgd_eanu_codigo 1, to 999) and granted (26: 2) now."""
    rng = rng or random.Random(2)
    if numero is None:
        numero = _pick(ds, rng, lambda n, c: c and ds.radicados[n]["radi_depe_actu"] == OFFICE
                       and _vigente(ds.radicados[n]), "anular")
    before = expected_row(ds, numero)
    t1 = _now_after(ds.last_event(numero))
    t2 = t1 + datetime.timedelta(microseconds=120)
    arch = ds.vocab["archivo"]
    ev = [_event(25, OFFICE, arch, t1, numero, "Solicitud de anulación: radicado duplicado"),
          _event(26, arch, arch, t2, numero, "Anulación aprobada")]
    _apply(server, ds, numero, {"sgd_eanu_codigo": 2, "radi_depe_actu": arch,
                                "radi_usua_actu": 1, "radi_fech_asig": t2}, ev)
    return _change(ds, numero, before, "anulado", ev)


def live_send_back(server, ds, numero=None, rng=None):
    """A filing that reached 342 and moved on to an area is returned (12) to 342 now."""
    rng = rng or random.Random(3)
    areas = set(ds.vocab["areas_que_radican"])
    if numero is None:
        numero = _pick(ds, rng, lambda n, c: c and ds.radicados[n]["radi_depe_actu"] in areas
                       and _vigente(ds.radicados[n]), "devolver a 342")
    holder = ds.radicados[numero]["radi_depe_actu"]
    before = expected_row(ds, numero)
    t = _now_after(ds.last_event(numero))
    ev = [_event(12, holder, OFFICE, t, numero, "Se devuelve con observaciones")]
    _apply(server, ds, numero, {"radi_depe_actu": OFFICE, "radi_usua_actu": 1,
                                "radi_depe_actu_ant": holder, "radi_fech_asig": t}, ev)
    return _change(ds, numero, before, "devuelto a 342 por %d" % holder, ev)


def live_new_arrival(server, ds, existing=False, rng=None):
    """existing False: area 211 files a memo now (radicación 2) and sends it to 342 (9).
    existing True: an old filing that never reached 342 (only informed, or another area's) is
    sent to 342 now. Returns the change (antes None for a new filing)."""
    rng = rng or random.Random(4)
    if existing:
        areas = set(ds.vocab["areas_que_radican"])
        numero = _pick(ds, rng, lambda n, c: not c and ds.radicados[n]["radi_depe_actu"] in areas
                       and _vigente(ds.radicados[n])
                       and ds.radicados[n]["radi_fech_radi"].date() < ds.backfill_from
                       + datetime.timedelta(days=30), "llegar a 342")
        holder = ds.radicados[numero]["radi_depe_actu"]
        t = _now_after(ds.last_event(numero))
        ev = [_event(9, holder, OFFICE, t, numero, "Se remite por competencia")]
        _apply(server, ds, numero, {"radi_depe_actu": OFFICE, "radi_usua_actu": 1,
                                    "radi_depe_actu_ant": holder, "radi_fech_asig": t}, ev)
        return _change(ds, numero, None, "llegó a 342 desde %d" % holder, ev)
    dep = 211
    t0 = _now_after()
    numero = ds.new_number(t0, dep, 3)
    while numero in ds.radicados:
        numero = ds.new_number(t0, dep, 3)
    asunto = "Solicitud de contratación directa – apoyo a la gestión \"Jurídica\" & archivo"
    row = {"radi_nume_radi": numero, "radi_fech_radi": t0, "tdoc_codi": 7, "mrec_codi": 0,
           "radi_fech_ofic": t0, "radi_nume_hoja": 3, "radi_path": None,
           "radi_usua_actu": 1, "radi_depe_actu": OFFICE, "radi_fech_asig": None,
           "ra_asun": htmlspecialchars(asunto), "radi_depe_radi": dep, "radi_usua_radi": 2,
           "codi_nivel": 1, "carp_codi": 0, "carp_per": 0, "radi_leido": 0,
           "sgd_eanu_codigo": None, "sgd_trad_codigo": 3, "sgd_spub_codigo": 0, "id_pais": 170,
           "radi_nume_folio": None, "radi_nume_anexo": 0, "radi_depe_actu_ant": dep,
           "muni_codi": 1, "dpto_codi": 11}
    t1 = t0 + datetime.timedelta(microseconds=80)
    t2 = t1 + datetime.timedelta(microseconds=150)
    row["radi_fech_asig"] = t2
    code = ds.next_dir_code() + 10000000
    d = {"sgd_dir_codigo": code, "sgd_dir_tipo": 1, "radi_nume_radi": numero,
         "sgd_dir_nombre": "Luz Ángela", "sgd_dir_nomremdes": "Luz Ángela Castaño Núñez",
         "sgd_dir_mail": "luz@entidad.gov.co", "id_pais": 170}
    ev = [_event(2, dep, dep, t1, numero, "Radicación", dest_user=2),
          _event(9, dep, OFFICE, t2, numero, "Para su trámite", actor=2)]
    cols = list(row)
    sql = ["BEGIN;",
           "INSERT INTO radicado (%s) VALUES (%s);" % (", ".join(cols),
                                                      ", ".join(_lit(row[c]) for c in cols)),
           "INSERT INTO sgd_dir_drecciones (%s) VALUES (%s);" % (
               ", ".join(d), ", ".join(_lit(v) for v in d.values()))]
    for e in ev:
        sql.append("INSERT INTO hist_eventos (%s) VALUES (%s);" % (
            ", ".join(EV_COLS), ", ".join(_lit(v) for v in e)))
    sql.append("COMMIT;")
    server.psql("\n".join(sql), db=DBNAME)
    ds.radicados[numero] = row
    ds.direcciones.append(d)
    ds.eventos.extend(ev)
    _changed_at(t2)
    return _change(ds, numero, None, "radicado nuevo que llegó a 342", ev)


def live_change_subject(server, ds, numero=None, asunto=None, rng=None):
    """The subject is corrected in place (UPDATE radicado, no hist_eventos row), as Orfeo's
    «modificar radicado» screen can do."""
    rng = rng or random.Random(5)
    if numero is None:
        numero = _pick(ds, rng, lambda n, c: c, "cambiar el asunto")
    before = expected_row(ds, numero)
    asunto = asunto or "Solicitud de prórroga & adición – corregida"
    _apply(server, ds, numero, {"ra_asun": htmlspecialchars(asunto)}, [])
    return _change(ds, numero, before, "asunto corregido", [])


def live_undefined_win1252_byte(server, ds, numero=None, rng=None):
    """WIN1252 databases only: a subject holding byte 0x81 (undefined in WIN1252; a WIN1252
    client such as Orfeo's PHP can store it, old migrated data has it) and a reassignment
    within 342 so the next pass reads the filing. PostgreSQL then refuses to convert that row
    to UTF-8 (SQLSTATE 22P05). Not used by the suite: what segcont should store is still to be
    decided; the Dataset keeps the byte as U+0081."""
    rng = rng or random.Random(6)
    if numero is None:
        numero = _pick(ds, rng, lambda n, c: c and ds.radicados[n]["radi_depe_actu"] == OFFICE,
                       "un byte indefinido")
    before = expected_row(ds, numero)
    t = _now_after(ds.last_event(numero))
    ev = [_event(9, OFFICE, OFFICE, t, numero, "Reasignación interna")]
    sql = ("SET client_encoding = 'WIN1252';\n"
           "UPDATE radicado SET ra_asun = E'Solicitud de pr\\xf3rroga \\x81 contrato 12' "
           "WHERE radi_nume_radi = %d;\n"
           "RESET client_encoding;\n"
           "INSERT INTO hist_eventos (%s) VALUES (%s);\n" % (
               numero, ", ".join(EV_COLS), ", ".join(_lit(v) for v in ev[0])))
    server.psql(sql, db=DBNAME)
    ds.radicados[numero]["ra_asun"] = "Solicitud de prórroga \x81 contrato 12"
    ds.eventos.extend(ev)
    _changed_at(t)
    return _change(ds, numero, before, "byte 0x81 en el asunto", ev)


# ---- Checking the harness by itself: python3 tests/integration/pgorfeo.py

def _selftest():
    import segtest as t
    n = int(os.environ.get("PGORFEO_FILINGS", "2500"))
    t0 = time.monotonic()
    srv = Server("prueba")
    print("   servidor en el puerto %d (%s), %.1f s" % (srv.port, srv.dir, time.monotonic() - t0))
    t1 = time.monotonic()
    ds = generate(seed=41, filings=n)
    print("   generados %d radicados, %d eventos, %d direcciones en %.2f s" % (
        len(ds.radicados), len(ds.eventos), len(ds.direcciones), time.monotonic() - t1))
    check_invariants(t, ds)
    for enc, hist_id in (("UTF8", True), ("WIN1252", False)):
        print("base %s%s" % (enc, "" if hist_id else ", sin hist_eventos.id (Orfeo 3.8)"))
        secs = srv.load(ds, enc, hist_id)
        print("   cargada en %.2f s" % secs)
        got = srv.query("SELECT current_setting('server_encoding'), "
                        "(SELECT count(*) FROM radicado), (SELECT count(*) FROM hist_eventos), "
                        "concat('a', 'b')")[0]
        t.check(got[0] == enc, "la base está en %s (%s)" % (enc, got[0]))
        t.check(int(got[1]) == len(ds.radicados) and int(got[2]) == len(ds.eventos),
                "COPY cargó todo (%s radicados, %s eventos)" % (got[1], got[2]))
        t.check(got[3] == "a, b", "concat() es la de Orfeo 7: %r" % got[3])
        exp = expected(ds)
        sql = sql_expected(srv, ds)
        miss, extra, diffs = diff_rows(exp, sql)
        t.check(not miss and not extra and not diffs,
                "lo esperado (%d) coincide con la consulta SQL (%d): faltan %s, sobran %s, %s"
                % (len(exp), len(sql), miss[:3], extra[:3], diffs))
        check_cases(t, ds, exp)
        rc, out, err = srv.ro_psql("SELECT count(*) FROM radicado")
        t.check(rc == 0 and out.strip() == str(len(ds.radicados)),
                "segcont_ro lee por TCP con contraseña: %s %s" % (out.strip(), err.strip()))
        for tbl in TABLES:
            rc, out, err = srv.ro_psql("SELECT count(*) FROM %s" % tbl)
            t.check(rc == 0, "segcont_ro puede leer %s" % tbl)
        rc, out, err = srv.ro_psql("UPDATE radicado SET ra_asun = 'x' WHERE false")
        t.check(rc != 0 and ("read-only" in err or "permission denied" in err),
                "segcont_ro no puede escribir: %s" % err.strip()[:120])
        rc, out, err = srv.ro_psql("BEGIN READ WRITE; INSERT INTO dependencia (depe_codi, "
                                   "depe_nomb) VALUES (1, 'x'); COMMIT")
        t.check(rc != 0 and "permission denied" in err,
                "ni siquiera fuera de una transacción de solo lectura: %s" % err.strip()[:120])
        rc, out, err = srv.ro_psql("SELECT rolpassword FROM pg_authid")
        t.check(rc != 0, "segcont_ro no lee pg_authid")
        rc, out, err = srv.ro_psql("SELECT 1", password="clave-equivocada")
        t.check(rc != 0 and "password authentication failed" in err,
                "una contraseña equivocada es rechazada: %s" % err.strip()[:120])
        rc, out, err = srv.ro_psql("SELECT 1", host=srv.sock)
        t.check(rc != 0, "segcont_ro no entra por el socket local sin contraseña")
        if enc == "WIN1252":
            rc, out, err = srv.ro_psql("SELECT ra_asun FROM radicado WHERE radi_nume_radi = %d"
                                       % ds.casos["lineas"])
            t.check(rc == 0 and "“Proceso” —" in out,
                    "los caracteres de WIN1252 llegan convertidos a UTF-8: %r" % out[:60])
    print("cambios en vivo")
    srv.load(ds, "UTF8")
    before = expected(ds)
    changes = [live_move_on(srv, ds), live_annul(srv, ds), live_send_back(srv, ds),
               live_new_arrival(srv, ds), live_new_arrival(srv, ds, existing=True),
               live_change_subject(srv, ds)]
    for c in changes:
        print("   %s: %s" % (c["numero"], c["que"]))
    settle()
    after = expected(ds)
    t.check(len(after) == len(before) + 2, "dos radicados más cuentan (%d -> %d)"
            % (len(before), len(after)))
    miss, extra, diffs = diff_rows(after, sql_expected(srv, ds))
    t.check(not miss and not extra and not diffs,
            "tras los cambios, lo esperado coincide con la base: %s %s %s" % (miss, extra, diffs))
    for c in changes[:3]:
        changed = [f for f in FIELDS if c["antes"][f] != c["despues"][f]]
        t.check(changed, "%s cambia %s" % (c["que"], changed))
    print("parada inmediata con una consulta en curso, y reinicio")
    p = subprocess.Popen([os.path.join(srv.bin, "psql"), "-X", "-h", "127.0.0.1", "-p",
                          str(srv.port), "-U", ROLE, "-d", DBNAME, "-c", "SELECT pg_sleep(30)"],
                         env=dict(os.environ, PGPASSWORD=PASSWORD), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    end = time.monotonic() + 10
    while srv.segcont_sessions() == 0 and time.monotonic() < end:
        time.sleep(0.02)
    t2 = time.monotonic()
    srv.kill()
    out, err = p.communicate(timeout=20)
    t.check(p.returncode != 0, "la sesión en curso se corta (%s)" % err.decode().strip()[:100])
    rc, out, err = srv.ro_psql("SELECT 1")
    t.check(rc != 0, "con el servidor detenido no hay conexión")
    srv.start()
    print("   parada y arranque en %.2f s" % (time.monotonic() - t2))
    miss, extra, diffs = diff_rows(after, sql_expected(srv, ds))
    t.check(not miss and not extra and not diffs, "tras la recuperación los datos siguen iguales")
    srv.restart()
    rc, out, err = srv.ro_psql("SELECT count(*) FROM hist_eventos")
    t.check(rc == 0 and int(out) == len(ds.eventos), "restart: %s eventos" % out.strip())
    t.finish()


def check_invariants(t, ds):
    """What Orfeo's PHP guarantees, checked on a Dataset: numbers are yyyy + filing dependency +
    sequence + type digit; a filing's events start at or after its filing time and grow
    strictly; its current dependency and annulment code are those its events leave."""
    bad = []
    by = {}
    for e in ds.eventos:
        by.setdefault(e[E_RADI], []).append(e)
    for n, r in ds.radicados.items():
        s = str(n)
        if len(s) != 14 or int(s[:4]) != r["radi_fech_radi"].year or \
                int(s[4:7]) != r["radi_depe_radi"] or int(s[-1]) != r["sgd_trad_codigo"]:
            bad.append("%s: número" % n)
        evs = by.get(n, [])
        if not evs or evs[0][E_TTR] != 2 or evs[0][E_FECH] < r["radi_fech_radi"]:
            bad.append("%s: radicación" % n)
        if any(b[E_FECH] <= a[E_FECH] for a, b in zip(evs, evs[1:])):
            bad.append("%s: eventos no crecientes" % n)
        moves = [e for e in evs if e[E_TTR] in MOVES]
        if moves and moves[-1][E_DEST] != r["radi_depe_actu"]:
            bad.append("%s: radi_depe_actu %s, eventos %s" % (n, r["radi_depe_actu"],
                                                              moves[-1][E_DEST]))
        eanu = 2 if any(e[E_TTR] == 26 for e in evs) else 1 if any(e[E_TTR] == 25 for e in evs) \
            else None
        if (r.get("sgd_eanu_codigo") or None) != eanu:
            bad.append("%s: sgd_eanu_codigo %s, eventos %s" % (n, r.get("sgd_eanu_codigo"), eanu))
    t.check(not bad, "los datos son como los escribe Orfeo (%d problemas: %s)" % (len(bad),
                                                                                 bad[:5]))


def check_cases(t, ds, exp):
    """Each case of casos.json is counted or not as it says, with the fields it expects."""
    bad = []
    for case in _cases():
        numero = str(ds.casos[case["id"]])
        if (numero in exp) != case["cuenta"]:
            bad.append("%s: cuenta=%s" % (case["id"], numero in exp))
            continue
        for f, v in case.get("esperado", {}).items():
            got = exp[numero]["fecha_radicacion"][11:19] if f == "hora" else exp[numero][f]
            if got != v:
                bad.append("%s.%s: %r, el caso dice %r" % (case["id"], f, got, v))
    t.check(not bad, "los %d casos de casos.json dan lo que dicen (%s)" % (len(ds.casos), bad))


if __name__ == "__main__":
    _selftest()
