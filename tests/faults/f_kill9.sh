#!/bin/bash
# wachtd is killed with SIGKILL while wachtd-sim keeps it busy, and
# started again with the same configuration. Checks:
#  - every queue's RRD file is valid after the kill (rrdtool info and
#    lastupdate), and after the restart the history reaches the start of
#    the step that was in progress at the kill: only that step is lost
#    (the one before it was only in state_dir/steps.journal);
#  - counts survive exactly: 37 arrivals two steps before the kill and 5
#    in the step before it are all in chat/geteld's file;
#  - an alert that was critical and acknowledged is critical after the
#    restart with the same since and the same acknowledgement (who, when,
#    comment) in /api/v1/alerts, and nobody is told again.
. "$(dirname "$0")/lib.sh"

STEP=5
start_broker
write_config "
$NORM_WACHT

[queue balie/alarm]
label = Balie alarm
norm = wacht

[queue chat/geteld]
label = Geteld"
set_key step ${STEP}s
open_always
start_wachtd
start_sim 50

# next_step_at S: sleeps until S seconds into the next step.
next_step_at() {
	sleep "$(echo "$(date +%s.%N) $STEP $1" |
	    awk '{ printf "%.3f", $2 - $1 % $2 + $3 }')"
}

# The alert: critical at once (for = 0), then acknowledged.
pub $PREFIX/in/balie/alarm/longest_wait 700
alert() { api /api/v1/alerts | jq -c '.alerts[] | select(.id == "balie/alarm/wacht") |
    {state, since, acked, by: .ack.by, at: .ack.at, comment: .ack.comment}'; }
wait_until "$WAIT" bash -c "curl -s http://127.0.0.1:$HTTP_PORT/api/v1/alerts | grep -q critical"
curl -s -o /dev/null --max-time 5 -X POST -H 'Content-Type: application/json' \
    -d '{"by": "storing", "comment": "kill -9 volgt"}' \
    "http://127.0.0.1:$HTTP_PORT/api/v1/alerts/balie/alarm/wacht/ack"
before=$(alert)
saved_ack() { test "$(jq -r '.alerts["balie/alarm/wacht"].ack.by' "$TMP/state/alerts.json")" = storing; }
wait_until "$WAIT" saved_ack
check "critical and acknowledged before the kill: $before" \
    grep -q '"state":"critical".*"acked":true' <<< "$before"

# Counts in two whole steps; the kill halfway through the third.
next_step_at 0.5
burst $PREFIX/in/chat/geteld/arrived 1 37
next_step_at 0.5
burst $PREFIX/in/chat/geteld/arrived 1 5
next_step_at 2.5
mosquitto_sub -p "$BROKER_PORT" -t "$PREFIX/out/notify" -v > "$TMP/notify" 2>&1 &
EXTRA_PIDS=$!
accepted=$(status .accepted)
{ kill -9 "$WACHTD_PID"; killed=$(date +%s.%N); wait "$WACHTD_PID"; } 2>/dev/null
WACHTD_PID=
current=$(echo "$killed $STEP" | awk '{ printf "%d", int($1 / $2) * $2 }')
echo "# killed at $killed with $accepted messages accepted; the step in progress began at $current"

files=$(find "$TMP/state/rrd" -name '*.rrd' | sort)
check_eq "one RRD file per queue after the kill" 5 "$(echo "$files" | wc -l)"
bad=
for f in $files; do
	rrdtool info "$f" >/dev/null 2>&1 && rrdtool lastupdate "$f" >/dev/null 2>&1 ||
	    bad="$bad $f"
done
check_eq "every file valid for rrdtool info and lastupdate" "" "$bad"
check "the steps held for late input are in steps.journal" test -s "$TMP/state/steps.journal"
last_before=$(rrdtool last "$TMP/state/rrd/chat/geteld.rrd")

start_wachtd
started=$(date +%s.%N)
wait_until "$WAIT" grep -q 'steps held at an unclean stop' "$TMP/wachtd.log"
replayed() { test "$(status '.history.pending')" = 0 && test "$(status '.history.writes + .history.skipped')" -gt 0; }
wait_until "$WAIT" replayed
lasts=$(for f in $files; do rrdtool last "$f"; done | sort -u | xargs)
echo "# restarted $(echo "$started $killed" | awk '{ printf "%.1f", $1 - $2 }') s after the kill;" \
    "chat/geteld's last update was $last_before, now: $lasts"
check_eq "every file written up to the step in progress at the kill" "$current" "$lasts"
check_eq "the 37 + 5 arrivals are all in the history" 42 \
    "$(rrd_sum "$TMP/state/rrd/chat/geteld.rrd" "$((current - 10 * STEP))")"
after=$(alert)
check_eq "the alert is restored as it was: $after" "$before" "$after"
sleep 2
kill "$EXTRA_PIDS"
check_eq "nobody is told again after the restart" "" "$(grep balie/alarm "$TMP/notify")"
accepts() { test "$(status .accepted)" -gt 0; }
check "the simulator's input is accepted again" wait_until "$WAIT" accepts
bad=
for f in $files; do rrdtool lastupdate "$f" >/dev/null 2>&1 || bad="$bad $f"; done
check_eq "every file still valid with the daemon writing again" "" "$bad"
exit 0
