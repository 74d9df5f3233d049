#!/bin/bash
# wachtd-probe-qmatic reads a stand-in Qmatic Orchestra (qmatic_server.py)
# whose tickets wait on the real clock, and publishes through a real
# broker to a real wachtd: the figures as served, a call derived from a
# falling waiting time, nothing from a 401, a 500, a timeout or malformed
# JSON, and publishing again once the source, or the broker, is back.
#   WACHTD_WRAPPER  command to run the probe (and wachtd) under
. "$(dirname "$0")/lib.sh"

PROBE=$BIN/wachtd-probe-qmatic
[ -x "$PROBE" ] || { echo "# no $PROBE: make all"; exit 1; }
QPORT=$(free_port)
QSTATE=$TMP/qmatic-state.json QLOG=$TMP/qmatic.log
SUB=$TMP/sub.log PLOG=$TMP/probe.log
QMATIC_PID= PROBE_PID= SUB_PID=
INSTANCE=qmatic-test
STATUS_TOPIC=$PREFIX/probe/$INSTANCE/status
IN=$PREFIX/in/balie
PASSWORD=geheim-Wachtwoord-42
TIMEOUT=2
trap 'kill -9 $QMATIC_PID $PROBE_PID $SUB_PID 2>/dev/null; cleanup' EXIT

now() { date +%s; }

# The stand-in's state: the tickets of queues 1, 2, 3 (epochs, comma
# separated) in Q1 Q2 Q3, the password it expects in SERVER_PW, and
# extra members (a status, a delay, a body) as $1. Queue 9 is nobody's.
SERVER_PW=$PASSWORD
state() {
	printf '{"user": "wachtd", "password": "%s", %s "branches": {"1": [
	    {"id": 1, "name": "Burgerzaken", "tickets": [%s]},
	    {"id": 2, "name": "Paspoorten", "tickets": [%s]},
	    {"id": 3, "name": "Rijbewijzen", "tickets": [%s]},
	    {"id": 9, "name": "Gevonden voorwerpen", "tickets": [%s]}]}}\n' \
	    "$SERVER_PW" "${1:+$1,}" "${Q1:-}" "${Q2:-}" "${Q3:-}" \
	    "$(( $(now) - 999 ))" > "$QSTATE.tmp" && mv "$QSTATE.tmp" "$QSTATE"
}

# state_body TEXT: the stand-in answers TEXT instead of its queues.
state_body() { state "\"body\": $(jq -n --arg b "$1" '$b')"; }

start_qmatic() {
	$PY "$ROOT/tests/integration/qmatic_server.py" "$QPORT" "$QSTATE" \
	    "$QLOG" >> "$TMP/qmatic-server.log" 2>&1 &
	QMATIC_PID=$!
	wait_until 10 port_busy "$QPORT" ||
	    { echo "# qmatic_server.py did not start"; cat "$TMP/qmatic-server.log"; exit 1; }
}

stop_qmatic() {
	kill -9 "$QMATIC_PID" 2>/dev/null
	wait "$QMATIC_PID" 2>/dev/null
	QMATIC_PID=
}

# Everything the probe publishes, one "topic payload" a line.
start_sub() {
	mosquitto_sub -p "$BROKER_PORT" -v -t "$PREFIX/in/#" \
	    -t "$PREFIX/probe/#" >> "$SUB" 2>/dev/null &
	SUB_PID=$!
}
stop_sub() { kill "$SUB_PID" 2>/dev/null; wait "$SUB_PID" 2>/dev/null; SUB_PID=; }

# mark FILE: its line count now; after MARK FILE: the lines since.
mark() { wc -l < "$1"; }
after() { tail -n "+$(( $1 + 1 ))" "$2"; }
# published MARK TOPIC: the payloads of TOPIC since MARK.
published() { after "$1" "$SUB" | sed -n "s|^$2 ||p"; }
# seen MARK TOPIC VALUE: TOPIC had VALUE since MARK.
seen() { published "$1" "$2" | grep -qx -- "$3"; }
# last TOPIC: its latest payload.
last() { published 0 "$1" | tail -n 1; }
# nothing_in MARK: no figures published since MARK.
nothing_in() { ! after "$1" "$SUB" | grep -q "^$PREFIX/in/"; }
# logged MARK TEXT: the probe logged TEXT since MARK.
logged() { after "$1" "$PLOG" | grep -qF -- "$2"; }
# served ID WAITING WAIT: the stand-in served those figures for queue ID.
served() {
	jq -c ".served[\"$1\"] // empty" "$QLOG" | grep -qx "\[$2,$3\]"
}
# requests KIND: how many requests the stand-in answered as KIND (ok,
# 401, status, slow, body).
requests() { jq -r .kind "$QLOG" 2>/dev/null | grep -cx "$1"; }
more_requests() { test "$(requests "$1")" -gt "$2"; }
near() { test "$1" -ge $(( $2 - $3 )) -a "$1" -le $(( $2 + $3 )); }

