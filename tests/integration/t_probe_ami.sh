#!/bin/bash
# wachtd-probe-ami between a scripted Asterisk (ami_server.py playing
# ami/kcc.txt) and a real broker and wachtd: a morning of calls on queue
# 600, with Asterisk down when the probe starts, the AMI connection broken
# mid-stream, and the broker restarted. What the probe publishes and what
# wachtd derives from it are both checked; no caller's number or name may
# ever reach the broker.
. "$(dirname "$0")/lib.sh"

PROBE=$BIN/wachtd-probe-ami
AMI_PID= AMI2_PID= PROBE_PID= SUB_PID= SUB2_PID= SERVER_PID=
CTL=$TMP/ctl
mkdir -p "$CTL"

ami_cleanup() {
	for pid in $PROBE_PID $AMI_PID $AMI2_PID $SERVER_PID $SUB_PID $SUB2_PID; do
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	if [ "$fails" -ne 0 ]; then
		echo "# probe log:"; sed 's/^/# /' "$TMP/probe.log" 2>/dev/null | tail -40
		echo "# ami_server log:"; sed 's/^/# /' "$TMP/ami.log" 2>/dev/null | tail -20
	fi
	cleanup
}
trap ami_cleanup EXIT

# probe_config FILE NAME AMI_PORT: the probe's file for queue 600.
probe_config() {
	cat > "$1" <<CONF
[probe]
name = $2

[mqtt]
host = 127.0.0.1
port = ${BROKER_PORT:-1883}

[asterisk]
host = 127.0.0.1
port = $3
user = wachtd
secret_file = $TMP/ami.secret
reconcile = 5s
interval = 2s
retry_max = 2s

[queue 600]
queue = telefoon/algemeen
CONF
}

# start_ami LOG TRANSCRIPT [ARGS...]: ami_server.py on a free port, bound
# at once (with --down-until NAME refusing connections until that cue, so
# that no other program can take the port meanwhile). Sets AMI_PORT and
# SERVER_PID.
start_ami() {
	local log=$1 t=$2 tries=0
	shift 2
	while [ "$tries" -lt 5 ]; do
		AMI_PORT=$(free_port)
		$PY "$ROOT/tests/integration/ami_server.py" "$AMI_PORT" \
		    "$ROOT/tests/integration/ami/$t" "$CTL" "$@" >> "$log" 2>&1 &
		SERVER_PID=$!
		wait_until 10 bound_or_dead "$log"
		grep -q "^bound $AMI_PORT\$" "$log" && return 0
		kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null
		tries=$((tries + 1))
	done
	echo "# ami_server did not start"; cat "$log"; exit 1
}
bound_or_dead() { grep -q "^bound $AMI_PORT\$" "$1" || ! kill -0 "$SERVER_PID"; }

# logins N KIND FILE: the server logged at least N logins "ok" or "refused".
logins() { test "$(grep -c "^login $2" "$3")" -ge "$1"; }
at_mark() { test -e "$CTL/$1"; }
published() { grep -c -- "$1" "$TMP/sub.log"; }

echo s3cret > "$TMP/ami.secret"

# --- -n: the configuration checked, nothing touched ----------------------
probe_config "$TMP/good.conf" ami-kcc 5038
out=$("$PROBE" -n -c "$TMP/good.conf" 2>&1)
check_eq "-n accepts a good file" "0 configuration OK" "$? $out"
cat > "$TMP/bad.conf" <<CONF
[asterisk]
host = 127.0.0.1
port = 99999
secrett = x
reconcile = 1s

[queue 600]
queue = Telefoon/Algemeen
mode = polling

[queue 601]
mode = gauge

[pbx]
CONF
out=$("$PROBE" -n -c "$TMP/bad.conf" 2>&1)
rc=$?
check_eq "-n refuses a bad file" 1 "$rc"
check "it names the bad port with its line" grep -q "bad.conf:3: port = 99999" <<<"$out"
check "an unknown key with its line" grep -q "bad.conf:4: unknown key 'secrett' in \[asterisk\]" <<<"$out"
check "a reconcile out of range" grep -q "bad.conf:5: reconcile = 1s: from 5s to 1h" <<<"$out"
check "a wachtd queue id that is no id" grep -q "bad.conf:8: queue = Telefoon/Algemeen" <<<"$out"
check "an unknown mode" grep -q "bad.conf:9: mode = polling: lifecycle or gauge" <<<"$out"
"$PROBE" -n -c "$TMP/nonexistent.conf" >/dev/null 2>&1
check_eq "-n on a missing file fails" 1 $?
check "-V says the version" sh -c "'$PROBE' -V | grep -q '^wachtd-probe-ami '"
sed '/^user/d' "$TMP/good.conf" > "$TMP/nouser.conf"
out=$("$PROBE" -n -c "$TMP/nouser.conf" 2>&1)
check "a file without user is refused, by meaning" grep -q "needs user" <<<"$out"

