"""Sync from the CMIS simulator (build/fakecmis, Browser Binding over JSON on 127.0.0.1) with the
shipped profile mappings/cmis-browser.json, compared field by field with what the repository
holds (its /control/dump and its own query answers):
1. the backfill by query windows, paged to the end under a page cap smaller than maxItems,
   multi-valued senders, and the same through the verbose form (tests/data/mappings/
   cmis-verbose.json: properties.X.value instead of succinctProperties);
2. the change log: created, updated, a move out of the office (updated, not deleted), deleted
   (eliminado_sgd and a cambio_sgd entry), restored when it reappears, other object types and
   security events ignored; pages whose token is the next one or the last event's own
   (--change-token last, with and without paging.repeats_last);
3. an expired token (invalidArgument and constraint) read again as a query over the gap;
4. 30 % faults of every kind under `segcont serve`, which survives with an exact result; a
   wrong password reported in Spanish without a storm of retries;
5. kill -9 of the daemon during a backfill of thousands of filings and during the change log:
   restarted, nothing lost or duplicated and the cursor resumes; /healthz and /metrics show
   the token cursor while it happens;
6. numbers of other systems (fakecmis --numeros sjd and servicio) through sync, GET
   /api/radicados/{numero}, the search and both exports, as text.
Run from the repository root (tests/run.sh does): python3 tests/integration/test_sync_cmis.py"""
import collections
import csv
import datetime
import http.client
import io
import json
import os
import re
import signal
import sqlite3
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
import zipfile

import segtest as t

MAPPING = os.path.join(t.ROOT, "mappings", "cmis-browser.json")
VERBOSE = os.path.join(t.ROOT, "tests", "data", "mappings", "cmis-verbose.json")
REPEATS = os.path.join(t.ROOT, "tests", "data", "mappings", "cmis-repite.json")
FIELDS = t.DS_FIELDS + ["id_sgd"]
OFFICE_QUERY = "SELECT * FROM sgd:radicado WHERE sgd:dependenciaActual = '342'"
BOGOTA = datetime.timezone(datetime.timedelta(hours=-5))
TIPOS = {"1": "salida", "2": "entrada", "3": "interna"}
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
TEXT_FORMAT = "49"
STARTED = time.monotonic()


class Env:
    """A fakecmis, a configuration for it (the shipped profile unless mapping says) and the
    database path; serve() starts `segcont serve` on it."""

    def __init__(self, name, *fargs, mapping=MAPPING, backfill="2024-01-02",
                 password=t.CMIS_PASSWORD, **config):
        self.work = t.tmpdir(name)
        self.cmis = t.FakeCMIS(self.work, *fargs)
        extra = {"document_system__mapping": mapping, "document_system__user": t.CMIS_USER,
                 "document_system__poll_interval": "3600"}
        extra.update(config)
        self.conf = t.write_config(self.work, self.cmis.repository_url, backfill, **extra)
        self.set_password(password)
        self.db = os.path.join(self.work, "segcont.db")
        self.proc = None
        self.base = None
        self.admin = None
        with open(self.conf) as f:
            self.port = int(re.search(r"^port = (\d+)$", f.read(), re.M).group(1))

    def set_password(self, password):
        with open(os.path.join(self.work, "ds.key"), "w") as f:
            f.write(password + "\n")

    def sync(self):
        rc, out, err = t.run_segcont("sync", "--once", "-c", self.conf, timeout=120)
        self.last_err = err
        return rc, out, err

    def serve(self):
        self.proc = t.start_serve(self.conf, self.work)
        self.base = "http://127.0.0.1:%d" % self.port
        t.wait_healthz(self.base)
        return self.proc

    def trigger(self):
        if self.admin is None:
            self.admin = t.add_user(self.conf, "Admin Soto", "admin")[1]
        st, _, _ = t.api(self.base, "POST", "/api/sync", token=self.admin, body={})
        return st

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=20)
        return self.proc.returncode

    def state(self):
        con = sqlite3.connect(self.db)
        con.row_factory = sqlite3.Row
        try:
            r = con.execute("SELECT * FROM sync_estado").fetchone()
            return dict(r) if r else {}
        except sqlite3.OperationalError:
            return {}
        finally:
            con.close()

    def count(self):
        try:
            return t.db_query(self.db, "SELECT count(*) FROM radicado")[0][0]
        except sqlite3.OperationalError:
            return 0

    def log(self):
        with open(os.path.join(self.work, "serve.log"), "rb") as f:
            return f.read().decode("utf-8", "replace")

    def next_token(self):
        """The token a client that read the whole log holds (--change-token next)."""
        return str(int(self.cmis.token()) + 1)


