#!/usr/bin/env python3
"""resumen.py -- `make bench`'s closing table: every figure of issue 14's targets, its value,
its target and PASA / FALLA, from what bench/run.sh left in WORKDIR:
  lecturas.tsv       one wrk read a line: clave, figura, URL, HTTP status and ms of a first
                     GET, kind (minimo | lista | radicado), cache (on | off)
  wrk-CLAVE.R.txt    wrk --latency's output of round R (the median round by req/s counts)
  memoria.txt        "clave kB" lines: serve's VmRSS idle, VmHWM after wrk, VmHWM at the end
  indicadores.json   bench/indicadores_rate.py's answer times and sizes
  web.json           bench/web_timing.mjs's Chromium timings (absent with BENCH_WEB=0)
  meta.txt           "clave valor" lines: radicados, hilos, duraciones, rondas, cpus
Prints the table and writes it to WORKDIR/resumen.txt and, machine-readable, resumen.json.
With BENCH_BASELINE=path/to/resumen.json (an earlier run) it adds the columns «antes» (that
run's value) and «mejora» (how many times better: req/s now/before; times, sizes and memory
before/now).
usage: resumen.py WORKDIR"""
import glob
import json
import os
import re
import sys

LIST_SHARE = 15  # % of the minimal server, issue 14
ONE_SHARE = 50
P99_MS = 10
IND_MS = 100
IND_KB = 100
TABLERO_MS = 1000
BANDEJA_MS = 500
IDLE_MB = 16
LOAD_MB = 64


def num(x, dec=0):
    """x in Spanish: 12.345 / 3,25."""
    s = "{:,.{}f}".format(x, dec)
    return s.replace(",", "_").replace(".", ",").replace("_", ".")


def ms_of(v):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", v)
    if not m:
        return float("nan")
    f = float(m.group(1))
    return {"us": f / 1000, "ms": f, "s": f * 1000, "m": f * 60000}[m.group(2)]


def wrk_figures(path):
    """A wrk --latency output: req/s, p50, p99 (ms), non-2xx answers, socket errors."""
    rps = p50 = p99 = None
    bad = errs = 0
    for line in open(path, encoding="utf-8", errors="replace"):
        w = line.split()
        if not w:
            continue
        if w[0] == "50%":
            p50 = ms_of(w[1])
        elif w[0] == "99%":
            p99 = ms_of(w[1])
        elif w[0] == "Requests/sec:":
            rps = float(w[1])
        elif line.strip().startswith("Non-2xx"):
            bad = int(w[-1])
        elif line.strip().startswith("Socket errors:"):
            errs = sum(int(x) for x in re.findall(r"\d+", line))
    return {"rps": rps or 0.0, "p50": p50, "p99": p99, "no2xx": bad, "errores": errs}


