#!/bin/bash
# wachtd-sim feeds a real wachtd through a real broker: every queue of the
# demo gets data, and a seeded run is the same run twice.
. "$(dirname "$0")/lib.sh"

sim=$BIN/wachtd-sim
conf=$ROOT/config/demo-sim.conf
a=$("$sim" -c "$conf" --dry-run --seed 7 --start 09:00 --duration 3600 | md5sum)
b=$("$sim" -c "$conf" --dry-run --seed 7 --start 09:00 --duration 3600 | md5sum)
c=$("$sim" -c "$conf" --dry-run --seed 8 --start 09:00 --duration 3600 | md5sum)
check_eq "the same seed gives the same stream" "$a" "$b"
check "another seed gives another stream" test "$a" != "$c"
n=$("$sim" -c "$conf" --dry-run --seed 7 --start 09:00 --duration 3600 | grep -c '/join ')
n10=$("$sim" -c "$conf" --dry-run --seed 7 --start 09:00 --duration 3600 --rate 10 | grep -c '/join ')
check "--rate 10 gives about ten times the calls ($n, $n10)" \
    test "$n10" -gt $((n * 8)) -a "$n10" -lt $((n * 12))
"$sim" -c "$conf" --dry-run > /dev/null 2>&1
check_eq "--dry-run without --duration is refused" 2 $?

start_broker
write_config
# The demo's queues, on our ports.
sed -n '/^\[hours kcc\]/,$p' "$ROOT/config/demo.conf" > "$TMP/queues.conf"
sed -i '/^\[hours kcc\]/,$d' "$TMP/wachtd.conf"
cat "$TMP/queues.conf" >> "$TMP/wachtd.conf"
start_wachtd
# Sixty simulated minutes of the morning peak in a few seconds: the
# daemon sees them arrive at its own clock, so waits are compressed, but
# every message must be accepted.
"$sim" -c "$conf" -h 127.0.0.1 -p "$BROKER_PORT" --seed 7 --start 09:00 \
    --speed 1200 --duration 3600 -q
check_eq "the simulator exits 0 after --duration" 0 $?
sent=$("$sim" -c "$conf" --dry-run --seed 7 --start 09:00 --duration 3600 | wc -l)
check "wachtd accepts every simulated message ($sent)" wait_status .accepted "$sent"
check_eq "and rejects none" 0 "$(api /api/v1/status | jq '[.rejected[]] | add')"
check "the phone queue saw calls answered" \
    test "$(field telefoon/algemeen .answered)" -gt 0
check "the counter reports its waiting line" \
    test "$(field balie/burgerzaken '.waiting != null')" = true
check "the mailbox reports its backlog" \
    test "$(field email/info '.backlog != null')" = true
exit 0
