#!/bin/sh
# Runs the unit binaries (built with ASan/UBSan) and the integration tests, counts
# them and closes with one line "N passed, N failed". Exit status 1 when any failed.
# usage: tests/run.sh [unit|integration] [NAME-FILTER]
cd "$(dirname "$0")/.." || exit 1
what=${1:-all}
filter=${2:-}
: "${SEGCONT_SHARED:=$(cd .. && pwd)/shared}"
export SEGCONT_SHARED
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
mkdir -p build/logs/unit build/logs/integration
passed=0
failed=0
failures=""

run_one() {
	name=$1
	shift
	log="build/logs/$name.log"
	start=$(date +%s)
	if "$@" >"$log" 2>&1; then
		passed=$((passed + 1))
		echo "ok   $name ($(( $(date +%s) - start ))s)"
	else
		failed=$((failed + 1))
		failures="$failures $name"
		echo "FAIL $name ($(( $(date +%s) - start ))s), log: $log"
		tail -n 30 "$log" | sed 's/^/     /'
	fi
}

if [ "$what" = all ] || [ "$what" = unit ]; then
	for t in build/unit/test_*; do
		[ -x "$t" ] || continue
		case "$t" in *"$filter"*) ;; *) continue ;; esac
		run_one "unit/$(basename "$t")" "$t"
	done
fi
if [ "$what" = all ] || [ "$what" = integration ]; then
	for t in tests/integration/test_*; do
		[ -f "$t" ] || continue
		case "$t" in *"$filter"*) ;; *) continue ;; esac
		case "$t" in
		*.py) run_one "integration/$(basename "$t")" python3 "$t" ;;
		*.sh) run_one "integration/$(basename "$t")" sh "$t" ;;
		*.mjs) run_one "integration/$(basename "$t")" node "$t" ;;
		esac
	done
fi
[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
