"""SQLite failing under `segcont serve` (test_api_health.py covers a locked database, a failing
trigger and a damaged file): from the first write on every write fails (the store's test hook,
SEGCONT_TEST_HOOKS=1 SEGCONT_TEST_FAIL_WRITES=1, as a dying disk); the disk is full (the hook
SEGCONT_TEST_MAX_PAGES caps the file at its size); the file is read-only for the service user.
Each time reads still answer, every write is a Spanish 500 error_interno (the cause only in the
log), nothing is written in part, and /healthz turns 503 saying why and since when."""
import json
import os
import pwd
import shutil
import sqlite3
import subprocess
import time

import segtest as t

env = t.start_api("store-faults")
B, db, conf, work = env["base"], env["db"], env["conf"], env["work"]
DIR = env["users"]["director"][1]
ABO_ID = env["users"]["abogado"][0]
received = [r[0] for r in t.db_query(db, "SELECT r.numero FROM radicado r JOIN seguimiento s"
                                       " ON s.radicado_id = r.id WHERE s.estado = 'recibido'"
                                       " ORDER BY r.numero LIMIT 2")]
numero, assigned = received
st, h, b = t.api(B, "POST", "/api/radicados/%s/reparto" % assigned, token=DIR,
                 body={"abogado_id": ABO_ID})
t.check(st == 200, "un radicado repartido para registrarle gestiones (%s)" % st)


def stop(proc):
    proc.terminate()
    proc.wait(timeout=20)


def serve(extra_env=None, as_user=None):
    """segcont serve with extra environment (and as another user); waits for /healthz."""
    log = open(os.path.join(work, "serve.log"), "ab")
    cmd = [t.SEGCONT, "serve", "-c", conf]
    if as_user is not None:
        cmd = ["runuser", "-u", as_user, "--"] + cmd
    p = subprocess.Popen(cmd, stdout=log, stderr=log, env=dict(os.environ, **(extra_env or {})))
    t._procs.append(p)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            t.http_get(B + "/healthz")
            return p
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("serve no respondió")


def healthz():
    st, body = t.http_get(B + "/healthz")
    try:
        return st, json.loads(body)
    except ValueError:
        return st, body


def version():
    st, h, b = t.api(B, "GET", "/api/radicados/" + numero, token=DIR)
    return st, b["seguimiento"]["version"] if st == 200 else None


def writes_refused(what, only_patch=False):
    """Every kind of write (or only a large PATCH) answers 500 error_interno and changes
    nothing."""
    before = t.db_dump(db)
    st, v = version()
    t.check(st == 200, "%s: las lecturas siguen respondiendo (%s)" % (what, st))
    calls = [("PATCH", "/api/radicados/" + numero, {"version": v, "observaciones": "x" * 3000}),
             ("POST", "/api/radicados/%s/reparto" % numero, {"abogado_id": ABO_ID}),
             ("POST", "/api/radicados/%s/gestiones" % assigned,
              {"tipo": "observacion", "texto": "revisado"})]
    for method, path, body in calls[:1] if only_patch else calls:
        st, h, b = t.api(B, method, path, token=DIR, body=body, timeout=30)
        ok = st == 500 and isinstance(b, dict) and b.get("error", {}).get("codigo") == "error_interno"
        t.check(ok and "retry-after" not in h and "sqlite" not in json.dumps(b).lower(),
                "%s: %s %s: 500 error_interno en español, sin detalles (%s %s)"
                % (what, method, path.split("/")[-1], st, b))
    t.check(t.db_dump(db) == before, "%s: nada quedó escrito a medias" % what)


def healthz_says(what, text):
    st, h = healthz()
    msg = h.get("mensaje", "") if isinstance(h, dict) else ""
    t.check(st == 503 and h.get("base_de_datos") == "escritura_fallida" and text in msg and
            "desde" in msg, "%s: /healthz 503 dice «%s» y desde cuándo (%s %s)" % (what, text, st, h))


stop(env["proc"])

print("1. desde la primera escritura, cada escritura falla (disco que muere)")
p = serve({"SEGCONT_TEST_HOOKS": "1", "SEGCONT_TEST_FAIL_WRITES": "1"})
writes_refused("disco que falla")
healthz_says("disco que falla", "error de lectura o escritura del disco")
log = open(os.path.join(work, "serve.log"), errors="replace").read()
t.check("disk I/O error" in log, "la causa (disk I/O error) está en el registro")
stop(p)
p = serve()
st, v = version()
st, h, b = t.api(B, "PATCH", "/api/radicados/" + numero, token=DIR,
                 body={"version": v, "observaciones": "de vuelta"})
t.check(st == 200, "sin la falla, la misma escritura pasa (%s)" % st)
t.check(healthz()[0] in (200, 503) and healthz()[1].get("base_de_datos") != "escritura_fallida",
        "y /healthz ya no dice escritura_fallida")
stop(p)

print("2. el disco está lleno (una escritura que necesita páginas nuevas; las pequeñas que caben"
      " en las que hay aún pasan, como en un disco real)")
con = sqlite3.connect(db)
con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
con.execute("VACUUM")
pages = con.execute("PRAGMA page_count").fetchone()[0]
con.close()
p = serve({"SEGCONT_TEST_HOOKS": "1", "SEGCONT_TEST_MAX_PAGES": str(pages)})
writes_refused("disco lleno", only_patch=True)
healthz_says("disco lleno", "el disco está lleno")
stop(p)

print("3. el archivo de la base es de solo lectura para el usuario del servicio")
if os.getuid() == 0:
    user = "nobody"
    uid = pwd.getpwnam(user).pw_uid
    for root, dirs, files in os.walk(work):
        os.chown(root, uid, -1)
        for f in files:
            os.chown(os.path.join(root, f), uid, -1)
else:
    user = None
os.chmod(db, 0o444)
p = serve(as_user=user)
writes_refused("solo lectura")
healthz_says("solo lectura", "el archivo de la base no se puede escribir")
stop(p)
os.chmod(db, 0o600)
t.check(t.db_query(db, "PRAGMA integrity_check")[0][0] == "ok", "la base sigue íntegra")
t.finish()
