"""Measures how many filings per second one `segcont sync --once` ingests with the orfeo-sql
profile: a real PostgreSQL on 127.0.0.1 (tests/integration/pgorfeo.py) holding an Orfeo-shaped
database in which BENCH_FILINGS (100,000) filings reached dependency 342 in the last year; a
first backfill (every filing new), then the time of a next pass with nothing new; then the same
backfill again after the index check-ds suggests (hist_eventos (hist_fech)). The stored result
is compared with the expected one before any figure is printed. Not a test: prints figures.
Environment: BENCH_FILINGS, BENCH_OFFICE_SHARE (0.85: the share of all filings that reach 342;
lower it for a larger hist_eventos around the same office), BENCH_ENCODING (UTF8 or WIN1252),
BENCH_INDEX (1: also measure with the index), SEGCONT_BIN. The baseline, in the same run: psql
reading the same filings with one plain join (every column segcont stores, no windows, no
SQLite) as segcont_ro over TCP; the ratio says what segcont's windows, parsing, hashing and
transactions cost on top of the database's own answer. Also times `segcont check-ds`."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))
import pgorfeo as pg  # noqa: E402
import segtest as t  # noqa: E402

target = int(os.environ.get("BENCH_FILINGS", "100000"))
share = float(os.environ.get("BENCH_OFFICE_SHARE", "0.85"))
encoding = os.environ.get("BENCH_ENCODING", "UTF8")
with_index = os.environ.get("BENCH_INDEX", "1") == "1"

t0 = time.monotonic()
srv = pg.Server("bench")
print("servidor PostgreSQL en el puerto %d en %.1f s" % (srv.port, time.monotonic() - t0))
t0 = time.monotonic()
ds = pg.generate_counted(seed=3, target=target, office_share=share)
print("generados %d radicados (%d de 342), %d eventos, %d direcciones en %.1f s"
      % (len(ds.radicados), target, len(ds.eventos), len(ds.direcciones),
         time.monotonic() - t0))
secs = srv.load(ds, encoding)
print("cargados con COPY en una base %s en %.1f s" % (encoding, secs))
exp = pg.expected(ds)


BASELINE = ("SELECT r.*, d.depe_nomb, t.sgd_tpr_descrip FROM radicado r"
            " JOIN (SELECT DISTINCT radi_nume_radi FROM hist_eventos"
            "       WHERE depe_codi_dest = 342 AND sgd_ttr_codigo IN (2, 9, 12, 16)"
            "       AND depe_codi <> 342) l ON l.radi_nume_radi = r.radi_nume_radi"
            " LEFT JOIN dependencia d ON d.depe_codi = r.radi_depe_radi"
            " LEFT JOIN sgd_tpr_tpdcumento t ON t.sgd_tpr_codigo = r.tdoc_codi")


def baseline():
    """Seconds psql takes to read the office's filings in one query (median of 3)."""
    times = []
    for _ in range(3):
        t1 = time.monotonic()
        rc, out, err = srv.ro_psql("COPY (%s) TO STDOUT" % BASELINE)
        times.append(time.monotonic() - t1)
        if rc != 0:
            print("psql falló:", err[-500:])
            sys.exit(1)
    return sorted(times)[1]


def backfill(name):
    work = t.tmpdir("bench-sql-" + name)
    conf = pg.write_config(work, srv, ds.backfill_from)
    db = os.path.join(work, "segcont.db")
    figures = []
    for n in (1, 2):
        t1 = time.monotonic()
        rc, out, err = t.run_segcont("sync", "--once", "-c", conf, timeout=1800)
        figures.append(time.monotonic() - t1)
        if rc != 0:
            print("sync falló:", err[-800:])
            sys.exit(1)
        if n == 1:
            got = t.db_filings(db, pg.FIELDS)
            miss, extra, diffs = pg.diff_rows(exp, got)
            if miss or extra or diffs:
                print("el resultado no es el esperado: faltan %d, sobran %d, %s"
                      % (len(miss), len(extra), diffs))
                sys.exit(1)
            print("   " + out.strip())
    return figures


for name, setup in (("sin-indice", None),
                    ("con-indice", "CREATE INDEX hist_eventos_hist_fech ON hist_eventos "
                                   "(hist_fech)")):
    if setup:
        if not with_index:
            break
        t1 = time.monotonic()
        srv.psql(setup, db=pg.DBNAME)
        srv.psql("ANALYZE hist_eventos", db=pg.DBNAME)
        print("índice hist_eventos (hist_fech) creado en %.1f s" % (time.monotonic() - t1))
    first, second = backfill(name)
    base = baseline()
    label = ("con índice por hist_fech" if setup
             else "sin índice por hist_fech (instalación estándar)")
    print("sync --once, carga inicial, %s: %d radicados en %.2f s = %.0f radicados/s"
          % (label, target, first, target / first))
    print("   línea base: psql lee los mismos %d radicados en una consulta en %.2f s "
          "(%.0f radicados/s); segcont tarda %.1f veces eso" % (target, base, target / base,
                                                                  first / base))
    print("sync --once, pasada siguiente sin novedades: %.2f s" % second)

work = t.tmpdir("bench-sql-check-ds")
conf = pg.write_config(work, srv, ds.backfill_from)
t1 = time.monotonic()
rc, out, err = t.run_segcont("check-ds", "-c", conf, timeout=600)
print("check-ds contra la base de %d radicados: %.2f s (sale con %d)"
      % (len(ds.radicados), time.monotonic() - t1, rc))
t.stop_all()
