#!/bin/bash
# make bench (issue 3): does the history cost one RRD write per active queue
# per step, however many messages came in, and how long does the step tick
# hold the event loop with 1,000 queues?
#
# Each queue count gets a fresh wachtd on a private broker, fed by
# wachtd-sim (phone queues: join, leave, handle_time, agents). After a
# warm-up, a whole number of steps is measured between two mid-step
# snapshots of /api/v1/status, while curl asks /healthz a hundred times a
# second from outside. The first count is the baseline: the others are
# printed as ratios against it, measured in the same run, so the table
# compares like with like on whatever machine runs it. Two goals end in
# PASS or FAIL (exit 1 on FAIL):
#   (a) writes per step per active queue = 1, within one step's writes;
#   (b) the longest the step tick holds the loop at once (it visits the
#       queues in slices) with the largest count is under 5 ms.
#
# The RRD files are made before wachtd starts, with the layout of a file
# wachtd created itself (step, data sources, archives) but a few rows per
# archive: at a 1 s step a full file is 37 MB, 37 GB for 1,000 queues.
# An update does the same work either way (the same archives), and the
# loop never touches the files.
#
#   O               build directory with wachtd and wachtd-sim (build)
#   BENCH_QUEUES    queue counts, baseline first ("100 1000")
#   BENCH_STEP      [daemon] step, whole seconds (1)
#   BENCH_STEPS     steps measured per count (10)
#   BENCH_RATE      simulated arrivals per hour per queue (7200)
. "$(dirname "$0")/lib.sh"

QUEUES=${BENCH_QUEUES:-100 1000}
STEP=${BENCH_STEP:-1}
K=${BENCH_STEPS:-10}
RATE=${BENCH_RATE:-7200}
LIMIT_MS=5		# goal (b)
PROBE_RATE=100		# /healthz requests a second
WARMUP=3		# steps before the first snapshot
STEP_MS=$((STEP * 1000))
PROBE_PID=

# lib.sh's cleanup stops the broker, wachtd and the simulator.
bench_cleanup() {
	if [ -n "$PROBE_PID" ]; then
		kill "$PROBE_PID" 2>/dev/null
		wait "$PROBE_PID" 2>/dev/null
	fi
	cleanup
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

for n in $QUEUES; do
	case $n in
	''|*[!0-9]*|0) echo "bench: BENCH_QUEUES must be counts: $QUEUES"; exit 2 ;;
	esac
done

# mid_step AHEAD: sleeps to the middle of the step AHEAD steps on and sets
# STEPNO to its number. By then the tick at its start has handed the
# steps over and the writer has had half a step to write them.
mid_step() {
	local t
	t=$(now_ms)
	STEPNO=$(( t / STEP_MS + $1 ))
	sleep_ms $(( STEPNO * STEP_MS + STEP_MS / 2 - t ))
}

# snapshot: the status counters, once the writer has caught up (or the
# step is nearly over: then PENDING says by how much it has not).
snapshot() {
	local deadline=$(( $(now_ms) + STEP_MS * 4 / 10 )) st
	while :; do
		st=$(api /api/v1/status) || { echo "bench: no status"; exit 1; }
		read -r WRITES QUEUED PENDING ACCEPTED REJECTED <<< "$(jq -r \
		    '[.history.writes, .history.steps_queued, .history.pending,
		    .accepted, ([.rejected[]] | add)] | @tsv' <<< "$st")"
		[ "$PENDING" -eq 0 ] || [ "$(now_ms)" -ge "$deadline" ] && break
		sleep 0.02
	done
}

active_queues() {
	api /api/v1/queues | jq '[.queues[] | select(.updated != null)] | length'
}

# sim_config N: the simulator's traffic for the same queues. Two-second
# calls on eight agents: busy enough that some wait and some give up.
sim_config() {
	local i
	for ((i = 1; i <= $1; i++)); do
		printf '[queue bench/q%05d]\nmode = lifecycle\n' "$i"
		printf 'arrivals_per_hour = %s\nstaff = 8\n' "$RATE"
		printf 'handle_time = 2s\npatience = 10s\ninterval = 5s\n\n'
	done > "$TMP/sim.conf"
}

# run N: one measured run with N queues; results in R_*[N].
declare -A R_ACTIVE R_SENT R_ACCEPTED R_REJECTED R_STEPS R_WRITES R_QUEUED \
    R_WINDOW_MSGS R_STEP_MAX R_STEP_CPU R_STEP_MEDIAN R_STEP_SPAN R_STEP_WMAX \
    R_WRITE_MAX \
    R_LOST R_ERRORS \
    R_PROBE_MAX R_PROBE_P99 R_PROBE_N
