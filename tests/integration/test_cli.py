"""segcont's command line as an operator meets it, on real files: every run of
tests/data/cli-cases.tsv (usage errors, bad configurations, --help, exit codes and their
messages); the user subcommands end to end against the database (text and --json, a token
shown once and stored only as a hash, disable and enable); a database whose writes fail
(SEGCONT_TEST_HOOKS=1 SEGCONT_TEST_FAIL_WRITES=N) leaves every row as it was and says why; a
failing standard output; and `sync --once` against fakeds with the N-th write failing, for
every N up to the first that lets the pass through: exit 1 naming the disk error, nothing of
the window stored, and the next pass complete; details over a mapping's narrower limit are left
out with a warning; reconcile with the document system down says it is incomplete and why.
$SEGCONT_BIN runs another binary."""
import datetime
import json
import os
import shlex
import socket
import sqlite3
import subprocess

import segtest as t

CASES = os.path.join(t.ROOT, "tests", "data", "cli-cases.tsv")
SQL_MAPPING = os.path.join(t.ROOT, "mappings", "orfeo-sql.json")
HOOKS = {"SEGCONT_TEST_HOOKS": "1"}

work = t.tmpdir("cli")
quick = {"document_system__max_retries": "1", "document_system__retry_base_ms": "1",
         "document_system__retry_max_ms": "1", "document_system__timeout": "2"}


def conf_in(name, url="http://127.0.0.1:9/webServices/servidor.php", **extra):
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    options = dict(quick)
    options.update(extra)
    return t.write_config(d, url, "2024-01-01", **options)


def run(args, env_extra=None, **kw):
    env = dict(os.environ)
    env.pop("SEGCONT_CONFIG", None)
    env.pop("SEGCONT_LOG", None)
    env.update(env_extra or {})
    return t.run_segcont(*args, env=env, **kw)


def db_rows(db, sql, *params):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


busy = socket.socket()
busy.bind(("127.0.0.1", 0))
busy.listen(1)
places = {
    "work": work,
    "conf": conf_in("valida"),
    "badstore": conf_in("sinbase", store__path=os.path.join(work, "no", "existe", "x.db")),
    "nomapping": conf_in("sinmapeo", document_system__mapping=os.path.join(work, "no-existe.json")),
    "sql_http": conf_in("sqlhttp", document_system__mapping=SQL_MAPPING),
    "soap_pg": conf_in("soappg", url="postgresql://segcont@127.0.0.1:9/orfeo"),
    "busy": conf_in("ocupado", http__port=str(busy.getsockname()[1])),
}

print("1. cada corrida de cli-cases.tsv")
ncases = 0
with open(CASES, encoding="utf-8") as f:
    for lineno, line in enumerate(f, 1):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        words, status, stream, text = line.split("\t")
        words = [w.format(**places) for w in shlex.split(words)]
        text = text.format(**places)
        env = {}
        while words and "=" in words[0] and words[0].split("=")[0].isupper():
            k, v = words.pop(0).split("=", 1)
            env[k] = v
        rc, out, err = run(words, env, timeout=60)
        got = out if stream == "stdout" else err
        ok = rc == int(status) and text in got and (rc == 0 or stream == "stdout" or out == "")
        t.check(ok, "%d: segcont %s: sale con %s y %s dice «%s» (rc=%d, %s)" % (
            lineno, " ".join(words)[:90], status, stream, text[:60], rc,
            (out + err).strip().replace("\n", " | ")[-200:]))
        ncases += 1
t.check(ncases >= 55, "la tabla trae %d corridas" % ncases)
busy.close()

rc, out, err = run([])
t.check(rc == 2 and out == "" and "uso:" in err and "segcont serve [-c ARCHIVO]" in err,
        "sin orden: el uso completo en stderr y sale con 2 (rc=%d)" % rc)
rc, out, err = run(["--help"])
t.check(rc == 0 and err == "" and "uso:" in out and "segcont serve [-c ARCHIVO]" in out,
        "--help: el uso completo en stdout y sale con 0 (rc=%d)" % rc)

