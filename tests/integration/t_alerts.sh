#!/bin/bash
# A desk queue drifts into risk and back: exactly one warning, one critical
# and one resolution on its retained alert topic, the same in the API and
# the queue's state; a closed queue stays closed whatever comes in; a feed
# that stops goes stale, once, and recovers.
. "$(dirname "$0")/lib.sh"

start_broker
write_config "
[hours dicht]
holidays = none

$NORM_WACHT

[queue balie/snel]
label = Balie snel
norm = wacht
interval = 1s

[queue balie/dicht]
label = Balie dicht
hours = dicht
norm = wacht"
# A step of a second: staleness is seen at the tick.
sed -i 's/^step = 10s/step = 1s/' "$TMP/wachtd.conf"
start_wachtd

mosquitto_sub -p "$BROKER_PORT" -v -t "$PREFIX/out/alert/#" \
    > "$TMP/alerts" 2>/dev/null &
SUB_PID=$!
trap 'kill $SUB_PID 2>/dev/null; cleanup' EXIT
sleep 0.3

alert() { api "/api/v1/alerts/$1" | jq -r "$2"; }
alert_is() { test "$(alert "$1" "$2")" = "$3"; }
# states TOPIC: the states published on P/out/alert/TOPIC, in order.
states() {
	awk -v t="$PREFIX/out/alert/$1" '$1 == t { $1 = ""; print }' \
	    "$TMP/alerts" | jq -r .state | paste -sd ' '
}

pub $PREFIX/in/balie/snel/longest_wait 500
wait_until "$WAIT" alert_is balie/snel/wacht .state warning
check_eq "8 min 20 s of a 10 min norm is a warning (75%)" warning \
    "$(alert balie/snel/wacht .state)"
check_eq "the queue's state is its worst alert's" warning \
    "$(field balie/snel .state)"

pub $PREFIX/in/balie/snel/waiting 4
pub $PREFIX/in/balie/snel/longest_wait 700
wait_until "$WAIT" alert_is balie/snel/wacht .state critical
check_eq "11 min 40 s is critical, with the reason in Dutch" \
    "critical|Langste wachttijd nu 11 min 40 s, norm 10 min: 4 wachtenden" \
    "$(alert balie/snel/wacht '"\(.state)|\(.reason)"')"
check_eq "the alert says what it was and against what" \
    "warning 700 600 balie/snel/wacht max_wait" \
    "$(alert balie/snel/wacht '"\(.previous) \(.value) \(.threshold) \(.id) \(.kind)"')"
check_eq "GET /api/v1/alerts lists it" "balie/snel/wacht" \
    "$(api /api/v1/alerts | jq -r '[.alerts[].id] | join(" ")')"
check "its url points at the queue" \
    test "$(alert balie/snel/wacht .url)" = \
    "http://127.0.0.1:$HTTP_PORT/?queue=balie/snel"

pub $PREFIX/in/balie/snel/longest_wait 0
wait_until "$WAIT" alert_is balie/snel/wacht .state ok
check_eq "no wait: resolved" ok "$(alert balie/snel/wacht .state)"
check_eq "nothing active any more" 0 "$(api /api/v1/alerts | jq '.alerts | length')"

# Closed all the time: input is judged, no alert is raised.
pub $PREFIX/in/balie/dicht/longest_wait 900
wait_field balie/dicht .longest_wait 900
check_eq "a closed queue's alert is closed" closed \
    "$(alert balie/dicht/wacht .state)"

# The feed: nothing for 3 x 1 s while open.
wait_until $((WAIT * 2)) alert_is balie/snel/feed .state stale
check_eq "silence makes the feed stale" stale "$(alert balie/snel/feed .state)"
check_eq "the norm keeps its state while data is missing" ok \
    "$(alert balie/snel/wacht .state)"
check_eq "and the queue says stale" stale "$(field balie/snel .state)"
pub $PREFIX/in/balie/snel/longest_wait 10
wait_until "$WAIT" alert_is balie/snel/feed .state ok
check_eq "input again: the feed recovers" ok "$(alert balie/snel/feed .state)"

# A feed that is silent across a restart stays stale: nothing resolves it.
wait_until $((WAIT * 2)) alert_is balie/snel/feed .state stale
stop_wachtd
start_wachtd
check_eq "after a restart the silent feed is still stale" stale \
    "$(alert balie/snel/feed .state)"
sleep 4
check_eq "and stays so, 3 x interval later" stale \
    "$(alert balie/snel/feed .state)"
pub $PREFIX/in/balie/snel/longest_wait 10
wait_until "$WAIT" alert_is balie/snel/feed .state ok
sleep 0.5

# Every alert is published once connected (unknown before any data), and
# again after the restart (retained, as it stands).
check_eq "MQTT: unknown, then one warning, one critical, one resolution" \
    "unknown warning critical ok ok" "$(states balie/snel/wacht)"
# The closed queue says unknown first only when the broker was there
# before the first step tick, which made it closed.
check_eq "MQTT: the closed queue's alert never said more than closed" \
    "closed closed" "$(states balie/dicht/wacht | sed 's/^unknown //')"
check_eq "MQTT: the feed went ok, stale, ok, stale (kept over the restart), ok" \
    "unknown ok stale ok stale stale ok" "$(states balie/snel/feed)"
retained=$(mosquitto_sub -p "$BROKER_PORT" -t "$PREFIX/out/alert/balie/snel/wacht" -C 1 -W 5)
check_eq "the alert topic is retained with the last state" ok \
    "$(jq -r .state <<< "$retained")"

# A norm dropped by a reload takes its retained topic with it.
sed -i '/^\[queue balie\/snel\]/,/^$/{/^norm = wacht/d}' "$TMP/wachtd.conf"
kill -HUP "$WACHTD_PID"
wait_until "$WAIT" sh -c "! curl -sf http://127.0.0.1:$HTTP_PORT/api/v1/alerts/balie/snel/wacht >/dev/null"
check "after the reload the alert is gone from the API" \
    sh -c "! curl -sf http://127.0.0.1:$HTTP_PORT/api/v1/alerts/balie/snel/wacht >/dev/null"
check_eq "and its retained topic is cleared" "" \
    "$(mosquitto_sub -p "$BROKER_PORT" -t "$PREFIX/out/alert/balie/snel/wacht" -C 1 -W 1 2>/dev/null)"

stop_wachtd
check_eq "wachtd stops cleanly" 0 "$WACHTD_STATUS"
exit 0
