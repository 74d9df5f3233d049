#!/bin/sh
# run.sh TARGET...: make fuzz. Runs each libFuzzer target for FUZZ_SECONDS,
# one after another (one core each, so the machine stays usable), with its
# dictionary, on a copy of its seed corpus in $FUZZ_O/corpus/TARGET: what
# it finds stays out of the repository and is there for the next run.
#
# A crash, leak, timeout or UB report leaves its input in
# $FUZZ_O/artifacts/TARGET/ and the whole report in $FUZZ_O/fuzz_TARGET.log;
# the run goes on with the other targets and fails at the end.

O=${FUZZ_O:-build-fuzz}
S=${FUZZ_SECONDS:-60}
dir=$(dirname "$0")
: "${UBSAN_OPTIONS:=print_stacktrace=1}"
export UBSAN_OPTIONS

# Longest input per target: enough to pass each parser's own limits.
max_len() {
	case $1 in
	payload) echo 4200 ;;	# PAYLOAD_MAX (4 KiB) and a little
	ingest) echo 4096 ;;	# a hundred messages and ticks
	config) echo 12000 ;;	# a line over 4 KiB, and then some
	ami) echo 20000 ;;	# a line over AMI_LINE_MAX (8 KiB)
	*) echo 8192 ;;
	esac
}

# The last "NAME: N" libFuzzer printed in log, or "?".
last() {
	v=$(grep -o "$1: [0-9]*" "$2" | tail -n 1 | sed 's/.*: //')
	echo "${v:-?}"
}

n=0 clean=0 failed=0
for t in "$@"; do
	n=$((n + 1))
	work=$O/corpus/$t art=$O/artifacts/$t log=$O/fuzz_$t.log
	mkdir -p "$work" "$art"
	cp "$dir/corpus/$t/"* "$work/" 2>/dev/null
	dict=
	[ -f "$dir/$t.dict" ] && dict=-dict=$dir/$t.dict
	"$O/fuzz_$t" -max_total_time="$S" -max_len="$(max_len "$t")" \
	    -timeout=10 -rss_limit_mb=2048 -error_exitcode=77 \
	    -timeout_exitcode=77 -print_final_stats=1 \
	    -artifact_prefix="$art/" $dict "$work" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	files=$(ls "$work" | wc -l)
	summary="${runs:-?} runs (${speed:-?}/s), corpus $files,"
	summary="$summary cov $(last cov "$log") ft $(last ft "$log")"
	if [ "$rc" -eq 0 ]; then
		clean=$((clean + 1))
		echo "fuzz_$t: clean: $summary"
		continue
	fi
	failed=$((failed + 1))
	echo "fuzz_$t: FAILED (exit $rc): $summary"
	grep -m 1 '^SUMMARY:' "$log" | sed 's/^/    /'
	# What the target or a sanitizer said (a broken promise names
	# itself on the line before libFuzzer's "deadly signal").
	grep -E -m 3 "^fuzz_$t: |^==[0-9]+==ERROR|runtime error" "$log" |
	    sed 's/^/    /'
	unit=$(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)
	[ -n "$unit" ] && echo "    reproduce: $O/fuzz_$t $unit"
	# A CI log may be all that is left of the run: the input itself,
	# for base64 -d.
	[ -n "$unit" ] && [ "$(wc -c <"$unit")" -le 65536 ] &&
	    echo "    input (base64): $(base64 -w 0 "$unit")"
	echo "    report: $log"
done
echo "fuzz: $n targets, $clean clean, $failed failed"
[ "$failed" -eq 0 ]