def why(rc, err):
    """The end of a failed command's log, on one line (nothing when it succeeded)."""
    return "" if rc == 0 else " (estado %d): %s" % (rc, err[-400:].replace("\n", " | "))


def wait_until(what, fn, timeout=30, step=0.05):
    end = time.time() + timeout
    while time.time() < end:
        v = fn()
        if v:
            return v
        time.sleep(step)
    raise RuntimeError("no ocurrió a tiempo: " + what)


def stored_form(f):
    """A filing of the dump as segcont stores it (the profile names no area and no path)."""
    return dict(f, ruta="", dependencia_origen_nombre="", id_sgd=f["object_id"])


def expected_of(env, moved=(), deleted=None):
    """What the store must hold: the office's filings now, the stored ones that moved out as
    they are now, and the deleted ones as they were when deleted."""
    office = env.cmis.dump("342")
    every = env.cmis.dump() if moved else {}
    exp = {n: stored_form(f) for n, f in office.items()}
    for n in moved:
        if n in every:
            exp[n] = stored_form(every[n])
    for n, f in (deleted or {}).items():
        exp.setdefault(n, stored_form(f))
    return exp


def compare(env, what, moved=(), deleted=None):
    print("  (%s)" % what)
    got = t.compare_with_dataset(env.db, expected_of(env, moved, deleted), FIELDS)
    marked = {r[0] for r in t.db_query(env.db, "SELECT numero FROM radicado WHERE eliminado_sgd IS NOT NULL")}
    t.check(marked == set(deleted or {}), "%s: eliminado_sgd exactamente en los eliminados (%d, se esperan %d)"
            % (what, len(marked), len(deleted or {})))
    return got


def from_properties(props, succinct):
    """A query result's properties as segcont's fields, read independently of the dump."""
    def val(name):
        v = props.get(name)
        return v if succinct or v is None else v.get("value")
    rem = val("sgd:remitente")
    ms = val("sgd:fechaRadicado")
    return {
        "numero": val("sgd:numeroRadicado"),
        "tipo_radicado": TIPOS.get(val("sgd:tipoRadicado"), "otro"),
        "fecha_radicacion": datetime.datetime.fromtimestamp(ms / 1000, BOGOTA).isoformat(),
        "asunto": val("sgd:asunto") or "",
        "folios": int(val("sgd:folios") or 0),
        "ruta": "",
        "dependencia_origen": val("sgd:dependenciaRadicadora") or "",
        "dependencia_origen_nombre": "",
        "dependencia_actual": val("sgd:dependenciaActual") or "",
        "remitente": "; ".join(rem) if isinstance(rem, list) else (rem or ""),
        "tipo_documental": val("sgd:tipoDocumental") or "",
        "estado_ds": val("sgd:estado") or "vigente",
        "id_sgd": val("cmis:objectId"),
    }


class Control:
    """The control API over one kept-alive connection (hundreds of changes in a second)."""

    def __init__(self, cmis):
        self.conn = http.client.HTTPConnection("127.0.0.1", cmis.port, timeout=15)

    def post(self, path, body):
        self.conn.request("POST", path, body=json.dumps(body).encode(),
                          headers={"Content-Type": "application/json"})
        r = self.conn.getresponse()
        data = json.loads(r.read().decode())
        if r.status >= 300:
            raise RuntimeError("%s %r: %d %r" % (path, body, r.status, data))
        return data

    def close(self):
        self.conn.close()


def new_filing(day, dependencia="342", asunto="Solicitud de certificación contractual"):
    return {"fecha_radicacion": day + "T10:15:00-05:00", "asunto": asunto, "folios": 3,
            "dependencia_actual": dependencia, "remitente": ["Ana Ruiz", "Luis Gómez"],
            "tipo_documental": "1100"}


# ---------------------------------------------------------------------------------------
print("1. carga inicial por consultas, paginada bajo un tope de 37 por página")
A = Env("cmis-a", "--seed", "11", "--from", "2024-01-02", "--to", "2024-04-30",
        "--per-day", "16", "--page-cap", "37")
token_before = A.cmis.token()
rc, out, err = A.sync()
t.check(rc == 0, "sync --once termina bien" + why(rc, err))
t.check("sincronización completa" in out, "sync --once informa la pasada: %s" % out.strip()[:200])
office = compare(A, "carga inicial")
t.check(len(office) > 900, "la carga trae cientos de radicados de la oficina (%d)" % len(office))
stats = A.cmis.control("/control/stats")
t.check(stats["by_selector"]["query"] >= len(office) // 37 + 1,
        "las consultas se leen a páginas de 37 hasta el final (%d consultas para %d radicados)"
        % (stats["by_selector"]["query"], len(office)))
