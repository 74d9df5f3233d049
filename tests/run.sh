#!/bin/bash
# Runs every unit test binary and every integration test, then prints one
# summary line "check: N passed, N failed". Exit status: 0 when all pass.
#   O=build-sanitize  use the sanitizer build
#   VALGRIND=1        run unit tests and the daemon under valgrind memcheck
set -u
cd "$(dirname "$0")/.."
O=${O:-build}
export O
passed=0 failed=0 failures=

vg=
if [ -n "${VALGRIND:-}" ]; then
	vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --suppressions=$PWD/tests/valgrind.supp"
	export WACHTD_WRAPPER="$vg"
fi
# Leaks inside librrd's font caches are not ours (tests/lsan.supp); full
# stacks so the suppression can see through librrd's frames.
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
# Errors found exit 99 under ASan as under valgrind, leaks too, so
# stop_wachtd (tests/integration/lib.sh) tells them from wachtd's own 1.
export ASAN_OPTIONS="fast_unwind_on_malloc=0:exitcode=99:${ASAN_OPTIONS:-}"

# Unit tests: cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N".
for t in "$O"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	# A hang fails, as in the integration tests below.
	out=$(timeout 600 $vg "$t" 2>&1)
	rc=$?
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p')
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p')
	p=${p:-0} f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1	# crashed, or valgrind/sanitizer found an error
	fi
	passed=$((passed + p)) failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		printf '%s\n' "$out"
		failures="$failures $name"
	fi
	printf '%-28s %3d passed, %d failed\n' "$name" "$p" "$f"
done

# Integration tests print "ok - ..." or "not ok - ..." per check.
for t in tests/integration/t_*.sh; do
	name=$(basename "$t" .sh)
	out=$(timeout 600 bash "$t" 2>&1)
	rc=$?
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^not ok ')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		out="$out
not ok - $name exited with status $rc"
	fi
	passed=$((passed + p)) failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		printf '%s\n' "$out"
		failures="$failures $name"
	fi
	printf '%-28s %3d passed, %d failed\n' "$name" "$p" "$f"
done

[ -n "$failures" ] && echo "failing:$failures"
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
