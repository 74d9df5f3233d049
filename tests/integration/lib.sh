# lib.sh: helpers for integration tests. Each test starts its own
# mosquitto and wachtd on free loopback ports in a private directory, and
# everything is stopped when the test exits.
#   O               build directory with wachtd and wachtd-sim (build)
#   WACHTD_WRAPPER  command to run wachtd under (valgrind ...)

set -u
O=${O:-build}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=$ROOT/$O
TMP=$(mktemp -d /tmp/wachtd-test.XXXXXX)
# mosquitto run as root drops to its own user before reading its files.
chmod 755 "$TMP"
BROKER_PID= WACHTD_PID= SIM_PID= RECEIVER_PID= SMTPD_PID=
PREFIX=wachtd
fails=0

cleanup() {
	for pid in $SIM_PID $WACHTD_PID $BROKER_PID $RECEIVER_PID $SMTPD_PID; do
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	if [ "$fails" -ne 0 ]; then
		echo "# wachtd log:"; sed 's/^/# /' "$TMP/wachtd.log" 2>/dev/null | tail -40
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; fails=$((fails + 1)); }

# check DESCRIPTION COMMAND...: one test line from a command's status.
check() {
	local desc=$1
	shift
	if "$@" >/dev/null; then ok "$desc"; else not_ok "$desc"; fi
}

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: expected '$2', got '$3'"; fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Below the kernel's ephemeral range (32768 up), so no client socket of
# another test can hold the port we are about to bind.
free_port() {
	local p=$((20000 + RANDOM % 12000))
	while port_busy "$p"; do p=$((p + 1)); done
	echo "$p"
}

# wait_until SECONDS COMMAND...: polls until the command succeeds.
wait_until() {
	local deadline=$(( $(date +%s%N) / 1000000 + $1 * 1000 ))
	shift
	until "$@" 2>/dev/null; do
		[ $(( $(date +%s%N) / 1000000 )) -ge "$deadline" ] && return 1
		sleep 0.05
	done
}

start_broker() {
	BROKER_PORT=${BROKER_PORT:-$(free_port)}
	cat > "$TMP/mosquitto.conf" <<CONF
listener $BROKER_PORT 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 0
CONF
	mosquitto -c "$TMP/mosquitto.conf" >> "$TMP/mosquitto.log" 2>&1 &
	BROKER_PID=$!
	wait_until 5 port_busy "$BROKER_PORT" || { echo "# broker did not start"; cat "$TMP/mosquitto.log"; exit 1; }
}

# Debian's python3, which has aiosmtpd, whatever python3 is on PATH.
PY=/usr/bin/python3

# start_receiver: tests/integration/receiver.py, an HTTP receiver that
# records every POST in $REC (log, N.body); its base URL in RECEIVER_URL.
start_receiver() {
	REC=$TMP/rec
	mkdir -p "$REC"
	RECEIVER_PORT=$(free_port)
	$PY "$ROOT/tests/integration/receiver.py" "$RECEIVER_PORT" "$REC" \
	    >> "$TMP/receiver.log" 2>&1 &
	RECEIVER_PID=$!
	RECEIVER_URL=http://127.0.0.1:$RECEIVER_PORT
	wait_until 10 port_busy "$RECEIVER_PORT" ||
	    { echo "# receiver did not start"; cat "$TMP/receiver.log"; exit 1; }
}

# start_smtpd: a real SMTP server (aiosmtpd) delivering into the Maildir
# $MAILDIR, refusing nobody@; its port in SMTPD_PORT.
start_smtpd() {
	$PY -c 'import aiosmtpd' 2>/dev/null ||
	    { echo "# python3-aiosmtpd missing: scripts/deps.sh"; exit 1; }
	MAILDIR=$TMP/maildir
	SMTPD_PORT=$(free_port)
	PYTHONPATH=$ROOT/tests/integration $PY -m aiosmtpd -n \
	    -l "127.0.0.1:$SMTPD_PORT" -c wachtsink.Box "$MAILDIR" \
	    >> "$TMP/smtpd.log" 2>&1 &
	SMTPD_PID=$!
	wait_until 10 port_busy "$SMTPD_PORT" ||
	    { echo "# aiosmtpd did not start"; cat "$TMP/smtpd.log"; exit 1; }
}

