#!/bin/bash
# 100,000 random messages published as fast as the broker acknowledges
# them (QoS 1), by tests/faults/garbage.py: on every topic wachtd
# subscribes to (three queues' P/in/QUEUE/+ and an adopted topic) and on
# others, with good numbers and JSON, random and binary bytes up to
# 32 KiB, invalid UTF-8, NaN, huge and negative numbers, JSON junk,
# wrong fields and ids, and names that are no metric. The generator
# knows the fate of each. Checks:
#  - wachtd lives and still takes good input afterwards;
#  - the counters are exact: /api/v1/status's accepted, and rejected by
#    each reason, grew by what the generator sent (the topics wachtd does
#    not subscribe to are not delivered, and not counted);
#  - no queue is created and resident memory stays flat (within 2 MB);
#  - rejects are logged rate-limited.
. "$(dirname "$0")/lib.sh"

N=${GARBAGE_N:-100000}
start_broker
write_config
start_wachtd

# garbage COUNT SEED: the generator; what wachtd must count in $TMP/expect.
garbage() {
	$PY "$FAULTS/garbage.py" "$BROKER_PORT" "$PREFIX" "$1" "$2" \
	    > "$TMP/expect" 2>> "$TMP/garbage.log"
}
expected() { jq '.accepted + ([.rejected[]] | add)' "$TMP/expect"; }
# A warm-up of the same mixture: buffers for large payloads and every
# complaint's first line are there before memory is measured.
garbage 2000 1
total0=$(expected)
all_counted() { test "$(counted)" = "$1"; }
wait_until $((WAIT * 2)) all_counted "$total0"
before=$(api /api/v1/status)
rss0=$(rss_kb)

t0=$(now_ms)
garbage "$N" 2
sent_ms=$(ms_since "$t0")
total=$(expected)
wait_until $((WAIT * 12)) all_counted $((total0 + total))
took_ms=$(ms_since "$t0")
after=$(api /api/v1/status)
echo "# $(jq -r '"\(.messages) messages, \(.bytes / 1048576 | floor) MB, \(.accepted) good, \(.elsewhere) on topics wachtd does not subscribe to"' "$TMP/expect"):" \
    "published in $sent_ms ms, all counted after $took_ms ms"
check "wachtd lives" alive
delta=$(jq -n --argjson a "$after" --argjson b "$before" '{accepted: ($a.accepted - $b.accepted),
    rejected: ($a.rejected | with_entries(.value -= $b.rejected[.key]) | with_entries(select(.value != 0)))}')
check_eq "every delivered message counted once" "$total" "$(jq '.accepted + ([.rejected[]] | add)' <<< "$delta")"
if [ "$fails" -ne 0 ]; then	# lost on the way? The broker counts what it dropped.
	echo "# broker: $(mosquitto_sub -p "$BROKER_PORT" -t '$SYS/broker/publish/messages/dropped' -C 1 -W 12 -v)"
fi
check_eq "accepted: exactly the good ones" "$(jq .accepted "$TMP/expect")" "$(jq .accepted <<< "$delta")"
check_eq "rejected, by reason, exactly" "$(jq -c '.rejected' "$TMP/expect" | jq -S -c .)" \
    "$(jq -S -c .rejected <<< "$delta")"
echo "# rejected: $(jq -c .rejected <<< "$delta")"
check_eq "no queue created" 3 "$(jq .queues <<< "$after")"
check_eq "the API lists the three queues only" \
    "balie/burgerzaken email/info telefoon/algemeen" \
    "$(api /api/v1/queues | jq -r '[.queues[].id] | join(" ")')"
rss1=$(rss_kb)
if [ -z "${WACHTD_WRAPPER:-}" ] && [ "$O" = build ]; then
	check "memory flat: RSS ${rss0} kB before, ${rss1} kB after (grew $((rss1 - rss0)) kB, allowed 2048)" \
	    test $((rss1 - rss0)) -lt 2048
else
	echo "# RSS ${rss0} kB before, ${rss1} kB after: not judged under a sanitizer or valgrind"
fi
lines=$(grep -c 'rejected message' "$TMP/wachtd.log")
check "rejects logged rate-limited ($lines lines for $(status "[.rejected[]] | add") rejects)" \
    test "$lines" -le 40
accepted=$(status .accepted)
pub $PREFIX/in/email/info/backlog 4
check "good input is still taken" wait_status .accepted $((accepted + 1))
check_eq "  and shown" 4 "$(field email/info .backlog)"
exit 0
