#!/bin/bash
# A team leader takes an alert on and silences a queue for maintenance;
# a restart keeps both, and the alert's state, and loses nothing.
. "$(dirname "$0")/lib.sh"

start_broker
write_config "
$NORM_WACHT

[queue balie/snel]
label = Balie snel
norm = wacht

; Open all day but for the minute after midnight: it closes every night.
[hours dag]
$(every_day 00:01-24:00)
holidays = none

[queue balie/traag]
label = Balie traag
hours = dag
norm = wacht"
start_wachtd

alert() { api "/api/v1/alerts/$1" | jq -r "$2"; }
alert_is() { test "$(alert "$1" "$2")" = "$3"; }
# post PATH BODY: the HTTP status; the answer is in $TMP/body.
post() {
	curl -s -o "$TMP/body" -w '%{http_code}' --max-time 5 -X POST \
	    -H 'Content-Type: application/json' -d "$2" \
	    "http://127.0.0.1:$HTTP_PORT$1"
}
body() { jq -r "$1" "$TMP/body"; }

check_eq "an alert that is ok cannot be acknowledged (409)" 409 \
    "$(post /api/v1/alerts/balie/snel/wacht/ack '{"by":"Anja"}')"

pub $PREFIX/in/balie/snel/longest_wait 500
wait_until "$WAIT" alert_is balie/snel/wacht .state warning
check_eq "ack needs who (400)" 400 \
    "$(post /api/v1/alerts/balie/snel/wacht/ack '{"comment":"x"}')"
check_eq "ack with a bad expiry (400)" 400 \
    "$(post /api/v1/alerts/balie/snel/wacht/ack '{"by":"Anja","expires":"soon"}')"
check_eq "a body that is not JSON (400)" 400 \
    "$(post /api/v1/alerts/balie/snel/wacht/ack '{by')"
check_eq "ack on an unknown alert (404)" 404 \
    "$(post /api/v1/alerts/balie/snel/nope/ack '{"by":"Anja"}')"
check_eq "ack the warning (200)" 200 \
    "$(post /api/v1/alerts/balie/snel/wacht/ack \
    '{"by":"Anja","comment":"extra balie open","expires":"2h"}')"
check_eq "the answer is the alert, acknowledged by Anja" \
    "true Anja extra balie open" \
    "$(body '"\(.acked) \(.ack.by) \(.ack.comment)"')"
retained() {
	mosquitto_sub -p "$BROKER_PORT" -t "$PREFIX/out/alert/$1" -C 1 -W 5 |
	    jq -r "$2"
}
check_eq "the retained alert topic shows the ack" "warning true" \
    "$(retained balie/snel/wacht '"\(.state) \(.acked)"')"

pub $PREFIX/in/balie/snel/longest_wait 700
wait_until "$WAIT" alert_is balie/snel/wacht .state critical
check_eq "critical is worse than what was acknowledged: the ack ends" \
    false "$(alert balie/snel/wacht .acked)"
check_eq "ack the critical one" 200 \
    "$(post /api/v1/alerts/balie/snel/wacht/ack \
    '{"by":"Bram","comment":"tweede balie gaat open"}')"

