#!/bin/bash
# make bench (issues 4 and 8): how long from the message that breaches a
# norm to the alert on P/out/alert/..., over 1,000 trials on loopback,
# idle and under full ingest load. A desk queue with max_wait = 10m and
# for = 0 (DESIGN §7): longest_wait 700 makes it critical, 0 makes it ok
# again; the client times each breach. The baseline, measured in the same
# run by the same client, is the broker's own round trip (a message to a
# topic the client subscribes to): any alert pays it twice, in and out.
# Under load, the stream of tests/bench/ingest.sh runs without pause
# (1,000 more queues, as fast as the broker takes it) and both are
# measured again. Goals, PASS or FAIL (exit 1 on FAIL):
#   (c) p99 under 50 ms, idle;
#   (h) p99 under 50 ms under full ingest load.
#
#   O                     build directory (build)
#   BENCH_TRIALS          trials (1000)
#   BENCH_INGEST_QUEUES   queues of the load (1000)
. "$(dirname "$0")/lib.sh"

N=${BENCH_TRIALS:-1000}
KQ=${BENCH_INGEST_QUEUES:-1000}
STEP=10
LIMIT_MS=50
CLIENT=$BIN/tests/alert_latency
LOAD_PID=

alerts_cleanup() {
	if [ -n "$LOAD_PID" ]; then
		kill "$LOAD_PID" 2>/dev/null
		wait "$LOAD_PID" 2>/dev/null
	fi
	cleanup
}
trap alerts_cleanup EXIT
trap 'exit 130' INT TERM

start_broker
layout
make_files "$KQ"
HTTP_PORT=$(free_port)
config "$KQ"
cat >> "$TMP/wachtd.conf" <<CONF

$NORM_WACHT

[queue bench/alert]
label = Bench
norm = wacht
CONF
start_wachtd

# measure: fills E_* (the broker echo) and A_* (the alert): n p50 p99 max
# lost.
measure() {
	read -r En E50 E99 Emax Elost <<< "$("$CLIENT" -e -p "$BROKER_PORT" \
	    -n "$N")"
	read -r An A50 A99 Amax Alost <<< "$("$CLIENT" -p "$BROKER_PORT" \
	    -P "$PREFIX" -q bench/alert -m wacht -n "$N")"
}
measure
read -r ien ie50 ie99 iemax ielost ian ia50 ia99 iamax ialost <<< \
    "$En $E50 $E99 $Emax $Elost $An $A50 $A99 $Amax $Alost"

accepted() { api /api/v1/status | jq '.accepted'; }
m0=$(accepted)
t0=$(now_ms)
"$BIN/tests/ingest_pub" -p "$BROKER_PORT" -n 0 -k "$KQ" -P "$PREFIX" &
LOAD_PID=$!
sleep 1
measure
m1=$(accepted)
t1=$(now_ms)
kill "$LOAD_PID"; wait "$LOAD_PID" 2>/dev/null; LOAD_PID=
rate=$(( (m1 - m0) * 1000 / (t1 - t0) ))
stop_wachtd

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.1fx", b / a; else print "-" }'; }
echo
printf '%-30s%12s%12s%8s%12s%12s%8s\n' "wachtd bench, alert latency" \
    "echo idle" "alert idle" ratio "echo load" "alert load" ratio
printf '%-30s%12s%12s%8s%12s%12s%8s\n' "trials (lost)" "$ien ($ielost)" \
    "$ian ($ialost)" "" "$En ($Elost)" "$An ($Alost)" ""
row() {
	printf '%-30s%12s%12s%8s%12s%12s%8s\n' "$1" "$2" "$3" \
	    "$(ratio "$2" "$3")" "$4" "$5" "$(ratio "$4" "$5")"
}
row "p50 (ms)" "$ie50" "$ia50" "$E50" "$A50"
row "p99 (ms)" "$ie99" "$ia99" "$E99" "$A99"
row "max (ms)" "$iemax" "$iamax" "$Emax" "$Amax"
echo "under load wachtd took $rate messages a second besides the trials"
echo

status=0
how="p50 $ia50 ms, p99 $ia99 ms over $ian trials ($ialost lost); broker echo p99 $ie99 ms"
if [ "${ialost:-1}" = 0 ] && awk -v v="$ia99" -v l="$LIMIT_MS" 'BEGIN { exit !(v < l) }'; then
	echo "PASS (c) alert within $LIMIT_MS ms of the breaching message: $how"
else
	echo "FAIL (c) alert not within $LIMIT_MS ms of the breaching message: $how"
	status=1
fi
how="p50 $A50 ms, p99 $A99 ms over $An trials ($Alost lost) while wachtd took $rate messages a second; broker echo p99 $E99 ms"
if [ "${Alost:-1}" = 0 ] && awk -v v="$A99" -v l="$LIMIT_MS" 'BEGIN { exit !(v < l) }'; then
	echo "PASS (h) alert within $LIMIT_MS ms under full ingest load: $how"
else
	echo "FAIL (h) alert not within $LIMIT_MS ms under full ingest load: $how"
	status=1
fi
exit $status
