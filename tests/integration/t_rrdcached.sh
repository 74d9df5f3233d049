#!/bin/bash
# [daemon] rrdcached: steps go through the cache daemon; SIGUSR1 and
# SIGTERM make them reach the disk; graphs see cached data.
. "$(dirname "$0")/lib.sh"

STEP=2
mkdir -p "$TMP/state/rrd" "$TMP/journal"
# A write timeout of an hour: nothing reaches the disk unless flushed.
rrdcached -g -l "unix:$TMP/rrdcached.sock" -w 3600 -z 0 -j "$TMP/journal" \
    -p "$TMP/rrdcached.pid" > "$TMP/rrdcached.log" 2>&1 &
RRDCACHED_PID=$!
trap 'kill $RRDCACHED_PID 2>/dev/null; cleanup' EXIT
wait_until 5 test -S "$TMP/rrdcached.sock"

start_broker
write_config
sed -i -e "s/^step = .*/step = ${STEP}s/" \
    -e "s|^timezone = .*|&\nrrdcached = unix:$TMP/rrdcached.sock|" "$TMP/wachtd.conf"
check "the configuration with rrdcached is valid" "$BIN/wachtd" -n -c "$TMP/wachtd.conf"
start_wachtd
RRD=$TMP/state/rrd/telefoon/algemeen.rrd
Q=$PREFIX/in/telefoon/algemeen
for i in 1 2 3; do pub $Q/arrived 5; sleep $STEP; done
sleep $STEP
check "wachtd writes through rrdcached" grep -q 'writing through rrdcached' "$TMP/wachtd.log"
on_disk() { # the sum of arrivals rrdtool reads from the file itself
	rrdtool fetch "$RRD" AVERAGE -r $STEP -s -60 |
	    awk -v s=$STEP 'NR > 2 && $2 !~ /nan/ { n += $2 * s } END { printf "%g\n", n }'
}
before=$(on_disk)
kill -USR1 "$WACHTD_PID"
check "SIGUSR1 puts the completed steps on disk" \
    wait_until "$WAIT" bash -c "test \"\$(rrdtool fetch '$RRD' AVERAGE -r $STEP -s -60 | awk -v s=$STEP 'NR > 2 && \$2 !~ /nan/ { n += \$2 * s } END { printf \"%g\", n }')\" = 15"
echo "# on disk before SIGUSR1: $before, after: $(on_disk)"
check_eq "a graph through rrdcached" 200 \
    "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/graph/telefoon/algemeen/arrived.png")"
pub $Q/arrived 4
sleep 0.3
stop_wachtd
check_eq "SIGTERM exits 0" 0 "$WACHTD_STATUS"
check_eq "SIGTERM puts the step in progress on disk too" 19 "$(on_disk)"
check "no 'illegal attempt' in rrdcached's log" \
    bash -c "! grep -qi illegal '$TMP/rrdcached.log'"
exit 0