def median_round(work, key):
    runs = [wrk_figures(f) for f in sorted(glob.glob(os.path.join(work, "wrk-%s.*.txt" % key)))]
    if not runs:
        return None
    runs.sort(key=lambda r: r["rps"])
    r = runs[(len(runs) - 1) // 2]
    r["rondas"] = len(runs)
    return r


def kv(path):
    out = {}
    if os.path.exists(path):
        for line in open(path):
            w = line.split(None, 1)
            if len(w) == 2:
                out[w[0]] = w[1].strip()
    return out


def load_json(path):
    return json.load(open(path)) if os.path.exists(path) else None


def figures(work, meta):
    """The figures, each a dict: clave, figura, valor (the main number), unidad, texto (the
    value as printed), meta, estado (PASA, FALLA, info, no disponible)."""
    rows = []
    reads = [line.rstrip("\n").split("\t") for line in open(os.path.join(work, "lecturas.tsv"))]
    base = None
    for key, label, url, status, kind, cache, first_ms in reads:
        if kind == "minimo":
            r = median_round(work, key)
            base = r["rps"] if r else None
    skip_ms = int(meta.get("sin_wrk_ms", "1000"))
    for key, label, url, status, kind, cache, first_ms in reads:
        f = {"clave": key, "figura": label, "url": url, "unidad": "req/s", "mejor": "mayor"}
        r = median_round(work, key)
        share = {"lista": LIST_SHARE, "radicado": ONE_SHARE}.get(kind)
        f["meta"] = "" if share is None else "≥ %d%% del mín., p99 < %d ms" % (share, P99_MS)
        if cache == "on" and kind != "minimo":
            f["meta"] = "(informativo: caché on)"
        if not status.startswith("2"):
            f.update(valor=None, texto="HTTP %s: no se midió" % status, estado="FALLA")
            rows.append(f)
            continue
        if r is None and int(first_ms) > skip_ms:
            f.update(valor=None, primera_ms=int(first_ms), estado="FALLA",
                     texto="una petición: %s ms (> %s ms: sin wrk)" % (num(int(first_ms)),
                                                                      num(skip_ms)))
            rows.append(f)
            continue
        if r is None:
            f.update(valor=None, texto="sin medición", estado="FALLA")
            rows.append(f)
            continue
        if r["rps"] < 1 or not r["p99"]:  # wrk's latency table is empty when all timed out
            f.update(valor=0.0, rps=0.0, estado="FALLA",
                     texto="ninguna respuesta en %s (%s errores de socket)" % (
                         meta.get("duracion_listas" if kind == "lista" else "duracion", "?"),
                         num(r["errores"])))
            rows.append(f)
            continue
        pct = 100 * r["rps"] / base if base else 0.0
        f.update(valor=r["rps"], rps=r["rps"], p50=r["p50"], p99=r["p99"], pct=pct,
                 no2xx=r["no2xx"], errores=r["errores"])
        f["texto"] = "%8s req/s %4s%%  p50 %7s ms  p99 %7s ms" % (
            num(r["rps"]), num(pct), num(r["p50"], 2), num(r["p99"], 2))
        f["corto"] = "%s req/s, p99 %s ms" % (num(r["rps"]), num(r["p99"], 1))
        if r["no2xx"]:
            f["texto"] += "  (%s no 2xx)" % num(r["no2xx"])
        if r["errores"]:
            f["texto"] += "  (%s errores de socket)" % num(r["errores"])
        if kind == "minimo":
            f["estado"] = "base" if not r["no2xx"] else "FALLA"
        elif cache == "on":
            f["estado"] = "info" if not r["no2xx"] else "FALLA"
        else:
            ok = pct >= share and r["p99"] is not None and r["p99"] < P99_MS
            f["estado"] = "PASA" if ok and not r["no2xx"] and not r["errores"] else "FALLA"
        rows.append(f)

    mem = kv(os.path.join(work, "memoria.txt"))
    for key, label, limit in (("rss-reposo", "serve (caché off): VmRSS en reposo", IDLE_MB),
                              ("hwm-carga", "serve (caché off): VmHWM tras wrk", LOAD_MB),
                              ("hwm-final", "serve (caché off): VmHWM al final", LOAD_MB)):
        if key not in mem:
            continue
        mb = int(mem[key]) / 1024
        rows.append({"clave": key, "figura": label, "valor": mb, "unidad": "MB", "mejor": "menor",
                     "texto": "%s MB" % num(mb, 1), "meta": "< %d MB" % limit,
                     "estado": "PASA" if mb < limit else "FALLA"})

    ind = load_json(os.path.join(work, "indicadores.json")) or {}
    labels = {"ind-anio-radicacion": ("/api/indicadores, año, base=radicacion", True),
              "ind-anio-actividad": ("/api/indicadores, año, base=actividad", True),
              "ind-sin-periodo": ("/api/indicadores sin periodo", True),
              "ind-detalle": ("/api/indicadores, año, detalle=1", False),
              "ind-radicados": ("/api/indicadores/radicados?cifra=…", False)}
    for key, (label, target) in labels.items():
        if key not in ind:
            continue
        d = ind[key]
        f = {"clave": key, "figura": label, "url": d["url"], "unidad": "ms", "mejor": "menor",
             "meta": "< %d ms, < %d KB" % (IND_MS, IND_KB) if target else "(informativo)"}
        if not 200 <= d["status"] < 300:
            why = "HTTP %d" % d["status"] if d["status"] else "sin respuesta en 120 s"
            f.update(valor=None, texto=why, estado="FALLA" if target else "no disponible")
            if not target:
                f["texto"] = "no disponible (%s)" % why
        else:
            kb = d["bytes"] / 1024
            f.update(valor=d["ms"], kb=kb, texto="%8s ms  %9s KB" % (num(d["ms"], 1), num(kb, 1)))
            if d["veces"] == 1:
                f["texto"] += "  (una petición)"
            ok = d["ms"] < IND_MS and kb < IND_KB
            f["estado"] = ("PASA" if ok else "FALLA") if target else "info"
        rows.append(f)

    web = load_json(os.path.join(work, "web.json"))
    if web is not None:
        for key, label, limit in (("tablero", "Chromium: Tablero, carga en frío", TABLERO_MS),
                                  ("bandeja", "Chromium: Bandeja, carga en frío", BANDEJA_MS)):
            d = web.get(key) or {"error": "sin medición"}
            f = {"clave": "web-" + key, "figura": label, "unidad": "ms", "mejor": "menor",
                 "meta": "< %d ms" % limit}
            if d.get("error"):
                f.update(valor=None, texto="no se midió: " + d["error"][:60], estado="FALLA")
            else:
                kb = d["bytes"] / 1024
                f.update(valor=d["ms"], kb=kb, peticiones=d["requests"],
                         texto="%8s ms  %9s KB en %d respuestas" % (num(d["ms"]), num(kb, 1),
                                                                   d["requests"]))
                f["estado"] = "PASA" if d["ms"] < limit else "FALLA"
            rows.append(f)
    return rows


def table(rows, meta, before):
    head = ["figura", "valor", "meta", "estado"]
    if before is not None:
        head += ["antes", "mejora"]
        old = {r["clave"]: r for r in before.get("figuras", [])}
    lines = []
    for r in rows:
        cells = [r["figura"], r["texto"], r["meta"], r["estado"]]
        if before is not None:
            o = old.get(r["clave"])
            if o is None:
                cells += ["—", ""]
            else:
                cells.append((o.get("corto") or o.get("texto", "")).strip() or "—")
                a, b = o.get("valor"), r.get("valor")
                if a and b:
                    x = b / a if r["mejor"] == "mayor" else a / b
                    cells.append("×" + num(x, 2))
                else:
                    cells.append("")
        lines.append(cells)
    widths = [max(len(c[i]) for c in lines + [head]) for i in range(len(head))]

    def fmt(c):
        return " | ".join(x.ljust(w) for x, w in zip(c, widths)).rstrip()

    out = ["segcont bench: %s radicados, %s hilos HTTP, %s CPU; wrk -t2 -c64 --latency, servidor"
           " mínimo, radicado y caché on %s, listas caché off %s por URL; mediana de %s rondas"
           % (num(int(meta.get("radicados", "0"))), meta.get("hilos", "?"), meta.get("cpus", "?"),
              meta.get("duracion", "?"), meta.get("duracion_listas", "?"), meta.get("rondas", "?"))]
    if before is not None:
        out.append("antes: %s (%s)" % (os.environ.get("BENCH_BASELINE"), before.get("fecha", "?")))
    out += [fmt(head), "-+-".join("-" * w for w in widths)]
    out += [fmt(c) for c in lines]
    fails = sum(1 for r in rows if r["estado"] == "FALLA")
    metas = sum(1 for r in rows if r["estado"] in ("PASA", "FALLA"))
    out.append("%d de %d metas se cumplen (salidas completas en %s)" % (metas - fails, metas,
                                                                      meta.get("dir", "build/bench")))
    return "\n".join(out) + "\n"


def main():
    work = sys.argv[1]
    meta = kv(os.path.join(work, "meta.txt"))
    rows = figures(work, meta)
    before = None
    if os.environ.get("BENCH_BASELINE"):
        before = load_json(os.environ["BENCH_BASELINE"])
        if before is None:
            print("bench: no existe la línea base %s" % os.environ["BENCH_BASELINE"], file=sys.stderr)
    text = table(rows, meta, before)
    sys.stdout.write(text)
    with open(os.path.join(work, "resumen.txt"), "w") as f:
        f.write(text)
    with open(os.path.join(work, "resumen.json"), "w") as f:
        json.dump({"fecha": meta.get("fecha"), "meta": meta, "figuras": rows}, f, indent=1,
                  ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
