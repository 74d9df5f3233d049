#!/bin/bash
# Staff are told: a desk queue drifts into risk and back, and its [notify]
# section hears exactly one warning, one critical and one resolution on
# every channel (MQTT, a webhook, e-mail, Alertmanager's API), with a
# restart of wachtd in the middle that tells nobody anything twice; a
# closed queue tells nobody anything.
. "$(dirname "$0")/lib.sh"

start_broker
start_receiver
start_smtpd
write_config "
[hours dicht]
holidays = none

$NORM_WACHT

[notify kcc-team]
webhook = $RECEIVER_URL/hook
alertmanager = $RECEIVER_URL/am
email = kcc@gemeente.example teamleider@gemeente.example
smtp = smtp://127.0.0.1:$SMTPD_PORT
from = wachtd@gemeente.example

; A receiver that refuses: failures are counted and logged, not retried.
[notify kapot]
webhook = $RECEIVER_URL/status/404

; A receiver that fails once: the delivery is tried again 2 s later.
[notify wankel]
webhook = $RECEIVER_URL/wankel/once500

; A receiver that takes 2 s to answer.
[notify traag]
webhook = $RECEIVER_URL/traag/sleep/2

[queue balie/snel]
label = Balie snel
norm = wacht
notify = kcc-team kapot traag wankel

[queue balie/dicht]
label = Balie dicht
hours = dicht
norm = wacht
notify = kcc-team"
# Links in messages use the address staff know, not the listener's.
sed -i "s|^listen = 127.0.0.1:$HTTP_PORT\$|&\nurl = https://wachtd.gemeente.example/|" \
    "$TMP/wachtd.conf"
start_wachtd

mosquitto_sub -p "$BROKER_PORT" -t "$PREFIX/out/notify" > "$TMP/notify" \
    2>/dev/null &
SUB_PID=$!
trap 'kill $SUB_PID 2>/dev/null; cleanup' EXIT
sleep 0.3

# hooks: the wachtd events the webhook received, in order.
hooks() {
	for n in $(jq -r 'select(.path == "/hook") | .n' "$REC/log" 2>/dev/null); do
		jq -r '"\(.wachtd.event):\(.status):\(.alerts[0].labels.severity)"' "$REC/$n.body"
	done | paste -sd ' '
}
am_posts() { jq -r 'select(.path == "/am/api/v2/alerts") | .n' "$REC/log" 2>/dev/null | wc -l; }
mails() { ls "$MAILDIR/new" 2>/dev/null | wc -l; }
subjects() {
	for f in $(ls -tr "$MAILDIR/new"); do
		sed -n 's/^Subject: //p' "$MAILDIR/new/$f" | tr -d '\r'
	done
}
mqtt() { jq -r 'select(.to == "kcc-team") | "\(.event):\(.state)"' "$TMP/notify" | paste -sd ' '; }
count_is() { test "$("$1")" = "$2"; }

pub $PREFIX/in/balie/snel/longest_wait 500
wait_until "$WAIT" alert_state_is balie/snel/wacht warning
wait_until $((WAIT * 2)) count_is mails 1
check_eq "the warning reaches the webhook" "firing:firing:warning" "$(hooks)"
check_eq "and MQTT" "firing:warning" "$(mqtt)"
check_eq "MQTT carries one message per section told" "kapot kcc-team traag wankel" \
    "$(jq -r .to "$TMP/notify" | sort | paste -sd ' ')"
failed_is() { test "$(api /api/v1/status | jq .notify.failed)" = "$1"; }
retried() { jq -r 'select(.path == "/wankel/once500") | .n' "$REC/log" | wc -l; }
wait_until $((WAIT * 2)) count_is retried 2
check_eq "a receiver that failed once gets it again after the backoff" 2 "$(retried)"
check_eq "the retry is counted" 1 "$(api /api/v1/status | jq .notify.retried)"
wait_until $((WAIT * 2)) failed_is 1
check_eq "a receiver answering 404 is given up at once, and counted" \
    1 "$(api /api/v1/status | jq -r .notify.failed)"
