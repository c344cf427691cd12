#!/usr/bin/env python3
"""gen_db.py -- builds the benchmark's database: N filings of the Contracting Office as fakeds
generates them (real-looking numbers, subjects, areas and senders), inserted directly into a
segcont database (schema from segcont itself), with a realistic follow-up: most old filings
concluded, some returned, recent ones pending, gestiones and audit rows for each step.
usage: gen_db.py WORKDIR N   -> WORKDIR/segcont.conf, segcont.db, token (the Director's),
token-abogado and abogado-id (the first lawyer's), numero (a filing in the middle) and palabra
(the commonest word of the subjects, for the search q=)"""
import datetime
import hashlib
import json
import collections
import os
import random
import sqlite3
import subprocess
import sys
import time
import unicodedata
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
SEGCONT = os.environ.get("SEGCONT_BIN") or os.path.join(ROOT, "build", "segcont")
FAKEDS = os.path.join(ROOT, "build", "fakeds")
OFFICE = "342"
SHARE_OFFICE = 0.75  # fakeds puts about a quarter of its filings in other dependencies
LAWYERS = ["Laura Camila Restrepo Vélez", "Juan Sebastián Ochoa Rincón", "Diana Marcela Quiroga Peña",
           "Felipe Andrés Bermúdez Gil", "Natalia Sofía Cárdenas Ibáñez", "Ricardo José Muñoz Arango"]


def fold(s):
    d = unicodedata.normalize("NFKD", s)
    return "".join(c for c in d if not unicodedata.combining(c)).lower()


def tipo_tramite(asunto):
    a = fold(asunto)
    if any(w in a for w in ("prorroga", "adicion", "modificacion", "suspension", "cesion", "reinicio")):
        return "novedad_contractual"
    if "liquidacion" in a or "terminacion" in a:
        return "liquidacion_terminacion"
    if "contratacion directa" in a or "prestacion de servicios" in a:
        return "contratacion_directa"
    if any(w in a for w in ("licitacion", "seleccion", "concurso", "minima cuantia", "subasta")):
        return "proceso_seleccion"
    return "otro"


def dump_from_fakeds(work, n):
    today = datetime.date.today()
    weekdays_needed = int(n / SHARE_OFFICE / 300) + 10
    start = today - datetime.timedelta(days=int(weekdays_needed * 7 / 5) + 3)
    portfile = os.path.join(work, "fakeds.port")
    log = open(os.path.join(work, "fakeds.log"), "wb")
    p = subprocess.Popen([FAKEDS, "--port", "0", "--port-file", portfile, "--max-seconds", "600",
                          "--seed", "2024", "--from", start.isoformat(), "--to", today.isoformat(),
                          "--per-day", "300"], stdout=log, stderr=log)
    try:
        for _ in range(600):
            if os.path.exists(portfile) and os.path.getsize(portfile) > 0:
                break
            time.sleep(0.05)
        port = int(open(portfile).read().strip())
        url = "http://127.0.0.1:%d/control/dump?dependencia=%s" % (port, OFFICE)
        with urllib.request.urlopen(url, timeout=120) as r:
            filings = json.loads(r.read().decode())["filings"]
    finally:
        p.terminate()
        p.wait(timeout=10)
    filings.sort(key=lambda f: f["numero"])
    if len(filings) < n:
        sys.exit("gen_db: fakeds generó %d radicados de la oficina, se pedían %d" % (len(filings), n))
    return filings[-n:]