t.check(stats["by_selector"]["repositoryInfo"] == 1, "el token se toma una vez, antes de la carga")
st = A.state()
t.check(st.get("cursor_tipo") == "token" and st.get("cursor") == str(int(token_before) + 1),
        "al terminar el cursor es el token siguiente al que había antes de la carga (%r %r)"
        % (st.get("cursor_tipo"), st.get("cursor")))
t.check(st.get("token_pendiente") == "", "sin token pendiente al terminar la carga")

# The repository's own answers, succinct and verbose, read without the dump.
results, pages = A.cmis.query_all(OFFICE_QUERY)
t.check(pages > 1, "la consulta propia también necesita varias páginas (%d)" % pages)
verbose, _ = A.cmis.query_all(OFFICE_QUERY, succinct=False)
got = t.db_filings(A.db, FIELDS)
from_query = {}
for r in results:
    f = from_properties(r["succinctProperties"], True)
    from_query[f["numero"]] = f
from_verbose = {}
for r in verbose:
    f = from_properties(r["properties"], False)
    from_verbose[f["numero"]] = f
t.check(from_query == from_verbose, "las formas succinct y verbose del repositorio dicen lo mismo")
diffs = ["%s.%s: %r / %r" % (n, k, f[k], got.get(n, {}).get(k))
         for n, f in from_query.items() for k in FIELDS if got.get(n, {}).get(k) != f[k]]
t.check(len(from_query) == len(got) and not diffs,
        "cada campo de la base coincide con la respuesta de la consulta (%d, %d diferencias: %s)"
        % (len(from_query), len(diffs), diffs[:3]))
multi = [r["succinctProperties"]["sgd:remitente"] for r in results
         if isinstance(r["succinctProperties"].get("sgd:remitente"), list)]
t.check(any(len(m) >= 2 for m in multi) and any(len(m) == 1 for m in multi),
        "hay remitentes multivaluados de dos nombres y de uno (%d listas)" % len(multi))
t.check(all(got[from_properties(r["succinctProperties"], True)["numero"]]["remitente"] ==
            "; ".join(r["succinctProperties"]["sgd:remitente"]) for r in results
            if isinstance(r["succinctProperties"].get("sgd:remitente"), list)),
        "un remitente multivaluado se guarda con los nombres unidos por «; »")

print("1b. la misma carga con la forma verbose (properties.X.value)")
V = Env("cmis-v", "--seed", "11", "--from", "2024-01-02", "--to", "2024-04-30",
        "--per-day", "16", "--page-cap", "37", mapping=VERBOSE)
rc, out, err = V.sync()
t.check(rc == 0, "sync --once con cmis-verbose.json termina bien" + why(rc, err))
t.check(t.db_filings(V.db, FIELDS) == got, "la forma verbose guarda exactamente lo mismo que la succinct")

# ---------------------------------------------------------------------------------------
print("2. registro de cambios: creados, modificados, movidos, eliminados, otros tipos")
dump_all = A.cmis.dump()
office = A.cmis.dump("342")
nums = sorted(office)
c = Control(A.cmis)
n_upd, n_move, n_del, n_annex, n_sec, n_annul, n_back = nums[10], nums[20], nums[30], nums[40], nums[50], nums[60], nums[70]
outsider = next(n for n, f in sorted(dump_all.items()) if f["dependencia_actual"] != "342")
hash_sec = t.db_query(A.db, "SELECT hash_ds FROM radicado WHERE numero = ?", n_sec)
hash_annex = t.db_query(A.db, "SELECT hash_ds FROM radicado WHERE numero = ?", n_annex)
c.post("/control/update", {"numero": n_upd, "asunto": "Asunto corregido – “contrato 12”", "folios": 9})
c.post("/control/update", {"numero": n_move, "dependencia_actual": "110"})
deleted = {n_del: office[n_del]}
c.post("/control/remove", {"numero": n_del})
c.post("/control/add", {"tipo": "sgd:anexo", "numero": n_annex, "nombre": "anexo.pdf",
                        "mime": "application/pdf", "bytes": 1200})
c.post("/control/add", {"tipo": "cmis:document", "nombre": "acta.docx",
                        "mime": "application/msword", "bytes": 900})
