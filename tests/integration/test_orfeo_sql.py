"""Profile orfeo-sql against a real PostgreSQL (tests/integration/pgorfeo.py): segcont reads an
Orfeo-shaped database as the read-only role segcont_ro and stores exactly the filings that
arrived at dependency 342 since backfill_from (every field, the document type's name included),
each with its follow-up 'recibido'; a second pass changes nothing; changes made in Orfeo (moved
on, annulled, sent back, new arrivals) reach the next pass; a WIN1252 database and an Orfeo 3.8
one (no hist_eventos.id) give the same; the server stopped at once in the middle of a large
backfill and started again loses and duplicates nothing; a wrong password and a stopped server
are exit 1 with nothing stored; check-ds describes the database; reconciliation works on this
profile (a subject corrected without an event is found); a byte WIN1252 does not define does
not block the sync."""
import atexit
import json
import os
import re
import sqlite3
import subprocess
import time

import pgorfeo as pg
import segtest as t

FILINGS = int(os.environ.get("ORFEO_SQL_FILINGS", "2400"))
KILL_FILINGS = int(os.environ.get("ORFEO_SQL_KILL_FILINGS", "12000"))
_t0 = time.monotonic()


def lap(what):
    print("   (%s: %.1f s desde el inicio)" % (what, time.monotonic() - _t0))


def stored(db):
    """How many radicados the store holds (0 when segcont created nothing)."""
    if not os.path.exists(db):
        return 0
    try:
        return t.db_query(db, "SELECT count(*) FROM radicado")[0][0]
    except sqlite3.Error:
        return 0


def compare(db, exp):
    """Every expected filing stored, every field equal, nothing else; each with a seguimiento."""
    if not t.check(os.path.exists(db), "segcont creó su base %s" % db):
        return {}
    try:
        return t.compare_with_dataset(db, exp, pg.FIELDS)
    except sqlite3.Error as e:
        t.check(False, "la base de segcont tiene la tabla radicado con %s (%s)"
                % (", ".join(pg.FIELDS), e))
        return {}


def all_received(db, n):
    try:
        states = t.db_query(db, "SELECT estado, count(*) FROM seguimiento GROUP BY estado")
    except sqlite3.Error as e:
        states = str(e)
    t.check(states == [("recibido", n)], "todo seguimiento nuevo está recibido: %s" % states)


def why(rc, err):
    """The end of segcont's log, for a check that failed."""
    return "" if rc == 0 else "; " + err.strip()[-500:]


def sync(conf, timeout=180):
    rc, out, err = t.run_segcont("sync", "--once", "-c", conf, timeout=timeout)
    print("   rc=%d %s" % (rc, (out.strip() or err.strip()[-300:])))
    return rc, out, err


def new_work(name, server, backfill_from, **extra):
    """A folder with segcont.conf for the server (its own store); returns (folder, conf, db)."""
    work = t.tmpdir(name)
    conf = pg.write_config(work, server, backfill_from, **extra)
    return work, conf, os.path.join(work, "segcont.db")


def check_ds(conf, encoding, exp_count):
    rc, out, err = t.run_segcont("check-ds", "-c", conf, timeout=60)
    text = out + err
    print("   " + "\n   ".join(text.strip().splitlines()[:16]))
    t.check(rc == 0, "check-ds termina con 0 (rc=%d%s)" % (rc, why(rc, err)))
    enc = encoding.replace("UTF8", "UTF-?8")
    t.check(re.search(enc, text, re.I) is not None, "check-ds nombra la codificación %s" % encoding)
    t.check(re.search(r"\d", text) is not None, "check-ds dice cuántos radicados halló")
    if str(exp_count) not in text:
        print("   (nota: check-ds no muestra el número esperado de radicados, %d)" % exp_count)


print("0. el servidor PostgreSQL y la base de Orfeo")
srv = pg.Server("sql")
ds = pg.generate(seed=41, filings=FILINGS)
secs = srv.load(ds, "UTF8")
print("   %d radicados, %d eventos, %d direcciones; carga en %.2f s; backfill_from %s" % (
    len(ds.radicados), len(ds.eventos), len(ds.direcciones), secs, ds.backfill_from))
