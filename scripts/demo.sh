#!/bin/bash
# make demo: a private mosquitto on a free loopback port, wachtd with
# config/demo.conf, and wachtd-sim feeding it simulated traffic. Prints where
# to look, then a line per queue every step until Ctrl-C (or after
# DEMO_SECONDS seconds, when set).
set -u
cd "$(dirname "$0")/.."
O=${O:-build}
DIR=$(mktemp -d /tmp/wachtd-demo.XXXXXX)
pids=

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
	local p=$1
	while port_busy "$p"; do p=$((p + 1)); done
	echo "$p"
}
# stop RC: a failure keeps its exit status; Ctrl-C is a normal end.
stop() {
	trap - INT TERM EXIT
	echo
	echo "demo: stopping"
	# wachtd first, so it can say "offline" to the broker.
	for pid in $pids; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
	rm -rf "$DIR"
	exit "$1"
}
trap 'stop $?' EXIT
trap 'stop 0' INT TERM

BROKER_PORT=$(free_port 18830)
HTTP_PORT=$(free_port 8080)
PUBLIC_PORT=$(free_port $((HTTP_PORT + 1)))
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' \
    "$BROKER_PORT" > "$DIR/mosquitto.conf"
sed -e "s|^port = .*|port = $BROKER_PORT|" \
    -e "s|^listen = .*|listen = 127.0.0.1:$HTTP_PORT|" \
    -e "s|^public_listen = .*|public_listen = 127.0.0.1:$PUBLIC_PORT|" \
    -e "s|^state_dir = .*|state_dir = $DIR/state|" \
    config/demo.conf > "$DIR/wachtd.conf"

mosquitto -c "$DIR/mosquitto.conf" > "$DIR/mosquitto.log" 2>&1 &
broker=$!
for _ in $(seq 50); do port_busy "$BROKER_PORT" && break; sleep 0.1; done
"$O/wachtd" -f -c "$DIR/wachtd.conf" > "$DIR/wachtd.log" 2>&1 &
wachtd=$!
pids="$wachtd $broker"

for _ in $(seq 100); do
	curl -sf "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null && break
	sleep 0.1
done
if ! curl -sf "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null; then
	echo "demo: wachtd did not start; its log:" >&2
	cat "$DIR/wachtd.log" >&2
	exit 1
fi

# The simulated day starts at 09:00 so the demo is lively at any hour.
"$O/wachtd-sim" -c config/demo-sim.conf -h 127.0.0.1 -p "$BROKER_PORT" \
    --start 09:00 --speed 1 --rate "${DEMO_RATE:-1}" -q > "$DIR/sim.log" 2>&1 &
sim=$!
pids="$sim $pids"

cat <<TXT

wachtd demo is running (simulated traffic from 09:00, x${DEMO_RATE:-1}).

  Dashboard:      http://127.0.0.1:$HTTP_PORT/
  Public page:    http://127.0.0.1:$PUBLIC_PORT/public/
  Public JSON:    http://127.0.0.1:$PUBLIC_PORT/public/v1/waittimes.json
  Live queues:    http://127.0.0.1:$HTTP_PORT/api/v1/queues
  One queue:      http://127.0.0.1:$HTTP_PORT/api/v1/queues/telefoon/algemeen
  Daemon status:  http://127.0.0.1:$HTTP_PORT/api/v1/status
  Prometheus:     http://127.0.0.1:$HTTP_PORT/metrics
  MQTT stream:    mosquitto_sub -h 127.0.0.1 -p $BROKER_PORT -t 'wachtd/#' -v
  Logs:           $DIR/wachtd.log

Press Ctrl-C to stop.

TXT
end=$(( $(date +%s) + ${DEMO_SECONDS:-1000000000} ))
while [ "$(date +%s)" -lt "$end" ]; do
	sleep 10
	kill -0 "$wachtd" 2>/dev/null || { echo "demo: wachtd exited" >&2; cat "$DIR/wachtd.log" >&2; exit 1; }
	echo "-- $(date +%H:%M:%S)"
	curl -sf "http://127.0.0.1:$HTTP_PORT/api/v1/queues" | jq -r '
	    .queues[] | "\(.id | .+"                  " | .[:20]) " +
	    "wachtend \(.waiting // .backlog // "-")  langste \(.longest_wait // .oldest_age // "-") s  " +
	    "beantwoord \(.answered)  opgehangen \(.abandoned)" +
	    (if .sl != null and .sl.value != null then "  servicelevel \(.sl.value)%" else "" end)'
done
