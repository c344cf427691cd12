"""Concurrency of the follow-up API: two clients PATCHing the same version (exactly one wins,
the other gets 409, the audit shows one change), then several writers at once while the
poller syncs new and changed filings from fakeds: no lost update, consistent versions, no
5xx, writes never blocked for long."""
import random
import threading
import time

import segtest as t

env = t.start_api("api-conc", days=20, per_day=6)
B, db, ds = env["base"], env["db"], env["ds"]
U = env["users"]
DIR, ABO, ABO2, ADM = U["director"][1], U["abogado"][1], U["abogado2"][1], U["admin"][1]
today = t.today_bogota().isoformat()


def call(method, path, token, body=None):
    return t.api(B, method, path, token=token, body=body, timeout=30)


def seguimiento(numero):
    return call("GET", "/api/radicados/" + numero, DIR)[2]["seguimiento"]


print("1. dos clientes, la misma versión")
numero = t.db_query(db, "SELECT numero FROM radicado ORDER BY numero LIMIT 1")[0][0]
st, h, b = call("POST", "/api/radicados/%s/reparto" % numero, DIR, {"abogado_id": U["abogado"][0]})
t.check(st == 200, "reparto para la carrera")
rounds = 15
wins = 0
bad = []
for r in range(rounds):
    v = seguimiento(numero)["version"]
    barrier = threading.Barrier(2)
    results = {}

    def patch(who, token):
        barrier.wait()
        results[who] = call("PATCH", "/api/radicados/" + numero, token,
                            {"version": v, "observaciones": "%s ronda %d" % (who, r)})

    ths = [threading.Thread(target=patch, args=(w, tk)) for w, tk in (("directora", DIR),
                                                                       ("abogada", ABO))]
    for th in ths:
        th.start()
    for th in ths:
        th.join(30)
    codes = sorted(x[0] for x in results.values())
    if codes != [200, 409]:
        bad.append((r, codes))
        continue
    wins += 1
    winner = [w for w, x in results.items() if x[0] == 200][0]
    loser = [x for x in results.values() if x[0] == 409][0]
    s = seguimiento(numero)
    if s["observaciones"] != "%s ronda %d" % (winner, r) or s["version"] != v + 1:
        bad.append((r, "valor", s["observaciones"], s["version"]))
    if loser[2]["error"]["codigo"] != "version_obsoleta":
        bad.append((r, "codigo", loser[2]))
t.check(wins == rounds and not bad, "cada ronda: exactamente un 200 y un 409 (%s)" % bad[:3])
aud = t.db_query(db, "SELECT count(*) FROM auditoria a JOIN radicado r ON r.id = a.radicado_id "
                 "WHERE r.numero = ? AND a.campo = 'observaciones'", numero)[0][0]
t.check(aud == rounds, "la auditoría muestra un cambio por ronda (%d de %d)" % (aud, rounds))