exp = pg.expected(ds)
miss, extra, diffs = pg.diff_rows(exp, pg.sql_expected(srv, ds))
t.check(not miss and not extra and not diffs,
        "lo esperado (%d radicados) coincide con una consulta SQL independiente (%s %s %s)"
        % (len(exp), miss[:3], extra[:3], diffs))
pg.check_cases(t, ds, exp)
pg.check_invariants(t, ds)
cats = ds.categories()
t.check(len(cats["informado"]) > 20 and len(cats["propio"]) > 20,
        "hay radicados solo informados (%d) y propios de 342 (%d)"
        % (len(cats["informado"]), len(cats["propio"])))
lap("servidor y datos")

print("1. primera pasada: exactamente lo que llegó a 342")
work, conf, db = new_work("orfeo-sql", srv, ds.backfill_from)
rc, out, err = sync(conf)
t.check(rc == 0, "sync --once termina con 0 (rc=%d%s)" % (rc, why(rc, err)))
got = compare(db, exp)
all_received(db, len(exp))
t.check(not (cats["informado"] & set(got)), "ningún radicado solo informado (8) en la base")
t.check(not (cats["propio"] & set(got)), "ningún radicado propio de 342 en la base")
t.check(os.path.exists(db) and os.stat(db).st_mode & 0o077 == 0,
        "la base se crea con permisos 0600")
t.check(pg.PASSWORD not in out + err, "la contraseña no aparece en la salida")
lap("primera pasada")

print("2. segunda pasada: nada nuevo, nada cambiado")
rc, out, err = sync(conf)
t.check(rc == 0 and " 0 nuevos, 0 cambiados" in out, "segunda pasada sin novedades: %s"
        % out.strip())
try:
    n = t.db_query(db, "SELECT count(*) FROM gestion")[0][0]
except sqlite3.Error as e:
    n = str(e)
t.check(n == 0, "ninguna gestión espuria (%s)" % n)

print("8. check-ds describe la base (UTF8)")
check_ds(conf, "UTF8", len(exp))
lap("check-ds")

print("3. cambios en Orfeo: siguió, anulado, devuelto, llegadas nuevas")
changes = [pg.live_move_on(srv, ds), pg.live_annul(srv, ds), pg.live_send_back(srv, ds)]
arrivals = [pg.live_new_arrival(srv, ds), pg.live_new_arrival(srv, ds, existing=True)]
for c in changes + arrivals:
    print("   %s: %s" % (c["numero"], c["que"]))
pg.settle()
exp = pg.expected(ds)
rc, out, err = sync(conf)
t.check(rc == 0 and " 2 nuevos, 3 cambiados" in out,
        "la pasada ve 2 nuevos y 3 cambiados: %s" % (out.strip() or err.strip()[-300:]))
compare(db, exp)
try:
    rows = t.db_query(db, "SELECT r.numero, g.texto FROM gestion g JOIN radicado r "
                      "ON r.id = g.radicado_id WHERE g.tipo = 'cambio_sgd'")
except sqlite3.Error as e:
    rows = []
    t.check(False, "la tabla gestion se puede leer (%s)" % e)
texts = {}
for numero, texto in rows:
    texts.setdefault(numero, []).append(texto)
changed = {c["numero"] for c in changes}
t.check(set(texts) == changed, "una gestión cambio_sgd por cada radicado cambiado y ninguna más "
        "(%s, esperados %s)" % (sorted(texts), sorted(changed)))
for c in changes:
    want = c["despues"]["dependencia_actual"]
    joined = " | ".join(texts.get(c["numero"], []))
    t.check(want in joined, "la gestión de %s (%s) nombra la dependencia %s: %s"
            % (c["numero"], c["que"], want, joined[:200]))