c.post("/control/security", {"numero": n_sec})
c.post("/control/annul", {"numero": n_annul, "estado": "anulado"})
c.post("/control/update", {"numero": outsider, "dependencia_actual": "342"})
added = c.post("/control/add", new_filing("2024-04-29"))
foreign = c.post("/control/add", new_filing("2024-04-29", "110"))
back = c.post("/control/remove", {"numero": n_back})
rc, out, err = A.sync()
t.check(rc == 0, "la pasada de cambios termina bien" + why(rc, err))
t.check(" 2 eliminados" in out, "sync --once cuenta los dos eliminados: %s" % out.strip())
deleted[n_back] = office[n_back]
compare(A, "tras los cambios", moved=[n_move], deleted=deleted)
row = t.db_filings(A.db, FIELDS)
t.check(row[n_move]["dependencia_actual"] == "110", "el radicado que salió de la oficina se actualiza, no se borra")
t.check(row[added["numero"]]["asunto"] == added["asunto"], "el creado llega con su asunto")
t.check(foreign["numero"] not in row, "un creado de otra dependencia no se guarda")
t.check(row[outsider]["dependencia_actual"] == "342", "el que entra a la oficina se guarda")
t.check(row[n_annul]["estado_ds"] == "anulado", "la anulación llega")
t.check(t.db_query(A.db, "SELECT hash_ds FROM radicado WHERE numero = ?", n_annex) == hash_annex,
        "un sgd:anexo con el número del radicado no lo toca")
t.check(t.db_query(A.db, "SELECT hash_ds FROM radicado WHERE numero = ?", n_sec) == hash_sec,
        "un cambio de seguridad no toca el radicado")
entries = t.db_query(A.db, "SELECT r.numero, g.texto FROM gestion g JOIN radicado r ON r.id = g.radicado_id"
                     " WHERE g.tipo = 'cambio_sgd' AND r.numero IN (?, ?)", n_del, n_back)
t.check(sorted(n for n, _ in entries) == sorted([n_del, n_back]) and
        all("elimin" in x for _, x in entries),
        "cada eliminado tiene una gestión cambio_sgd que lo dice: %r" % entries)
t.check(A.state().get("cursor") == A.next_token(), "el cursor queda en el token siguiente del registro")

print("2b. el eliminado que reaparece se restaura; una pasada más no cambia nada")
back["remitente"] = back.pop("remitente_cmis", back.get("remitente"))
for k in ("creado_ms", "modificado_ms"):
    back.pop(k, None)
c.post("/control/add", back)
rc, out, err = A.sync()
del deleted[n_back]
compare(A, "tras la restauración", moved=[n_move], deleted=deleted)
entries = t.db_query(A.db, "SELECT g.texto FROM gestion g JOIN radicado r ON r.id = g.radicado_id"
                     " WHERE g.tipo = 'cambio_sgd' AND r.numero = ? ORDER BY g.id", n_back)
t.check(len(entries) == 2 and "elimin" in entries[1][0],
        "la restauración deja su propia gestión cambio_sgd: %r" % entries)
before = t.db_dump(A.db)
rc, out, err = A.sync()
t.check(rc == 0 and " 0 nuevos, 0 cambiados" in out, "una pasada sin cambios no escribe nada: %s" % out.strip())
t.check(t.db_dump(A.db) == before, "la base queda igual (el último cambio, visto dos veces, no se repite)")
c.close()

print("2c. --change-token last, con y sin paging.repeats_last")
for label, mapping in (("cmis-browser.json", MAPPING), ("cmis-repite.json", REPEATS)):
    L = Env("cmis-last", "--seed", "5", "--from", "2024-03-01", "--to", "2024-04-30",
            "--per-day", "6", "--page-cap", "7", "--change-token", "last", mapping=mapping)
    rc, out, err = L.sync()
    t.check(rc == 0, "%s: la carga termina bien%s" % (label, why(rc, err)))
    lo = sorted(L.cmis.dump("342"))
    cl = Control(L.cmis)
    for i, n in enumerate(lo[:20]):
        cl.post("/control/update", {"numero": n, "folios": 100 + i})
    cl.post("/control/update", {"numero": lo[21], "dependencia_actual": "310"})
    gone = {lo[22]: L.cmis.dump()[lo[22]]}
    cl.post("/control/remove", {"numero": lo[22]})
    for i in range(5):
        cl.post("/control/add", new_filing("2024-04-30", asunto="Nuevo %d" % i))
    cl.close()
    rc, out, err = L.sync()
    t.check(rc == 0, "%s: el registro de cambios termina bien%s" % (label, why(rc, err)))
    compare(L, label, moved=[lo[21]], deleted=gone)
    st = L.state()
    t.check(st.get("cursor") == L.cmis.token(), "%s: el cursor es el token del último cambio (%s)"
            % (label, st.get("cursor")))


