#!/bin/bash
# The broker is killed (SIGKILL) and restarted on the same port 10 times
# while wachtd-sim and a counted publisher keep it busy. Checks:
#  - wachtd never exits (the same process throughout);
#  - it is connected again within 2 s of each restart (from launching the
#    broker to /healthz 200; each time and the maximum are printed), and
#    says "online" on its retained status topic;
#  - nothing but the gaps is missing: tests/faults/counted_pub.py
#    publishes at QoS 1 only while wachtd is connected (its retained
#    status says online) and is paused before each kill until everything
#    it sent is acknowledged; every acknowledged message must be counted
#    in chat/exact's `arrived`, phase by phase.
# The gaps between kill and restart are 0, 0.25 and 0.5 s: a restart as
# `systemctl restart mosquitto` does it. The first attempt comes 1 s after
# the loss; a longer outage waits for the next one of the backoff (1, 2,
# 4 ... 30 s after the loss).
. "$(dirname "$0")/lib.sh"

RESTARTS=10
RATE=500	# counted messages a second, besides the simulator's ~80

start_broker
write_config "
[queue chat/exact]
label = Geteld"
start_wachtd
start_sim 50
$PY "$FAULTS/counted_pub.py" "$BROKER_PORT" "$PREFIX/in/chat/exact/arrived" \
    "$PREFIX/out/status" "$TMP/counted" "$RATE" 2>> "$TMP/counted.log" &
PUB_PID=$!
EXTRA_PIDS=$PUB_PID
# Its first state says its signal handlers are in place.
wait_until 10 test -e "$TMP/counted" || not_ok "the counted publisher did not start"

# The publisher's state: ACKED LOST IDLE, written anew after a signal.
pub_state() { cat "$TMP/counted" 2>/dev/null; }
idle() { test "$(pub_state | cut -d' ' -f3)" = 1; }
acked() { pub_state | cut -d' ' -f1; }
arrived() { field chat/exact .arrived; }
all_arrived() { test "$(arrived)" = "$(acked)"; }
healthy() { test "$(http_code /healthz)" = 200; }

# phase N: three seconds of load, then the counted publisher pauses and
# everything it had acknowledged must have been counted. (A connection
# that lasted less than 2 s might be a quarrel over the client_id, after
# which wachtd backs off longer: monitor/mqtt.c.)
missing=0 silent=0 fewest= before=0
phase() {
	kill -USR2 "$PUB_PID"
	sleep 3
	rm -f "$TMP/counted"
	kill -USR1 "$PUB_PID"
	if ! wait_until 5 idle; then
		not_ok "phase $1: the publisher did not settle"
		missing=$((missing + 1))
		return
	elif ! wait_until 5 all_arrived; then
		not_ok "phase $1: acknowledged $(acked), counted $(arrived)"
		missing=$((missing + 1))
	fi
	# It publishes only after wachtd's "online" on this broker.
	n=$(( $(acked) - before ))
	before=$(acked)
	[ "$n" -eq 0 ] && silent=$((silent + 1))
	[ -z "$fewest" ] || [ "$n" -lt "$fewest" ] && fewest=$n
}

worst=0 times=
for i in $(seq "$RESTARTS"); do
	phase "$i"
	stop_broker
	sleep "$(echo "0 0.25 0.5" | cut -d' ' -f$(( i % 3 + 1 )))"
	t0=$(now_ms)
	start_broker
	if wait_until 10 healthy; then
		ms=$(ms_since "$t0")
	else
		ms=timeout
	fi
	times="$times $ms"
	[ "$ms" = timeout ] && ms=99999
	[ "$ms" -gt "$worst" ] && worst=$ms
	alive || break
done
phase $((RESTARTS + 1))
read -r sent lost _ <<< "$(pub_state)"
echo "# reconnected after (ms):$times"
check "wachtd never exited ($RESTARTS broker kills)" alive
check "connected again within 2 s of every restart (worst $worst ms)" \
    test "$worst" -le 2000
check_eq "connected $((RESTARTS + 1)) times (the log)" $((RESTARTS + 1)) \
    "$(grep -c 'mqtt: connected to' "$TMP/wachtd.log")"
check_eq "said online on every new broker: no phase without input (fewest $fewest)" \
    0 "$silent"
check_eq "its retained status is online" online \
    "$(mosquitto_sub -p "$BROKER_PORT" -t "$PREFIX/out/status" -C 1 -W 5)"
check_eq "every acknowledged message counted ($sent sent while connected, $lost lost in flight)" \
    "$sent" "$(arrived)"
check_eq "all $((RESTARTS + 1)) phases complete" 0 "$missing"
accepted=$(status .accepted)
grows() { test "$(status .accepted)" -gt "$accepted"; }
check "the simulator's load flows again ($accepted accepted in all)" \
    wait_until 10 grows
exit 0
