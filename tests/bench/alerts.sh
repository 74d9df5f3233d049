#!/bin/bash
# make bench (issue 4): how long from the message that breaches a norm to
# the alert on P/out/alert/..., over 1,000 trials on loopback. A desk
# queue with max_wait = 10m and for = 0 (DESIGN §7): longest_wait 700
# makes it critical, 0 makes it ok again; the client times each breach.
# The baseline, measured in the same run by the same client, is the
# broker's own round trip (a message to a topic the client subscribes
# to): any alert pays it twice, in and out. Goal: p99 under 50 ms.
#
#   O              build directory (build)
#   BENCH_TRIALS   trials (1000)
. "$(dirname "$0")/../integration/lib.sh"

N=${BENCH_TRIALS:-1000}
LIMIT_MS=50
CLIENT=$BIN/tests/alert_latency

start_broker
write_config "
$NORM_WACHT

[queue bench/alert]
label = Bench
norm = wacht"
start_wachtd

# measure ARG...: n p50 p99 max lost
read -r bn b50 b99 bmax blost <<< "$("$CLIENT" -e -p "$BROKER_PORT" -n "$N")"
read -r an a50 a99 amax alost <<< "$("$CLIENT" -p "$BROKER_PORT" \
    -P "$PREFIX" -q bench/alert -m wacht -n "$N")"
stop_wachtd

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.1fx", b / a; else print "-" }'; }
echo
printf '%-34s%14s%14s%9s\n' "wachtd bench, alert latency" "broker echo" \
    "alert" ratio
printf '%-34s%14s%14s%9s\n' "trials (lost)" "$bn ($blost)" "$an ($alost)" ""
printf '%-34s%14s%14s%9s\n' "p50 (ms)" "$b50" "$a50" "$(ratio "$b50" "$a50")"
printf '%-34s%14s%14s%9s\n' "p99 (ms)" "$b99" "$a99" "$(ratio "$b99" "$a99")"
printf '%-34s%14s%14s%9s\n' "max (ms)" "$bmax" "$amax" "$(ratio "$bmax" "$amax")"
echo
how="p50 $a50 ms, p99 $a99 ms over $an trials ($alost lost); broker echo p99 $b99 ms"
if [ "${alost:-1}" = 0 ] && awk -v v="$a99" -v l="$LIMIT_MS" 'BEGIN { exit !(v < l) }'; then
	echo "PASS (c) alert within $LIMIT_MS ms of the breaching message: $how"
	exit 0
fi
echo "FAIL (c) alert not within $LIMIT_MS ms of the breaching message: $how"
exit 1