# ---------------------------------------------------------------------------------------
print("3. un token que el repositorio ya no conserva: el hueco se lee por fecha de modificación")
E = Env("cmis-e", "--seed", "7", "--from", "2024-03-01", "--to", "2024-04-30", "--per-day", "8",
        "--page-cap", "50", "--log-keep", "30")
rc, out, err = E.sync()
t.check(rc == 0, "carga inicial" + why(rc, err))
eo = sorted(E.cmis.dump("342"))
ce = Control(E.cmis)
for i, n in enumerate(eo[:40]):
    ce.post("/control/update", {"numero": n, "asunto": "Revisado %d" % i})
ce.post("/control/update", {"numero": eo[41], "dependencia_actual": "211"})
for i in range(5):
    ce.post("/control/add", new_filing("2024-04-30", asunto="Llegó en el hueco %d" % i))
queries = E.cmis.control("/control/stats")["by_selector"]["query"]
rc, out, err = E.sync()
t.check(rc == 0, "invalidArgument: la pasada termina bien" + why(rc, err))
t.check("ya no conserva el token" in err, "invalidArgument: el aviso dice que el token ya no se conserva")
t.check(E.cmis.control("/control/stats")["by_selector"]["query"] > queries,
        "invalidArgument: el hueco se lee con una consulta")
compare(E, "invalidArgument, nada se pierde", moved=[eo[41]])
t.check(E.state().get("cursor") == E.next_token(), "invalidArgument: se sigue desde el token actual")

C = Env("cmis-c", "--seed", "8", "--from", "2024-03-01", "--to", "2024-04-30", "--per-day", "8",
        "--page-cap", "50", "--expired-error", "constraint")
rc, out, err = C.sync()
co = sorted(C.cmis.dump("342"))
cc = Control(C.cmis)
for i, n in enumerate(co[:10]):
    cc.post("/control/annul", {"numero": n, "estado": "anulacion_solicitada"})
cc.post("/control/update", {"numero": co[11], "dependencia_actual": "110"})
cc.post("/control/add", new_filing("2024-04-30"))
cc.post("/control/expire", {})
rc, out, err = C.sync()
t.check(rc == 0, "constraint (registro vaciado): la pasada termina bien" + why(rc, err))
t.check("ya no conserva el token" in err and "tampoco se conserva" in err,
        "constraint: el token nuevo tampoco se conserva (registro vacío) y se dice")
compare(C, "constraint, nada se pierde", moved=[co[11]])
cc.post("/control/update", {"numero": co[12], "folios": 77})
cc.post("/control/add", new_filing("2024-04-30", asunto="Después del vaciado"))
rc, out, err = C.sync()
t.check(rc == 0, "constraint: la pasada siguiente termina bien" + why(rc, err))
compare(C, "constraint, tras el cambio siguiente", moved=[co[11]])
rc, out, err = C.sync()
t.check(rc == 0 and "ya no conserva" not in err, "constraint: y después se sigue el registro sin aviso")
t.check(C.state().get("cursor") == C.next_token(), "constraint: el cursor es el token siguiente")
ce.close()
cc.close()

# ---------------------------------------------------------------------------------------
print("4. fallas: contraseña errónea, permiso denegado")
G = Env("cmis-g", "--seed", "3", "--from", "2024-04-01", "--to", "2024-04-30", "--per-day", "4",
        password="no-es-la-clave", document_system__poll_interval="5")
rc, out, err = G.sync()
unauth = G.cmis.control("/control/stats")["unauthorized"]
t.check(rc != 0, "sync --once con una contraseña errónea falla (estado %d)" % rc)
last_line = err.strip().split("\n")[-1]
t.check("rechazó las credenciales" in last_line and "clave-cmis" not in err,
        "el error se informa en español, sin la contraseña: %s" % last_line[:200])
t.check(1 <= unauth <= 2, "sin tormenta de reintentos: %d peticiones rechazadas" % unauth)
G.serve()
wait_until("la pasada con la contraseña errónea", lambda: (t.wait_healthz(G.base).get("sync", {}).get("error_de_clave")), 15)
g_unauth = G.cmis.control("/control/stats")["unauthorized"]
g_started = time.time()
H = Env("cmis-h", "--seed", "3", "--from", "2024-04-01", "--to", "2024-04-30", "--per-day", "4",
        "--auth-html", password="no-es-la-clave")
rc, out, err = H.sync()
t.check(rc != 0 and H.cmis.control("/control/stats")["unauthorized"] <= 2,
        "una página HTML de Tomcat con el 401 también es un error de clave sin reintentos")