write_probe_conf() {
	cat > "$1" <<CONF
; wachtd-probe-qmatic for the test
[probe]
name = $INSTANCE

[mqtt]
host = 127.0.0.1
port = ${BROKER_PORT:-1883}

[orchestra]
base_url = http://127.0.0.1:$QPORT/
user = wachtd
password_file = $TMP/qmatic.secret
poll = 1s
timeout = ${TIMEOUT}s
retry_max = 2s

[queue 1]
branch = 1
queue = balie/burgerzaken

[queue 2]
queue = balie/reisdocumenten

[queue rijbewijs]
id = 3
queue = balie/reisdocumenten
CONF
}

# ---- the configuration check ----
write_probe_conf "$TMP/probe.conf"
check_eq "-n accepts a good configuration" "configuration OK 0" \
    "$("$PROBE" -n -c "$TMP/probe.conf" 2>&1) $?"
cat > "$TMP/bad.conf" <<CONF
[orchestra]
base_url = http://wachtd:$PASSWORD@127.0.0.1:$QPORT
poll = 0s
[queue 1]
queue = Balie Burgerzaken
kleur = blauw
CONF
out=$("$PROBE" -n -c "$TMP/bad.conf" 2>&1)
check_eq "-n refuses a bad configuration with status 1" 1 $?
check "it names the credentials in base_url with FILE:LINE" \
    grep -q "bad.conf:2: base_url: no user:password@" <<< "$out"
check "and a bad duration" grep -q "bad.conf:3: poll = 0s: between" <<< "$out"
check "and a bad queue id" grep -q "bad.conf:5: queue = Balie Burgerzaken" <<< "$out"
check "and an unknown key" grep -q "bad.conf:6: unknown key 'kleur' in \[queue 1\]" <<< "$out"
check "and never echoes the password" bash -c "! grep -qF -- '$PASSWORD' <<< '$out'"
printf '[orchestra]\nbase_url = http://127.0.0.1:%s\n' "$QPORT" > "$TMP/empty.conf"
check "a configuration without queues is refused" \
    bash -c "'$PROBE' -n -c '$TMP/empty.conf' 2>&1 | grep -q 'no \[queue ID\] section'"
check "the example configuration passes -n" \
    "$PROBE" -n -c "$ROOT/config/probe-qmatic.conf.example"
check "-V prints the version" bash -c "'$PROBE' -V | grep -q '^wachtd-probe-qmatic [0-9]'"

# ---- source down at start ----
start_broker
write_probe_conf "$TMP/probe.conf"
printf '%s\n' "$PASSWORD" > "$TMP/qmatic.secret"
write_config "
[queue balie/reisdocumenten]
label = Reisdocumenten
norm = balie"
start_wachtd
: > "$SUB"
start_sub
Q1="$(( $(now) - 312 )),$(( $(now) - 200 )),$(( $(now) - 100 )),$(( $(now) - 5 ))"
Q2="$(( $(now) - 20 ))"
Q3="$(( $(now) - 60 )),$(( $(now) - 30 ))"
state
: > "$PLOG"
${WACHTD_WRAPPER:-} "$PROBE" -f -v -c "$TMP/probe.conf" >> "$PLOG" 2>&1 &
PROBE_PID=$!
check "the probe says online (retained) with its source down" \
    wait_until "$WAIT" seen 0 "$STATUS_TOPIC" online
check "the refused connection is logged with the host" \
    wait_until "$WAIT" logged 0 "http://127.0.0.1:$QPORT branch 1: connection refused"
check "nothing is published while the source is down" nothing_in 0