def main():
    work, n = sys.argv[1], int(sys.argv[2])
    os.makedirs(work, exist_ok=True)
    db = os.path.join(work, "segcont.db")
    for f in (db, db + "-wal", db + "-shm"):
        if os.path.exists(f):
            os.unlink(f)
    key = os.path.join(work, "ds.key")
    with open(key, "w") as f:
        f.write("CLAVE-DEL-SERVICIO\n")
    os.chmod(key, 0o600)
    conf = os.path.join(work, "segcont.conf")
    threads = os.environ.get("BENCH_THREADS", str(os.cpu_count() or 2))
    with open(conf, "w") as f:
        # The document system points at a closed port: the poller fails once, then sleeps an
        # hour; the benchmark measures the HTTP side alone.
        f.write("[document_system]\nurl = http://127.0.0.1:9/webServices/servidor.php\n"
                "mapping = %s\ndependencia = %s\nkey_file = ds.key\npoll_interval = 3600\n"
                "timeout = 1\nbackfill_from = 2024-01-01\nmax_retries = 1\n"
                "[store]\npath = segcont.db\n[http]\nlisten = 127.0.0.1\nport = %s\nthreads = %s\n"
                "[log]\nlevel = warn\n"
                % (os.path.join(ROOT, "mappings", "orfeo-soap.json"), OFFICE,
                   os.environ.get("BENCH_PORT", "18080"), threads))

    def user(nombre, rol):
        out = subprocess.run([SEGCONT, "user", "add", "-c", conf, "--nombre", nombre, "--rol", rol,
                              "--json"], check=True, capture_output=True, text=True).stdout
        return json.loads(out)

    director = user("María Teresa Londoño Arias", "director")
    lawyers = [user(name, "abogado") for name in LAWYERS]
    lawyer_ids = [u["id"] for u in lawyers]
    user("Carolina Ospina Duarte", "apoyo")
    with open(os.path.join(work, "token"), "w") as f:
        f.write(director["token"] + "\n")
    with open(os.path.join(work, "token-abogado"), "w") as f:
        f.write(lawyers[0]["token"] + "\n")
    with open(os.path.join(work, "abogado-id"), "w") as f:
        f.write("%d\n" % lawyers[0]["id"])

    filings = dump_from_fakeds(work, n)
    rnd = random.Random(7)
    con = sqlite3.connect(db)
    con.execute("PRAGMA synchronous = OFF")
    rad_rows, seg_rows, ges_rows, aud_rows = [], [], [], []
    today = datetime.date.today()
    did = director["id"]
    for i, f in enumerate(filings, start=1):
        fecha = f["fecha_radicacion"]
        day = datetime.date.fromisoformat(fecha[:10])
        age = (today - day).days
        h = hashlib.sha256(json.dumps(f, sort_keys=True).encode()).hexdigest()
        rad_rows.append((i, f["numero"], f["tipo_radicado"], fecha, f["asunto"], int(f["folios"]),
                         f.get("ruta", ""), f["dependencia_origen"], f["dependencia_origen_nombre"],
                         f["dependencia_actual"], f["remitente"], f["tipo_documental"],
                         f["estado_ds"], 1, h, h, fecha, fecha, fold(f["asunto"])))
        tt = tipo_tramite(f["asunto"])
        r = rnd.random()
        if f["estado_ds"] == "anulado":
            estado = "anulado"
        elif age < 3:
            estado = "recibido" if r < 0.7 else "repartido"
        elif age < 20:
            estado = ["repartido", "en_revision", "devuelto", "concluido"][min(3, int(r * 4))]
        else:
            estado = "concluido" if r < 0.93 else ("devuelto" if r < 0.96 else "en_revision")
        abogado = fecha_rep = sat = fecha_con = None
        devol = 0
        version = 1
        t = datetime.datetime.fromisoformat(fecha)
        if estado not in ("recibido", "anulado"):
            abogado = rnd.choice(lawyer_ids)
            t += datetime.timedelta(hours=rnd.randint(2, 40))
            fecha_rep = t.isoformat()
            ges_rows.append((i, "reparto", did, fecha_rep, "", None, json.dumps({"abogado_id": abogado})))
            aud_rows += [(i, did, fecha_rep, "abogado_id", None, str(abogado)),
                         (i, did, fecha_rep, "estado", "recibido", "repartido")]
            version += 1
            if estado != "repartido":
                t += datetime.timedelta(hours=rnd.randint(4, 30))
                ges_rows.append((i, "observacion", abogado, t.isoformat(),
                                 "Revisados estudios previos y CDP.", None, None))
                version += 1
            if estado in ("devuelto", "concluido") and rnd.random() < 0.3:
                t += datetime.timedelta(hours=rnd.randint(4, 30))
                ges_rows.append((i, "devolucion", abogado, t.isoformat(),
                                 "Falta la certificación de disponibilidad presupuestal.", None, None))
                devol = 1
                version += 1
                if estado == "concluido":
                    t += datetime.timedelta(hours=rnd.randint(24, 120))
                    ges_rows.append((i, "reingreso", abogado, t.isoformat(), "El área remitió el CDP.",
                                     None, None))
                    version += 1
            if estado == "concluido":
                t += datetime.timedelta(hours=rnd.randint(4, 60))
                fecha_con = t.isoformat()
                sat = 1 if rnd.random() < 0.88 else 0
                ges_rows.append((i, "conclusion", abogado, fecha_con, "Concepto emitido.", sat, None))
                aud_rows.append((i, abogado, fecha_con, "estado", "en_revision", "concluido"))
                version += 1
        contrato = ("CD-%d-%04d" % (day.year, i % 10000)) if estado == "concluido" and tt != "otro" else ""
        valor = rnd.randrange(5, 900) * 1000000 if contrato else None
        seg_rows.append((i, tt, "", "", "", abogado, fecha_rep, estado, sat, fecha_con, contrato,
                         f["remitente"] if contrato else "", "", valor, devol, version, fecha, fecha))
    con.execute("BEGIN")
    con.executemany("INSERT INTO radicado (id, numero, tipo_radicado, fecha_radicacion, asunto, folios,"
                    " ruta, dependencia_origen, dependencia_origen_nombre, dependencia_actual, remitente,"
                    " tipo_documental, estado_ds, con_detalle, hash_ds, hash_lista, visto_primero,"
                    " visto_ultimo, asunto_busqueda) VALUES (%s)" % ",".join("?" * 19), rad_rows)
    con.executemany("INSERT INTO seguimiento (radicado_id, tipo_tramite, modalidad, novedad,"
                    " tipo_gestion, abogado_id, fecha_reparto, estado, concluido_satisfactorio,"
                    " fecha_conclusion, numero_contrato, contratista, objeto, valor, devoluciones,"
                    " version, creado, actualizado) VALUES (%s)" % ",".join("?" * 18), seg_rows)
    con.executemany("INSERT INTO gestion (radicado_id, tipo, usuario_id, fecha, texto, satisfactorio,"
                    " datos) VALUES (?, ?, ?, ?, ?, ?, ?)", ges_rows)
    con.executemany("INSERT INTO auditoria (radicado_id, usuario_id, fecha, campo, valor_anterior,"
                    " valor_nuevo) VALUES (?, ?, ?, ?, ?, ?)", aud_rows)
    con.execute("UPDATE sync_estado SET cursor = ?", (today.isoformat(),))
    con.commit()
    con.execute("ANALYZE")
    con.close()
    mid = filings[len(filings) // 2]["numero"]
    with open(os.path.join(work, "numero"), "w") as f:
        f.write(mid + "\n")
    # The search the bench asks for: the commonest word of six letters or more in the subjects
    # (a word most filings share, the hardest case for a text search).
    words = collections.Counter(w for r in rad_rows for w in set(r[18].split())
                                if len(w) >= 6 and w.isalpha())
    with open(os.path.join(work, "palabra"), "w") as f:
        f.write(words.most_common(1)[0][0] + "\n")
    print("gen_db: %d radicados, %d gestiones, %d filas de auditoría en %s" %
          (len(rad_rows), len(ges_rows), len(aud_rows), db))


if __name__ == "__main__":
    main()
