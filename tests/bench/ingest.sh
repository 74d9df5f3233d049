#!/bin/bash
# make bench (issue 8, part 1): what it costs wachtd to take in a stream,
# against the floor and a peer, in the same run on the same broker.
#
# The stream (tests/bench/ingest_pub.c): BENCH_MESSAGES messages over
# BENCH_INGEST_QUEUES phone queues (waiting, answered, arrived,
# handle_time in turn), QoS 0, written as fast as the broker reads them.
# Each consumer gets the same bytes, one after the other:
#   floor     tests/bench/ingest_floor.c, a bare libmosquitto subscriber
#             that only counts, reading the way wachtd reads;
#   wachtd    with one queue per stream queue, step 10 s, its RRD files
#             made beforehand (few rows; the same work per update);
#   collectd  when installed: its mqtt plugin into its rrdtool plugin,
#             the stream in collectd's topic and payload form, values
#             cached for one step (CacheTimeout = the step) as wachtd
#             keeps them.
# Each first takes one message per metric and queue (files made, caches
# warm), then the measured stream. Its CPU time (user + system, all
# threads, from /proc) is read before the stream and after it has seen
# the stream's last message and the next step's writes are done. Printed:
# CPU seconds per million messages, messages a second (the stream's
# length over the time until its last message was seen) and resident
# memory, each as a ratio against the floor. Goals, PASS or FAIL (exit 1
# on FAIL):
#   (f) wachtd at most 1.5x the floor's CPU per message;
#   (g) collectd at least 2.5x wachtd's (when collectd is installed).
#
#   O                     build directory (build)
#   BENCH_MESSAGES        messages in the measured stream (1000000)
#   BENCH_INGEST_QUEUES   queues in the stream (1000)
. "$(dirname "$0")/lib.sh"

N=${BENCH_MESSAGES:-1000000}
KQ=${BENCH_INGEST_QUEUES:-1000}
STEP=10
WARM=$((KQ * 4 + 1))	# every metric of every queue, then the last
PUB=$BIN/tests/ingest_pub
FLOOR_PID= COLLECTD_PID=
COLLECTD=$(command -v collectd || echo /usr/sbin/collectd)
[ -x "$COLLECTD" ] || COLLECTD=

ingest_cleanup() {
	for pid in $FLOOR_PID $COLLECTD_PID; do
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	cleanup
}
trap ingest_cleanup EXIT
trap 'exit 130' INT TERM

# measure NAME PID DONE [PUB-ARGS]: streams N messages to PID and fills
# R_CPU[NAME] (CPU s per million), R_RATE[NAME] (messages a second) and
# R_RSS[NAME] (kB); DONE is a command that succeeds once the last message
# is in.
declare -A R_CPU R_RATE R_RSS
measure() {
	local name=$1 pid=$2 done=$3 c0 c1 t0 t1
	shift 3
	c0=$(cpu_ticks "$pid")
	t0=$(now_ms)
	"$PUB" -p "$BROKER_PORT" -n "$N" -k "$KQ" -P "$PREFIX" -l 999 "$@" ||
	    exit 1
	until $done; do sleep 0.05; done
	t1=$(now_ms)
	# The step the stream ended in is written at the next tick.
	sleep_ms $(( (t1 / STEP_MS + 1) * STEP_MS + 1500 - $(now_ms) ))
	c1=$(cpu_ticks "$pid")
	R_CPU[$name]=$(awk -v c=$((c1 - c0)) -v n="$N" \
	    'BEGIN { printf "%.3f", c / 100 / (n / 1e6) }')
	R_RATE[$name]=$(awk -v t=$((t1 - t0)) -v n="$N" \
	    'BEGIN { printf "%d", n / (t / 1000) }')
	R_RSS[$name]=$(rss_of "$pid")
}

STEP_MS=$((STEP * 1000))
start_broker

# The floor.
"$BIN/tests/ingest_floor" -p "$BROKER_PORT" -n $((WARM + N)) \
    -t "$PREFIX/in/#" > "$TMP/floor.out" &
