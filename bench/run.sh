#!/bin/sh
# `make bench` (not a test): segcont's reads against a minimal libmicrohttpd server, on 127.0.0.1,
# checked against issue 14's targets; ends with ONE table (figura | valor | meta | estado).
# Builds bench/minimal.c (a fixed JSON body, segcont's threading model), makes a database of
# BENCH_FILINGS (100,000) filings with bench/gen_db.py (fakeds' generator, a realistic follow-up),
# starts `segcont serve` twice (answer cache on, and off with SEGCONT_HTTP_CACHE=0) and the minimal
# server with the same number of threads, and measures:
# - wrk -t2 -c64 --latency, BENCH_ROUNDS rounds taking turns, each read by its median round:
#   the minimal server, the Director's default view and one filing with the cache on (for
#   reference), then with the cache off one filing (target >= 50% of the minimal server, p99 <
#   10 ms) and the list URLs the Bandeja sends (web/bandeja.js: pagina=1&por_pagina=50&conteos=1
#   after the filters, in its order; target >= 15% of the minimal server, p99 < 10 ms): the
#   Director's default view (estado=recibido&orden=fecha), a lawyer's worklist (with that
#   lawyer's token), semaforo=vencido, estado=concluido by -fecha, tipo_tramite, a desde/hasta
#   range, a text search of the commonest word, legalizacion_pendiente=1, orden=dias_restantes.
#   A read whose first GET is not 2xx is not run and fails, as does one whose first GET takes
#   over BENCH_SKIP_MS (its time is shown); non-2xx answers or socket errors (wrk's 2 s
#   timeouts among them) under wrk fail the row too. Before each measurement the server must
#   answer /healthz within 0.5 s again, so that one read's backlog does not slow the next.
# - serve's memory (cache off), from /proc/PID/status: VmRSS idle a few seconds after start
#   (< 16 MB), VmHWM after wrk and at the end (< 64 MB).
# - bench/indicadores_rate.py: /api/indicadores for the year so far (base=radicacion and
#   actividad) and without a period, median of 5, cache off (< 100 ms, < 100 KB); detalle=1 and
#   /api/indicadores/radicados?cifra= when the server answers them (else «no disponible»).
# - bench/web_timing.mjs: Chromium cold loads of the Tablero (< 1000 ms) and the Bandeja
#   (< 500 ms) signed in as the Director, performance.now() at the first data row, median of 3,
#   and the bytes of the load (BENCH_WEB=0 skips it).
# bench/resumen.py prints the table and writes build/bench/resumen.txt and resumen.json; with
# BENCH_BASELINE=path/to/an/earlier/resumen.json it adds «antes» and «mejora» columns (copy the
# earlier resumen.json out of build/bench first: each run rewrites it).
# Then bench/sql_rate.py: the orfeo-sql backfill of BENCH_FILINGS filings from a real PostgreSQL
# (started in a temporary folder), against psql reading the same rows (BENCH_SQL=0 skips it).
# Then bench/cmis_rate.py: the cmis-browser backfill of BENCH_FILINGS filings from fakecmis,
# against a plain client reading the same query pages (BENCH_CMIS=0 skips it).
# Environment: BENCH_FILINGS, BENCH_DURATION (10s: minimal server, cache-on reads, one filing),
# BENCH_LIST_DURATION (each list URL: 5s, or BENCH_DURATION when that is given), BENCH_ROUNDS
# (3), BENCH_LISTS (the list reads to run, by name, separated by commas or spaces; default all:
# director abogado vencidos concluidos tipo rango texto legalizacion dias), BENCH_THREADS (4, the configuration default), BENCH_REGEN=1
# (rebuild the database), BENCH_UNCACHED=0 (skip the cache-off wrk runs), BENCH_WEB=0,
# BENCH_SKIP_MS (1000: a read whose first GET takes longer gets no wrk run, see run below),
# BENCH_BASELINE, SEGCONT_BIN (build/segcont).
set -e
cd "$(dirname "$0")/.."
N=${BENCH_FILINGS:-100000}
DURATION=${BENCH_DURATION:-10s}
LIST_DURATION=${BENCH_LIST_DURATION:-${BENCH_DURATION:-5s}}
ROUNDS=${BENCH_ROUNDS:-3}
THREADS=${BENCH_THREADS:-4} # [http] threads of DESIGN.md's example
LISTS=$(echo "${BENCH_LISTS:-director abogado vencidos concluidos tipo rango texto legalizacion dias}" | tr ',' ' ')
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

