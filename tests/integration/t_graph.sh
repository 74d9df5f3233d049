#!/bin/bash
# Graphs for team managers: PNG and SVG from the history, drawn off the
# loop; unknown queue or metric 404, bad parameters 400 with a reason.
. "$(dirname "$0")/lib.sh"

start_broker
write_config
sed -i "s/^step = .*/step = 2s/" "$TMP/wachtd.conf"
start_wachtd
Q=$PREFIX/in/telefoon/algemeen
# One RRD step each, the history needs steps: after each value the daemon
# must hand over a step before the next value comes.
queued() { api /api/v1/status | jq .history.steps_queued; }
more_queued() { test "$(queued)" -gt "$1"; }
for i in 1 2 3; do
	n=$(queued)
	pub $Q/answered $((i * 10))
	pub $Q/agents $i
	wait_until $((WAIT + 3 * 2)) more_queued "$n"
done
check "the steps are written" wait_status '.history.writes >= 3' true
check "the queue's history file is made" test -f "$TMP/state/rrd/telefoon/algemeen.rrd"
G=http://127.0.0.1:$HTTP_PORT/graph/telefoon/algemeen

get() { # URL -> "CODE TYPE", body in $TMP/body
	curl -s -o "$TMP/body" -w '%{http_code} %{content_type}' "$1"
}
check_eq "a PNG graph" "200 image/png" "$(get "$G/longest_wait.png?range=day")"
check_eq "that is a real PNG" "89504e47" "$(head -c 4 "$TMP/body" | od -An -tx1 | tr -d ' \n')"
check_eq "an SVG graph" "200 image/svg+xml" "$(get "$G/sl.svg?range=week&width=600&height=200")"
check "that is a whole SVG document" grep -q '</svg>' "$TMP/body"
check_eq "start and end as dates" "200 image/png" \
    "$(get "$G/agents.png?start=$(date +%F)&end=$(date -d tomorrow +%F)")"
failed=
for m in waiting longest_wait ewt wait agents backlog oldest_age arrived answered abandoned sl; do
	[ "$(get "$G/$m.png?range=month")" = "200 image/png" ] || failed="$failed $m"
done
check_eq "every metric draws" "" "$failed"
a=$(curl -s "$G/waiting.png?range=year" | md5sum)
b=$(curl -s "$G/waiting.png?range=year" | md5sum)
check_eq "a second request within the step is the cached image" "$a" "$b"
hdr=$(curl -sI "$G/waiting.png")
check "HEAD answers with the image's headers" grep -qi '^content-type: image/png' <<< "$hdr"

check_eq "unknown queue is 404" 404 "$(get "http://127.0.0.1:$HTTP_PORT/graph/telefoon/nope/waiting.png" | cut -d' ' -f1)"
check_eq "unknown metric is 404" 404 "$(get "$G/temperature.png" | cut -d' ' -f1)"
check_eq "unknown format is 404" 404 "$(get "$G/waiting.gif" | cut -d' ' -f1)"
check_eq "a queue without history yet is 404" \
    "404 no history yet for this queue" \
    "$(get "http://127.0.0.1:$HTTP_PORT/graph/email/info/backlog.png" | cut -d' ' -f1) $(jq -r .error "$TMP/body")"
bad() { # QUERY REASON
	local code
	code=$(get "$G/waiting.png?$1" | cut -d' ' -f1)
	check_eq "?$1 is 400: $2" "400 $2" "$code $(jq -r .error "$TMP/body")"
}
bad "range=decade" "range must be day, week, month or year"
bad "width=10" "width must be a whole number from 200 to 3000"
bad "height=abc" "height must be a whole number from 100 to 2000"
bad "start=yesterday" "start must be epoch seconds or a date like 2026-11-29, in 2000-2099"
bad "start=2026-12-02&end=2026-12-01" "start must lie before end"
bad "colour=red" "unknown parameter (use range, start, end, width, height)"

# The loop never waits on a render: the API answers while graphs draw.
pids=
for i in $(seq 8); do
	curl -s -o /dev/null "$G/waiting.png?width=$((1000 + i))" &
	pids="$pids $!"
done
t0=$(date +%s%N)
api /api/v1/queues > /dev/null
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
wait $pids
# Timing means something on the plain build only (valgrind runs one thread
# at a time, ASan slows everything).
if [ -z "${WACHTD_WRAPPER:-}" ] && [ "$O" = build ]; then
	check "the API answers within 100 ms while 8 graphs render ($ms ms)" \
	    test "$ms" -lt 100
else
	echo "# API answered in $ms ms while 8 graphs rendered (not judged here)"
fi
stop_wachtd
check_eq "exits 0 with the render thread" 0 "$WACHTD_STATUS"
exit 0
