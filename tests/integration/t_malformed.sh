#!/bin/bash
# 10,000 malformed messages: the daemon keeps running, its memory stays
# flat and every reject is counted under its reason.
. "$(dirname "$0")/lib.sh"

start_broker
write_config
start_wachtd
Q=$PREFIX/in/telefoon/algemeen

burst $Q/answered 10 100			# warm up: 100 good
wait_status .accepted 100
rss0=$(rss_kb)

burst $Q/waiting 'abc' 2000			# not_a_number
burst $Q/answered -5 2000			# negative
burst $Q/join '{"id": "has space"}' 2000	# bad_id
burst $Q/bogus 1 2000				# unknown_metric
burst $Q/answered '{"value": 1, "ts": 99999999999}' 1000	# future
burst $Q/waiting 1.5 1000			# not_integer
wait_until $((WAIT * 6)) status_is '[.rejected[]] | add' 10000
st=$(api /api/v1/status)
check_eq "all 10,000 rejects counted" 10000 "$(jq '[.rejected[]] | add' <<< "$st")"
check_eq "counted by reason" "2000 2000 2000 2000 1000 1000" \
    "$(jq -r '.rejected | "\(.not_a_number) \(.negative) \(.bad_id) \(.unknown_metric) \(.future) \(.not_integer)"' <<< "$st")"
check_eq "accepted count unchanged" 100 "$(jq .accepted <<< "$st")"
check "wachtd is still running" kill -0 "$WACHTD_PID"
rss1=$(rss_kb)
echo "# RSS before ${rss0} kB, after ${rss1} kB"
# ASan's quarantine and valgrind's own heap grow by design: measure the
# plain build only.
if [ -z "${WACHTD_WRAPPER:-}" ] && [ "$O" = build ]; then
	check "memory flat (grew $((rss1 - rss0)) kB, allowed 512)" \
	    test $((rss1 - rss0)) -lt 512
else
	echo "# memory not measured under a sanitizer or valgrind"
fi
check_eq "no queue was created" 3 "$(api /api/v1/status | jq .queues)"
lines=$(grep -c 'rejected message' "$TMP/wachtd.log")
check "reject logging is rate-limited ($lines lines for 10,000)" test "$lines" -le 12
check_eq "the queue still takes good input" 101 \
    "$(pub $Q/answered 10; wait_status .accepted 101; api /api/v1/status | jq .accepted)"
exit 0