run() {
	local n=$1 a0 a1 w0 q0 m0 s0 st n_probe i
	HTTP_PORT=$(free_port)
	config "$n"
	sim_config "$n"
	make_files "$n"
	start_wachtd
	"$BIN/wachtd-sim" -c "$TMP/sim.conf" -p "$BROKER_PORT" \
	    --prefix "$PREFIX" --client-id "bench-sim-$$" --seed 3 \
	    --start 09:00 2> "$TMP/sim.log" &
	SIM_PID=$!

	mid_step "$WARMUP"
	a0=$(active_queues)
	mid_step 1
	snapshot
	s0=$STEPNO w0=$WRITES q0=$QUEUED m0=$(( ACCEPTED + REJECTED ))
	n_probe=$(( PROBE_RATE * K * STEP ))
	curl -s -o /dev/null -w '%{time_total}\n' --rate "$PROBE_RATE/s" \
	    "http://127.0.0.1:$HTTP_PORT/healthz?n=[1-$n_probe]" \
	    > "$TMP/probe-$n" 2>/dev/null &
	PROBE_PID=$!
	# Each tick of the window, for a typical figure next to the worst.
	: > "$TMP/ticks"
	for ((i = 0; i < K; i++)); do
		mid_step 1
		api /api/v1/status |
		    jq -r '[.loop.step_ms, .loop.step_span_ms] | @tsv' \
		    >> "$TMP/ticks"
	done
	R_STEP_MEDIAN[$n]=$(cut -f1 "$TMP/ticks" | median)
	R_STEP_SPAN[$n]=$(cut -f2 "$TMP/ticks" | median)
	R_STEP_WMAX[$n]=$(cut -f1 "$TMP/ticks" | sort -g | tail -1)
	snapshot
	R_STEPS[$n]=$(( STEPNO - s0 ))
	R_WRITES[$n]=$(( WRITES - w0 ))
	R_QUEUED[$n]=$(( QUEUED - q0 ))
	[ "$PENDING" -eq 0 ] || echo "# $n queues: the writer was $PENDING" \
	    "steps behind at the end of the window"
	R_WINDOW_MSGS[$n]=$(( ACCEPTED + REJECTED - m0 ))
	wait "$PROBE_PID"
	PROBE_PID=
	a1=$(active_queues)

	kill -TERM "$SIM_PID"
	wait "$SIM_PID"
	SIM_PID=
	R_SENT[$n]=$(sed -n 's/.*stopped: \([0-9]*\) messages published.*/\1/p' \
	    "$TMP/sim.log")
	R_SENT[$n]=${R_SENT[$n]:-?}
	# What the broker still held for wachtd has arrived once nothing moves.
	m0=-1
	while st=$(api /api/v1/status) && [ "$(jq '.accepted' <<< "$st")" != "$m0" ]; do
		m0=$(jq '.accepted' <<< "$st")
		sleep 0.3
	done
	read -r R_ACCEPTED[$n] R_REJECTED[$n] R_STEP_MAX[$n] R_STEP_CPU[$n] \
	    R_WRITE_MAX[$n] R_LOST[$n] R_ERRORS[$n] <<< "$(jq -r '[.accepted,
	    ([.rejected[]] | add), (.loop.step_max_ms * 1000 | round / 1000),
	    (.loop.step_cpu_max_ms * 1000 | round / 1000),
	    (.history.write_max_ms * 1000 | round / 1000),
	    .history.lost + .history.dropped, .history.errors + .history.refused]
	    | @tsv' <<< "$st")"
	stop_wachtd
	R_ACTIVE[$n]=$a1
	[ "$a0" = "$a1" ] || echo "# $n queues: $a0 active before the window, $a1 after"

	read -r R_PROBE_N[$n] R_PROBE_MAX[$n] R_PROBE_P99[$n] <<< "$(sort -g \
	    "$TMP/probe-$n" | awk '{ v[NR] = $1 * 1000 } END {
		i = int(NR * 0.99); if (i < 1) i = 1
		printf "%d %.2f %.2f\n", NR, v[NR], v[i] }')"
	rm -rf "$TMP/state-$n"
}

start_broker
layout
for n in $QUEUES; do
	echo "# $n queues: $K steps of ${STEP}s after $WARMUP warm-up steps"
	run "$n"
done