stop_broker() {
	kill -9 "$BROKER_PID" 2>/dev/null
	wait "$BROKER_PID" 2>/dev/null
	BROKER_PID=
}

# write_config [EXTRA]: a configuration with three queues on our ports.
write_config() {
	HTTP_PORT=${HTTP_PORT:-$(free_port)}
	cat > "$TMP/wachtd.conf" <<CONF
[daemon]
state_dir = $TMP/state
step = 10s
timezone = Europe/Amsterdam

[mqtt]
host = 127.0.0.1
port = $BROKER_PORT
prefix = $PREFIX
client_id = wachtd-test-$$

[http]
listen = 127.0.0.1:$HTTP_PORT

[hours kcc]
mon = 08:30-17:00

[norm telefoon]
answer_within = 30s
target = 80%
window = 15m

[norm balie]
max_wait = 10m

[queue telefoon/algemeen]
label = Telefoon 14 0548
hours = kcc
norm = telefoon
interval = 10s

[queue balie/burgerzaken]
label = Balie Burgerzaken
norm = balie
topic.waiting = pbx/queue/600/calls

[queue email/info]
label = E-mail info@
${1:-}
CONF
}

# not_near_midnight: waits until the local day has two minutes left at
# least, so that a test counting today's contacts does not span two days
# (two starts and a stop are slow under valgrind).
not_near_midnight() {
	while [ "$(TZ=Europe/Amsterdam date +%H%M)" -ge 2358 ]; do sleep 5; done
}

# alert_state_is ID STATE: the alert's state in the API is STATE.
alert_state_is() { test "$(api "/api/v1/alerts/$1" | jq -r .state)" = "$2"; }

# every_day RANGE: the seven weekday keys of an [hours] section, for
# write_config: open RANGE on every day of the week.
every_day() {
	local d
	for d in mon tue wed thu fri sat sun; do echo "$d = $1"; done
}

# A desk norm for write_config that alerts at once: max_wait = 10m, with
# for and clear_for 0, so a test needs no waiting.
NORM_WACHT="[norm wacht]
max_wait = 10m
for = 0s
clear_for = 0s"

start_wachtd() {
	${WACHTD_WRAPPER:-} "$BIN/wachtd" -f -c "$TMP/wachtd.conf" "$@" \
	    >> "$TMP/wachtd.log" 2>&1 &
	WACHTD_PID=$!
	wait_until $((WAIT * 4)) api /healthz >/dev/null ||
	    { echo "# wachtd did not become healthy"; cat "$TMP/wachtd.log"; exit 1; }
}

# stop_wachtd: SIGTERM; sets WACHTD_STATUS to the exit status.
stop_wachtd() {
	kill -TERM "$WACHTD_PID"
	wait "$WACHTD_PID"
	WACHTD_STATUS=$?
	WACHTD_PID=
	# The exit code valgrind and ASan give an error they found
	# (tests/run.sh): it fails the test, whether it checks the status
	# or not.
	[ "$WACHTD_STATUS" -ne 99 ] ||
	    not_ok "valgrind or ASan found errors in wachtd (see its log)"
}

# Polls are longer under valgrind, which runs the daemon ~20x slower.
WAIT=${WACHTD_WRAPPER:+30}
WAIT=${WAIT:-5}

api() { curl -sf --max-time 5 "http://127.0.0.1:$HTTP_PORT$1"; }

# field QUEUE JQ: one field of one queue from the API.
field() { api "/api/v1/queues/$1" | jq -r "$2"; }

pub() { mosquitto_pub -p "$BROKER_PORT" -q 1 -t "$1" -m "$2"; }

