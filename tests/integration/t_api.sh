#!/bin/bash
# A probe publishes; a team manager reads the queues back from the API.
. "$(dirname "$0")/lib.sh"

start_broker
write_config
start_wachtd

check "healthz is 200 with the broker connected" api /healthz
check_eq "three queues listed, sorted by id" \
    "balie/burgerzaken email/info telefoon/algemeen" \
    "$(api /api/v1/queues | jq -r '[.queues[].id] | join(" ")')"
check_eq "a queue without data is unknown" "unknown" \
    "$(field email/info .state)"

# Gauges, plain and JSON, and a foreign topic mapped to a metric.
pub $PREFIX/in/email/info/backlog 12
pub $PREFIX/in/email/info/oldest_age '{"value": 5400}'
pub pbx/queue/600/calls 4
wait_field balie/burgerzaken .waiting 4
check_eq "foreign topic pbx/queue/600/calls sets waiting" 4 \
    "$(field balie/burgerzaken .waiting)"
check_eq "backlog from a plain number" 12 "$(field email/info .backlog)"
check_eq "oldest_age from a JSON object" 5400 "$(field email/info .oldest_age)"

# Service level: 4 answered, 3 within 30 s, one abandoned (ignored).
for w in 5 12 29 45; do pub $PREFIX/in/telefoon/algemeen/answered $w; done
pub $PREFIX/in/telefoon/algemeen/abandoned 50
wait_field telefoon/algemeen .abandoned 1
check_eq "answered in the window" 4 "$(field telefoon/algemeen .answered)"
check_eq "service level is 3 of 4 within 30 s" 75 \
    "$(field telefoon/algemeen .sl.value)"
check_eq "sl carries its norm" "80 30 900" \
    "$(field telefoon/algemeen '"\(.sl.target) \(.sl.within) \(.sl.window)"')"

# Lifecycle: the daemon keeps the waiting set itself.
now=$(date +%s)
# A join published late, but within one step's grace, keeps its own ts.
pub $PREFIX/in/telefoon/algemeen/join "{\"id\":\"A1\",\"ts\":$((now - 8))}"
pub $PREFIX/in/telefoon/algemeen/join '{"id":"A2"}'
wait_field telefoon/algemeen .waiting 2
check_eq "two joins make two waiting" 2 "$(field telefoon/algemeen .waiting)"
lw=$(field telefoon/algemeen .longest_wait)
check "longest_wait counts from the oldest join ($lw s)" \
    awk "BEGIN { exit !($lw >= 8 && $lw < 20) }"
pub $PREFIX/in/telefoon/algemeen/leave '{"id":"A1","outcome":"answered"}'
wait_field telefoon/algemeen .answered 5
check_eq "leave answered: one waiting, five answered" "1 5" \
    "$(field telefoon/algemeen '"\(.waiting) \(.answered)"')"
check_eq "a wait of 8 s counts as within 30 s" 80 \
    "$(field telefoon/algemeen .sl.value)"

# Retained state on MQTT, the same object as the API.
state=$(mosquitto_sub -p "$BROKER_PORT" -t "$PREFIX/out/state/email/info" -C 1 -W 5)
check_eq "retained state topic carries the queue" "email/info 12" \
    "$(printf '%s' "$state" | jq -r '"\(.id) \(.backlog)"')"
check_eq "status topic is online" online \
    "$(mosquitto_sub -p "$BROKER_PORT" -t "$PREFIX/out/status" -C 1 -W 5)"

# A burst of 200 inputs gives at most one state publish a second.
mosquitto_sub -p "$BROKER_PORT" -t "$PREFIX/out/state/balie/burgerzaken" \
    -W 3 > "$TMP/states" 2>/dev/null &
sub=$!
# The retained copy arriving says the subscription is in place.
wait_until "$WAIT" test -s "$TMP/states"
for i in $(seq 200); do echo $((i % 9)); done |
    mosquitto_pub -p "$BROKER_PORT" -q 1 -t pbx/queue/600/calls -l
wait $sub
n=$(wc -l < "$TMP/states")
check "200 inputs in a burst make at most 4 state publishes ($n)" \
    test "$n" -ge 2 -a "$n" -le 4
check_eq "the last publish carries the last value" "$((200 % 9))" \
    "$(tail -n 1 "$TMP/states" | jq .waiting)"

# The contract fields of QUEUE (DESIGN §6).
keys=$(field telefoon/algemeen 'keys_unsorted | join(" ")')
missing=
for k in id channel label open state waiting longest_wait agents ewt sl \
    answered abandoned backlog oldest_age updated; do
	case " $keys " in *" $k "*) ;; *) missing="$missing $k" ;; esac
done
check_eq "QUEUE has every contract field" "" "$missing"
check "updated is ISO 8601 with offset" \
    grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{2}:[0-9]{2}$' \
    <<< "$(field telefoon/algemeen .updated)"

# HTTP details: 404 JSON, HEAD, method limits, UTF-8.
check_eq "unknown queue is 404" 404 "$(http_code /api/v1/queues/telefoon/nope)"
check_eq "404 body is JSON with an error" "no such queue: telefoon/nope" \
    "$(jq -r .error "$TMP/body")"
hdr=$(curl -sI "http://127.0.0.1:$HTTP_PORT/api/v1/queues")
len=$(api /api/v1/queues | wc -c)
check "HEAD gives the GET length ($len) and no body" \
    grep -qi "^content-length: $len" <<< "$hdr"
check "content type is UTF-8 JSON" \
    grep -qi '^content-type: application/json; charset=utf-8' <<< "$hdr"
check_eq "POST on the queue list is 405" 405 "$(http_code /api/v1/queues -X POST)"
check_eq "headers over 8 KiB are refused with 400" 400 \
    "$(http_code /healthz -H "X-Big: $(head -c 9000 /dev/zero | tr '\0' a)")"
check_eq "PUT is 405 too, not libevent's HTML 501" 405 "$(http_code /healthz -X PUT)"
# Paths that are no UTF-8, or long enough to cut a character in half.
curl -s -o "$TMP/body" "http://127.0.0.1:$HTTP_PORT/%ff%fe"
check_eq "a path that is no UTF-8 is a JSON 404" "no such path" "$(jq -r .error "$TMP/body")"
long=$(printf 'é%.0s' $(seq 300))
curl -s -o "$TMP/body" "http://127.0.0.1:$HTTP_PORT/api/v1/queues/$long"
check_eq "a long non-ASCII queue id is a JSON 404" "no such queue" "$(jq -r .error "$TMP/body")"
check "wachtd survives both" api /healthz
check_eq "status counts accepted inputs" 211 "$(api /api/v1/status | jq .accepted)"

# The list is made once for all who ask while nothing changed: a new
# value is in the very next one.
list_waiting() {
	api /api/v1/queues |
	    jq -r '.queues[] | select(.id == "balie/burgerzaken") | .waiting'
}
for n in 17 18 19; do
	api /api/v1/queues > /dev/null
	pub pbx/queue/600/calls $n
	wait_until "$WAIT" status_is .accepted $((211 + n - 16))
	check_eq "the list shows waiting $n as soon as it is taken in" "$n" \
	    "$(list_waiting)"
done

stop_wachtd
check_eq "SIGTERM exits 0" 0 "$WACHTD_STATUS"
check_eq "status topic says offline after shutdown" offline \
    "$(mosquitto_sub -p "$BROKER_PORT" -t "$PREFIX/out/status" -C 1 -W 5)"
exit 0