check "and logged, without retrying" \
    grep -q "notify kapot: firing balie/snel/wacht by webhook to http://127.0.0.1:$RECEIVER_PORT failed after 1 attempt: HTTP 404" "$TMP/wachtd.log"

pub $PREFIX/in/balie/snel/waiting 3
pub $PREFIX/in/balie/snel/longest_wait 700
wait_until "$WAIT" alert_state_is balie/snel/wacht critical
wait_until $((WAIT * 2)) count_is mails 2
check_eq "critical: the webhook hears of the change" \
    "firing:firing:warning changed:firing:critical" "$(hooks)"
n=$(jq -r 'select(.path == "/hook") | .n' "$REC/log" | tail -1)
check_eq "links go to [http] url" \
    "https://wachtd.gemeente.example https://wachtd.gemeente.example/?queue=balie/snel" \
    "$(jq -r '"\(.externalURL) \(.wachtd.url)"' "$REC/$n.body")"
check_eq "the webhook body speaks Alertmanager's version 4 with the reason" \
    "4|kcc-team|Langste wachttijd nu 11 min 40 s, norm 10 min: 3 wachtenden" \
    "$(jq -r '"\(.version)|\(.receiver)|\(.alerts[0].annotations.summary)"' "$REC/$n.body")"

# A restart mid-alert: the states and what was told come back.
stop_wachtd
start_wachtd
sleep 2
check_eq "after the restart nobody is told again (webhook)" 2 \
    "$(jq -r 'select(.path == "/hook") | .n' "$REC/log" | wc -l)"
check_eq "nor by mail" 2 "$(mails)"

pub $PREFIX/in/balie/dicht/longest_wait 900
pub $PREFIX/in/balie/snel/longest_wait 0
wait_until "$WAIT" alert_state_is balie/snel/wacht ok
wait_until $((WAIT * 2)) count_is mails 3
sleep 1
check_eq "resolved: one message each, in order, on the webhook" \
    "firing:firing:warning changed:firing:critical resolved:resolved:ok" \
    "$(hooks)"
check_eq "on MQTT" "firing:warning changed:critical resolved:ok" "$(mqtt)"
check_eq "three mails" 3 "$(mails)"
check_eq "each to both addresses" \
    "kcc@gemeente.example,teamleider@gemeente.example" \
    "$(sed -n 's/^X-RcptTo: //p' "$MAILDIR/new/$(ls "$MAILDIR/new" | head -1)" | tr -d '\r ')"
check_eq "the subjects say what happened, in Dutch" \
    "[wachtd] Melding: Balie snel (wacht): waarschuwing
[wachtd] Gewijzigd: Balie snel (wacht): kritiek
[wachtd] Opgelost: Balie snel (wacht): in orde" "$(subjects | uniq)"
check_eq "Alertmanager's API got the three" 3 "$(am_posts)"
last=$(jq -r 'select(.path == "/am/api/v2/alerts") | .n' "$REC/log" | tail -1)
check_eq "the last ends the alert there" "balie/snel wacht" \
    "$(jq -r '.[0] | select(.endsAt != "0001-01-01T00:00:00Z") | "\(.labels.queue) \(.labels.norm)"' "$REC/$last.body")"
check "the closed queue told nobody" \
    sh -c "! grep -q balie/dicht '$TMP/notify' '$REC'/*.body"
queued_is() { test "$(api /api/v1/status | jq .notify.queued)" = "$1"; }
wait_until $((WAIT * 2)) queued_is 0
check_eq "since the restart: 5 sent (webhook, mail, Alertmanager, the slow and the flaky one), 1 refused" \
    "5 1 0" \
    "$(api /api/v1/status | jq -r '"\(.notify.sent) \(.notify.failed) \(.notify.dropped)"')"

# Stopping with a notification on its way: it gets to leave first.
pub $PREFIX/in/balie/snel/longest_wait 700
wait_until "$WAIT" alert_state_is balie/snel/wacht critical
sleep 0.3
stop_wachtd
check_eq "wachtd stops cleanly" 0 "$WACHTD_STATUS"
check "it waited for the slow receiver before stopping" \
    grep -q "stopping: the notifications on their way have left" "$TMP/wachtd.log"
exit 0
