#!/bin/bash
# make bench (issue 8, part 2): how wachtd's memory and CPU grow with the
# number of queues. For 100, 1,000 and 10,000 phone queues (step 10 s,
# their RRD files made beforehand), each with the same traffic from
# wachtd-sim (BENCH_SCALE_RATE arrivals an hour per queue, lifecycle
# messages), a fresh wachtd runs two steps of warm-up, then BENCH_STEPS
# steps are measured: CPU time per step (user + system, all threads, from
# /proc) and resident memory at the end. The baseline for memory, in the
# same run: tests/bench/idle.c, a program linked with wachtd's libraries
# that does nothing (the shared code every process with them maps). The
# table gives each figure, per queue, and each count's ratio to the one
# before. Goals, PASS or FAIL (exit 1 on FAIL):
#   (i) resident memory at 1,000 queues under 20 MB;
#   (j) linear: CPU per step and memory beyond the baseline, per queue,
#       at the largest count at most 1.5x their value at the count before.
#
#   O                  build directory (build)
#   BENCH_SCALE        queue counts ("100 1000 10000")
#   BENCH_STEPS        steps measured per count (3)
#   BENCH_SCALE_RATE   arrivals an hour per queue (360)
. "$(dirname "$0")/lib.sh"

COUNTS=${BENCH_SCALE:-100 1000 10000}
K=${BENCH_STEPS:-3}
RATE=${BENCH_SCALE_RATE:-360}
STEP=10
STEP_MS=$((STEP * 1000))
LIMIT_KB=$((20 * 1024))		# goal (i)
IDLE_PID=

scale_cleanup() {
	if [ -n "$IDLE_PID" ]; then
		kill "$IDLE_PID" 2>/dev/null
		wait "$IDLE_PID" 2>/dev/null
	fi
	cleanup
}
trap scale_cleanup EXIT
trap 'exit 130' INT TERM

# sim_config N: lifecycle traffic for bench/q00001 ... N.
sim_config() {
	local i
	for ((i = 1; i <= $1; i++)); do
		printf '[queue bench/q%05d]\nmode = lifecycle\n' "$i"
		printf 'arrivals_per_hour = %s\nstaff = 2\n' "$RATE"
		printf 'handle_time = 60s\npatience = 120s\ninterval = 30s\n\n'
	done > "$TMP/sim.conf"
}

# The libraries alone.
"$BIN/tests/idle" &
IDLE_PID=$!
sleep 0.5
FLOOR_KB=$(rss_of "$IDLE_PID")

start_broker
layout
declare -A CPU RSS MSGS
for n in $COUNTS; do
	echo "# $n queues: 2 steps of warm-up, then $K of ${STEP}s"
	make_files "$n"
	sim_config "$n"
	HTTP_PORT=$(free_port)
	config "$n"
	start_wachtd
	"$BIN/wachtd-sim" -c "$TMP/sim.conf" -p "$BROKER_PORT" \
	    --prefix "$PREFIX" --client-id "scale-sim-$$" --seed 5 \
	    --start 09:00 2> "$TMP/sim.log" &
	SIM_PID=$!
	t=$(now_ms)
	sleep_ms $(( (t / STEP_MS + 3) * STEP_MS + STEP_MS / 2 - t ))
	c0=$(cpu_ticks "$WACHTD_PID")
	m0=$(api /api/v1/status | jq '.accepted')
	sleep $((K * STEP))
	c1=$(cpu_ticks "$WACHTD_PID")
	m1=$(api /api/v1/status | jq '.accepted')
	RSS[$n]=$(rss_of "$WACHTD_PID")
	CPU[$n]=$(awk -v c=$((c1 - c0)) -v k="$K" \
	    'BEGIN { printf "%.3f", c / 100 / k }')
	MSGS[$n]=$(( (m1 - m0) / K ))
	kill -TERM "$SIM_PID"; wait "$SIM_PID"; SIM_PID=
	stop_wachtd
	rm -rf "$TMP/state-$n"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {
	if (a + 0 > 0) printf "%.2fx", b / a; else printf "-" }'; }
per() { awk -v a="$1" -v n="$2" -v s="$3" 'BEGIN { printf "%.*f", s, a / n }'; }
echo
printf '%-40s' "wachtd bench, scale, step ${STEP}s"
prev=
for n in $COUNTS; do
	printf '%12s' "$n"
	[ -z "$prev" ] || printf '%8s' ratio
	prev=$n
done
echo
# row LABEL FUNCTION: each count's figure, and its ratio to the one before.
row() {
	local n prev=
	printf '%-40s' "$1"
	for n in $COUNTS; do
		printf '%12s' "$($2 "$n")"
		[ -z "$prev" ] || printf '%8s' "$(ratio "$($2 "$prev")" "$($2 "$n")")"
		prev=$n
	done
	echo
}
msgs() { echo "${MSGS[$1]}"; }
cpu_step() { echo "${CPU[$1]}"; }
cpu_queue() { per "${CPU[$1]}e3" "$1" 3; }
rss() { echo "${RSS[$1]}"; }
own() { echo $(( RSS[$1] - FLOOR_KB )); }
own_queue() { per "$(own "$1")" "$1" 2; }
row "messages a step" msgs
row "CPU s a step" cpu_step
row "CPU ms a step per queue" cpu_queue
row "resident memory (kB)" rss
row "beyond the libraries' $FLOOR_KB kB" own
row "beyond them, per queue (kB)" own_queue
echo

status=0
set -- $COUNTS
if [ -n "${RSS[1000]:-}" ]; then
	how="${RSS[1000]} kB at 1000 queues, of which $FLOOR_KB kB the libraries' baseline"
	if [ "${RSS[1000]}" -lt "$LIMIT_KB" ]; then
		echo "PASS (i) resident memory under 20 MB: $how"
	else
		echo "FAIL (i) resident memory under 20 MB: $how"
		status=1
	fi
fi
# (j) The largest count against the one before it, per queue; it takes
# two counts.
if [ $# -lt 2 ]; then
	echo "SKIP (j) linear growth: it takes two counts of queues"
	exit $status
fi
last=${!#} before=${@: -2:1}
c=$(ratio "$(cpu_queue "$before")" "$(cpu_queue "$last")")
m=$(ratio "$(own_queue "$before")" "$(own_queue "$last")")
how="per queue from $before to $last queues: CPU a step $c, memory $m"
if awk -v a="${c%x}" -v b="${m%x}" 'BEGIN { exit !(a <= 1.5 && b <= 1.5) }'; then
	echo "PASS (j) linear growth: $how"
else
	echo "FAIL (j) linear growth: $how"
	status=1
fi
exit $status