if [ "${BENCH_REGEN:-0}" = 1 ] || [ ! -s "$W/segcont.db" ] || [ ! -s "$W/token-abogado" ] ||
	[ ! -s "$W/palabra" ] || [ "$(cat "$W/filings" 2>/dev/null)" != "$N" ]; then
	BENCH_THREADS=$THREADS python3 bench/gen_db.py "$W" "$N"
	echo "$N" >"$W/filings"
fi
sed -i "s/^threads = .*/threads = $THREADS/" "$W/segcont.conf"
TOKEN=$(cat "$W/token")
TOKEN_ABOGADO=$(cat "$W/token-abogado")
ABOGADO=$(cat "$W/abogado-id")
NUMERO=$(cat "$W/numero")
PALABRA=$(cat "$W/palabra")
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
PID_NOC=$!
pids="$pids $PID_NOC"
"$W/minimal" "$P_MIN" "$THREADS" &
pids="$pids $!"
# Up to 2 minutes: the first start on a database of an older schema migrates it (the other
# serve waits for that migration), and one whose blocks are of another day works them out.
for p in $P_SEG $P_MIN $P_NOC; do
	i=0
	until curl -s -o /dev/null "http://127.0.0.1:$p/healthz"; do
		i=$((i + 1))
		[ $i -gt 1200 ] && { echo "bench: nada escucha en el puerto $p" >&2; exit 1; }
		sleep 0.1
	done
done
# serve's memory at rest: a few seconds after start, before any read.
sleep 3
vm() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$PID_NOC/status"; }
echo "rss-reposo $(vm VmRSS)" >"$W/memoria.txt"

# The reads: one line each in lecturas.tsv (clave, figura, URL, HTTP status of a first GET,
# kind, cache), the token to use in tokens.tsv.
ONE="/api/radicados/$NUMERO"
TAIL="pagina=1&por_pagina=50&conteos=1"
YEAR=$(date +%Y)
TODAY=$(date +%F)
MONTH_AGO=$(date -d '-1 month' +%F)
rm -f "$W"/wrk-*.txt "$W/lecturas.tsv" "$W/tokens.tsv" "$W/web.json" "$W/indicadores.json"
# The server is quiet again (answers /healthz, whatever its status, within half a second) before each measurement, so
# that a slow read's backlog does not land on the next one; waits at most 180 s.
drain() {
	i=0
	until [ "$(curl -s -m 5 -o /dev/null -w '%{http_code} %{time_total}' "http://127.0.0.1:$1/healthz" |
		awk '$1 != "000" && $2 < 0.5 { print "ok" }')" = ok ]; do
		i=$((i + 1))
		[ $i -gt 60 ] && { echo "bench: el puerto $1 sigue ocupado tras 180 s" >&2; return 0; }
		sleep 3
	done
}
# add KEY LABEL PORT PATH KIND CACHE [TOKEN]: one read; a first GET gives its HTTP status and time.
add() {
	tok=${7:-$TOKEN}
	drain "$3"
	got=$(curl -s -m 120 -o /dev/null -w '%{http_code} %{time_total}' -H "Authorization: Bearer $tok" \
		"http://127.0.0.1:$3$4" || true)
	code=${got% *}
	ms=$(echo "${got#* }" | awk '{ printf "%.0f", $1 * 1000 }')
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$4" "$code" "$5" "$6" "$ms" >>"$W/lecturas.tsv"
	printf '%s\t%s\thttp://127.0.0.1:%s%s\t%s\n' "$1" "$3" "$3" "$4" "$tok" >>"$W/tokens.tsv"
	case $code in 2*) ;; *) echo "bench: $1 responde HTTP $code: $4" >&2 ;; esac
}
add minimal "servidor mínimo (cuerpo fijo)" "$P_MIN" / minimo on
add lista-cache "lista del Director, caché on" "$P_SEG" "/api/radicados?estado=recibido&orden=fecha&$TAIL" lista on
add radicado-cache "un radicado, caché on" "$P_SEG" "$ONE" radicado on
if [ "${BENCH_UNCACHED:-1}" = 1 ]; then
	add radicado "un radicado" "$P_NOC" "$ONE" radicado off
	for l in $LISTS; do
		case $l in
		director) add lista-director "lista: Director (estado=recibido)" "$P_NOC" \
			"/api/radicados?estado=recibido&orden=fecha&$TAIL" lista off ;;
		abogado) add lista-abogado "lista: abogado, abiertos por fecha_limite" "$P_NOC" \
			"/api/radicados?abogado_id=$ABOGADO&abiertos=1&orden=fecha_limite&$TAIL" lista off "$TOKEN_ABOGADO" ;;
		vencidos) add lista-vencidos "lista: semaforo=vencido" "$P_NOC" \
			"/api/radicados?semaforo=vencido&orden=-fecha&$TAIL" lista off ;;
		concluidos) add lista-concluidos "lista: estado=concluido, -fecha" "$P_NOC" \
			"/api/radicados?estado=concluido&orden=-fecha&$TAIL" lista off ;;
		tipo) add lista-tipo "lista: tipo_tramite=contratacion_directa" "$P_NOC" \
			"/api/radicados?tipo_tramite=contratacion_directa&orden=-fecha&$TAIL" lista off ;;
		rango) add lista-rango "lista: desde/hasta (último mes)" "$P_NOC" \
			"/api/radicados?desde=$MONTH_AGO&hasta=$TODAY&orden=-fecha&$TAIL" lista off ;;
		texto) add lista-texto "lista: q=$PALABRA" "$P_NOC" \
			"/api/radicados?q=$PALABRA&orden=-fecha&$TAIL" lista off ;;
		legalizacion) add lista-legalizacion "lista: legalizacion_pendiente=1" "$P_NOC" \
			"/api/radicados?legalizacion_pendiente=1&orden=fecha&$TAIL" lista off ;;
		dias) add lista-dias "lista: orden=dias_restantes" "$P_NOC" \
			"/api/radicados?orden=dias_restantes&$TAIL" lista off ;;
		*) echo "bench: BENCH_LISTS: lectura desconocida «$l» (director abogado vencidos concluidos tipo rango texto legalizacion dias)" >&2; exit 1 ;;
		esac
	done