annulled = changes[1]
t.check("anul" in " ".join(texts.get(annulled["numero"], [])).lower(),
        "la gestión del anulado dice que fue anulado")
for c in arrivals:
    try:
        s = t.db_query(db, "SELECT s.estado FROM seguimiento s JOIN radicado r "
                       "ON r.id = s.radicado_id WHERE r.numero = ?", c["numero"])
    except sqlite3.Error:
        s = []
    t.check(s == [("recibido",)], "%s (%s) llega con su seguimiento recibido" % (c["numero"],
                                                                                c["que"]))
rc, out, err = sync(conf)
t.check(rc == 0 and " 0 nuevos, 0 cambiados" in out, "y la pasada siguiente no ve nada: %s"
        % out.strip())
lap("cambios en vivo")

print("9. la conciliación con este perfil: un asunto corregido sin evento en hist_eventos")
fixed = pg.live_change_subject(srv, ds)
print("   %s: %s" % (fixed["numero"], fixed["que"]))
pg.settle()
exp = pg.expected(ds)
rc, out, err = sync(conf)
t.check(rc == 0 and " 0 nuevos, 0 cambiados" in out,
        "la sincronización no lo ve (no hay evento): %s" % out.strip())
rc, out, err = t.run_segcont("reconcile", "-c", conf, "--desde", str(ds.backfill_from), "--json",
                             timeout=180)
try:
    rep = json.loads(out)
except ValueError:
    rep = {}
t.check(rc == 0 and rep.get("completa"), "segcont reconcile termina con 0 (rc=%d%s)"
        % (rc, why(rc, err)))
new = {(d["numero"], d["tipo"]) for d in rep.get("discrepancias", []) if d["novedad"] == "nueva"}
t.check((fixed["numero"], "datos_distintos") in new,
        "encuentra el asunto distinto de %s" % fixed["numero"])
kinds = {k for _, k in new}
t.check(not kinds & {"falta_en_seguimiento", "no_encontrado", "concluido_sin_radicado"},
        "no falta ni sobra ningún radicado: la sincronización ya los tenía todos (%s)"
        % sorted(kinds))
moved = {n for n, f in exp.items() if f["dependencia_actual"] != pg.OFFICE}
not_moved = {n for n, k in new if k == "ya_no_en_dependencia"} - moved
t.check(not not_moved, "ya_no_en_dependencia solo para los que siguieron a otra área (%s)"
        % [(n, exp.get(n, {}).get("dependencia_actual")) for n in sorted(not_moved)[:5]])
t.check(rep.get("seguimientos_creados") == 0,
        "no crea seguimientos (ni para una llegada con fecha futura): %s"
        % rep.get("seguimientos_creados"))
compare(db, exp)
g = t.db_query(db, "SELECT g.texto FROM gestion g JOIN radicado r ON r.id = g.radicado_id "
               "WHERE r.numero = ? AND g.tipo = 'cambio_sgd'", fixed["numero"])
t.check(len(g) == 1 and "asunto" in g[0][0], "el cambio de asunto queda como gestión: %s" % g)
lap("conciliación")

print("6. contraseña equivocada: error de configuración, nada guardado")
bad_work, bad_conf, bad_db = new_work("orfeo-sql-clave", srv, ds.backfill_from,
                                    password="Clave-Equivocada-123")
log_before = open(srv.logfile, errors="replace").read().count(
    'password authentication failed for user "%s"' % pg.ROLE)
t1 = time.monotonic()
rc, out, err = sync(bad_conf)
attempts = open(srv.logfile, errors="replace").read().count(
    'password authentication failed for user "%s"' % pg.ROLE) - log_before
t.check(rc == 1, "sync --once termina con 1 cuando la contraseña es rechazada (rc=%d)" % rc)
t.check(re.search(r"contraseña|clave|key_file|configuraci", err, re.I) is not None,
        "el mensaje habla de la contraseña o la configuración: %s" % err.strip()[-300:])