# Silences: a matcher, a reason, an end.
check_eq "a silence without a reason (400)" 400 \
    "$(post /api/v1/silences '{"queue":"balie/*","by":"Bram","duration":"1h"}')"
check_eq "a silence without an end (400)" 400 \
    "$(post /api/v1/silences '{"queue":"balie/*","by":"Bram","reason":"x"}')"
check_eq "a silence that ended already (400)" 400 \
    "$(post /api/v1/silences '{"by":"Bram","reason":"x","ends":"2020-01-01T00:00:00Z"}')"
check_eq "silence balie/traag for an hour (201)" 201 \
    "$(post /api/v1/silences \
    '{"queue":"balie/traag","norm":"*","by":"Bram","reason":"verbouwing","duration":"1h"}')"
sid=$(body .id)
check_eq "it gets an id and keeps what was said" "s1 balie/traag verbouwing" \
    "$(body '"\(.id) \(.queue) \(.reason)"')"
check_eq "silenced alerts are marked" "true false" \
    "$(alert balie/traag/wacht .silenced) $(alert balie/snel/wacht .silenced)"
pub $PREFIX/in/balie/traag/longest_wait 700
wait_until "$WAIT" alert_is balie/traag/wacht .state critical
check_eq "a silenced alert is still judged and shown" "critical true" \
    "$(alert balie/traag/wacht '"\(.state) \(.silenced)"')"
check_eq "GET /api/v1/silences lists it" "s1" \
    "$(api /api/v1/silences | jq -r '[.silences[].id] | join(" ")')"
check_eq "a second silence, on every norm of balie/snel" 201 \
    "$(post /api/v1/silences \
    '{"queue":"balie/snel","by":"Bram","reason":"test","duration":"30m"}')"

# Restart: the states, the acks and the silences come back.
stop_wachtd
check "alert states are saved at the stop" test -s "$TMP/state/alerts.json"
start_wachtd
check_eq "after a restart the alert is still critical" critical \
    "$(alert balie/snel/wacht .state)"
check_eq "still acknowledged by Bram, with his comment" \
    "true Bram tweede balie gaat open" \
    "$(alert balie/snel/wacht '"\(.acked) \(.ack.by) \(.ack.comment)"')"
check_eq "and says why, as before the restart" \
    "Langste wachttijd nu 11 min 40 s, norm 10 min 700" \
    "$(alert balie/snel/wacht '"\(.reason) \(.value)"')"
check_eq "the silences are back" "s1 s2" \
    "$(api /api/v1/silences | jq -r '[.silences[].id] | join(" ")')"
check_eq "a new silence gets a new number" 201 \
    "$(post /api/v1/silences \
    '{"queue":"email/*","by":"Bram","reason":"test","duration":"5m"}')"
check_eq "s3, not a reused s1" s3 "$(body .id)"
check_eq "delete s1 (200)" 200 "$(curl -s -o /dev/null -w '%{http_code}' \
    -X DELETE "http://127.0.0.1:$HTTP_PORT/api/v1/silences/$sid")"
check_eq "delete it again (404)" 404 "$(curl -s -o /dev/null -w '%{http_code}' \
    -X DELETE "http://127.0.0.1:$HTTP_PORT/api/v1/silences/$sid")"
check_eq "balie/traag is no longer silenced" false \
    "$(alert balie/traag/wacht .silenced)"

# The problem ends: the ack ends with it.
pub $PREFIX/in/balie/snel/longest_wait 0
wait_until "$WAIT" alert_is balie/snel/wacht .state ok
check_eq "resolved: no ack left" "ok false" \
    "$(alert balie/snel/wacht '"\(.state) \(.acked)"')"

# kill -9: the state file is there and whole (written within about a
# second of the change).
saved_ok() {
	test "$(jq -r '.alerts["balie/snel/wacht"].state' \
	    "$TMP/state/alerts.json" 2>/dev/null)" = ok
}
wait_until $((WAIT * 2)) saved_ok
kill -9 "$WACHTD_PID"
wait "$WACHTD_PID" 2>/dev/null
WACHTD_PID=
check "after kill -9 the state file is valid JSON" jq -e .alerts "$TMP/state/alerts.json"
check_eq "with the last state in it" ok \
    "$(jq -r '.alerts["balie/snel/wacht"].state' "$TMP/state/alerts.json")"

# Down over a night: balie/traag closed meanwhile, so its alert ended with
# the day; it is judged afresh (nothing known yet), not revived critical.
# balie/snel never closes: its state comes back as it was.
jq '.saved -= 86400' "$TMP/state/alerts.json" > "$TMP/yesterday.json"
mv "$TMP/yesterday.json" "$TMP/state/alerts.json"
start_wachtd
# Closed as of the night until the first tick judges it (step 10 s).
wait_until 15 sh -c "! curl -sf http://127.0.0.1:$HTTP_PORT/api/v1/alerts/balie/traag/wacht | grep -q '\"state\":\"closed\"'"
check_eq "a queue that closed while wachtd was down starts afresh" \
    "unknown ok" \
    "$(alert balie/traag/wacht .state) $(alert balie/snel/wacht .state)"
stop_wachtd

# A damaged file is kept aside, and the daemon starts anyway.
echo '{"version": 1, "alerts": [' > "$TMP/state/alerts.json"
start_wachtd
check "a damaged state file is moved aside" test -f "$TMP/state/alerts.json.bad"
check "and the log says so" grep -q "alerts.json.bad" "$TMP/wachtd.log"
stop_wachtd
check_eq "wachtd stops cleanly" 0 "$WACHTD_STATUS"
exit 0
