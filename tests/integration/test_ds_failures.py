"""What segcont says when the document system fails, profile by profile, over real sockets:
check-ds against fakeds answering a wrong key, dropped connections, broken answers, a refused
date format or no filings (each exits with its status and names what to do); the orfeo-sql
profile against a socket that accepts and never answers (a connection timeout, SIGTERM while
waiting for it); and against a real PostgreSQL (tests/integration/pgorfeo.py): a query that
does not fit the database, a row that is not a filing, every filing listed twice (stored once),
a permission revoked (also as check-ds reports it), check-ds's notices (failing diagnostics, a
writable role, no arrivals), filings over the mapping's limits left out, the session ended by
the server, and SIGTERM in the middle of a query. Nothing half-read is ever stored.
$SEGCONT_BIN runs another binary."""
import datetime
import json
import os
import signal
import socket
import subprocess
import threading
import time

import pgorfeo as pg
import segtest as t

SQL_MAPPING = os.path.join(t.ROOT, "mappings", "orfeo-sql.json")
quick = {"document_system__max_retries": "2", "document_system__retry_base_ms": "1",
         "document_system__retry_max_ms": "1", "document_system__timeout": "2"}
today = t.today_bogota()


def conf_in(work, name, url, mapping=None, backfill=None, **extra):
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    options = dict(quick)
    if mapping:
        options["document_system__mapping"] = mapping
    options.update(extra)
    return t.write_config(d, url, (backfill or today - datetime.timedelta(days=20)).isoformat(),
                          **options), os.path.join(d, "segcont.db")


def mapping_file(work, name, base, **keys):
    """A mapping of the test's own over a shipped one (base: a path); returns its path."""
    path = os.path.join(work, name + ".json")
    with open(path, "w") as f:
        json.dump(dict({"base": base}, **keys), f)
    return path


def stored(db):
    if not os.path.exists(db):
        return 0
    return t.db_query(db, "SELECT count(*) FROM radicado")[0][0]


def one_line(s, n=220):
    return s.strip().replace("\n", " | ")[-n:]


