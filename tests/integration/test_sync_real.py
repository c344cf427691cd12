"""Sync from the simulated Orfeo answering as REAL installations do, one quirk at a time and
all together (fakeds --quirks): the final-period empty fault, no XML declaration with cp1252
or UTF-8 bytes under an ISO-8859-1 label, a stray newline before the envelope that loses its
final '>', a list that ignores the key, no window limit, a wrong key answered with an empty
Estructura, the detail without SGD_EANU_CODIGO and with NULL columns left out, the service's
own namespace. Each gives exactly the office's filings; a wrong key that is not reported is
still told apart; check-ds names each quirk and exits 0, and 1 for a list by number."""
import datetime
import os

import segtest as t

today = t.today_bogota()
start = today - datetime.timedelta(days=75)
ARGS = ["--seed", "23", "--from", start.isoformat(), "--to", today.isoformat(), "--per-day", "12"]
BACKFILL = (start - datetime.timedelta(days=2)).isoformat()


def expected(ds, quirks):
    """The office's filings as segcont must store them from these answers."""
    office = ds.dump(t.OFFICE)
    if "detalle-real" in quirks or "real" in quirks:
        # Real getInfoRadicado answers carry no SGD_EANU_CODIGO: annulment is not seen.
        office = {n: dict(f, estado_ds="vigente") for n, f in office.items()}
    return office


def sync_with(name, quirks, extra=()):
    print("%s: --quirks %s %s" % (name, ",".join(quirks), " ".join(extra)))
    work = t.tmpdir("real-" + name)
    ds = t.FakeDS(work, *(ARGS + ["--quirks", ",".join(quirks)] + list(extra)))
    conf = t.write_config(work, ds.url, BACKFILL)
    rc, out, err = t.run_segcont("sync", "--once", "-c", conf)
    t.check(rc == 0, "sync --once termina con 0 (rc=%d; %s)" % (rc, err.strip()[-400:]))
    t.compare_with_dataset(os.path.join(work, "segcont.db"), expected(ds, quirks))
    rc, out, err = t.run_segcont("sync", "--once", "-c", conf)
    t.check(rc == 0 and " 0 nuevos, 0 cambiados" in out,
            "la pasada siguiente no ve novedades: %s" % out.strip())
    return work, ds, conf


for name, quirks, extra in [
        ("punto-final", ["punto-final"], []),
        ("sin-declaracion-cp1252", ["sin-declaracion"], ["--encoding", "windows-1252"]),
        ("sin-declaracion-utf8", ["sin-declaracion"], ["--encoding", "utf-8"]),
        ("byte-extra", ["byte-extra"], []),
        ("lista-sin-clave", ["lista-sin-clave"], []),
        ("sin-limite", ["sin-limite"], []),
        ("clave-vacia", ["clave-vacia"], []),
        ("detalle-real", ["detalle-real"], ["--namespace", "https://orfeo.dnp.gov.co/webServices"]),
]:
    work, ds, conf = sync_with(name, quirks, extra)
    ds.stop()

print("todas juntas, y las cosas que solo una instalación real hace")
work, ds, conf = sync_with("real", ["real"], ["--encoding", "windows-1252",
                                              "--namespace", "https://orfeo.dnp.gov.co/webServices"])
db = os.path.join(work, "segcont.db")
dashes = t.db_query(db, "SELECT count(*) FROM radicado WHERE asunto LIKE '%–%' OR asunto LIKE '%“%'")
t.check(dashes[0][0] > 0, "los caracteres de cp1252 (– “ ”) llegan como UTF-8 (%d)" % dashes[0][0])

print("check-ds contra la instalación real")
rc, out, err = t.run_segcont("check-ds", "-c", conf, timeout=120)
t.check(rc == 0, "check-ds termina con 0 (rc=%d; %s)" % (rc, (out + err)[-600:]))
for text, what in [("WINDOWS-1252", "la codificación leída"),
                   ("no traen declaración XML", "la falta de declaración"),
                   ("salto de línea antes del sobre", "el byte extra y su arreglo"),
                   ("pierde su último «>»", "el «>» perdido"),
                   ("la lista no comprueba la clave", "la lista sin clave"),
                   ("una clave errónea no se informa", "la clave errónea silenciosa"),
                   ("classify.document_types", "la tabla de tipos documentales vacía"),
                   ("una sincronización funcionaría", "el resultado")]:
    t.check(text in out, "check-ds dice %s («%s»)" % (what, text))
t.check("tardó" in out or " s)" in out, "check-ds dice cuánto tardó")

print("clave errónea que el sistema no informa: error de configuración, nada guardado")
wrong = t.tmpdir("real-wrong-key")
conf2 = t.write_config(wrong, ds.url, BACKFILL)
with open(os.path.join(wrong, "ds.key"), "w") as f:
    f.write("CLAVE-EQUIVOCADA\n")
rc, out, err = t.run_segcont("sync", "--once", "-c", conf2)
t.check(rc == 1, "sync --once termina con 1 (rc=%d)" % rc)
t.check("probablemente" in err and "key_file" in err,
        "dice que la clave probablemente es errónea: %s" % err.strip()[-300:])
t.check(t.db_query(os.path.join(wrong, "segcont.db"), "SELECT count(*) FROM radicado")[0][0] == 0,
        "ningún radicado guardado sin su detalle")
t.check("CLAVE-EQUIVOCADA" not in err, "la clave no aparece en el registro")
rc, out, err = t.run_segcont("check-ds", "-c", conf2, timeout=120)
t.check(rc == 1 and "volvió vacío" in out and "clave" in out,
        "check-ds sale con 1 y apunta a la clave (rc=%d)" % rc)
ds.stop()

print("una lista que filtra por número y no por llegada")
bynum = t.tmpdir("real-by-number")
ds3 = t.FakeDS(bynum, *(ARGS + ["--quirks", "lista-por-numero,lista-sin-clave"]))
ds3.control("/control/add", {"fecha_radicacion": today.isoformat() + " 08:00:00",
                             "dependencia_origen": t.OFFICE, "asunto": "Memorando de 342",
                             "dependencia_actual": "110"})
for i in range(3):
    ds3.control("/control/add", {"fecha_radicacion": today.isoformat() + " 09:0%d:00" % i,
                                 "dependencia_origen": t.OFFICE, "asunto": "Oficio %d" % i})
conf3 = t.write_config(bynum, ds3.url, BACKFILL)
rc, out, err = t.run_segcont("check-ds", "-c", conf3, timeout=120)
t.check(rc == 1 and "CREADOS por la dependencia" in out and "orfeo-sql" in out,
        "check-ds sale con 1 y recomienda orfeo-sql (rc=%d)" % rc)
ds3.stop()
t.finish()