FLOOR_PID=$!
wait_until 5 grep -q ready "$TMP/floor.out" ||
    { echo "bench: the floor did not subscribe"; exit 1; }
"$PUB" -p "$BROKER_PORT" -n "$WARM" -k "$KQ" -P "$PREFIX" -l 998
floor_done() { [ "$(wc -l < "$TMP/floor.out")" -ge 2 ]; }
measure floor "$FLOOR_PID" floor_done
# Its own clock, first message to last, is closer than our polling.
read -r seen secs <<< "$(sed -n 2p "$TMP/floor.out")"
[ "$seen" = $((WARM + N)) ] || { echo "bench: the floor saw $seen"; exit 1; }
kill "$FLOOR_PID"; wait "$FLOOR_PID" 2>/dev/null; FLOOR_PID=

# wachtd.
layout
make_files "$KQ"
HTTP_PORT=$(free_port)
config "$KQ"
start_wachtd
accepted() { api /api/v1/status | jq '.accepted'; }
took() { [ "$(accepted)" -ge "$1" ]; }
"$PUB" -p "$BROKER_PORT" -n "$WARM" -k "$KQ" -P "$PREFIX" -l 998
wait_until 30 took "$WARM" ||
    { echo "bench: wachtd took $(accepted) of $WARM"; exit 1; }
wachtd_done() { took $((WARM + N)); }
measure wachtd "$WACHTD_PID" wachtd_done
st=$(api /api/v1/status)
W_ACCEPTED=$(jq '.accepted' <<< "$st")
W_REJECTED=$(jq '[.rejected[]] | add' <<< "$st")
stop_wachtd

# collectd, when it is there.
if [ -n "$COLLECTD" ]; then
	mkdir -p "$TMP/collectd"
	cat > "$TMP/collectd.conf" <<CONF
Hostname "bench"
FQDNLookup false
Interval $STEP
BaseDir "$TMP/collectd"
PIDFile "$TMP/collectd/collectd.pid"
TypesDB "/usr/share/collectd/types.db"
LoadPlugin logfile
<Plugin logfile>
	LogLevel "err"
	File "$TMP/collectd.log"
</Plugin>
LoadPlugin unixsock
<Plugin unixsock>
	SocketFile "$TMP/collectd/sock"
</Plugin>
LoadPlugin mqtt
<Plugin mqtt>
	<Subscribe "bench">
		Host "127.0.0.1"
		Port "$BROKER_PORT"
		ClientId "collectd-bench-$$"
		Topic "collectd/#"
		QoS 0
	</Subscribe>
</Plugin>
LoadPlugin rrdtool
<Plugin rrdtool>
	DataDir "$TMP/collectd/rrd"
	StepSize $STEP
	CacheTimeout $STEP
	CacheFlush $((STEP * 2))