class Silent:
    """A TCP server that accepts connections, reads what the client sends and never says a
    word; spoke is set once a client sent its first bytes (it then waits for an answer)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.spoke = threading.Event()
        self.conns = []
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(c)
            c.settimeout(30)
            try:
                if c.recv(1024):
                    self.spoke.set()
            except OSError:
                pass


work = t.tmpdir("dsfail")

print("1. check-ds contra fakeds que falla de cada manera")
start = today - datetime.timedelta(days=10)
ds = t.FakeDS(work, "--seed", "9", "--from", start.isoformat(), "--to", today.isoformat(),
              "--per-day", "3", "--key", "OTRA-CLAVE")
conf, _ = conf_in(work, "clave", ds.url)
rc, out, err = t.run_segcont("check-ds", "-c", conf, timeout=60)
t.check(rc == 1 and "la lista falló" in out and "qué hacer: revise la clave del servicio en "
        "key_file" in out and "la sincronización no funcionaría (1 problema" in out,
        "una clave que el servicio no acepta: sale con 1 y apunta a key_file (rc=%d, %s)" % (
            rc, one_line(out)))
ds.stop()
ds = t.FakeDS(work, "--seed", "9", "--from", start.isoformat(), "--to", today.isoformat(),
              "--per-day", "3")
conf, _ = conf_in(work, "bien", ds.url)
for kind, why in (("reset", "qué hacer: el servidor no respondió bien tras los reintentos"),
                  ("malformed", "qué hacer: la respuesta no es la que el mapeo describe")):
    ds.faults(1.0, [kind])
    rc, out, err = t.run_segcont("check-ds", "-c", conf, timeout=60)
    t.check(rc == 1 and "la lista falló" in out and why in out,
            "la lista con la falla %s en cada respuesta: sale con 1 y dice «%s» (rc=%d, %s)" % (
                kind, why, rc, one_line(out)))
ds.faults(0.0)
bad_dates = mapping_file(work, "fechas", t.FAKEDS_MAPPING, request_date_format="%d/%m/%Y")
conf, _ = conf_in(work, "fechas", ds.url, mapping=bad_dates)
rc, out, err = t.run_segcont("check-ds", "-c", conf, timeout=60)
t.check(rc == 1 and "la lista falló" in out and "el servicio rechazó la petición: revise la "
        "operación, los parámetros y el formato de fecha del mapeo" in out,
        "fechas que el servicio no acepta (dd/mm/aaaa): sale con 1 y apunta al mapeo (rc=%d, %s)"
        % (rc, one_line(out)))
lost = mapping_file(work, "detalle", t.FAKEDS_MAPPING, operations={"info": {
    "container": "/env:Envelope/env:Body/*[local-name()='otraRespuesta']/return"}})
conf, _ = conf_in(work, "detalle", ds.url, mapping=lost)
rc, out, err = t.run_segcont("check-ds", "-c", conf, timeout=60)
t.check(rc == 1 and "radicados (" in out and "el detalle falló" in out,
        "un detalle que el mapeo no sabe leer: la lista pasa, el detalle falla, sale con 1 "
        "(rc=%d, %s)" % (rc, one_line(out)))
ds.stop()
old = t.FakeDS(work, "--seed", "9", "--from", "2024-01-02", "--to", "2024-01-31", "--per-day", "3")
conf, _ = conf_in(work, "vacio", old.url)
rc, out, err = t.run_segcont("check-ds", "-c", conf, timeout=60)
t.check(rc == 0 and "0 radicados" in out and "no hubo radicados en 30 días" in out
        and "una sincronización funcionaría (0 problemas, 1 aviso" in out,
        "sin radicados en la ventana: un aviso, no un problema; sale con 0 (rc=%d, %s)" % (
            rc, one_line(out)))
old.stop()

print("2. orfeo-sql contra un servidor que acepta y nunca responde")
silent = Silent()
url = "postgresql://segcont_ro@127.0.0.1:%d/orfeo" % silent.port
conf, db = conf_in(work, "mudo", url, mapping=SQL_MAPPING, document_system__timeout="1",
                   document_system__max_retries="1")
t0 = time.monotonic()
rc, out, err = t.run_segcont("sync", "--once", "-c", conf, timeout=60)
secs = time.monotonic() - t0
t.check(rc == 1 and "tiempo agotado al conectar con la base de datos" in err and stored(db) == 0,
        "la conexión que nunca responde se abandona al vencer timeout: sale con 1 en %.1f s "
        "(rc=%d, %s)" % (secs, rc, one_line(err)))
rc, out, err = t.run_segcont("check-ds", "-c", conf, timeout=60)
t.check(rc == 1 and "no se pudo conectar: tiempo agotado" in out and "qué hacer: el servidor "
        "no respondió bien tras los reintentos" in out,
        "check-ds: no se pudo conectar, y qué revisar (rc=%d, %s)" % (rc, one_line(out)))
conf, db = conf_in(work, "mudo-term", url, mapping=SQL_MAPPING, document_system__timeout="60")
silent.spoke.clear()
p = subprocess.Popen([t.SEGCONT, "sync", "--once", "-c", conf], stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE, text=True)
t.check(silent.spoke.wait(30), "segcont se conectó al servidor mudo y espera su respuesta")
t0 = time.monotonic()
p.send_signal(signal.SIGTERM)
out, err = p.communicate(timeout=30)
secs = time.monotonic() - t0
t.check(p.returncode == 1 and "interrumpido: el proceso se está deteniendo" in err and secs < 10,
        "SIGTERM mientras conecta: se detiene en %.1f s sin esperar el timeout de 60 s "
        "(rc=%d, %s)" % (secs, p.returncode, one_line(err)))

print("3. orfeo-sql contra PostgreSQL")
srv = pg.Server("fallas")
data = pg.generate(seed=5, filings=80)
srv.load(data, "UTF8")
exp = pg.expected(data)
backfill = data.backfill_from
base = SQL_MAPPING
with open(SQL_MAPPING, encoding="utf-8") as f:
    shipped = json.load(f)
list_sql = shipped["queries"]["list"]
list_sql = "\n".join(list_sql) if isinstance(list_sql, list) else list_sql


def pg_conf(name, retries="2", **keys):
    mapping = mapping_file(work, name, base, **keys) if keys else SQL_MAPPING
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    options = dict(quick, document_system__max_retries=retries)
    return pg.write_config(d, srv, backfill, document_system__mapping=mapping,
                           **options), os.path.join(d, "segcont.db")


conf, db = pg_conf("columnas", queries={"list": "SELECT 1 AS otra, {{desde}}::text, "
                                        "{{hasta}}::text, {{dependencia}}::text, {{inicio}}::text"})
rc, out, err = t.run_segcont("sync", "--once", "-c", conf, timeout=60)
t.check(rc == 1 and "no devuelve las columnas numero y fecha_radicacion" in err
        and stored(db) == 0, "una consulta sin las columnas numero y fecha_radicacion: sale con 1 "
        "y lo dice (rc=%d, %s)" % (rc, one_line(err)))
conf, db = pg_conf("columna", queries={"list": "SELECT no_existe AS numero FROM radicado WHERE "
                                       "{{desde}}::text IS NOT NULL AND {{hasta}}::text IS NOT NULL"
                                       " AND {{dependencia}}::text IS NOT NULL AND "
                                       "{{inicio}}::text IS NOT NULL"})
rc, out, err = t.run_segcont("sync", "--once", "-c", conf, timeout=60)
t.check(rc == 1 and "la consulta del mapeo falló en esta base de datos (42703)" in err
        and "intento 2" not in err and stored(db) == 0,
        "una columna que la base no tiene (42703): sale con 1, sin reintentos (rc=%d, %s)" % (
            rc, one_line(err)))
rc, out, err = t.run_segcont("check-ds", "-c", conf, timeout=60)
t.check(rc == 1 and "la consulta de llegadas falló" in out and "qué hacer: la consulta del mapeo "
        "no encaja con esta base" in out, "check-ds: la consulta no encaja, y qué hacer "
        "(rc=%d, %s)" % (rc, one_line(out)))
conf, db = pg_conf("fila", queries={"list": "SELECT 'R-' || q.numero AS numero, q.* FROM (" +
                                    list_sql + ") q"})
rc, out, err = t.run_segcont("sync", "--once", "-c", conf, timeout=60)
t.check(rc == 1 and "número de radicado no válido" in err and stored(db) == 0,
        "una fila cuyo número no es un radicado: la ventana entera se rechaza (rc=%d, %s)" % (
            rc, one_line(err)))
conf, db = pg_conf("limites", limits={"asunto": {"max_bytes": 60, "format": "text"}})
rc, out, err = t.run_segcont("sync", "--once", "-c", conf, timeout=120)
short = {n: f for n, f in exp.items() if len(f["asunto"].encode()) <= 60}
got = t.db_filings(db, ["numero", "asunto"]) if os.path.exists(db) else {}
t.check(rc == 0 and "radicado rechazado por los límites del mapeo" in err
        and set(got) == set(short) and 0 < len(short) < len(exp),
        "asuntos de más de 60 bytes: esos radicados quedan fuera con un aviso, los demás (%d de "
        "%d) se guardan (rc=%d, guardados %d)" % (len(short), len(exp), rc, len(got)))

conf, db = pg_conf("repetidos", queries={"list": "SELECT q.* FROM (" + list_sql + ") q UNION ALL "
                                        "SELECT q.* FROM (" + list_sql + ") q"})
rc, out, err = t.run_segcont("sync", "--once", "-c", conf, timeout=120)
t.check(rc == 0 and "radicados repetidos en la respuesta; se toma el último de cada uno" in err,
        "una consulta que da cada radicado dos veces: sale con 0 y lo avisa (rc=%d, %s)" % (
            rc, one_line(err)))
t.compare_with_dataset(db, exp, pg.FIELDS)

srv.psql("REVOKE SELECT ON hist_eventos FROM %s" % pg.ROLE, db=pg.DBNAME)
conf, db = pg_conf("permiso")
rc, out, err = t.run_segcont("sync", "--once", "-c", conf, timeout=60)
t.check(rc == 1 and "la base de datos negó el acceso (42501)" in err and "GRANT SELECT" in err
        and stored(db) == 0, "un permiso retirado (42501): sale con 1 y pide GRANT SELECT "
        "(rc=%d, %s)" % (rc, one_line(err)))
rc, out, err = t.run_segcont("check-ds", "-c", conf, timeout=60)
t.check(rc == 1 and "la consulta de llegadas falló" in out and "qué hacer: revise la contraseña "
        "de key_file y el usuario y la base de la url" in out,
        "check-ds: acceso negado, y qué revisar (rc=%d, %s)" % (rc, one_line(out)))
srv.psql("GRANT SELECT ON hist_eventos TO %s" % pg.ROLE, db=pg.DBNAME)

srv.psql("CREATE INDEX hist_eventos_hist_fech ON hist_eventos (hist_fech)", db=pg.DBNAME)
conf, db = pg_conf("diagnostico", queries={"write_privilege": "SELECT no_existe",
                                           "document_types": "SELECT 1 FROM no_existe"})
with open(conf) as f:
    text = f.read().replace("dependencia = %s" % t.OFFICE, "dependencia = 998")
with open(conf, "w") as f:
    f.write(text)
rc, out, err = t.run_segcont("check-ds", "-c", conf, timeout=60)
t.check(rc == 0 and "una consulta de diagnóstico falló" in out
        and "hist_eventos tiene índice por hist_fech" in out
        and "no hubo llegadas en" in out and "¿es correcta la dependencia 998?" in out
        and "no se pudieron leer los tipos documentales" in out,
        "check-ds: consultas de diagnóstico que fallan, un índice, una dependencia sin llegadas: "
        "avisos, no problemas; sale con 0 (rc=%d, %s)" % (rc, one_line(out, 400)))
srv.psql("DROP INDEX hist_eventos_hist_fech", db=pg.DBNAME)
srv.psql("GRANT INSERT ON radicado TO %s" % pg.ROLE, db=pg.DBNAME)
conf, db = pg_conf("escritura")
rc, out, err = t.run_segcont("check-ds", "-c", conf, timeout=60)
t.check(rc == 0 and "puede escribir en las tablas de Orfeo" in out and "REVOKE INSERT, UPDATE, "
        "DELETE ON ALL TABLES IN SCHEMA public FROM %s" % pg.ROLE in out,
        "check-ds: un usuario que puede escribir es un aviso con el REVOKE que lo arregla "
        "(rc=%d, %s)" % (rc, one_line(out, 300)))
srv.psql("REVOKE INSERT ON radicado FROM %s" % pg.ROLE, db=pg.DBNAME)

slow = {"session": {"statement_timeout": 120},
        "queries": {"list": "SELECT pg_sleep(60), {{desde}}::text, {{hasta}}::text, "
                    "{{dependencia}}::text, {{inicio}}::text"}}


def start_slow(name):
    conf, db = pg_conf(name, retries="1", **slow)  # one attempt: a retry would sleep again
    p = subprocess.Popen([t.SEGCONT, "sync", "--once", "-c", conf], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    end = time.monotonic() + 30
    pid = None
    while time.monotonic() < end and pid is None:
        rows = srv.query("SELECT pid FROM pg_stat_activity WHERE usename = '%s' AND "
                         "wait_event = 'PgSleep'" % pg.ROLE, db="postgres")
        pid = rows[0][0] if rows else None
        if pid is None:
            time.sleep(0.05)
    return p, pid, db


p, pid, db = start_slow("terminada")
t.check(pid is not None, "la consulta lenta está en curso en el servidor")
srv.psql("SELECT pg_terminate_backend(%s)" % pid)
out, err = p.communicate(timeout=60)
t.check(p.returncode == 1 and stored(db) == 0 and (
    "se perdió la conexión con la base de datos" in err or "error transitorio" in err),
    "la sesión terminada por el servidor es una falla transitoria, nada guardado (rc=%d, %s)" % (
        p.returncode, one_line(err)))
p, pid, db = start_slow("detenida")
t.check(pid is not None, "otra consulta lenta en curso")
t0 = time.monotonic()
p.send_signal(signal.SIGTERM)
out, err = p.communicate(timeout=60)
secs = time.monotonic() - t0
t.check(p.returncode == 1 and "interrumpido: el proceso se está deteniendo" in err and secs < 10
        and stored(db) == 0, "SIGTERM a mitad de una consulta: se detiene en %.1f s sin esperarla "
        "(rc=%d, %s)" % (secs, p.returncode, one_line(err)))
t.finish()