print("2. escritores concurrentes mientras el poller sincroniza")
added = []
for i in range(12):
    f = ds.control("/control/add", {"fecha_radicacion": "%s %02d:%02d:00" % (today, 7 + i // 6, i * 7 % 60),
                                    "asunto": "Solicitud de contratación directa %d" % i,
                                    "dependencia_actual": t.OFFICE})
    added.append(f["numero"])
passes = t.sync_passes(B)
st, h, b = call("POST", "/api/sync", ADM)
t.check(st == 202, "POST /api/sync: 202")
t.wait_sync_idle(B, passes)
have = {r[0] for r in t.db_query(db, "SELECT numero FROM radicado")}
t.check(set(added) <= have, "los radicados agregados llegan con la sincronización")
set_a, set_b = added[:6], added[6:]
for n in set_a:
    call("POST", "/api/radicados/%s/reparto" % n, DIR, {"abogado_id": U["abogado"][0]})
for n in set_b:
    call("POST", "/api/radicados/%s/reparto" % n, DIR, {"abogado_id": U["abogado2"][0]})
start_version = {n: seguimiento(n)["version"] for n in added}

lock = threading.Lock()
writes = {n: [] for n in added}   # (kind, marker, version returned)
errors = []
latencies = []
stop = threading.Event()


def note(n, kind, marker, status, body, took):
    with lock:
        latencies.append(took)
        if status >= 500:
            errors.append((n, kind, status, body))
        elif status in (200, 201):
            writes[n].append((kind, marker, body["seguimiento"]["version"]))
        elif status != 409:
            errors.append((n, kind, status, body))


def writer(name, token, numeros, seconds, seed):
    rnd = random.Random(seed)
    end = time.time() + seconds
    i = 0
    while time.time() < end:
        i += 1
        n = rnd.choice(numeros)
        marker = "%s-%d" % (name, i)
        if rnd.random() < 0.5:
            for _ in range(30):  # read, write with that version, re-read on 409
                v = seguimiento(n)["version"]
                t0 = time.time()
                st, h, b = call("PATCH", "/api/radicados/" + n, token,
                                {"version": v, "observaciones": marker})
                note(n, "patch", marker, st, b, time.time() - t0)
                if st != 409:
                    break
        else:
            t0 = time.time()
            st, h, b = call("POST", "/api/radicados/%s/gestiones" % n, token,
                            {"tipo": "observacion", "texto": marker})
            note(n, "gestion", marker, st, b, time.time() - t0)


def syncer():
    k = 0
    while not stop.is_set():
        f = ds.control("/control/add", {"fecha_radicacion": "%s 1%d:%02d:00" % (today, k % 6, k % 60),
                                        "asunto": "Solicitud de adición al contrato %d" % k,
                                        "dependencia_actual": t.OFFICE})
        added_later.append(f["numero"])
        if k % 3 == 0:  # the document system also changes filings the staff is working on
            ds.control("/control/update", {"numero": set_a[k % len(set_a)],
                                           "asunto": "Solicitud corregida %d" % k})
        st, h, b = call("POST", "/api/sync", ADM)
        if st != 202:
            errors.append(("sync", st, b))
        k += 1
        time.sleep(0.15)


added_later = []
WRITE_SECONDS = 4
threads = [threading.Thread(target=writer, args=("abogada1", ABO, set_a, WRITE_SECONDS, 1)),
           threading.Thread(target=writer, args=("abogada2", ABO, set_a, WRITE_SECONDS, 2)),
           threading.Thread(target=writer, args=("abogado", ABO2, set_b, WRITE_SECONDS, 3)),
           threading.Thread(target=writer, args=("directora", DIR, added, WRITE_SECONDS, 4))]
sync_thread = threading.Thread(target=syncer)
t0 = time.time()
sync_thread.start()
for th in threads:
    th.start()
for th in threads:
    th.join(120)
stop.set()
sync_thread.join(30)
print("   %d escrituras en %.1f s, %d radicados nuevos en el SGD, %d pasadas" %
      (sum(len(w) for w in writes.values()), time.time() - t0, len(added_later),
       t.sync_passes(B)))
t.check(not errors, "ninguna respuesta 5xx ni error inesperado (%s)" % errors[:3])
t.check(max(latencies) < 3.0, "ninguna escritura esperó más de 3 s (máx %.2f s)" % max(latencies))

passes = t.sync_passes(B)
call("POST", "/api/sync", ADM)
t.wait_sync_idle(B, passes)
have = {r[0] for r in t.db_query(db, "SELECT numero FROM radicado")}
missing = [n for n in added_later if n not in have]
t.check(not missing, "la sincronización trajo los %d radicados nuevos (faltan %s)" %
        (len(added_later), missing[:3]))
changed = t.db_query(db, "SELECT count(*) FROM gestion WHERE tipo = 'cambio_sgd'")[0][0]
t.check(changed >= 1, "el poller registró cambios del SGD en radicados en trabajo (%d)" % changed)

lost = []
for n in added:
    s = seguimiento(n)
    got = writes[n]
    versions = sorted(v for _, _, v in got)
    if versions != list(range(start_version[n] + 1, start_version[n] + 1 + len(got))):
        expect = set(range(start_version[n] + 1, start_version[n] + 1 + len(got)))
        dup = sorted(v for v in set(versions) if versions.count(v) > 1)
        lost.append((n, "versiones", "repetidas %s" % dup[:5],
                     "faltan %s" % sorted(expect - set(versions))[:5], len(got)))
    if s["version"] != start_version[n] + len(got):
        lost.append((n, "versión final", s["version"], start_version[n] + len(got)))
    patches = sorted((v, m) for k, m, v in got if k == "patch")
    if patches and s["observaciones"] != patches[-1][1]:
        lost.append((n, "último PATCH", s["observaciones"], patches[-1][1]))
    aud = t.db_query(db, "SELECT count(*) FROM auditoria a JOIN radicado r ON r.id = a.radicado_id "
                     "WHERE r.numero = ? AND a.campo = 'observaciones'", n)[0][0]
    if aud != len(patches):
        lost.append((n, "auditoría", aud, len(patches)))
    texts = sorted(r[0] for r in t.db_query(
        db, "SELECT g.texto FROM gestion g JOIN radicado r ON r.id = g.radicado_id "
        "WHERE r.numero = ? AND g.tipo = 'observacion'", n))
    if texts != sorted(m for k, m, v in got if k == "gestion"):
        lost.append((n, "gestiones", len(texts)))
t.check(not lost, "ninguna actualización perdida; versiones consecutivas (%s)" % lost[:3])
t.check(sum(len(w) for w in writes.values()) >= 120, "hubo escrituras suficientes")
t.finish()