# Derived figures, one function of N each.
sent() { echo "${R_SENT[$1]}"; }
accepted() { echo "${R_ACCEPTED[$1]}/${R_REJECTED[$1]}"; }
active() { echo "${R_ACTIVE[$1]}"; }
steps() { echo "${R_STEPS[$1]}"; }
msgs() { echo "${R_WINDOW_MSGS[$1]}"; }
queued() { echo "${R_QUEUED[$1]}"; }
writes() { echo "${R_WRITES[$1]}"; }
per_queue_step() { awk -v w="${R_WRITES[$1]}" -v k="${R_STEPS[$1]}" \
	-v a="${R_ACTIVE[$1]}" 'BEGIN {
	if (k * a > 0) printf "%.3f\n", w / (k * a); else print "nan" }'; }
per_write() { awk -v m="${R_WINDOW_MSGS[$1]}" -v w="${R_WRITES[$1]}" \
	'BEGIN { if (w > 0) printf "%.1f\n", m / w; else print "nan" }'; }
step_max() { printf '%.3f\n' "${R_STEP_MAX[$1]}"; }
step_cpu() { printf '%.3f\n' "${R_STEP_CPU[$1]}"; }
step_median() { echo "${R_STEP_MEDIAN[$1]}"; }
step_wmax() { printf '%.3f\n' "${R_STEP_WMAX[$1]}"; }
step_span() { echo "${R_STEP_SPAN[$1]}"; }
probe_max() { echo "${R_PROBE_MAX[$1]}"; }
probe_p99() { echo "${R_PROBE_P99[$1]}"; }
probe_n() { echo "${R_PROBE_N[$1]}"; }
write_max() { printf '%.3f\n' "${R_WRITE_MAX[$1]}"; }
trouble() { echo "${R_LOST[$1]}/${R_ERRORS[$1]}"; }

# row LABEL FUNCTION: the figure for each count, then last / first.
set -- $QUEUES
BASE=$1 LAST=${!#}
row() {
	local n
	printf '%-36s' "$1"
	for n in $QUEUES; do printf '%13s' "$($2 "$n")"; done
	printf '%9s\n' "$(ratio "$($2 "$BASE")" "$($2 "$LAST")")"
}

echo
printf '%-36s' "wachtd bench, step ${STEP}s"
for n in $QUEUES; do printf '%13s' "$n queues"; done
printf '%9s\n' ratio
row "queues active" active
row "messages sent (whole run)" sent
row "messages accepted/rejected" accepted
row "steps measured" steps
row "messages in those steps" msgs
row "steps handed to the writer" queued
row "RRD writes in those steps" writes
row "writes per step per active queue" per_queue_step
row "messages per RRD write" per_write
row "loop: longest step-tick hold (ms)" step_max
row "loop: longest hold of the window (ms)" step_wmax
row "loop: most CPU of one hold (ms)" step_cpu
row "loop: median of a tick's longest hold" step_median
row "loop: median tick, first to last (ms)" step_span
row "probe: /healthz max (ms)" probe_max
row "probe: /healthz p99 (ms)" probe_p99
row "probe: requests answered" probe_n
row "writer: slowest RRD update (ms)" write_max
row "steps lost+dropped/errors+refused" trouble
echo

status=0
# (a) One write per active queue per step; a queue caught mid-step at
# either edge of the window is the only slack: one step's writes.
bad= summary=
for n in $QUEUES; do
	d=$(( R_WRITES[$n] - R_STEPS[$n] * R_ACTIVE[$n] ))
	if [ "${R_ACTIVE[$n]}" -eq 0 ] || [ "${d#-}" -gt "${R_ACTIVE[$n]}" ] ||
	    [ "$(trouble "$n")" != "0/0" ]; then
		bad="$bad $n"
	fi
	summary="$summary $(per_queue_step "$n") at $n queues,"
done
if [ -z "$bad" ]; then
	echo "PASS (a) RRD writes per step per active queue:${summary%,}" \
	    "($(per_write "$LAST") messages per write)"
else
	echo "FAIL (a) RRD writes per step per active queue:${summary%,}" \
	    "(not 1 at:$bad queues)"
	status=1
fi
# (b) The longest the step tick held the loop, whole run, warm-up
# included.
ms=$(step_max "$LAST")
how="at $LAST queues: $ms ms, $(ratio "$(step_max "$BASE")" "$ms") the"
how="$how $BASE-queue baseline; /healthz max $(probe_max "$LAST") ms"
if awk -v v="$ms" -v l="$LIMIT_MS" 'BEGIN { exit !(v < l) }'; then
	echo "PASS (b) step tick held the loop under $LIMIT_MS ms $how"
else
	echo "FAIL (b) step tick held the loop $LIMIT_MS ms or more $how"
	status=1
fi
exit $status
