#!/bin/sh
# run.sh -- runs the unit binaries (cmocka, built with ASan/UBSan) and the integration
# scripts, counts test CASES, names every failing one, and closes with one line
# "N passed, N failed". Exit status 1 when a case failed, a binary was refused, or nothing ran.
# usage: tests/run.sh [all|unit|integration] [FILTER]   (FILTER: part of a test's file name)
#
# What counts as a case
# - unit (one cmocka binary per tests/unit/test_*.c, run with CMOCKA_MESSAGE_OUTPUT=STDOUT):
#   each "[ RUN      ] X" followed by "[       OK ] X" passes; "[  FAILED  ] X" or
#   "[  ERROR   ] X" fails; "[  SKIPPED ] X" is neither (the binary's line says so).
#   Lines after "[==========] N test(s) run." are cmocka's summary and are not counted again;
#   a failed group setup or teardown is one failed case ("GROUP SETUP"/"GROUP TEARDOWN").
#   cmocka 1.1 prints no summary when AddressSanitizer or UBSan abort the process, nor when a
#   signal or the time limit ends it: the case whose RUN line has no result is the one that
#   was running, and it fails with the sanitizer's (or the signal's) report; the cases after
#   it did not run and are not counted (the binary's line says how many of the announced ran).
#   A LeakSanitizer report at exit fails each case whose name is a frame of a leak's
#   allocation stack (it moves from passed to failed); a leak no case can be named for is a
#   failed case "(fuga al salir)". A non-zero exit that no failed case explains is a failed
#   case "(estado N)"; a binary that announces no case is a failed case "(ningún caso)".
# - integration (tests/integration/test_*.py|.sh|.mjs): each check a script prints.
#   "  ok: TEXT" passes and "  FALLA: TEXT" (or "FALLA: TEXT") fails: segtest.check and
#   test_web.mjs's check/fatal; test_fakeds_contract.py prints "ok   NAME (1.2s)" and
#   "FAIL NAME: WHY", counted alike. A script that exits non-zero without printing its closing
#   line ("todas las comprobaciones pasaron", "N comprobaciones fallaron", "N passed, N failed")
#   or without a failed check has one more failed case "(terminó con estado N)" with the end of
#   its log (an exception, a crash, the time limit). A script that prints no check counts as
#   one case, passed or failed by its exit status.
# Every failing case is named as "binary: case" or "script: check text" under its binary's
# line and again, all together, in the lines just before the summary.
#
# Stale binaries are refused before anything runs: a unit binary older than its source, than
# any object in UNIT_OBJ_DIR (what it links), than any connector/*.[ch] or tests/unit/*.h, or
# than the web files embedded in web_assets.o; for integration, build/fakeds older than
# tests/fakeds/*.[ch], tests/simlib/*.[ch] or connector/util.[ch], and segcont older than connector/*.[ch], the
# objects next to it (build/obj for build/segcont, build/cov/obj for build/cov/segcont) or the
# web files. Missing binaries are refused likewise. Each refused binary is a failed case; run
# make (`make check` and `make unit` build first, so they never trip on this).
#
# Environment: UNIT_DIR (build/unit) and UNIT_OBJ_DIR (build/san): the unit binaries and
# the objects they link; SEGCONT_BIN (build/segcont): the segcont the integration tests run
# (a binary outside this build/ is not date-checked); TEST_TIMEOUT: seconds one binary or
# script may take (600); SEGCONT_SHARED (../shared). Logs: build/logs/{unit,integration}/.
cd "$(dirname "$0")/.." || exit 1
what=${1:-all}
filter=${2:-}
case "$what" in
all | unit | integration) ;;
*)
	echo "uso: tests/run.sh [all|unit|integration] [FILTRO]" >&2
	exit 2
	;;