D = Env("cmis-d", "--seed", "3", "--from", "2024-04-01", "--to", "2024-04-30", "--per-day", "4",
        "--fault-rate", "1", "--faults", "denied")
rc, out, err = D.sync()
t.check(rc != 0 and D.cmis.control("/control/stats")["requests"] == 1,
        "un 403 permissionDenied no se reintenta (%d peticiones)" % D.cmis.control("/control/stats")["requests"])

print("4b. 30 % de fallas de todo tipo bajo segcont serve")
F = Env("cmis-f", "--seed", "13", "--from", "2024-02-01", "--to", "2024-04-30", "--per-day", "10",
        "--page-cap", "40", "--fault-rate", "0.3", "--faults",
        "delay,reset,http500,http503,html,truncated,malformed,runtime", "--delay-ms", "300",
        "--fault-seed", "5", document_system__poll_interval="5")
F.serve()


def settled(env, tries):
    """Triggers passes until the cursor is the log's next token and no pass runs."""
    def done():
        h = t.wait_healthz(env.base).get("sync", {})
        if h.get("en_curso"):
            return False
        if h.get("cursor") == env.next_token() and h.get("cursor_tipo") == "token":
            return h
        tries[0] += 1
        env.trigger()
        time.sleep(0.3)
        return False
    return wait_until("la sincronización al día", done, 60, 0.1)


tries = [0]
settled(F, tries)
compare(F, "carga con fallas")
ff = Control(F.cmis)
fo = sorted(F.cmis.dump("342"))
for i, n in enumerate(fo[:60]):
    ff.post("/control/update", {"numero": n, "folios": 200 + i})
ff.post("/control/update", {"numero": fo[61], "dependencia_actual": "110"})
f_gone = {fo[62]: F.cmis.dump()[fo[62]]}
ff.post("/control/remove", {"numero": fo[62]})
for i in range(8):
    ff.post("/control/add", new_filing("2024-04-30", asunto="Con fallas %d" % i))
ff.close()
F.trigger()
settled(F, tries)
compare(F, "cambios con fallas", moved=[fo[61]], deleted=f_gone)
fs = F.cmis.control("/control/stats")
kinds = fs["faults_by_kind"]
t.check(all(kinds[k] > 0 for k in ("delay", "reset", "http500", "http503", "html", "truncated",
                                   "malformed", "runtime")),
        "hubo fallas de cada tipo: %r" % kinds)
t.check(0.2 < fs["faults"] / fs["requests"] < 0.45, "cerca del 30 %% de las peticiones fallaron (%d de %d)"
        % (fs["faults"], fs["requests"]))
t.check(F.proc.poll() is None, "segcont serve sigue vivo")
t.check(F.stop() == 0, "y se detiene limpio con SIGTERM")


# ---------------------------------------------------------------------------------------
print("5. kill -9 durante la carga inicial de miles de radicados")
K = Env("cmis-k", "--seed", "17", "--from", "2024-01-02", "--to", "2024-07-31", "--per-day", "40",
        "--page-cap", "25", "--fault-rate", "1", "--faults", "delay", "--delay-ms", "12",
        document_system__poll_interval="5")
k_token = K.cmis.token()
K.serve()
wait_until("600 radicados guardados", lambda: K.count() >= 600, 30, 0.01)
h = t.wait_healthz(K.base).get("sync", {})
t.check(h.get("cursor_tipo") == "fecha" and h.get("token_pendiente") == k_token,
        "/healthz durante la carga: cursor_tipo fecha y token_pendiente %s (%s, %s)"
        % (k_token, h.get("cursor_tipo"), h.get("token_pendiente")))
st, _, metrics = t.api(K.base, "GET", "/metrics")
t.check('segcont_sync_cursor_kind{tipo="fecha"} 1' in metrics and "segcont_sync_token_pending 1" in metrics,
        "/metrics durante la carga: segcont_sync_cursor_kind fecha y segcont_sync_token_pending 1")
# Changes while the backfill runs: after the token, so the change log brings them.
first = t.db_query(K.db, "SELECT numero FROM radicado ORDER BY fecha_radicacion LIMIT 2")
ck = Control(K.cmis)
ck.post("/control/update", {"numero": first[0][0], "asunto": "Cambiado durante la carga"})
ck.post("/control/update", {"numero": first[1][0], "dependencia_actual": "110"})
ck.post("/control/add", new_filing("2024-01-03", asunto="Creado durante la carga"))
k_moved = [first[1][0]]
wait_until("1500 radicados guardados", lambda: K.count() >= 1500, 30, 0.01)
K.kill9()
killed = K.state()
at_kill = K.count()
total = len(K.cmis.dump("342"))
t.check(killed.get("cursor_tipo") == "fecha" and killed.get("cursor", "") > "2024-01-02"
        and killed.get("token_pendiente") == k_token,
        "tras el kill: cursor fecha %s, token pendiente %s (%d de %d radicados)"
        % (killed.get("cursor"), killed.get("token_pendiente"), at_kill, total))
