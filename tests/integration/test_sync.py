"""Sync against the simulated document system over real sockets: one `sync --once` of
about 2,000 filings gives exactly fakeds' filings of the office (every field) and none
of other dependencies'; then changes in fakeds are picked up by the next pass and
recorded; a wrong key is a configuration error."""
import datetime
import os

import segtest as t

today = t.today_bogota()
start = today - datetime.timedelta(days=120)
work = t.tmpdir("sync")
ds = t.FakeDS(work, "--seed", "11", "--from", start.isoformat(), "--to", today.isoformat(),
              "--per-day", "24")
conf = t.write_config(work, ds.url, (start - datetime.timedelta(days=3)).isoformat())
db = os.path.join(work, "segcont.db")

print("1. primera pasada")
rc, out, err = t.run_segcont("sync", "--once", "-c", conf)
t.check(rc == 0, "sync --once termina con 0 (rc=%d; %s)" % (rc, err[-500:]))
print("  ", out.strip())
everything = ds.dump()
office = ds.dump(t.OFFICE)
t.check(len(everything) >= 1900, "fakeds tiene ~2.000 radicados (%d)" % len(everything))
t.check(len(office) < len(everything), "fakeds tiene radicados de otras dependencias")
t.compare_with_dataset(db, office)
others = set(everything) - set(office)
stored = set(t.db_filings(db))
t.check(not (others & stored), "ningún radicado de otra dependencia en la base")
states = t.db_query(db, "SELECT estado, count(*) FROM seguimiento GROUP BY estado")
t.check(states == [("recibido", len(office))], "todo seguimiento nuevo está recibido: %s" % states)
kinds = dict(t.db_query(db, "SELECT tipo_tramite, count(*) FROM seguimiento GROUP BY 1"))
t.check(len(kinds) >= 4, "la clasificación reparte los trámites: %s" % kinds)
t.check(os.stat(db).st_mode & 0o077 == 0, "la base se crea con permisos 0600")
t.check("nuevos" in err or "nuevos" in out, "el registro dice cuántos fueron nuevos")

print("2. pasada sin cambios: nada nuevo, nada cambiado")
rc, out, err = t.run_segcont("sync", "--once", "-c", conf)
t.check(rc == 0 and " 0 nuevos, 0 cambiados" in out, "segunda pasada sin novedades: %s" % out.strip())
t.check(t.db_query(db, "SELECT count(*) FROM gestion")[0][0] == 0, "ninguna gestión espuria")

print("3. cambios en el sistema documental")
recent = sorted((f for f in office.values()
                 if f["fecha_radicacion"][:10] == today.isoformat()),
                key=lambda f: f["numero"])
if not recent:  # today may be a weekend: add one filed today
    recent = [ds.control("/control/add", {"fecha_radicacion": today.isoformat() + " 08:00:00",
                                          "asunto": "Solicitud de mínima cuantía",
                                          "dependencia_actual": t.OFFICE})]
    t.run_segcont("sync", "--once", "-c", conf)
target = recent[0]["numero"]
ds.control("/control/update", {"numero": target,
                               "asunto": "Solicitud de prórroga & adición — corregida"})
added = ds.control("/control/add", {"fecha_radicacion": today.isoformat() + " 09:30:00",
                                    "asunto": "Solicitud de contratación directa nueva",
                                    "dependencia_actual": t.OFFICE,
                                    "dependencia_origen": "211",
                                    "dependencia_origen_nombre": "Subdirección Financiera"})
rc, out, err = t.run_segcont("sync", "--once", "-c", conf)
t.check(rc == 0 and " 1 nuevos, 1 cambiados" in out, "la pasada ve 1 nuevo y 1 cambiado: %s" % out.strip())
t.compare_with_dataset(db, ds.dump(t.OFFICE))
g = t.db_query(db, "SELECT g.tipo, g.texto FROM gestion g JOIN radicado r ON r.id = g.radicado_id "
               "WHERE r.numero = ?", target)
t.check(len(g) == 1 and g[0][0] == "cambio_sgd" and "corregida" in g[0][1],
        "el cambio queda en gestion con el asunto nuevo: %s" % g)
t.check(t.db_query(db, "SELECT count(*) FROM radicado WHERE numero = ?", added["numero"])[0][0] == 1,
        "el radicado agregado llega")

print("4. el mismo sistema respondiendo en UTF-8 da la misma base")
ds8_dir = t.tmpdir("sync-utf8")
ds8 = t.FakeDS(ds8_dir, "--seed", "11", "--from", start.isoformat(), "--to", today.isoformat(),
               "--per-day", "24", "--encoding", "utf-8")
conf8 = t.write_config(ds8_dir, ds8.url, (start - datetime.timedelta(days=3)).isoformat())
rc, out, err = t.run_segcont("sync", "--once", "-c", conf8)
t.check(rc == 0, "sync --once contra respuestas UTF-8 termina bien")
t.compare_with_dataset(os.path.join(ds8_dir, "segcont.db"), office)
ds8.stop()

print("5. clave equivocada: error de configuración, sin reintentos")
with open(os.path.join(work, "ds.key"), "w") as f:
    f.write("CLAVE-EQUIVOCADA\n")
before = ds.control("/control/stats")["requests"]
rc, out, err = t.run_segcont("sync", "--once", "-c", conf)
after = ds.control("/control/stats")["requests"]
t.check(rc == 1, "sync --once termina con 1 cuando la clave es rechazada")
t.check("clave" in err and "key_file" in err, "el mensaje dice que revise la clave: %s" % err.strip()[-300:])
t.check(after - before == 1, "una clave rechazada no se reintenta (%d peticiones)" % (after - before))
t.check("CLAVE-EQUIVOCADA" not in err, "la clave no aparece en el registro")
t.finish()