print("2. usuarios de punta a punta (texto y --json)")
conf = places["conf"]
db = os.path.join(work, "valida", "segcont.db")
rc, out, err = run(["user", "add", "-c", conf, "--nombre", "Ana Peña", "--rol", "abogado"])
lines = out.splitlines()
t.check(rc == 0 and lines[:2] == ["usuario 1 creado: Ana Peña (abogado)",
                                  "token (se muestra una sola vez; guárdelo ahora):"],
        "user add: el usuario y el aviso de que el token se muestra una vez (%r)" % out[:120])
token = lines[2] if len(lines) > 2 else ""
stored = db_rows(db, "SELECT nombre, rol, activo, token_hash FROM usuario")
t.check(len(stored) == 1 and stored[0][:3] == ("Ana Peña", "abogado", 1) and token.startswith("sgc_")
        and token not in stored[0][3], "la base guarda el usuario y un hash, no el token: %r" % (stored,))
t.check("INFO auth: usuario 1 creado con rol abogado" in err, "el registro dice quién se creó")
rc, out, err = run(["user", "add", "-c", conf, "--nombre", "Beto", "--rol", "apoyo"],
                   {"SEGCONT_LOG": "error"})
t.check(rc == 0 and "INFO" not in err, "SEGCONT_LOG=error calla los INFO (%r)" % err[:120])
rc, out, err = run(["user", "token", "-c", conf, "--id", "1"])
lines = out.splitlines()
after = db_rows(db, "SELECT token_hash FROM usuario WHERE id = 1")[0][0]
t.check(rc == 0 and lines[0] == "token de Ana Peña (usuario 1) renovado; el anterior ya no vale"
        and len(lines) == 3 and lines[2] != token and after != stored[0][3],
        "user token: un token nuevo y otro hash en la base (%r)" % out[:100])
rc, out, err = run(["user", "disable", "-c", conf, "--id", "1"])
t.check(rc == 0 and out == "usuario 1 (Ana Peña, abogado) desactivado: su token ya no vale\n"
        and db_rows(db, "SELECT activo FROM usuario WHERE id = 1") == [(0,)],
        "user disable: lo dice y la base lo desactiva (%r)" % out)
rc, out, err = run(["user", "list", "-c", conf])
rows = out.splitlines()
t.check(rc == 0 and rows[0].split() == ["id", "rol", "activo", "creado", "nombre"] and len(rows) == 3
        and rows[1].split()[:3] == ["1", "abogado", "no"] and rows[1].endswith(" Ana Peña")
        and rows[2].split()[:3] == ["2", "apoyo", "sí"]
        and rows[0].index("creado") == rows[1].index("20") == rows[2].index("20"),
        "user list: encabezado y una fila por usuario, columnas alineadas (%r)" % out)
rc, out, err = run(["user", "enable", "-c", conf, "--id", "1"])
t.check(rc == 0 and out == "usuario 1 (Ana Peña, abogado) activado\n"
        and db_rows(db, "SELECT activo FROM usuario WHERE id = 1") == [(1,)], "user enable (%r)" % out)
rc, out, err = run(["user", "disable", "-c", conf, "--id", "2", "--json"])
t.check(rc == 0 and out == '{"id": 2, "activo": false}\n', "user disable --json (%r)" % out)
rc, out, err = run(["user", "list", "-c", conf, "--json"])
try:
    listed = json.loads(out)
except ValueError:
    listed = None
t.check(rc == 0 and isinstance(listed, list) and [(u["id"], u["nombre"], u["rol"], u["activo"])
                                                   for u in listed] ==
        [(1, "Ana Peña", "abogado", True), (2, "Beto", "apoyo", False)],
        "user list --json: cada usuario con su estado (%r)" % out[:200])
for name, why in ((b"Ana\x01", "un carácter de control"), (b"Ana\xff", "bytes que no son UTF-8"),
                  (b"A" * 201, "201 bytes, uno más que el máximo")):
    p = subprocess.run([t.SEGCONT, "user", "add", "-c", conf, "--nombre", name, "--rol", "admin"],
                       capture_output=True, timeout=30)
    t.check(p.returncode == 2 and b"--nombre debe tener" in p.stderr and p.stdout == b"",
            "--nombre con %s: sale con 2 y no crea nada (rc=%d)" % (why, p.returncode))