start_qmatic
check "waiting is published once the source is up" \
    wait_until "$WAIT" seen 0 "$IN/burgerzaken/waiting" 4
lw=$(last "$IN/burgerzaken/longest_wait")
check "longest_wait is the waitingTime served ($lw s)" served 1 4 "$lw"
check "and says the queues are read again" logged 0 "branch 1: queues read again"
check "two Qmatic queues in one wachtd queue add up" \
    wait_until "$WAIT" seen 0 "$IN/reisdocumenten/waiting" 3
lw=$(last "$IN/reisdocumenten/longest_wait")
check "and its longest wait is the longer of the two ($lw s)" served 3 2 "$lw"
check "a queue the configuration does not name is not published" \
    bash -c "! grep '^$PREFIX/in/' '$SUB' | grep -qv -e /burgerzaken/ -e /reisdocumenten/"
check "nothing is answered while nobody is called" \
    bash -c "! grep -q /answered '$SUB'"

# ---- calls derived from the waiting time ----
m=$(mark "$SUB")
head=${Q1%%,*}
Q1=${Q1#*,}
t_call=$(now)
state
check "calling the oldest ticket publishes one answered" \
    wait_until "$WAIT" bash -c "grep -q '^$IN/burgerzaken/answered ' <<< \"\$(tail -n +$((m + 1)) '$SUB')\""
wait_until "$WAIT" seen "$m" "$IN/burgerzaken/waiting" 3
ans=$(published "$m" "$IN/burgerzaken/answered" | jq -s -c 'map(.value)')
check_eq "exactly one customer was called" 1 "$(jq length <<< "$ans")"
check "its wait is the head's wait at the call, +-4 s ($ans, $(( t_call - head )))" \
    near "$(jq '.[0]' <<< "$ans")" $(( t_call - head )) 4
check_eq "the waiting count falls to 3" 3 "$(published "$m" "$IN/burgerzaken/waiting" | tail -n 1)"

m=$(mark "$SUB")
r1=${Q3%%,*} r2=${Q3#*,}
Q3=
t_call=$(now)
state
check "emptying a queue publishes an answered per customer" \
    wait_until "$WAIT" bash -c "test \"\$(tail -n +$((m + 1)) '$SUB' | grep -c '^$IN/reisdocumenten/answered ')\" -ge 2"
ans=$(published "$m" "$IN/reisdocumenten/answered" | jq -s -c 'map(.value)')
check_eq "two customers of Rijbewijzen were called" 2 "$(jq length <<< "$ans")"
check "their waits are theirs at the call, +-4 s ($ans, $((t_call - r1)) $((t_call - r2)))" \
    bash -c "$(declare -f near); near $(jq '.[0]' <<< "$ans") $((t_call - r1)) 4 &&
    near $(jq '.[1]' <<< "$ans") $((t_call - r2)) 4"
check "the aggregate falls to Paspoorten's one" \
    wait_until "$WAIT" seen "$m" "$IN/reisdocumenten/waiting" 1

# ---- errors: each told, nothing published from it, and then resumed ----
# bad_phase NAME KIND LOG_TEXT: the stand-in now errs (its state set by
# the caller). Once the first bad request is in, the probe's publications
# from the good one before are through the broker: from then on, through
# a second bad poll, nothing may be published, and the log says why.
bad_phase() {
	local name=$1 kind=$2 text=$3 m
	wait_until $((WAIT * 2)) more_requests "$kind" 0
	sleep 0.3
	m=$(mark "$SUB")
	check "$name is logged: $text" wait_until $((WAIT * 2)) logged 0 "$text"
	wait_until $((WAIT * 3)) more_requests "$kind" 1
	sleep 0.3
	check "$name publishes nothing" nothing_in "$m"
}
# resumes NAME: the stand-in is good again: so is the probe.
resumes() {
	local m
	m=$(mark "$SUB")
	state
	check "after $1 publishing resumes" \
	    wait_until $((WAIT * 2)) seen "$m" "$IN/burgerzaken/waiting" 3
}

: > "$QLOG"
SERVER_PW=nieuw-wachtwoord
state
bad_phase "a wrong password (401)" 401 \
    "http://127.0.0.1:$QPORT branch 1: HTTP 401 Unauthorized: check user and password_file"
check "the probe sent credentials, they were wrong" \
    bash -c "jq -r 'select(.status == 401) | .auth' '$QLOG' | grep -qx false"
printf '%s\n' "$SERVER_PW" > "$TMP/qmatic.secret"
resumes "the password_file is put right"

: > "$QLOG"
state '"status": 500'
bad_phase "a server error (500)" status "branch 1: HTTP 500: the server failed"
resumes "the 500"

: > "$QLOG"
state "\"delay\": $((TIMEOUT + 2))"
bad_phase "a server slower than the timeout" slow "branch 1: timeout after $TIMEOUT s"
resumes "the timeout"

: > "$QLOG"
state_body '[{"id": 1, "customersWaiting": 4, "waitingT'
bad_phase "malformed JSON" body "branch 1: malformed JSON at line 1"
resumes "malformed JSON"

: > "$QLOG"
l=$(mark "$PLOG")
# Queue 1 without its waitingTime; queue 2 as it stands.
state_body "$(jq -nc --argjson w $(( $(now) - Q2 )) '[
    {id: 1, customersWaiting: 4},
    {id: 2, customersWaiting: 1, waitingTime: $w},
    {id: 3, customersWaiting: 0, waitingTime: 0}]')"
wait_until $((WAIT * 2)) more_requests body 0
sleep 0.3
m=$(mark "$SUB")
check "a missing field is logged with its queue" \
    wait_until $((WAIT * 2)) logged "$l" "[queue 1]: queue 1: waitingTime missing"
check "the other queues are still published" \
    wait_until $((WAIT * 2)) seen "$m" "$IN/reisdocumenten/waiting" 1
check "but nothing of the broken one" \
    bash -c "! tail -n +$((m + 1)) '$SUB' | grep -q burgerzaken"
resumes "the missing field"
check "the password never appears in the log" \
    bash -c "! grep -qF -e '$PASSWORD' -e '$SERVER_PW' '$PLOG'"

# ---- source lost mid-run ----
stop_qmatic
sleep 0.3
m=$(mark "$SUB")
l=$(mark "$PLOG")
check "a source lost mid-run is logged" \
    wait_until $((WAIT * 2)) logged "$l" "branch 1: connection refused"
check "and nothing is published meanwhile" nothing_in "$m"
check "the probe lives on" kill -0 "$PROBE_PID"
start_qmatic
check "publishing resumes when the source is back" \
    wait_until $((WAIT * 2)) seen "$m" "$IN/burgerzaken/waiting" 3

# ---- broker lost mid-run ----
stop_sub
stop_broker
sleep 0.5
head=${Q1%%,*}
Q1=${Q1#*,}			# a call while the broker is away
t_call=$(now)
state
sleep 2				# the probe sees it, and keeps the event
m=$(mark "$SUB")
start_broker
start_sub
check "the probe is online again on the new broker" \
    wait_until $((WAIT * 4)) seen "$m" "$STATUS_TOPIC" online
check "its gauges reappear" \
    wait_until $((WAIT * 2)) seen "$m" "$IN/burgerzaken/waiting" 2
ans=$(published "$m" "$IN/burgerzaken/answered" | jq -s -c 'map(.value)')
check "the call made while the broker was away arrives ($ans, $(( t_call - head )))" \
    near "$(jq '.[0] // -99' <<< "$ans")" $(( t_call - head )) 4
check "the probe lives on" kill -0 "$PROBE_PID"

# ---- and wachtd took it all in ----
check "wachtd shows the counter's waiting line" \
    wait_field balie/reisdocumenten .waiting 1
check "and the calls the probe derived" \
    test "$(field balie/reisdocumenten .answered)" -ge 2

# ---- SIGTERM ----
kill -TERM "$PROBE_PID"
wait "$PROBE_PID"
check_eq "SIGTERM: exit 0" 0 $?
PROBE_PID=
check_eq "the retained status says offline" offline \
    "$(mosquitto_sub -p "$BROKER_PORT" -t "$STATUS_TOPIC" -C 1 -W 5)"
check "and the log says stopped" grep -q "stopped" "$PLOG"
[ -n "${KEEP_LOG:-}" ] && cp "$PLOG" "$KEEP_LOG"
if [ "$fails" -ne 0 ]; then
	echo "# probe log:"; sed 's/^/# /' "$PLOG" | tail -40
fi
exit 0
