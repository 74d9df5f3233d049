#!/bin/bash
# state_dir (with rrd/ in it: wachtd has no other place for history) on
# a small tmpfs, filled up with a file while wachtd-sim keeps wachtd
# busy, an alert flaps and a reload adds a queue. Checks, while full:
#  - wachtd lives, does not spin (CPU), and serves live state: a new
#    backlog shows in /api/v1/queues at once, /public/v1/waittimes.json
#    answers (latency measured);
#  - it says what failed, naming the file and the cause (alerts.json,
#    steps.journal, the new queue's RRD file), a few lines in all, not a
#    line per message or per save;
# and once the filler is gone:
#  - alerts.json holds the current alert state again (without waiting for
#    the next change), steps.journal is written, the new queue's file is
#    created, every file takes updates past the moment of recovery, and
#    the log says so.
# Needs root (mount); skipped otherwise.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	ok "skipped: needs root to mount a tmpfs"
	exit 0
fi

STEP=5
FULL_S=12	# seconds the disk stays full: more than two steps
# Five files of 36.5 MB (a 5 s step keeps 48 h of rows, 47 data sources)
# fit in 200 MB; the fifth is to be created while full.
mkdir "$TMP/state"
mount -t tmpfs -o size=200M,mode=755 wachtd-faults "$TMP/state" ||
    { not_ok "cannot mount a tmpfs on $TMP/state"; exit 1; }
MOUNTS=$TMP/state
PUBLIC_PORT=$(free_port)
start_broker
write_config "
$NORM_WACHT

[queue balie/alarm]
label = Balie alarm
norm = wacht
public = yes"
set_key step ${STEP}s
open_always
sed -i "s/^listen = .*/&\npublic_listen = 127.0.0.1:$PUBLIC_PORT/" "$TMP/wachtd.conf"
start_wachtd
start_sim 50
# A queue gets its file at the first step with input.
pub $PREFIX/in/balie/alarm/longest_wait 0

rrd_files() { find "$TMP/state/rrd" -name '*.rrd' | wc -l; }
four_files() { test "$(rrd_files)" = 4; }
wait_until $((STEP * 4)) four_files
check_eq "four RRD files before the disk fills" 4 "$(rrd_files)"

public_ms() {
	curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 5 \
	    "http://127.0.0.1:$PUBLIC_PORT/public/v1/waittimes.json"
}
dd if=/dev/zero of="$TMP/state/filler" bs=1M 2>/dev/null
avail=$(df --output=avail -k "$TMP/state" | tail -1 | tr -d ' ')
check_eq "the file system is full (kB available)" 0 "$avail"
lines0=$(wc -l < "$TMP/wachtd.log")
errors0=$(status .history.errors)
cpu0=$(cpu_ticks "$WACHTD_PID")
t0=$(now_ms)
echo "
[queue chat/nieuw]
label = Nieuw" >> "$TMP/wachtd.conf"
kill -HUP "$WACHTD_PID"
wait_until "$WAIT" api /api/v1/queues/chat/nieuw >/dev/null
live=0 publics=0 worst=0
for i in $(seq "$FULL_S"); do
	pub $PREFIX/in/chat/nieuw/arrived 1
	# Flapping, and critical at the end: alerts.json says ok until saved.
	pub $PREFIX/in/balie/alarm/longest_wait $(( (FULL_S - i + 1) % 2 * 700 ))
	pub $PREFIX/in/balie/alarm/backlog "$i"	# the simulator's is email/info
	wait_field balie/alarm .backlog "$i" && live=$((live + 1))
	read -r code secs <<< "$(public_ms)"
	[ "$code" = 200 ] && publics=$((publics + 1))
	worst=$(echo "$secs $worst" | awk '{ print ($1 * 1000 > $2) ? $1 * 1000 : $2 }')
	sleep 1
done
full_ms=$(ms_since "$t0")
cpu=$(echo "$(cpu_ticks "$WACHTD_PID") $cpu0 $TICKS $full_ms" |
    awk '{ printf "%.1f", ($1 - $2) / $3 * 100000 / $4 }')
tail -n +$((lines0 + 1)) "$TMP/wachtd.log" > "$TMP/full.log"
warnings=$(grep -c 'warning:' "$TMP/full.log")
check "wachtd lives on the full disk" alive
check_eq "live state follows every publish ($FULL_S backlogs)" "$FULL_S" "$live"
check_eq "the public JSON answers every time (slowest $(printf %.1f "$worst") ms)" "$FULL_S" "$publics"
check "no spinning: ${cpu}% CPU over $((full_ms / 1000)) s" test "${cpu%.*}" -lt 50
check "the failed alert save is logged with its cause" \
    grep -q 'cannot save alert states in .*alerts.json: No space left on device' "$TMP/full.log"
check "the failed journal is logged with its cause" \
    grep -q 'cannot write .*steps.journal: No space left on device' "$TMP/full.log"
check "the new queue's file: no space left, with the figures" \
    grep -q 'cannot create .*chat/nieuw.rrd: no space left on the device (.* MB needed, 0.0 MB free)' "$TMP/full.log"
check "few lines for $FULL_S flaps and saves, $((FULL_S * 3)) publishes, $((FULL_S / STEP)) steps: $warnings warnings in $((full_ms / 1000)) s" \
    test "$warnings" -le 8
echo "# history while full: $(( $(status .history.errors) - errors0 )) errors," \
    "$(api /api/v1/status | jq -c '.history | {writes, errors}')"

state_now() { api /api/v1/alerts/balie/alarm/wacht | jq -r .state; }
state_saved() { jq -r '.alerts["balie/alarm/wacht"].state' "$TMP/state/alerts.json"; }
check_eq "alerts.json could not follow: saved state (live state)" \
    "ok (critical)" "$(state_saved) ($(state_now))"

rm -f "$TMP/state/filler"
recovered=$(date +%s)
saved_current() { test "$(state_saved)" = "$(state_now)"; }
check "alerts.json holds the current state again ($(state_now))" \
    wait_until $((STEP * 3)) saved_current
created() { grep -q 'store: created .*chat/nieuw.rrd' "$TMP/wachtd.log"; }
check "the new queue's file is created" wait_until $((STEP * 3)) created
newer() {
	local f
	for f in $(find "$TMP/state/rrd" -name '*.rrd'); do
		test "$(rrdtool last "$f")" -gt "$recovered" || return 1
	done
}
check "every RRD file takes updates after the recovery" wait_until $((STEP * 4)) newer
check "steps.journal is written again" test "$(stat -c %Y "$TMP/state/steps.journal")" -ge "$recovered"
errors1=$(status .history.errors)
sleep "$STEP"
check_eq "no more history errors" "$errors1" "$(status .history.errors)"
check "the log says alert states are saved again" grep -q 'alert states saved in .* again' "$TMP/wachtd.log"
check "the log says the journal is written again" grep -q 'steps.journal written again' "$TMP/wachtd.log"
check "wachtd still lives" alive
exit 0