t.check(db_rows(db, "SELECT count(*) FROM usuario") == [(2,)], "siguen dos usuarios")

print("3. escrituras que fallan: nada cambia y se dice por qué")
before = db_rows(db, "SELECT id, nombre, rol, activo, token_hash FROM usuario ORDER BY id")
fail1 = dict(HOOKS, SEGCONT_TEST_FAIL_WRITES="1")
for args, what in ((["user", "add", "--nombre", "Caro", "--rol", "director"], "no se pudo crear el usuario"),
                   (["user", "token", "--id", "1"], "no se pudo cambiar el token"),
                   (["user", "disable", "--id", "1"], "no se pudo cambiar el estado del usuario")):
    rc, out, err = run(args + ["-c", conf], fail1)
    t.check(rc == 1 and out == "" and "segcont: %s: disk I/O error" % what in err
            and "la escritura 1 y las siguientes fallarán" in err,
            "user %s con el disco fallando: sale con 1 y dice «%s» (rc=%d, %s)" % (
                args[0] if args[0] != "user" else args[1], what, rc, err.strip().replace("\n", " | ")[-160:]))
t.check(db_rows(db, "SELECT id, nombre, rol, activo, token_hash FROM usuario ORDER BY id") == before,
        "los usuarios quedan como estaban")
rc, out, err = run(["user", "add", "-c", conf, "--nombre", "Dora", "--rol", "director"],
                   dict(HOOKS, SEGCONT_TEST_FAIL_WRITES="x"))
t.check(rc == 0 and "SEGCONT_TEST_FAIL_WRITES no es un número: se ignora" in err,
        "un SEGCONT_TEST_FAIL_WRITES ilegible se ignora con un aviso (rc=%d)" % rc)
rc, out, err = run(["user", "add", "-c", conf, "--nombre", "Eva", "--rol", "director"],
                   {"SEGCONT_TEST_FAIL_WRITES": "1"})
t.check(rc == 0 and "fallarán" not in err, "sin SEGCONT_TEST_HOOKS=1 no hay fallas (rc=%d)" % rc)

print("4. una salida estándar que no se puede escribir")
ro = os.path.join(work, "solo-lectura.txt")
open(ro, "w").close()
with open(ro, "rb") as fd:
    p = subprocess.run([t.SEGCONT, "export", "-c", conf, "--formato", "csv", "-o", "-"],
                       stdout=fd, stderr=subprocess.PIPE, timeout=60)
t.check(p.returncode == 1 and b"no se pudo escribir en la salida est" in p.stderr,
        "export -o - con la salida cerrada: sale con 1 y lo dice (rc=%d, %r)" % (
            p.returncode, p.stderr[-160:]))
t.check(os.path.getsize(ro) == 0, "el archivo detrás de la salida no cambió")

print("5. sync --once con la N-ésima escritura fallando")
today = t.today_bogota()
start = today - datetime.timedelta(days=6)
ds = t.FakeDS(work, "--seed", "3", "--from", start.isoformat(), "--to", today.isoformat(),
              "--per-day", "2")
# One filed today, the day the next pass reads again.
latest = ds.control("/control/add", {"fecha_radicacion": today.isoformat() + " 08:00:00",
                                     "asunto": "Solicitud de contratación directa",
                                     "dependencia_actual": t.OFFICE})["numero"]
office = ds.dump(t.OFFICE)
# Backfill from the first day generated: the whole pass is one window (max_window_days 31).
sync_conf = conf_in("sync", url=ds.url, document_system__backfill_from=start.isoformat())
sync_db = os.path.join(work, "sync", "segcont.db")
t.check(len(office) >= 2, "fakeds tiene %d radicados de la oficina" % len(office))
failures = []
n = 0
passed = None
while n < 400:
    n += 1
    if os.path.exists(sync_db):
        os.unlink(sync_db)
    rc, out, err = run(["sync", "--once", "-c", sync_conf], dict(HOOKS, SEGCONT_TEST_FAIL_WRITES=str(n)))
    if rc == 0:
        passed = n
        break
    stored = db_rows(sync_db, "SELECT count(*) FROM radicado")[0][0]
    cursor = db_rows(sync_db, "SELECT cursor FROM sync_estado")
    # The pass's own note fails too (every write from the N-th on does): the log says so.
    if not (rc == 1 and "error de la base de datos" in err and "disk I/O error" in err
            and "no se pudo registrar la pasada" in err and stored == 0 and cursor in ([], [("",)], [(None,)])):
        failures.append("N=%d: rc=%d, %d guardados, cursor %r, %s" % (n, rc, stored, cursor,
                                                                        err.strip()[-200:]))
