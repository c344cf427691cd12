"""/healthz, /metrics and the failure exit against `segcont serve`: sync passes that fail while
the database cannot record them (a trigger refuses every write of sync_estado) make /healthz
503 with the reason and count in /metrics, and it recovers; a stored message cut inside a UTF-8
character still gives a JSON answer; a locked database is 503 base_ocupada with Retry-After and
a failing write 500 error_interno, the cause in the log only; a damaged database file is
"corrupta" (once store.c's integrity check replaces connector/store_health_stub.c)."""
import json
import os
import sqlite3
import time

import segtest as t

env = t.start_api("api-health")
B, db, conf, work = env["base"], env["db"], env["conf"], env["work"]
U = env["users"]
DIR = U["director"][1]
numero = t.db_query(db, "SELECT numero FROM radicado ORDER BY numero LIMIT 1")[0][0]


def healthz():
    st, body = t.http_get(B + "/healthz")
    try:
        return st, json.loads(body) if body else None
    except ValueError:
        return st, body


def metric(name):
    st, body = t.http_get(B + "/metrics")
    for line in body.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return None


def sql(*statements):
    con = sqlite3.connect(db, timeout=10)
    try:
        for s in statements:
            con.execute(s)
        con.commit()
    finally:
        con.close()


def pass_now():
    """Asks for a pass and waits until this process has finished one more."""
    before = metric("segcont_sync_process_passes_total") or 0
    st, h, b = t.api(B, "POST", "/api/sync", token=DIR)
    end = time.time() + 30
    while time.time() < end:
        n = metric("segcont_sync_process_passes_total")
        if n is not None and n > before and metric("segcont_sync_running") == 0:
            return True
        time.sleep(0.05)
    return False


print("1. pasadas fallidas que la base no puede registrar")
st, h = healthz()
t.check(st == 200 and h["estado"] == "ok", "al empezar: 200 (%s)" % st)
failures0 = metric("segcont_sync_failures_total")
db_fallos0 = t.db_query(db, "SELECT fallos FROM sync_estado")[0][0]
sql("CREATE TRIGGER prueba_sin_escritura BEFORE UPDATE ON sync_estado BEGIN"
    " SELECT RAISE(ABORT, 'escritura bloqueada por la prueba'); END")
for i in range(4):
    t.check(pass_now(), "pasada %d terminada" % (i + 1))
t.check(t.db_query(db, "SELECT fallos FROM sync_estado")[0][0] == db_fallos0,
        "la base no registró ninguna de las cuatro")
st, h = healthz()
sync = h.get("sync", {}) if isinstance(h, dict) else {}
t.check(st == 503 and h.get("estado") == "degradado" and
        h.get("base_de_datos") == "escritura_fallida", "/healthz: 503 degradado (%s %s)" % (st, h))
t.check("4 pasadas" in h.get("mensaje", "") and "escritura" in h.get("mensaje", ""),
        "el mensaje dice por qué: %s" % h.get("mensaje"))
t.check(sync.get("fallos_sin_registrar") == 4, "sync.fallos_sin_registrar = 4 (%s)" % sync)
t.check(metric("segcont_sync_failures_total") == failures0 + 4,
        "/metrics: segcont_sync_failures_total las cuenta (%s → %s)"
        % (failures0, metric("segcont_sync_failures_total")))
t.check(metric("segcont_sync_unrecorded_failures") == 4, "segcont_sync_unrecorded_failures 4")
t.check(metric("segcont_sync_degraded") == 1, "segcont_sync_degraded 1")
t.check((metric("segcont_sync_process_failures_total") or 0) >= 4,
        "segcont_sync_process_failures_total >= 4")
sql("DROP TRIGGER prueba_sin_escritura")
t.check(pass_now(), "una pasada con la base escribible")
st, h = healthz()
t.check(st == 200 and "fallos_sin_registrar" not in h.get("sync", {}),
        "se recupera: 200 (%s %s)" % (st, h))
t.check(metric("segcont_sync_unrecorded_failures") == 0 and metric("segcont_sync_degraded") == 0,
        "y /metrics vuelve a 0")