t.check("Clave-Equivocada-123" not in out + err, "la contraseña no aparece en el registro")
t.check(stored(bad_db) == 0, "nada guardado")
t.check(1 <= attempts <= 2, "una contraseña rechazada no se reintenta (%d intentos, %.1f s)"
        % (attempts, time.monotonic() - t1))

print("6b. una consulta que supera statement_timeout: se reintenta y se informa")
slow_work, slow_conf, slow_db = new_work(
    "orfeo-sql-lenta", srv, ds.backfill_from,
    document_system__mapping=os.path.join(t.ROOT, "tests", "data", "mappings", "sql-slow.json"),
    document_system__max_retries="3")
t1 = time.monotonic()
rc, out, err = sync(slow_conf)
t.check(rc == 1, "sync --once termina con 1 (rc=%d)" % rc)
t.check("statement_timeout" in err and err.count("reintento") == 2,
        "cada intento lo corta el servidor y se reintenta: %d reintentos, %.1f s"
        % (err.count("reintento"), time.monotonic() - t1))
t.check(stored(slow_db) == 0, "nada guardado")

print("4. la misma base en WIN1252")
secs = srv.load(ds, "WIN1252")
print("   carga en %.2f s" % secs)
exp = pg.expected(ds)
w_work, w_conf, w_db = new_work("orfeo-sql-win1252", srv, ds.backfill_from)
rc, out, err = sync(w_conf)
t.check(rc == 0, "sync --once contra WIN1252 termina con 0 (rc=%d%s)" % (rc, why(rc, err)))
compare(w_db, exp)
all_received(w_db, len(exp))
rc, out, err = sync(w_conf)
t.check(rc == 0 and " 0 nuevos, 0 cambiados" in out, "segunda pasada sin novedades en WIN1252")
print("4c. un byte que WIN1252 no define (0x81) en un asunto")
odd = pg.live_undefined_win1252_byte(srv, ds)
pg.settle()
exp = pg.expected(ds)
# segcont reads such rows in the database's own encoding: the byte becomes U+FFFD.
exp[odd["numero"]] = dict(exp[odd["numero"]],
                          asunto=exp[odd["numero"]]["asunto"].replace("\x81", "\ufffd"))
rc, out, err = sync(w_conf)
t.check(rc == 0, "la pasada no se atasca en ese radicado (rc=%d%s)" % (rc, why(rc, err)))
t.check("no define" in err, "el registro avisa del byte indefinido")
compare(w_db, exp)
rc, out, err = sync(w_conf)
t.check(rc == 0 and " 0 nuevos, 0 cambiados" in out, "y la pasada siguiente lo deja quieto: %s"
        % out.strip())
print("8. check-ds describe la base (WIN1252)")
check_ds(w_conf, "WIN1252", len(exp))

print("4b. una base de Orfeo 3.8: hist_eventos sin id")
srv.load(ds, "UTF8", hist_id=False)
exp = pg.expected(ds)  # in a UTF8 database the odd byte of 4c is just U+0081
o_work, o_conf, o_db = new_work("orfeo-sql-38", srv, ds.backfill_from)
rc, out, err = sync(o_conf)
t.check(rc == 0, "sync --once contra hist_eventos sin id termina con 0 (rc=%d%s)"
        % (rc, why(rc, err)))
compare(o_db, exp)
lap("WIN1252 y 3.8")

print("7. servidor detenido: exit 1, nada guardado")
srv.stop()
s_work, s_conf, s_db = new_work("orfeo-sql-parado", srv, ds.backfill_from)
t1 = time.monotonic()
rc, out, err = sync(s_conf, timeout=120)
t.check(rc == 1, "sync --once termina con 1 sin servidor (rc=%d)" % rc)
t.check(err.strip() != "", "y dice por qué: %s" % err.strip()[-200:])
t.check(stored(s_db) == 0, "nada guardado")
print("   %.1f s hasta rendirse" % (time.monotonic() - t1))
srv.start()
lap("servidor detenido")

