#!/bin/sh
# `make bench` (not a test): segcont's reads against a minimal libmicrohttpd server, on 127.0.0.1.
# Builds bench/minimal.c (a fixed JSON body, segcont's threading model), makes a database of
# BENCH_FILINGS (100,000) filings with bench/gen_db.py (fakeds' generator, a realistic follow-up),
# starts `segcont serve` and the minimal server with the same number of threads, and runs
#   wrk -t2 -c64 -d10s --latency
# against GET /api/radicados?por_pagina=50, GET /api/radicados/{numero} (with a Bearer token) and
# the minimal server; then the two segcont reads again with the answer cache off
# (SEGCONT_HTTP_CACHE=0). Prints requests/s, p50 and p99 of each and the ratio to the minimal
# server. Goal: segcont >= 50% of the minimal server's rate, p99 < 10 ms at 64 connections.
# Then bench/sql_rate.py: the orfeo-sql backfill of BENCH_FILINGS filings from a real PostgreSQL
# (started in a temporary folder), against psql reading the same rows (BENCH_SQL=0 skips it).
# Then bench/cmis_rate.py: the cmis-browser backfill of BENCH_FILINGS filings from fakecmis,
# against a plain client reading the same query pages (BENCH_CMIS=0 skips it).
# Environment: BENCH_FILINGS, BENCH_DURATION (10s), BENCH_ROUNDS (3: the targets take turns and
# each is reported by its median round), BENCH_THREADS (4, the configuration default), BENCH_REGEN=1 (rebuild
# the database), BENCH_UNCACHED=0 (skip the cache-off runs), SEGCONT_BIN (build/segcont).
set -e
cd "$(dirname "$0")/.."
N=${BENCH_FILINGS:-100000}
DURATION=${BENCH_DURATION:-10s}
ROUNDS=${BENCH_ROUNDS:-3}
THREADS=${BENCH_THREADS:-4} # [http] threads of DESIGN.md's example
SEGCONT=${SEGCONT_BIN:-build/segcont}
W=build/bench
mkdir -p "$W"

# Bench dependency (not needed by make check): wrk, from Debian.
if ! command -v wrk >/dev/null 2>&1; then
	echo "bench: falta wrk; se instala el paquete de Debian"
	if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends wrk
fi

PKG="libmicrohttpd"
${CC:-cc} -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -O2 $(pkg-config --cflags $PKG) \
	-o "$W/minimal" bench/minimal.c $(pkg-config --libs $PKG) -lpthread

if [ "${BENCH_REGEN:-0}" = 1 ] || [ ! -s "$W/segcont.db" ] || [ "$(cat "$W/filings" 2>/dev/null)" != "$N" ]; then
	BENCH_THREADS=$THREADS python3 bench/gen_db.py "$W" "$N"
	echo "$N" >"$W/filings"
fi
sed -i "s/^threads = .*/threads = $THREADS/" "$W/segcont.conf"
TOKEN=$(cat "$W/token")
NUMERO=$(cat "$W/numero")
ports=$(python3 -c 'import socket
ps = []
for _ in range(3):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); ps.append(s)
print(" ".join(str(s.getsockname()[1]) for s in ps))')
set -- $ports
P_SEG=$1
P_MIN=$2
P_NOC=$3

pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

SEGCONT_HTTP_PORT=$P_SEG "$SEGCONT" serve -c "$W/segcont.conf" >"$W/serve.log" 2>&1 &
pids="$pids $!"
SEGCONT_HTTP_CACHE=0 SEGCONT_HTTP_PORT=$P_NOC "$SEGCONT" serve -c "$W/segcont.conf" \
	>"$W/serve-nocache.log" 2>&1 &
pids="$pids $!"
"$W/minimal" "$P_MIN" "$THREADS" &
pids="$pids $!"
for p in $P_SEG $P_MIN $P_NOC; do
	i=0
	until curl -s -o /dev/null "http://127.0.0.1:$p/healthz"; do
		i=$((i + 1))
		[ $i -gt 100 ] && { echo "bench: nada escucha en el puerto $p" >&2; exit 1; }
		sleep 0.1
	done
done