fi

# run KEY ROUND: wrk into $W/wrk-KEY.ROUND.txt (after a warm-up on the same URL and its drain); the list
# URLs for LIST_DURATION, the others for DURATION. Reads whose first GET was not 2xx, or took
# more than BENCH_SKIP_MS (1000: a read that slow cannot meet p99 < 10 ms, and 64 connections
# of it would keep the server busy for minutes), are not run: the table shows the first GET.
run() {
	line=$(awk -F '\t' -v k="$1" '$1 == k' "$W/tokens.tsv")
	port=$(echo "$line" | cut -f2)
	url=$(echo "$line" | cut -f3)
	tok=$(echo "$line" | cut -f4)
	case $1 in lista-cache | minimal | radicado*) d=$DURATION warm=2s ;; *) d=$LIST_DURATION warm=1s ;; esac
	drain "$port"
	wrk -t2 -c64 -d$warm -H "Authorization: Bearer $tok" "$url" >/dev/null
	drain "$port"
	wrk -t2 -c64 -d"$d" --latency -H "Authorization: Bearer $tok" "$url" >"$W/wrk-$1.$2.txt"
	echo "bench: $1, ronda $2"
}
# The machine's noise moves every figure from run to run: the reads take turns, ROUNDS times,
# and each is reported by its median round.
r=1
while [ "$r" -le "$ROUNDS" ]; do
	awk -F '\t' -v max="${BENCH_SKIP_MS:-1000}" '$4 ~ /^2/ && $7 <= max { print $1 }' "$W/lecturas.tsv" |
		while read -r key; do run "$key" "$r"; done
	r=$((r + 1))
done
echo "hwm-carga $(vm VmHWM)" >>"$W/memoria.txt"

echo "bench: /api/indicadores (caché off)"
drain "$P_NOC"
python3 bench/indicadores_rate.py "$P_NOC" "$W/token" "$W/indicadores.json" ||
	echo "bench: bench/indicadores_rate.py falló (la tabla no trae sus cifras)" >&2
if [ "${BENCH_WEB:-1}" = 1 ]; then
	echo "bench: Chromium, Tablero y Bandeja en frío (caché off)"
	drain "$P_NOC"
	node bench/web_timing.mjs "$P_NOC" "$W/token" "$W/web.json" ||
		echo "bench: bench/web_timing.mjs falló (la tabla lo marca)" >&2
fi
echo "hwm-final $(vm VmHWM)" >>"$W/memoria.txt"
cat >"$W/meta.txt" <<META
radicados $N
hilos $THREADS
cpus $(nproc)
duracion $DURATION
duracion_listas $LIST_DURATION
rondas $ROUNDS
sin_wrk_ms ${BENCH_SKIP_MS:-1000}
fecha $(date -Iseconds)
dir $W
META
echo
python3 bench/resumen.py "$W"

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