t.check(passed is not None and passed > 2 * len(office),
        "una pasada escribe al menos dos filas por radicado: la primera que pasa es la %s" % passed)
t.check(not failures, "con cada escritura 1..%d fallando: sale con 1, lo dice y la ventana no "
        "deja nada (%d mal: %s)" % ((passed or n) - 1, len(failures), failures[:3]))
t.compare_with_dataset(sync_db, office)
ds.control("/control/update", {"numero": latest, "asunto": "Asunto corregido en el sistema"})
rc, out, err = run(["sync", "--once", "-c", sync_conf], dict(HOOKS, SEGCONT_TEST_FAIL_WRITES="1"))
t.check(rc == 1 and "error de la base de datos" in err and
        db_rows(sync_db, "SELECT asunto FROM radicado WHERE numero = ?", latest)
        != [("Asunto corregido en el sistema",)],
        "un cambio que no se pudo escribir no queda a medias (rc=%d)" % rc)
rc, out, err = run(["sync", "--once", "-c", sync_conf])
t.check(rc == 0 and " 1 cambiados" in out, "la pasada siguiente lo recoge: %s" % out.strip())

narrow = os.path.join(work, "remitente-corto.json")
with open(narrow, "w") as f:
    json.dump({"base": t.FAKEDS_MAPPING, "limits": {"remitente": {"max_bytes": 20}}}, f)
narrow_conf = conf_in("corto", url=ds.url, document_system__backfill_from=start.isoformat(),
                      document_system__mapping=narrow)
narrow_db = os.path.join(work, "corto", "segcont.db")
rc, out, err = run(["sync", "--once", "-c", narrow_conf])
office = ds.dump(t.OFFICE)
rows = dict((n, (d, r)) for n, d, r in db_rows(
    narrow_db, "SELECT numero, con_detalle, remitente FROM radicado"))
long_ones = {n for n, f in office.items() if len(f["remitente"].encode()) > 20}
t.check(rc == 0 and "detalle rechazado por los límites del mapeo" in err and set(rows) == set(office)
        and long_ones and all(rows[n] == (0, "") for n in long_ones)
        and all(rows[n] == (1, office[n]["remitente"]) for n in set(office) - long_ones),
        "un mapeo que limita el remitente a 20 bytes: esos %d radicados quedan sin detalle, con "
        "un aviso; los demás, completos (rc=%d)" % (len(long_ones), rc))

print("6. reconcile con el sistema documental caído")
ds.stop()
before = db_rows(sync_db, "SELECT count(*) FROM discrepancia")
rc, out, err = run(["reconcile", "-c", sync_conf])
t.check(rc == 1 and "INCOMPLETA" in out and "(hubo ventanas fallidas)" in out
        and "segcont: conciliación incompleta: " in err,
        "sale con 1, dice que quedó incompleta y por qué (rc=%d, %s)" % (rc, out.strip()[:160].replace("\n", " | ")))
rc, out, err = run(["reconcile", "-c", sync_conf, "--json", "--hasta", today.isoformat()])
try:
    v = json.loads(out)
except ValueError:
    v = {}
since = (today - datetime.timedelta(days=90)).isoformat()
t.check(rc == 1 and v.get("completa") is False and v.get("ventanas_fallidas", 0) > 0
        and "getRadicadosDependencia" in (v.get("error") or "") and v.get("desde") == since,
        "--json --hasta: completa false, el error, y el periodo son los 90 días antes de --hasta "
        "(rc=%d, %s)" % (rc, out[:200].replace("\n", " ")))
t.check(db_rows(sync_db, "SELECT count(*) FROM discrepancia") == before,
        "una conciliación incompleta no inventa discrepancias")
t.finish()
