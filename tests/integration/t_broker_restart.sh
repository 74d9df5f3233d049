#!/bin/bash
# The broker dies and comes back: values flow again without restarting
# wachtd, within 5 seconds.
. "$(dirname "$0")/lib.sh"

start_broker
write_config
start_wachtd
pub $PREFIX/in/email/info/backlog 1
wait_field email/info .backlog 1
check_eq "value flows before the restart" 1 "$(field email/info .backlog)"

stop_broker
code_503() { test "$(http_code /healthz)" = 503; }
check "healthz turns 503 while the broker is gone" wait_until 10 code_503
check "the API still serves live state meanwhile" api /api/v1/queues/email/info

# As `systemctl restart mosquitto` does: back on the same port at once.
start_broker
t0=$(date +%s%N)
flows() {
	pub $PREFIX/in/email/info/backlog 2 2>/dev/null
	test "$(field email/info .backlog)" = 2
}
check "values flow again within 5 s of the broker's return" wait_until 5 flows
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "# flowing again after $ms ms"
check "healthz is 200 again" api /healthz
check_eq "status topic is online again" online \
    "$(mosquitto_sub -p "$BROKER_PORT" -t "$PREFIX/out/status" -C 1 -W 5)"
# At most one state a second per queue: the one from before the value
# may come first, the current one within the second after.
retained_backlog() {
	test "$(mosquitto_sub -p "$BROKER_PORT" -t "$PREFIX/out/state/email/info" \
	    -C 1 -W 5 | jq .backlog)" = "$1"
}
check "retained state republished to the new broker, current within 2 s" \
    wait_until 2 retained_backlog 2
check "wachtd is still the same process" kill -0 "$WACHTD_PID"
exit 0