esac
: "${SEGCONT_SHARED:=$(cd .. && pwd)/shared}"
: "${UNIT_DIR:=build/unit}"
: "${UNIT_OBJ_DIR:=build/san}"
: "${TEST_TIMEOUT:=600}"
export SEGCONT_SHARED
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export CMOCKA_MESSAGE_OUTPUT=STDOUT
export PYTHONUNBUFFERED=1 # a script killed at the time limit keeps what it printed
mkdir -p build/logs/unit build/logs/integration
failfile=build/logs/failures.txt
: >"$failfile"
passed=0
failed=0
items=0
WEB_FILES="web/*.html web/*.css web/*.js web/*.svg web/vendor/*.js"

# ---------------------------------------------------------------- parsing a log
# Both parsers print "#COUNT passed failed skipped ran announced", then "#FAIL name\treason"
# for each failing case, each followed by its detail lines "#DETAIL text".

# shellcheck disable=SC2016
AWK_UNIT='
function fail(name, reason, from, to,    i, n) {
	failed++
	print "#FAIL " name "\t" reason
	n = 0
	for (i = from; i <= to && n < 25 && line[i] !~ /^Shadow bytes around/; i++) {
		print "#DETAIL " line[i]
		n++
	}
	if (i <= to && n == 25)
		print "#DETAIL ... (" to - i + 1 " líneas más en el log)"
}
function first_report(from, to,    i) {
	for (i = from; i <= to; i++)
		if (line[i] ~ /ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:|Test failed with exception/)
			return i
	return from
}
{ line[NR] = $0 }
/^\[==========\] Running [0-9]+ test\(s\)\./ { announced += $3; insummary = 0; next }
/^\[==========\] [0-9]+ test\(s\) run\./ { insummary = 1; next }
insummary { if ($0 ~ /ERROR: LeakSanitizer/) leakat = NR; next }
/^\[ RUN      \] / { cur = substr($0, 14); curat = NR; next }
/^\[       OK \] / {
	ran++
	passed++
	ok[substr($0, 14)] = 1
	cur = ""
	next
}
/^\[  SKIPPED \] / { ran++; skipped++; cur = ""; next }
/^\[  (FAILED  |ERROR   )\] / && $0 !~ /^\[  ERROR   \] --- / {
	ran++
	fail(substr($0, 14), "falló", curat ? curat : NR, NR)
	cur = ""
	curat = 0
	next
}
/ERROR: LeakSanitizer/ { leakat = NR }
END {
	if (cur != "") {
		ran++
		i = first_report(curat, NR)
		r = line[i]
		sub(/^==[0-9]+==/, "", r)
		if (rc == 124)
			reason = "no terminó en " limit " s"
		else if (r ~ /Sanitizer|runtime error|exception/)
			reason = "el proceso abortó en este caso (estado " rc "): " r
		else
			reason = "el proceso terminó en este caso con estado " rc
		fail(cur, reason, i, NR)
		explained = 1
	}
	if (leakat) {
		# Each leak: "Direct leak of N byte(s)..." then frames "    #3 0x... in FUNC file:line";
		# the first frame that is a case that passed names the leak.
		named = 0
		for (i = leakat; i <= NR; i++) {
			if (line[i] ~ /^SUMMARY:/)
				summary = line[i]
			if (line[i] ~ /^(Direct|Indirect) leak of/) {
				rec = i
				hit = ""
				continue
			}
			if (rec == 0 || hit != "" || line[i] !~ /^    #[0-9]+ 0x[0-9a-f]+ in /)
				continue
			split(line[i], w, " ")
			if (!(w[4] in ok))
				continue
			hit = w[4]
			named++
			if (!(hit in leaked)) {
				leaked[hit] = 1
				passed--
				fail(hit, "LeakSanitizer: memoria asignada en este caso quedó sin liberar", rec, i)
			}
		}
		if (named == 0)
			fail("(fuga al salir)", "LeakSanitizer al salir, sin un caso que pasó en la pila de la fuga: " summary, leakat, leakat + 20)
		explained = 1
	}
	if (announced == 0 && ran == 0) {
		fail("(ningún caso)", "el binario no corrió ningún caso (estado " rc ")", NR > 20 ? NR - 20 : 1, NR)
		explained = 1
	}
	if (rc != 0 && failed == 0 && !explained)
		fail("(estado " rc ")", "terminó con estado " rc " sin un caso fallido", NR > 20 ? NR - 20 : 1, NR)
	print "#COUNT " passed + 0, failed + 0, skipped + 0, ran + 0, announced + 0
}'

# shellcheck disable=SC2016
AWK_SCRIPT='
function fail(name, reason) {
	failed++
	print "#FAIL " name "\t" reason
}
{ line[NR] = $0 }
/^  ok: / { passed++; next }
/^  FALLA: / { fail(substr($0, 10), "falló"); next }
/^FALLA: / { fail(substr($0, 8), "falló"); next }
/^ok   [^ ]+ \([0-9.]+s\)$/ { passed++; next }
/^FAIL [^ :]+: / { n = $2; sub(/:$/, "", n); fail(n, substr($0, length($2) + 7)); next }
/^FAIL: / { fail(substr($0, 7), "falló"); next }
/^todas las comprobaciones pasaron$|^[0-9]+ comprobaciones fallaron$|^[0-9]+ passed, [0-9]+ failed$/ {
	closed = 1
}
END {
	if (passed + failed == 0) {
		if (rc == 0)
			passed = 1
		else
			late = 1
	} else if (rc != 0 && (!closed || failed == 0)) {
		late = 1
	}
	if (late) {
		fail("(terminó con estado " rc ")", rc == 124 ? "no terminó en " limit " s" : \
		    "terminó con estado " rc " sin su línea final o sin una comprobación fallida")
		for (i = NR - 24 > 1 ? NR - 24 : 1; i <= NR; i++)
			print "#DETAIL " line[i]
	}
	print "#COUNT " passed + 0, failed + 0, 0, passed + failed, passed + failed
}'

# ---------------------------------------------------------------- stale binaries

# newer BIN PATH...: the PATHs (files; directories are not walked) newer than BIN, one per
# line; main.c and main.o never count for a unit binary (they are not linked into it).
newer() {
	bin=$1
	shift
	case "$bin" in
	*/unit/*) find "$@" -prune -type f -newer "$bin" ! -name main.c ! -name main.o 2>/dev/null ;;
	*) find "$@" -prune -type f -newer "$bin" 2>/dev/null ;;
	esac
}

refused=0
# refuse BIN WHY: reports a binary not to be run, as a failed case.
refuse() {
	refused=$((refused + 1))
	failed=$((failed + 1))
	echo "RECHAZADO $1: $2"
	printf '%s: %s\n' "$1" "$2" >>"$failfile"
}

# check_fresh BIN INPUT...: refuses BIN when missing or older than an input.
check_fresh() {
	bin=$1
	shift
	if [ ! -x "$bin" ]; then
		refuse "$bin" "no existe: ejecute make"
		return
	fi
	list=$(newer "$bin" "$@" | head -n 5 | tr '\n' ' ')
	[ -n "$list" ] && refuse "$bin" "más viejo que ${list}— ejecute make (make check compila antes de correr)"
}

# ---------------------------------------------------------------- running one

# run_one KIND NAME PARSER CMD...: runs CMD under the time limit into its log and counts its cases.
run_one() {
	kind=$1
	name=$2
	parser=$3
	shift 3
	log="build/logs/$name.log"
	items=$((items + 1))
	start=$(date +%s)
	timeout -k 10 "$TEST_TIMEOUT" "$@" >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	out=$(awk -v rc="$rc" -v limit="$TEST_TIMEOUT" "$parser" "$log")
	# shellcheck disable=SC2046 # five numbers, split on purpose
	set -- $(echo "$out" | sed -n 's/^#COUNT //p')
	p=$1 f=$2 s=$3 ran=$4 announced=$5
	passed=$((passed + p))
	failed=$((failed + f))
	extra=""
	[ "$s" -gt 0 ] && extra=", $s omitidos"
	[ "$kind" = unit ] && [ "$ran" -lt "$announced" ] &&
		extra="$extra, corrieron $ran de $announced anunciados"
	if [ "$f" -eq 0 ]; then
		echo "ok   $name: $p casos$extra (${secs}s)"
		return
	fi
	echo "FAIL $name: $p ok, $f fallidos$extra (${secs}s), log: $log"
	echo "$out" | awk -v name="$name" -v failfile="$failfile" '
		/^#FAIL / {
			s = substr($0, 7); t = index(s, "\t")
			c = substr(s, 1, t - 1); r = substr(s, t + 1)
			short = length(c) > 160 ? substr(c, 1, 157) "..." : c
			print "     FALLA " short (r == "falló" ? "" : ": " r)
			print name ": " short >>failfile
		}
		/^#DETAIL / { print "       | " substr($0, 9) }'
}

# ---------------------------------------------------------------- what to run

unit_bins=""
scripts=""
if [ "$what" = all ] || [ "$what" = unit ]; then
	for src in tests/unit/test_*.c; do
		[ -f "$src" ] || continue
		case "$src" in *"$filter"*) ;; *) continue ;; esac
		unit_bins="$unit_bins $UNIT_DIR/$(basename "$src" .c)"
	done
fi
if [ "$what" = all ] || [ "$what" = integration ]; then
	for t in tests/integration/test_*; do
		[ -f "$t" ] || continue
		case "$t" in *"$filter"*) ;; *) continue ;; esac
		case "$t" in *.py | *.sh | *.mjs) scripts="$scripts $t" ;; esac
	done
fi

# Every binary that will run must be newer than what it is built from.
for b in $unit_bins; do
	# shellcheck disable=SC2086
	check_fresh "$b" "tests/unit/$(basename "$b").c" "$UNIT_OBJ_DIR"/*.o connector/*.c connector/*.h \
		tests/unit/*.h $WEB_FILES
done
if [ -n "$scripts" ]; then
	seg=${SEGCONT_BIN:-build/segcont}
	case "$seg" in
	build/* | "$(pwd)"/build/*)
		# shellcheck disable=SC2086
		check_fresh "$seg" connector/*.c connector/*.h "$(dirname "$seg")"/obj/*.o $WEB_FILES
		;;
	*) echo "nota: SEGCONT_BIN=$seg está fuera de build/: no se comprueba su fecha" ;;
	esac
	check_fresh build/fakeds tests/fakeds/*.c tests/fakeds/*.h tests/simlib/*.c tests/simlib/*.h \
		connector/util.c connector/util.h
fi
if [ "$refused" -gt 0 ]; then
	echo "no se corre nada: binarios rechazados: $refused; ejecute make (make check compila antes)"
	echo "casos fallidos ($failed):"
	sed 's/^/  /' "$failfile"
	echo "0 passed, $failed failed"
	exit 1
fi

for b in $unit_bins; do
	run_one unit "unit/$(basename "$b")" "$AWK_UNIT" "$b"
done
for t in $scripts; do
	case "$t" in
	*.py) run_one integration "integration/$(basename "$t")" "$AWK_SCRIPT" python3 "$t" ;;
	*.sh) run_one integration "integration/$(basename "$t")" "$AWK_SCRIPT" sh "$t" ;;
	*.mjs) run_one integration "integration/$(basename "$t")" "$AWK_SCRIPT" node "$t" ;;
	esac
done

if [ "$items" -eq 0 ] || [ $((passed + failed)) -eq 0 ]; then
	if [ -n "$filter" ]; then
		echo "no corrió ningún caso: ninguna prueba de «$what» coincide con «$filter»"
	else
		echo "no corrió ningún caso: no hay pruebas de «$what»"
	fi
	echo "0 passed, 0 failed"
	exit 1
fi
if [ "$failed" -gt 0 ]; then
	echo "casos fallidos ($failed):"
	sed 's/^/  /' "$failfile"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
