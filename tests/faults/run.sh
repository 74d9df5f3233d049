#!/bin/bash
# make faults: runs every tests/faults/f_*.sh in turn, showing what each
# prints ("ok - ..." / "not ok - ..." with the figures measured), then
# one summary line "faults: N passed, N failed". Exit status: 0 when all
# pass.
#   O=build-sanitize  the sanitizer build
#   VALGRIND=1        the daemon under valgrind memcheck
set -u
cd "$(dirname "$0")/../.."
O=${O:-build}
export O
if [ -n "${VALGRIND:-}" ]; then
	export WACHTD_WRAPPER="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --suppressions=$PWD/tests/valgrind.supp"
fi
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="fast_unwind_on_malloc=0:${ASAN_OPTIONS:-}"

passed=0 failed=0 failures=
out=$(mktemp /tmp/wachtd-faults.XXXXXX)
trap 'rm -f "$out"' EXIT
for t in tests/faults/f_*.sh; do
	name=$(basename "$t" .sh)
	echo "# $name"
	t0=$(date +%s)
	timeout 600 bash "$t" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	p=$(grep -c '^ok ' "$out")
	f=$(grep -c '^not ok ' "$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited with status $rc"
		f=1
	fi
	passed=$((passed + p)) failed=$((failed + f))
	[ "$f" -ne 0 ] && failures="$failures $name"
	printf '# %s: %d passed, %d failed in %d s\n' "$name" "$p" "$f" \
	    $(( $(date +%s) - t0 ))
done
[ -n "$failures" ] && echo "failing:$failures"
echo "faults: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
