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
wait_until 5 test -S "$TMP/rrdcached.sock" ||
    { echo "# rrdcached did not start"; cat "$TMP/rrdcached.log"; exit 1; }

start_broker
write_config
sed -i -e "s/^step = .*/step = ${STEP}s/" \
    -e "s|^timezone = .*|&\nrrdcached = unix:$TMP/rrdcached.sock|" "$TMP/wachtd.conf"
check "the configuration with rrdcached is valid" "$BIN/wachtd" -n -c "$TMP/wachtd.conf"
start_wachtd
RRD=$TMP/state/rrd/telefoon/algemeen.rrd
Q=$PREFIX/in/telefoon/algemeen
# From the step before the first arrival on.
T0=$(date +%s)
# Three arrivals of 5, each in a step of its own: after each the daemon
# hands over a step before the next comes.
queued() { api /api/v1/status | jq .history.steps_queued; }
more_queued() { test "$(queued)" -gt "$1"; }
for i in 1 2 3; do
	n=$(queued)
	pub $Q/arrived 5
	wait_until $((WAIT + 3 * STEP)) more_queued "$n"
done
check "wachtd writes through rrdcached" \
    wait_until "$WAIT" grep -q 'writing through rrdcached' "$TMP/wachtd.log"
on_disk() { rrd_sum "$RRD" $((T0 - STEP)); }	# rrdtool reads the file itself
on_disk_is() { test "$(on_disk)" = "$1"; }
before=$(on_disk)
kill -USR1 "$WACHTD_PID"
check "SIGUSR1 puts the completed steps on disk" wait_until "$WAIT" on_disk_is 15
echo "# on disk before SIGUSR1: $before, after: $(on_disk)"
check_eq "a graph through rrdcached" 200 "$(http_code /graph/telefoon/algemeen/arrived.png)"
pub $Q/arrived 4
wait_status .accepted 4
stop_wachtd
check_eq "SIGTERM exits 0" 0 "$WACHTD_STATUS"
check_eq "SIGTERM puts the step in progress on disk too" 19 "$(on_disk)"
check "no 'illegal attempt' in rrdcached's log" \
    bash -c "! grep -qi illegal '$TMP/rrdcached.log'"
exit 0
