#!/bin/sh
# serve_memoria.sh -- what `segcont serve`'s memory is made of (issue 14), not a test: starts serve
# with the answer cache off on a COPY of a bench folder, and prints VmRSS at rest (3 s after
# /healthz answers, as bench/run.sh measures it), its /proc/PID/smaps broken down (shared
# libraries' file pages and their private copies, the binary, heap and malloc arenas, thread
# stacks), VmRSS after a few reads, and with LOAD=DUR (e.g. 3s) VmHWM after wrk -t2 -c64 on
# one filing and bench/run.sh's list URLs. Stops its server.
# usage: bench/serve_memoria.sh BENCH_FOLDER PORT   (BENCH_FOLDER: a copy of build/bench,
#        never build/bench itself: serve writes to its database)
# Environment: SEGCONT_BIN (build/segcont), LOAD (no wrk when unset), THREADS (4, as bench).
set -e
cd "$(dirname "$0")/.."
DIR=$1
PORT=$2
[ -n "$DIR" ] && [ -n "$PORT" ] || { echo "uso: bench/serve_memoria.sh CARPETA PUERTO" >&2; exit 2; }
SEGCONT=${SEGCONT_BIN:-build/segcont}
sed -i "s/^threads = .*/threads = ${THREADS:-4}/" "$DIR/segcont.conf"
SEGCONT_HTTP_CACHE=0 SEGCONT_HTTP_PORT=$PORT "$SEGCONT" serve -c "$DIR/segcont.conf" \
	>"$DIR/serve-memoria.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT
# Stopped by a signal, or its output cut short (| head): the server is stopped too.
trap 'exit 1' INT TERM HUP PIPE
i=0
until curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz"; do
	i=$((i + 1))
	[ $i -gt 3000 ] && { echo "serve_memoria: nada escucha en $PORT" >&2; exit 1; }
	sleep 0.1
done
sleep 3
vm() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$PID/status"; }
echo "en reposo: VmRSS $(vm VmRSS) kB (RssAnon $(vm RssAnon), RssFile $(vm RssFile), hilos $(vm Threads))"
# smaps by kind of mapping: Rss, and the private (dirty, anonymous) part of the libraries'.
awk -v bin="$(readlink -f "$SEGCONT")" '
/^[0-9a-f]+-[0-9a-f]+ / {
	name = $6
	if (name == bin) k = "binario segcont"
	else if (name ~ /\.so/) k = "bibliotecas compartidas"
	else if (name == "[heap]") k = "montículo principal (malloc)"
	else if (name == "[stack]") k = "pila del hilo principal"
	else if (name ~ /^\//) k = "otros archivos (base -shm...)"
	else if (name == "") k = "anónimo: arenas de malloc, pilas de hilos, mmap"
	else k = name
	next
}
/^Rss:/ { rss[k] += $2 }
END { for (x in rss) if (rss[x] > 0) printf "  %7d kB  %s\n", rss[x], x }' "/proc/$PID/smaps" | sort -rn
awk '/^[0-9a-f]+-[0-9a-f]+ / { name = $6 } /^Anonymous:/ { if (name ~ /\.so/) priv += $2 }
END { printf "  (de las bibliotecas, %d kB son copias privadas: reubicaciones, .data, .bss)\n", priv }' \
	"/proc/$PID/smaps"
echo "  bibliotecas con más páginas residentes:"
awk '/^[0-9a-f]+-[0-9a-f]+ / { name = $6 } /^Rss:/ { if (name ~ /\.so/) r[name] += $2 }
END { for (n in r) printf "    %6d kB  %s\n", r[n], n }' "/proc/$PID/smaps" | sort -rn | head -12
T=$(cat "$DIR/token")
N=$(cat "$DIR/numero")
TAIL="pagina=1&por_pagina=50&conteos=1"
B="http://127.0.0.1:$PORT"
for k in 1 2 3 4 5 6 7 8; do
	curl -s -o /dev/null -H "Authorization: Bearer $T" "$B/api/radicados?estado=recibido&orden=fecha&$TAIL"
	curl -s -o /dev/null -H "Authorization: Bearer $T" "$B/api/radicados/$N"
done
sleep 1
echo "tras 16 lecturas: VmRSS $(vm VmRSS) kB (RssAnon $(vm RssAnon)), VmHWM $(vm VmHWM) kB"
[ -n "$LOAD" ] || exit 0
TA=$(cat "$DIR/token-abogado")
A=$(cat "$DIR/abogado-id")
W=$(cat "$DIR/palabra")
TODAY=$(date +%F)
MA=$(date -d '-1 month' +%F)
for u in "/api/radicados/$N" "/api/radicados?estado=recibido&orden=fecha&$TAIL" \
	"A/api/radicados?abogado_id=$A&abiertos=1&orden=fecha_limite&$TAIL" \
	"/api/radicados?semaforo=vencido&orden=-fecha&$TAIL" \
	"/api/radicados?estado=concluido&orden=-fecha&$TAIL" \
	"/api/radicados?tipo_tramite=contratacion_directa&orden=-fecha&$TAIL" \
	"/api/radicados?desde=$MA&hasta=$TODAY&orden=-fecha&$TAIL" \
	"/api/radicados?q=$W&orden=-fecha&$TAIL" \
	"/api/radicados?legalizacion_pendiente=1&orden=fecha&$TAIL" \
	"/api/radicados?orden=dias_restantes&$TAIL"; do
	tok=$T
	case $u in A*) tok=$TA u=${u#A} ;; esac
	ms=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $tok" "$B$u" |
		awk '{ printf "%d", $1 * 1000 }')
	# As bench/run.sh: a read whose first GET takes over a second gets no wrk run.
	if [ "$ms" -le 1000 ]; then
		wrk -t2 -c64 -d"$LOAD" -H "Authorization: Bearer $tok" "$B$u" >/dev/null
	fi
done
echo "tras wrk -t2 -c64 -d$LOAD en cada lectura: VmHWM $(vm VmHWM) kB, VmRSS $(vm VmRSS) kB"
sleep 5
echo "5 s después: VmRSS $(vm VmRSS) kB"
