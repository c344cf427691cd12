"""`segcont calendario` against the shared vectors (../shared/vectors or $SEGCONT_SHARED):
every holiday of every year listed, every business-day sum; without a configuration only
public holidays count, with one (-c or $SEGCONT_CONFIG) its [calendar] days count too, and
an implicit configuration that cannot be loaded only warns. Usage errors exit with 2.
$SEGCONT_BIN runs another binary in place of build/segcont."""
import os

import segtest as t

t.SEGCONT = os.environ.get("SEGCONT_BIN", t.SEGCONT)
VECTORS = os.path.join(t.SHARED, "vectors")
work = t.tmpdir("calendario")
bare = dict(os.environ)
bare["SEGCONT_CONFIG"] = os.path.join(work, "no-existe.conf")  # unreadable: ignored


def vector_lines(name):
    with open(os.path.join(VECTORS, name), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                yield line.split()


print("1. festivos de cada año de los vectores, sin configuración")
years = {}
for fields in vector_lines("festivos-colombia.txt"):
    years[fields[0]] = fields[1:]
t.check(len(years) >= 2, "los vectores traen %d años" % len(years))
for year, dates in sorted(years.items()):
    rc, out, err = t.run_segcont("calendario", "festivos", year, env=bare)
    t.check(rc == 0 and out.split("\n")[:-1] == dates,
            "festivos %s: %d fechas, una por línea (rc=%d, %s)" % (year, len(dates), rc,
                                                                   (out + err).strip()[:200]))

print("2. sumas de días hábiles de los vectores")
for fields in vector_lines("dias-habiles.txt"):
    start, n, want = fields
    rc, out, err = t.run_segcont("calendario", "sumar", start, n, env=bare)
    t.check(rc == 0 and out == want + "\n", "%s + %s = %s (obtenido %r)" % (start, n, want, out))

print("3. con configuración cuentan sus días no hábiles")
conf = t.write_config(work, "http://127.0.0.1:9/webServices/servidor.php", "2024-01-01",
                      calendar__non_working_days="2024-12-24, 2024-12-31")
# 2024-12-20 (Fri) + 5: 23 = 1, 24 off, 26 = 2 (25 holiday), 27 = 3, 30 = 4, 31 off,
# 2025-01-01 holiday, 02 = 5.
rc, out, err = t.run_segcont("calendario", "-c", conf, "sumar", "2024-12-20", "5")
t.check(rc == 0 and out == "2025-01-02\n", "-c: 2024-12-20 + 5 = 2025-01-02 (%r %s)" % (out, err))
env = dict(os.environ)
env["SEGCONT_CONFIG"] = conf
rc, out, err = t.run_segcont("calendario", "sumar", "2024-12-20", "5", env=env)
t.check(rc == 0 and out == "2025-01-02\n", "$SEGCONT_CONFIG: 2025-01-02 (%r)" % out)
rc, out, err = t.run_segcont("calendario", "festivos", "2024", env=env)
days = out.split()
t.check(rc == 0 and len(days) == 20 and "2024-12-24" in days and "2024-12-31" in days
        and days == sorted(days), "festivos 2024 con la oficina: 18 + 2 en orden (%d)" % len(days))

print("4. errores")
broken = os.path.join(work, "roto.conf")
with open(broken, "w") as f:
    f.write("[calendar]\nclosing_time = 25:99\n")
env["SEGCONT_CONFIG"] = broken
rc, out, err = t.run_segcont("calendario", "sumar", "2024-12-20", "5", env=env)
t.check(rc == 0 and out == "2024-12-30\n" and "aviso" in err,
        "una configuración implícita ilegible solo avisa (rc=%d, %r)" % (rc, out))
rc, out, err = t.run_segcont("calendario", "-c", broken, "sumar", "2024-12-20", "5")
t.check(rc == 1 and out == "" and "roto.conf" in err, "-c con errores sale con 1: %s" % err.strip()[:200])
for args in (["festivos"], ["festivos", "1983"], ["festivos", "dos mil"],
             ["sumar", "2024-02-30", "1"], ["sumar", "2024-01-01", "-1"],
             ["sumar", "2024-01-01", "x"], ["restar", "2024-01-01", "1"], []):
    rc, out, err = t.run_segcont("calendario", *args, env=bare)
    t.check(rc == 2 and out == "" and err.strip() != "",
            "calendario %s: uso inválido, sale con 2" % " ".join(args))
t.finish()