# burst TOPIC PAYLOAD COUNT: COUNT times the same message over one
# connection (mosquitto_pub -l sends each line of stdin as one message).
burst() {
	yes -- "$2" | head -n "$3" | mosquitto_pub -p "$BROKER_PORT" -q 1 -t "$1" -l
}

# burst_lines TOPIC LINE...: one connection, one message a line.
burst_lines() {
	local topic=$1
	shift
	printf '%s\n' "$@" | mosquitto_pub -p "$BROKER_PORT" -q 1 -t "$topic" -l
}

# http_code PATH [CURL_OPTION...]: the HTTP status (000 without an
# answer); the body is left in $TMP/body.
http_code() {
	local path=$1
	shift
	curl -s -o "$TMP/body" -w '%{http_code}' "$@" "http://127.0.0.1:$HTTP_PORT$path"
}

# rrd_sum FILE START [END]: the count of the first data source (arrived)
# in FILE from START to END (now), as rrdtool reads it from the file itself.
# Counts are ABSOLUTE: fetch gives a rate, rate x step the count.
rrd_sum() {
	local step
	step=$(rrdtool info "$1" | sed -n 's/^step = //p')
	rrdtool fetch "$1" AVERAGE -r "$step" -s "$2" -e "${3:-now}" |
	    awk -v s="$step" 'NR > 2 && $2 !~ /nan/ { n += $2 * s } END { printf "%g\n", n }'
}

rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$WACHTD_PID/status"; }

field_is() { test "$(field "$1" "$2")" = "$3"; }
status_is() { test "$(api /api/v1/status | jq -r "$1")" = "$2"; }
# wait_field QUEUE JQ VALUE: until the API shows VALUE for the queue.
wait_field() { wait_until "$WAIT" field_is "$@"; }
# wait_status JQ VALUE: until /api/v1/status shows VALUE.
wait_status() { wait_until "$WAIT" status_is "$@"; }

# last_quarter: the quarter before this one, in the daemon's time zone:
# PERIOD as the public page words it ("juli, augustus en september
# 2026"), QUARTER_YEAR, QUARTER (1-4), and T, a whole hour ten days into it.
last_quarter() {
	local months=(januari februari maart april mei juni juli augustus
	    september oktober november december) month first
	month=$(TZ=Europe/Amsterdam date +%-m)
	QUARTER_YEAR=$(TZ=Europe/Amsterdam date +%Y)
	first=$(( ( (month - 1) / 3 - 1) * 3 + 1 ))
	if [ "$first" -lt 1 ]; then
		first=10
		QUARTER_YEAR=$((QUARTER_YEAR - 1))
	fi
	QUARTER=$(( (first + 2) / 3 ))
	PERIOD="${months[first - 1]}, ${months[first]} en ${months[first + 1]} $QUARTER_YEAR"
	T=$(( $(TZ=Europe/Amsterdam date -d "$QUARTER_YEAR-$(printf %02d $first)-11 10:00" +%s) / 3600 * 3600 ))
}

# quarter_history QUEUE DS=COUNT...: the queue's file with one hour of
# first-contact and rating counts at T (last_quarter), as a report reads
# them; before wachtd starts, for a queue it will not write to.
quarter_history() {
	local f=$TMP/state/rrd/$1.rrd ds= vals=3600 d
	shift
	mkdir -p "$(dirname "$f")"
	for d in watched direct indirect rated5_1 rated5_2 rated5_3 rated5_4 \
	    rated5_5 rated10_0 rated10_1 rated10_2 rated10_3 rated10_4 \
	    rated10_5 rated10_6 rated10_7 rated10_8 rated10_9 rated10_10; do
		ds="$ds DS:$d:ABSOLUTE:100000000:0:U"
		[ "$d" = watched ] && continue
		vals="$vals:$(printf '%s\n' "$@" | sed -n "s/^$d=//p" | grep . || echo 0)"
	done
	rrdtool create "$f" --step 10 --start $((T - 3600)) $ds \
	    RRA:AVERAGE:0.5:360:5000
	rrdtool update "$f" "$T:$vals"
}