</Plugin>
CONF
	"$COLLECTD" -f -C "$TMP/collectd.conf" >> "$TMP/collectd.log" 2>&1 &
	COLLECTD_PID=$!
	# ctl COMMAND: one line to collectd's unixsock, its answer back.
	ctl() {
		/usr/bin/python3 - "$TMP/collectd/sock" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rw")
f.write(sys.argv[2] + "\n"); f.flush()
line = f.readline()
n = int(line.split()[0])
print(line.strip())
for _ in range(max(n, 0)):
	print(f.readline().strip())
PY
	}
	last_is() {
		ctl "GETVAL bench/wachtd-q00001/gauge-waiting" 2>/dev/null |
		    awk -F= -v want="$1" '$1 == "value" && $2 + 0 == want \
		    { found = 1 } END { exit !found }'
	}
	wait_until 10 test -S "$TMP/collectd/sock" ||
	    { echo "bench: collectd did not start"; cat "$TMP/collectd.log"; exit 1; }
	# Subscribed once a message of ours comes through.
	subscribed() {
		mosquitto_pub -p "$BROKER_PORT" -t collectd/bench/probe/gauge-up \
		    -m N:1
		ctl "GETVAL bench/probe/gauge-up" 2>/dev/null | grep -q "^value="
	}
	wait_until 10 subscribed ||
	    { echo "bench: collectd did not subscribe"; cat "$TMP/collectd.log"; exit 1; }
	"$PUB" -c -p "$BROKER_PORT" -n "$WARM" -k "$KQ" -l 998
	wait_until 60 last_is 998 ||
	    { echo "bench: collectd did not take the warm-up"; exit 1; }
	ctl "FLUSH plugin=rrdtool" > /dev/null
	files() { find "$TMP/collectd/rrd" -path '*wachtd-q*.rrd' | wc -l; }
	made_all() { [ "$(files)" -ge $((KQ * 4)) ]; }
	wait_until 120 made_all ||
	    { echo "bench: collectd made $(files) of $((KQ * 4)) files"; exit 1; }
	collectd_done() { last_is 999 && ctl "FLUSH plugin=rrdtool" >/dev/null; }
	measure collectd "$COLLECTD_PID" collectd_done -c
	kill "$COLLECTD_PID"; wait "$COLLECTD_PID" 2>/dev/null; COLLECTD_PID=
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {
	if (a + 0 > 0) printf "%.2fx", b / a; else printf "-" }'; }
echo
printf '%-36s%12s%12s%9s%12s%9s\n' \
    "wachtd bench, ingest $N messages" floor wachtd ratio collectd ratio
row() {
	printf '%-36s%12s%12s%9s' "$1" "$2" "$3" "$(ratio "$2" "$3")"
	if [ -n "$COLLECTD" ]; then
		printf '%12s%9s' "$4" "$(ratio "$2" "$4")"
	fi
	echo
}
row "over $KQ queues, step ${STEP}s" "" "" ""
row "CPU s per million messages" "${R_CPU[floor]}" "${R_CPU[wachtd]}" \
    "${R_CPU[collectd]:-}"
row "messages a second" "${R_RATE[floor]}" "${R_RATE[wachtd]}" \
    "${R_RATE[collectd]:-}"
row "resident memory after (kB)" "${R_RSS[floor]}" "${R_RSS[wachtd]}" \
    "${R_RSS[collectd]:-}"
echo "wachtd accepted $W_ACCEPTED, rejected $W_REJECTED of $((WARM + N));" \
    "the floor's own clock: $(awk -v n="$N" -v w="$WARM" -v s="$secs" \
    'BEGIN { printf "%d", (n + w) / s }') messages a second"
echo

status=0
f=$(ratio "${R_CPU[floor]}" "${R_CPU[wachtd]}")
how="wachtd ${R_CPU[wachtd]} s per million messages, the floor ${R_CPU[floor]} s: $f"
if [ "$W_ACCEPTED" = $((WARM + N)) ] &&
    awk -v a="${R_CPU[floor]}" -v b="${R_CPU[wachtd]}" 'BEGIN { exit !(b <= 1.5 * a) }'; then
	echo "PASS (f) ingest CPU at most 1.5x the floor: $how"
else
	echo "FAIL (f) ingest CPU at most 1.5x the floor: $how" \
	    "($W_ACCEPTED accepted)"
	status=1
fi
if [ -n "$COLLECTD" ]; then
	g=$(ratio "${R_CPU[wachtd]}" "${R_CPU[collectd]}")
	how="collectd ${R_CPU[collectd]} s per million messages, $g wachtd's"
	if awk -v a="${R_CPU[wachtd]}" -v b="${R_CPU[collectd]}" \
	    'BEGIN { exit !(b >= 2.5 * a) }'; then
		echo "PASS (g) collectd spends at least 2.5x wachtd's CPU: $how"
	else
		echo "FAIL (g) collectd spends at least 2.5x wachtd's CPU: $how"
		status=1
	fi
else
	echo "(g) skipped: collectd is not installed (scripts/deps.sh installs it)"
fi
exit $status
