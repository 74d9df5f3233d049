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
"$sim" -c "$conf" --dry-run --seed 7 --start 09:00 --duration 3600 > "$TMP/stream"
sent=$(wc -l < "$TMP/stream")
check "wachtd accepts every simulated message ($sent)" wait_status .accepted "$sent"
check_eq "and rejects none" 0 "$(api /api/v1/status | jq '[.rejected[]] | add')"
check "the phone queue saw calls answered" \
    test "$(field telefoon/algemeen .answered)" -gt 0
check "the counter reports its waiting line" \
    test "$(field balie/burgerzaken '.waiting != null')" = true
check "the mailbox reports its backlog" \
    test "$(field email/info '.backlog != null')" = true

# The phone and the counter also say whether a question was resolved at
# first contact and how residents rated it; wachtd counts every one.
for q in telefoon/algemeen balie/burgerzaken; do
	resolved=$(grep -c " $PREFIX/in/$q/resolved " "$TMP/stream")
	direct=$(grep -c " $PREFIX/in/$q/resolved {\"direct\": true}" "$TMP/stream")
	rated=$(grep -c " $PREFIX/in/$q/rating " "$TMP/stream")
	mean=$(grep " $PREFIX/in/$q/rating " "$TMP/stream" |
	    sed 's/.*"score": \([0-9]*\).*/\1/' | awk '{ s += $1 } END { print s / NR }')
	check "$q: $resolved contacts resolved or not, $rated rated" \
	    test "$resolved" -gt 10 -a "$rated" -gt 3
	check_eq "$q: each resolved counted" "$resolved $direct" \
	    "$(field "$q" '"\(.direct.count) \(.direct.direct)"')"
	check_eq "$q: each rating counted" "$rated" "$(field "$q" .rating.count)"
	# the API gives tenths
	check "$q: the average rating is the stream's ($mean)" \
	    test "$(field "$q" "(.rating.value - $mean) | fabs < 0.051")" = true
done
check_eq "the phone is rated 1 to 5" 5 "$(field telefoon/algemeen .rating.scale)"
check_eq "the counter is rated 0 to 10" 10 "$(field balie/burgerzaken .rating.scale)"
check_eq "the mailbox has neither" "null null" \
    "$(field email/info '"\(.direct) \(.rating)"')"
exit 0