print("2. un mensaje guardado cortado dentro de un carácter UTF-8")
sql("UPDATE sync_estado SET ultimo_error = CAST(X'66616c6c6f206c6120636f6e657869c3' AS TEXT),"
    " degradado_desde = CAST(X'323032342d30352d303254c3' AS TEXT)")
time.sleep(0.4)  # another process wrote: seen within 250 ms
st, h = healthz()
t.check(st == 503 and isinstance(h, dict) and h.get("estado") == "degradado",
        "503 con cuerpo JSON, no vacío (%s %r)" % (st, h))
if isinstance(h, dict):
    t.check(h["sync"]["ultimo_error"] == "fallo la conexi?", "ultimo_error reparado: %r"
            % h["sync"]["ultimo_error"])
    t.check(h["mensaje"] == "sincronización degradada desde 2024-05-02T?", "mensaje: %r"
            % h["mensaje"])
sql("UPDATE sync_estado SET degradado_desde = ''")
time.sleep(0.4)
st, h = healthz()
t.check(st == 200, "sin degradación: 200 otra vez (%s)" % st)

print("3. la salida de las fallas: base ocupada, error interno")
before = t.db_dump(db)
v = t.api(B, "GET", "/api/radicados/" + numero, token=DIR)[2]["seguimiento"]["version"]
con = sqlite3.connect(db, timeout=1, isolation_level=None)
con.execute("BEGIN IMMEDIATE")
start = time.time()
st, h, b = t.api(B, "PATCH", "/api/radicados/" + numero, token=DIR,
                 body={"version": v, "observaciones": "con la base tomada"}, timeout=30)
con.execute("ROLLBACK")
con.close()
t.check(st == 503 and b["error"]["codigo"] == "base_ocupada" and h.get("retry-after") == "1",
        "base bloqueada por otro proceso: 503 base_ocupada, Retry-After: 1 (%s %s, %.1f s)"
        % (st, b, time.time() - start))
sql("CREATE TRIGGER prueba_falla BEFORE UPDATE ON seguimiento BEGIN"
    " SELECT RAISE(ABORT, 'detalle-interno-de-la-prueba'); END")
time.sleep(0.4)
st, h, b = t.api(B, "PATCH", "/api/radicados/" + numero, token=DIR,
                 body={"version": v, "observaciones": "falla al escribir"})
t.check(st == 500 and b["error"]["codigo"] == "error_interno" and
        "detalle-interno" not in json.dumps(b) and "retry-after" not in h,
        "una escritura que falla: 500 error_interno sin detalles (%s %s)" % (st, b))
sql("DROP TRIGGER prueba_falla")
log = open(os.path.join(work, "serve.log")).read()
t.check("detalle-interno-de-la-prueba" in log and "PATCH /api/radicados/{numero}" in log,
        "la causa queda en el registro, con la ruta")
t.check(t.db_dump(db) == before, "ninguna de las dos cambió la base")

print("4. una base dañada")
if os.path.exists(os.path.join(t.ROOT, "connector", "store_health_stub.c")):
    print("  (omitido: store_health_stub.c sigue en lugar de la verificación de store.c)")
else:
    env["proc"].terminate()
    env["proc"].wait(timeout=10)
    size = os.path.getsize(db)
    page = 4096
    # a leaf of the filings' table, in the middle of it (not sync_estado): a page in the
    # middle of the file can be a free one, whose bytes no check reads
    try:
        con = sqlite3.connect(db)
        leaves = [r[0] for r in con.execute("SELECT pageno FROM dbstat WHERE name = 'radicado'"
                                            " AND pagetype = 'leaf' ORDER BY pageno")]
        con.close()
    except sqlite3.Error:
        leaves = []
    pageno = leaves[len(leaves) // 2] if leaves else size // page // 2 + 1
    with open(db, "r+b") as f:
        f.seek((pageno - 1) * page)
        f.write(b"\xa5" * page)
    proc = t.start_serve(conf, work)
    t.wait_healthz(B)
    st, h = healthz()
    t.check(st == 503 and isinstance(h, dict) and h.get("base_de_datos") == "corrupta",
            "base dañada: 503 corrupta (%s %s)" % (st, h))
    t.check(metric("segcont_database_corrupt") in (0, 1), "/metrics dice segcont_database_corrupt")
t.finish()
