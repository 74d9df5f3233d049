#!/bin/bash
# libcurl is loaded, not linked (fetch.c): a daemon that tells MQTT alone
# never maps it, one with a mail or webhook channel loads it at start or
# at the reload that adds one, and one whose libcurl cannot be used says
# so in the log, keeps monitoring, and fails each delivery (retried, and
# after 5 attempts logged with that reason, as any failure).
. "$(dirname "$0")/lib.sh"

# curl_mapped: whether the daemon has libcurl.so.4 mapped now.
curl_mapped() { grep -q 'libcurl\.so\.4' "/proc/$WACHTD_PID/maps"; }

start_broker
start_receiver
NOTIFY="$NORM_WACHT

[notify team]
webhook = $RECEIVER_URL/hook

[queue balie/snel]
label = Balie snel
norm = wacht
notify = team"

write_config
start_wachtd
check_eq "wachtd does not link libcurl" "" \
    "$(readelf -d "$BIN/wachtd" | grep -o 'libcurl[^]]*')"
check "without a mail or webhook channel libcurl is not mapped" \
    eval '! curl_mapped'

write_config "$NOTIFY"
kill -HUP "$WACHTD_PID"
wait_until "$WAIT" api /api/v1/queues/balie/snel >/dev/null
check "the reload that adds a webhook loads it" curl_mapped
stop_wachtd

start_wachtd
check "a start with a webhook loads it at once" curl_mapped
pub "$PREFIX/in/balie/snel/longest_wait" 700
wait_until "$WAIT" alert_state_is balie/snel/wacht critical
wait_until "$WAIT" test -s "$REC/log"
check_eq "and the webhook is told" "firing:critical" \
    "$(jq -r 'select(.path == "/hook") | .n' "$REC/log" | head -n 1 |
    xargs -I{} jq -r '"\(.wachtd.event):\(.alerts[0].labels.severity)"' \
    "$REC/{}.body")"
stop_wachtd

# A library of that name without curl's functions: too old, or not curl.
mkdir -p "$TMP/lib"
cp "$(/sbin/ldconfig -p | awk '$1 == "libinih.so.1" { print $NF; exit }')" \
    "$TMP/lib/libcurl.so.4"
rm -rf "$TMP/state"
# For wachtd alone: the tests' own curl needs the real one.
WACHTD_WRAPPER="env LD_LIBRARY_PATH=$TMP/lib ${WACHTD_WRAPPER:-}" start_wachtd
check "a libcurl that cannot be used is said at start" \
    grep -q 'fetch: cannot use libcurl.so.4 (.*curl_global_init.*): mail and webhook notifications and HTTP sources need the libcurl4 package' \
    "$TMP/wachtd.log"
pub "$PREFIX/in/balie/snel/longest_wait" 700
wait_until "$WAIT" alert_state_is balie/snel/wacht critical
check "monitoring goes on: the alert is critical" \
    alert_state_is balie/snel/wacht critical
wait_until $((WAIT * 2)) status_is '.notify.retried > 0' true
check "a delivery fails and is retried" status_is '.notify.retried > 0' true
check "the daemon is healthy" api /healthz
stop_wachtd
check_eq "and stops cleanly" 0 "$WACHTD_STATUS"
exit 0