# --- the broker, wachtd, and a listener on everything probes send --------
start_broker
write_config
start_wachtd
mosquitto_sub -p "$BROKER_PORT" -v -t "$PREFIX/in/#" -t "$PREFIX/probe/#" \
    > "$TMP/sub.log" 2>&1 &
SUB_PID=$!
sleep 0.3

# --- Asterisk down when the probe starts ----------------------------------
start_ami "$TMP/ami.log" kcc.txt --down-until up
AMI_PID=$SERVER_PID
probe_config "$TMP/probe.conf" ami-kcc "$AMI_PORT"
${WACHTD_WRAPPER:-} "$PROBE" -f -v -c "$TMP/probe.conf" >> "$TMP/probe.log" 2>&1 &
PROBE_PID=$!
check "with Asterisk down the probe says online" \
    wait_until $((WAIT * 2)) grep -q "^$PREFIX/probe/ami-kcc/status online" "$TMP/sub.log"
check "and says why it cannot read its source" \
    wait_until "$WAIT" grep -q "Asterisk at 127.0.0.1:$AMI_PORT: Connection refused; trying again" "$TMP/probe.log"
check "and keeps running" kill -0 "$PROBE_PID"
check_eq "no figures from a source it cannot see" 0 "$(published /in/)"

touch "$CTL/up"
check "once Asterisk is up the probe logs in (events: agent)" \
    wait_until $((WAIT * 2)) grep -q '^login ok wachtd events=agent' "$TMP/ami.log"
check "and reconciles at once" \
    wait_until "$WAIT" grep -q '^action QueueStatus 600' "$TMP/ami.log"

# --- a morning: three calls, one answered, one abandoned -----------------
check "the transcript's first part is played" wait_until $((WAIT * 2)) at_mark phase1
check "wachtd: one caller waiting" wait_field telefoon/algemeen .waiting 1
check "wachtd: one answered" wait_field telefoon/algemeen .answered 1
check "wachtd: one abandoned" wait_field telefoon/algemeen .abandoned 1
check "wachtd: handle time 95 s from AgentComplete" wait_field telefoon/algemeen .handle_time 95
check "wachtd: one agent (202 paused, 203 unavailable)" wait_field telefoon/algemeen .agents 1
check_eq "three joins were published" 3 "$(published '/telefoon/algemeen/join ')"
check_eq "one leave answered" 1 "$(published '"outcome":"answered"')"
check_eq "one leave abandoned" 1 "$(published '"outcome":"abandoned"')"
check "handle_time with its time" grep -q '/telefoon/algemeen/handle_time {"value":95,"ts":' "$TMP/sub.log"
check "agents went 2, then 1" sh -c "grep '/agents ' '$TMP/sub.log' | cut -d' ' -f2 | uniq | tr '\n' ' ' | grep -q '^2 1 '"
check "ids are hashes, not Asterisk's Uniqueid" \
    sh -c "grep '/join ' '$TMP/sub.log' | grep -qE '\{\"id\":\"[0-9a-f]{16}\"\}'"

# --- the connection breaks mid-stream; C answered, D came meanwhile -------
touch "$CTL/go1"
check "the probe notices the drop" wait_until "$WAIT" grep -q "closed the connection" "$TMP/probe.log"
check "logs in again" wait_until $((WAIT * 2)) logins 2 ok "$TMP/ami.log"
check "the transcript's second part is played" wait_until $((WAIT * 2)) at_mark phase2
check "wachtd: five arrived" wait_field telefoon/algemeen .arrived 5
check_eq "wachtd: still one answered (C's outcome is not known)" 1 "$(field telefoon/algemeen .answered)"
check "D's join is dated back by its wait" \
    grep -qE '/telefoon/algemeen/join \{"id":"[0-9a-f]{16}","ts":[0-9.]+\}' "$TMP/sub.log"
left_plain() { grep -qE '/telefoon/algemeen/leave \{"id":"[0-9a-f]{16}"\}$' "$TMP/sub.log"; }
check "C, gone from Asterisk's queue, leaves without an outcome" \
    wait_until $((WAIT * 2)) left_plain
check "wachtd: D and E waiting after the reconciliation" wait_field telefoon/algemeen .waiting 2

# --- the broker goes and comes back ---------------------------------------
stop_broker
kill "$SUB_PID" 2>/dev/null; wait "$SUB_PID" 2>/dev/null; SUB_PID=
sleep 1
check "the probe survives the broker's absence" kill -0 "$PROBE_PID"
start_broker
mosquitto_sub -p "$BROKER_PORT" -v -t "$PREFIX/in/#" -t "$PREFIX/probe/#" \
    > "$TMP/sub2.log" 2>&1 &