LIST="/api/radicados?por_pagina=50"
ONE="/api/radicados/$NUMERO"
curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$P_SEG$LIST" ||
	{ echo "bench: segcont no responde al listado" >&2; exit 1; }

# run NAME URL ROUND: wrk into $W/wrk-NAME.ROUND.txt (after a 2 s warm-up on the same URL).
run() {
	wrk -t2 -c64 -d2s -H "Authorization: Bearer $TOKEN" "$2" >/dev/null
	wrk -t2 -c64 -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" "$2" \
		>"$W/wrk-$1.$3.txt"
	echo "bench: $1, ronda $3"
}
# The machine's noise moves every figure from run to run: the targets take turns, ROUNDS
# times, and each is reported by its median round.
rm -f "$W"/wrk-*.txt
r=1
while [ $r -le "$ROUNDS" ]; do
	run minimal "http://127.0.0.1:$P_MIN/" $r
	run lista "http://127.0.0.1:$P_SEG$LIST" $r
	run radicado "http://127.0.0.1:$P_SEG$ONE" $r
	if [ "${BENCH_UNCACHED:-1}" = 1 ]; then
		run lista-sin-cache "http://127.0.0.1:$P_NOC$LIST" $r
		run radicado-sin-cache "http://127.0.0.1:$P_NOC$ONE" $r
	fi
	r=$((r + 1))
done

# Requests/s, p50 and p99 (ms) of a wrk output file.
figures() {
	awk '
	function ms(v) {
		if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
		if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
		if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
		return v + 0
	}
	$1 == "50%" { p50 = ms($2) }
	$1 == "99%" { p99 = ms($2) }
	$1 == "Requests/sec:" { rps = $2 }
	/Non-2xx/ { bad = $NF }
	END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, bad }' "$1"
}
# median NAME: the figures of NAME's median round by requests/s.
median() {
	for f in "$W"/wrk-"$1".*.txt; do figures "$f"; done | sort -n | awk '
	{ line[NR] = $0 } END { print line[int((NR + 1) / 2)] }'
}
set -- $(median minimal)
BASE=$1
echo
echo "segcont bench: $N radicados, $THREADS hilos HTTP, wrk -t2 -c64 -d$DURATION --latency, $(nproc) CPU,"
echo "mediana de $ROUNDS rondas alternadas"
printf "%-44s %10s %9s %9s %8s\n" "objetivo" "req/s" "p50 ms" "p99 ms" "vs mín."
for name in minimal lista radicado lista-sin-cache radicado-sin-cache; do
	[ -f "$W/wrk-$name.1.txt" ] || continue
	set -- $(median $name)
	case $name in
	minimal) what="servidor mínimo (cuerpo fijo)" ;;
	lista) what="GET $LIST" ;;
	radicado) what="GET /api/radicados/{numero}" ;;
	lista-sin-cache) what="GET $LIST, caché off" ;;
	radicado-sin-cache) what="GET /api/radicados/{numero}, caché off" ;;
	esac
	ratio=$(awk -v a="$1" -v b="$BASE" 'BEGIN { r = 0; if (b > 0) r = 100 * a / b; printf("%.0f%%", r) }')
	printf "%-44s %10s %9s %9s %8s" "$what" "$1" "$2" "$3" "$ratio"
	[ "$4" -gt 0 ] && printf "  (%s respuestas no 2xx)" "$4"
	printf "\n"
done
echo "meta: >= 50% del servidor mínimo y p99 < 10 ms con 64 conexiones (salidas completas en $W/wrk-*.txt)"

if [ "${BENCH_SQL:-1}" = 1 ]; then
	echo
	echo "orfeo-sql: carga inicial desde un PostgreSQL real (bench/sql_rate.py)"
	BENCH_FILINGS=$N SEGCONT_BIN=$SEGCONT python3 bench/sql_rate.py
fi

if [ "${BENCH_CMIS:-1}" = 1 ]; then
	echo
	echo "cmis-browser: carga inicial desde fakecmis (bench/cmis_rate.py)"
	BENCH_FILINGS=$N SEGCONT_BIN=$SEGCONT python3 bench/cmis_rate.py
fi