print("5. el servidor se detiene de golpe a mitad de una carga grande, y vuelve")
big = pg.generate(seed=43, filings=KILL_FILINGS, days=730, backfill_days=720, office_share=0.6)
secs = srv.load(big, "UTF8")
big_exp = pg.expected(big)
print("   %d radicados (%d de 342), %d eventos; carga en %.2f s" % (
    len(big.radicados), len(big_exp), len(big.eventos), secs))
total = len(big_exp)


def run_killed(trigger, restart_at_once):
    """Starts a backfill into a new store and stops the server at once when trigger(seconds
    since the start, radicados stored) says so; starts it again at once (segcont may still be
    retrying) or after segcont gave up. Returns (conf, store, rc of the interrupted pass or
    None when the pass finished first, radicados stored at the stop)."""
    work, conf, db = new_work("orfeo-sql-muerte", srv, big.backfill_from)
    log = open(os.path.join(work, "sync.log"), "w")
    p = subprocess.Popen([t.SEGCONT, "sync", "--once", "-c", conf], stdout=log, stderr=log)
    atexit.register(lambda: p.poll() is None and p.kill())
    start = time.monotonic()
    end = start + 120
    while p.poll() is None and time.monotonic() < end:
        if trigger(time.monotonic() - start, stored(db)):
            break
        time.sleep(0.02)
    if p.poll() is not None:
        return conf, db, None, stored(db)
    srv.kill()
    at_kill = stored(db)
    print("   servidor detenido a los %.2f s con %d de %d radicados guardados"
          % (time.monotonic() - start, at_kill, total))
    if restart_at_once:
        srv.start()
    try:
        rc = p.wait(timeout=120)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = p.wait()
        t.check(False, "segcont termina por sí mismo tras perder el servidor")
    if not restart_at_once:
        srv.start()
    return conf, db, rc, at_kill


# Where to stop: at a share of the backfill; if the pass finished first (a store that commits
# only at the end, or a very fast machine), as soon as something is stored, then by time.
fallbacks = [("en cuanto hay algo guardado", lambda s, n: n > 0),
             ("a los 0,3 s", lambda s, n: s >= 0.3)]
for restart_at_once, share in ((False, 0.4), (True, 0.65)):
    what = "arranque inmediato" if restart_at_once else "arranque cuando segcont se rinde"
    print("   - %s, parada al %d %% de la carga" % (what, share * 100))
    attempt = None
    for label, trigger in [("al %d %%" % (share * 100), lambda s, n: n >= share * total)] + \
            fallbacks:
        attempt = run_killed(trigger, restart_at_once)
        if attempt[2] is not None:
            break
        print("   la carga terminó antes de la parada (%s); otra vez" % label)
    conf_k, db_k, rc_k, at_kill = attempt
    t.check(rc_k is not None, "el servidor se detuvo a mitad de la carga (%s)" % what)
    if not restart_at_once:
        t.check(rc_k == 1, "la pasada interrumpida termina con 1 (rc=%s)" % rc_k)
    t.check(at_kill < total, "la carga iba por la mitad: %d de %d" % (at_kill, total))
    passes = 0
    rc = rc_k
    while rc != 0 and passes < 3:
        rc, out, err = t.run_segcont("sync", "--once", "-c", conf_k, timeout=180)
        passes += 1
        print("   pasada siguiente: rc=%d %s" % (rc, out.strip() or err.strip()[-300:]))
    t.check(rc == 0, "tras el reinicio una pasada termina con 0 (%d pasadas más)" % passes)
    compare(db_k, big_exp)
    all_received(db_k, total)
    try:
        n = t.db_query(db_k, "SELECT count(*) FROM gestion")[0][0]
    except sqlite3.Error as e:
        n = str(e)
    t.check(n == 0, "sin cambios espurios tras la parada (%s gestiones)" % n)
    t.check(t.db_query(db_k, "PRAGMA integrity_check")[0][0] == "ok", "la base está íntegra")
lap("parada a mitad de la carga")
t.finish()