t.check(at_kill < total, "el kill llegó a mitad de la carga")
K.cmis.faults(0)
queries = K.cmis.control("/control/stats")["by_selector"]["query"]
K.serve()
settled(K, [0])
t.check("se retoma la carga inicial en %s" % killed.get("cursor") in K.log(),
        "al reiniciar se retoma la carga desde el cursor %s" % killed.get("cursor"))
again = K.cmis.control("/control/stats")["by_selector"]["query"] - queries
t.check(again < (total - at_kill) // 25 + 60 and again < total // 25,
        "y no se vuelve a consultar lo ya guardado (%d consultas tras reiniciar; la carga entera pide %d o más)"
        % (again, total // 25))
compare(K, "tras kill -9 en la carga", moved=k_moved)
h = t.wait_healthz(K.base).get("sync", {})
t.check(h.get("cursor_tipo") == "token" and "token_pendiente" not in h and h.get("eliminados_sgd") == 0,
        "/healthz al terminar: cursor_tipo token, sin token_pendiente, eliminados_sgd 0")
K.stop()

print("5b. kill -9 durante el registro de cambios")
ko = sorted(K.cmis.dump("342"))
k_gone = {}
every = K.cmis.dump()
log0 = int(K.cmis.token())
for i, n in enumerate(ko[:900]):
    ck.post("/control/update", {"numero": n, "folios": 1000 + i})
for n in ko[900:930]:
    ck.post("/control/update", {"numero": n, "dependencia_actual": "211"})
    k_moved.append(n)
for n in ko[930:950]:
    k_gone[n] = every[n]
    ck.post("/control/remove", {"numero": n})
for i in range(100):
    ck.post("/control/add", new_filing("2024-07-31", asunto="Nuevo en el registro %d" % i))
ck.close()
log1 = int(K.cmis.token())
K.cmis.faults(1, ["delay"], delay_ms=30)
K.serve()
wait_until("el cursor avanza en el registro", lambda: K.state().get("cursor", "0").isdigit()
           and int(K.state()["cursor"]) > log0 + 300, 30, 0.01)
K.kill9()
mid = int(K.state()["cursor"])
t.check(log0 < mid < log1, "el kill llegó a mitad del registro (cursor %d entre %d y %d)" % (mid, log0, log1))
K.cmis.faults(0)
K.serve()
settled(K, [0])
compare(K, "tras kill -9 en el registro", moved=k_moved, deleted=k_gone)
# One cambio_sgd entry for each change of a filing the office knew, none twice.
want = collections.Counter([first[0][0], first[1][0]] + ko[:950])
seen = collections.Counter(dict(t.db_query(
    K.db, "SELECT r.numero, count(*) FROM gestion g JOIN radicado r ON r.id = g.radicado_id"
    " WHERE g.tipo = 'cambio_sgd' GROUP BY r.numero")))
off = sorted(n for n in set(want) | set(seen) if want[n] != seen[n])
t.check(not off, "una gestión cambio_sgd por cada cambio, ninguna repetida (%d de %d distintas: %s)"
        % (len(off), sum(want.values()), off[:3]))
h = t.wait_healthz(K.base).get("sync", {})
t.check(h.get("eliminados_sgd") == 20, "/healthz: eliminados_sgd 20 (%s)" % h.get("eliminados_sgd"))
st, _, metrics = t.api(K.base, "GET", "/metrics")
t.check("segcont_radicados_eliminados_sgd 20" in metrics and
        'segcont_sync_cursor_kind{tipo="token"} 1' in metrics and "segcont_sync_token_pending 0" in metrics,
        "/metrics: segcont_radicados_eliminados_sgd 20, cursor token, sin token pendiente")
t.check(K.stop() == 0, "segcont serve se detiene limpio")

print("4c. la contraseña errónea bajo serve: ninguna petición más en el intervalo")
# The poll interval is 5 s: by now a second pass would have run without the backoff.
time.sleep(max(0.0, 5.6 - (time.time() - g_started)))
t.check(G.cmis.control("/control/stats")["unauthorized"] == g_unauth,
        "serve no reintenta una clave rechazada en la pasada siguiente (%d peticiones rechazadas)" % g_unauth)
h = t.wait_healthz(G.base).get("sync", {})
t.check(h.get("error_de_clave") is True and "credenciales" in h.get("ultimo_error", ""),
        "/healthz: error_de_clave y el error en español: %s" % h.get("ultimo_error", "")[:160])
G.stop()


# ---------------------------------------------------------------------------------------
print("6. números de otros sistemas de punta a punta (el patrón de cmis-browser.json los admite)")
today = t.today_bogota()
desde = (today - datetime.timedelta(days=60)).isoformat()
for shape, form in (("sjd", r"^[0-9]-[0-9]{4}-[0-9]{1,7}$"), ("servicio", r"^[0-9]{4}(ER|EE|IE)[0-9]{1,7}$")):
    N = Env("cmis-" + shape, "--seed", "21", "--numeros", shape,
            "--from", (today - datetime.timedelta(days=40)).isoformat(),
            "--to", (today - datetime.timedelta(days=1)).isoformat(), "--per-day", "3",
            backfill=(today - datetime.timedelta(days=45)).isoformat())
    rc, out, err = N.sync()
    t.check(rc == 0, "%s: sync --once termina bien%s" % (shape, why(rc, err)))
    got = compare(N, shape)
    t.check(got and all(re.match(form, n) for n in got), "%s: todos los números tienen esa forma (%s)"
            % (shape, sorted(got)[:2]))
    rc, out, err = t.run_segcont("reconcile", "-c", N.conf)
    director = t.add_user(N.conf, "Directora Gómez", "director")[1]
    N.serve()
    numero = sorted(got)[len(got) // 2]
    st, _, b = t.api(N.base, "GET", "/api/radicados/" + urllib.parse.quote(numero, safe=""), token=director)
    rad = b.get("radicado", {}) if isinstance(b, dict) else {}
    t.check(st == 200 and rad.get("numero") == numero and rad.get("eliminado_sgd") is None and
            rad.get("asunto") == got[numero]["asunto"],
            "%s: GET /api/radicados/%s (%s)" % (shape, numero, st))
    frag = numero[-5:]
    st, _, b = t.api(N.base, "GET", "/api/radicados?q=" + urllib.parse.quote(frag) + "&por_pagina=100",
                     token=director)
    found = [r["numero"] for r in b.get("radicados", [])] if st == 200 else []
    t.check(numero in found and all(frag.lower() in n.lower() for n in found),
            "%s: la búsqueda por %r lo encuentra (%d resultados)" % (shape, frag, len(found)))
    st, _, body = t.api(N.base, "GET", "/api/export.csv?desde=" + desde, token=director)
    text = body.lstrip("\ufeff") if isinstance(body, str) else ""
    firsts = {r[0] for r in list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))[1:] if r}
    t.check(st == 200 and {'="%s"' % n for n in got} <= firsts,
            "%s: export.csv lleva cada número como =\"…\" (%d filas)" % (shape, len(firsts)))
    req = urllib.request.Request(N.base + "/api/export.xlsx?desde=" + desde,
                                 headers={"Authorization": "Bearer " + director})
    with urllib.request.urlopen(req, timeout=30) as r:
        z = zipfile.ZipFile(io.BytesIO(r.read()))
    # shared strings, or none when every string is inline (constant_memory)
    strings = (["".join(x.itertext()) for x in
                ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS)]
               if "xl/sharedStrings.xml" in z.namelist() else [])
    xfs = ET.fromstring(z.read("xl/styles.xml")).find("m:cellXfs", NS).findall("m:xf", NS)
    col_a = {}
    for cell in ET.fromstring(z.read("xl/worksheets/sheet1.xml")).iter("{%s}c" % NS["m"]):
        ref = cell.get("r")
        if ref[0] == "A" and ref[1:].isdigit() and ref[1:] != "1":  # column A, not AA..AG
            v = cell.find("m:v", NS)
            fmt = xfs[int(cell.get("s", "0"))].get("numFmtId")
            if cell.get("t") == "inlineStr" and cell.find("m:is", NS) is not None:
                # an inline string is a string cell like a shared one
                col_a[ref] = ("s", "".join(cell.find("m:is", NS).itertext()), fmt)
                continue
            col_a[ref] = (cell.get("t"), strings[int(v.text)] if cell.get("t") == "s" else None,
                          fmt)
    t.check(set(got) <= {v for _, v, _ in col_a.values()} and
            all(k == "s" and fmt == TEXT_FORMAT for k, _, fmt in col_a.values()),
            "%s: export.xlsx: cada número es una celda de texto con formato Texto" % shape)
    N.stop()

print("duración: %.1f s" % (time.monotonic() - STARTED))

t.finish()