SUB2_PID=$!
check "the agents gauge reappears" \
    wait_until $((WAIT * 2)) grep -q "^$PREFIX/in/telefoon/algemeen/agents 1" "$TMP/sub2.log"
check "the status is online again, retained" \
    wait_until "$WAIT" grep -q "^$PREFIX/probe/ami-kcc/status online" "$TMP/sub2.log"
check "wachtd is back on the broker" wait_until $((WAIT * 4)) api /healthz
touch "$CTL/go2"
check "the transcript's last part is played" wait_until $((WAIT * 2)) at_mark phase3
check "wachtd: E answered after the broker came back" wait_field telefoon/algemeen .answered 2
check "wachtd: D still waiting" wait_field telefoon/algemeen .waiting 1
check "wachtd: two agents once 202 is back" wait_field telefoon/algemeen .agents 2
check_eq "wachtd refused nothing the probe sent" 0 \
    "$(api /api/v1/status | jq '[.rejected[]] | add // 0')"

statuses() { test "$(grep -c '^action QueueStatus 600' "$TMP/ami.log")" -ge "$1"; }
check "the probe reconciles every 5 s" wait_until $((WAIT * 3)) statuses 3

# --- privacy: nothing that names a caller, anywhere -----------------------
leak=$(cat "$TMP/sub.log" "$TMP/sub2.log" "$TMP/probe.log" |
    grep -E '0612345678|0687654321|0201234567|0591123456|0642424242|Jansen|Amrani|Vries|Bakker|Mulder|1764412345|kpn-trunk')
check_eq "no caller number, name, channel or Uniqueid was published or logged" "" "$leak"
check "the secret is in no log" sh -c "! grep -q s3cret '$TMP/probe.log' '$TMP/sub.log' '$TMP/sub2.log' '$TMP/ami.log'"

# --- a refused login: said clearly, retried, never the secret -------------
start_ami "$TMP/ami2.log" empty.txt --secret other
AMI2_PID=$SERVER_PID
probe_config "$TMP/wrong.conf" ami-wrong "$AMI_PORT"
${WACHTD_WRAPPER:-} "$PROBE" -f -c "$TMP/wrong.conf" >> "$TMP/wrong.log" 2>&1 &
pid=$!
check "a wrong secret is reported as a refused login" \
    wait_until $((WAIT * 2)) grep -q "login as 'wachtd' refused: Authentication failed; trying again" "$TMP/wrong.log"
check "and tried again" wait_until $((WAIT * 2)) logins 2 refused "$TMP/ami2.log"
kill -TERM "$pid"
wait "$pid"
check_eq "that probe also exits 0 on SIGTERM" 0 $?
check "without its secret in the log" sh -c "! grep -q s3cret '$TMP/wrong.log'"

# --- a queue Asterisk does not know; a port that is no AMI ---------------
sed 's/^\[queue 600\]/[queue 999]/' "$TMP/wrong.conf" > "$TMP/noqueue.conf"
echo other > "$TMP/other.secret"
sed -i "s|^secret_file = .*|secret_file = $TMP/other.secret|" "$TMP/noqueue.conf"
${WACHTD_WRAPPER:-} "$PROBE" -f -c "$TMP/noqueue.conf" >> "$TMP/noqueue.log" 2>&1 &
pid=$!
check "a queue Asterisk does not know is named in the log" \
    wait_until $((WAIT * 2)) grep -q "knows no queue '999' (check \[queue 999\])" "$TMP/noqueue.log"
kill -TERM "$pid"
wait "$pid"
check_eq "that probe exits 0 on SIGTERM" 0 $?
sed -e "s/^port = $AMI_PORT\$/port = $BROKER_PORT/" -e 's/^reconcile = 5s/timeout = 1s/' \
    "$TMP/wrong.conf" > "$TMP/notami.conf"
${WACHTD_WRAPPER:-} "$PROBE" -f -c "$TMP/notami.conf" >> "$TMP/notami.log" 2>&1 &
pid=$!
check "a port where no AMI answers: no banner, tried again" \
    wait_until $((WAIT * 2)) grep -q "127.0.0.1:$BROKER_PORT: no banner; trying again" "$TMP/notami.log"
kill -TERM "$pid"
wait "$pid"
check_eq "that probe exits 0 on SIGTERM" 0 $?

# --- SIGTERM: exit 0, offline retained ------------------------------------
kill -TERM "$PROBE_PID"
wait "$PROBE_PID"
check_eq "SIGTERM: the probe exits 0" 0 $?
PROBE_PID=
status=$(mosquitto_sub -p "$BROKER_PORT" -C 1 -W 5 -t "$PREFIX/probe/ami-kcc/status" 2>/dev/null)
check_eq "its retained status says offline" offline "$status"
exit 0
