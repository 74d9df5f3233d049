#!/bin/bash
# Notifications leave through fetch.c: webhooks to a real HTTP receiver
# and mail to a real SMTP server (aiosmtpd), both on loopback, driven by
# tests/fetch_probe on one libevent loop.
#   FETCH_PROBE    the probe (default $BIN/tests/fetch_probe)
#   FETCH_WRAPPER  command to run the probe under (valgrind ...)
. "$(dirname "$0")/lib.sh"

PROBE=${FETCH_PROBE:-$BIN/tests/fetch_probe}
# Under make check VALGRIND=1 the probe runs under valgrind too.
FETCH_WRAPPER=${FETCH_WRAPPER:-${WACHTD_WRAPPER:-}}
[ -x "$PROBE" ] || { echo "# no $PROBE: make tests"; exit 1; }

HTTPSD_PID=
trap 'kill -9 $HTTPSD_PID 2>/dev/null; cleanup' EXIT

start_receiver
start_smtpd
URL=$RECEIVER_URL

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# probe ARG...: runs the probe; sets OUT, RC and MS (wall time).
probe() {
	local t0
	t0=$(now_ms)
	OUT=$(${FETCH_WRAPPER:-} "$PROBE" "$@")
	RC=$?
	MS=$(( $(now_ms) - t0 ))
}
# record PATH JQ: a field of the receiver's last request to PATH.
record() { jq -r "select(.path == \"$1\") | $2" "$REC/log" | tail -n 1; }
received() { jq -r "select(.path == \"$1\") | .n" "$REC/log" | wc -l; }

# A webhook: the JSON an alert sends, with a non-ASCII reason.
printf '%s' '{"queue":"telefoon/algemeen","state":"critical",' \
    '"reason":"wachttijd boven 30 s — één beller"}' > "$TMP/alert.json"
probe -t 5 "$URL/hook" "$TMP/alert.json"
check_eq "a webhook POST is answered 200" "ok 200 0" "$OUT $RC"
check_eq "it arrives as a POST of application/json from wachtd" \
    "POST application/json wachtd" \
    "$(record /hook '"\(.method) \(.type) \(.agent)"')"
check "its JSON body arrives byte for byte" \
    cmp "$TMP/alert.json" "$REC/$(record /hook .n).body"
check_eq "and still parses as the same JSON" \
    "wachttijd boven 30 s — één beller" \
    "$(jq -r .reason "$REC/$(record /hook .n).body")"

probe -t 5 -c text/plain "$URL/plain" "$TMP/alert.json"
check_eq "the caller's Content-Type is sent" "text/plain" \
    "$(record /plain .type)"

probe -t 5 "$URL/fail" "$TMP/alert.json"
check_eq "a 500 is a failure with status 500" "fail 500 HTTP 500 1" "$OUT $RC"

probe -t 5 "$URL/redirect" "$TMP/alert.json"
check_eq "a 302 is a failure, not followed" "fail 302 HTTP 302" "$OUT"
check_eq "nothing was posted to the redirect's target" 0 "$(received /target)"

probe -t 1 "$URL/slow/sleep/4" "$TMP/alert.json"
check_eq "a receiver slower than the timeout is a timeout" \
    "fail 0 timeout after 1 s" "$OUT"
check "the timeout comes within 1 s of the limit ($MS ms)" \
    test "$MS" -ge 900 -a "$MS" -lt 2000

CLOSED=$(free_port)
probe -t 10 "http://127.0.0.1:$CLOSED/hook" "$TMP/alert.json"
check_eq "a closed port is refused" "fail 0 connection refused" "$OUT"
check "a refusal fails fast ($MS ms)" test "$MS" -lt 1000

probe -t 5 "ftp://127.0.0.1:$RECEIVER_PORT/hook" "$TMP/alert.json"
check_eq "an ftp:// URL does not start" "fail 0 cannot start 1" "$OUT $RC"

# Twenty receivers that take a second each: one loop sends them at once.
probe -n 20 -t 10 "$URL/batch/sleep/1" "$TMP/alert.json"
check_eq "20 concurrent POSTs are all answered" 20 \
    "$(grep -c '^ok 200$' <<< "$OUT")"
check_eq "20 POSTs arrived at the receiver" 20 "$(received /batch/sleep/1)"
check "they ran side by side: 20 x 1 s took $MS ms" test "$MS" -lt 8000

# While a receiver takes 2 s the loop keeps turning: a 10 ms timer on the
# same loop ticks ~200 times. A loop blocked in the transfer ticks once
# or twice; 50 leaves room for a loaded machine.
probe -k -t 10 "$URL/tick/sleep/2" "$TMP/alert.json"
ticks=$(sed -n 's/^ticks \([0-9]*\) ms .*/\1/p' <<< "$OUT")
check_eq "the slow POST succeeds" "ok 200" "$(head -n 1 <<< "$OUT")"
check "the loop ticked ${ticks:-0} times during the 2 s POST" \
    test "${ticks:-0}" -gt 50

probe -n 3 -C 300 -t 10 "$URL/cancel/sleep/5" "$TMP/alert.json"
check_eq "fetch_free cancels all three pending POSTs" \
    "3 fail 0 cancelled" "$(sort <<< "$OUT" | uniq -c | sed 's/^ *//')"
check "cancelling does not wait for the receiver ($MS ms)" test "$MS" -lt 2000
probe -n 3 -F -t 10 "$URL/free/sleep/1" "$TMP/alert.json"
check_eq "fetch_free from the first callback cancels the other two" \
    "ok 200,fail 0 cancelled,fail 0 cancelled," "$(tr '\n' , <<< "$OUT")"

# A receiver with a self-signed certificate is not trusted.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>/dev/null
HTTPSD_PORT=$(free_port)
$PY "$ROOT/tests/integration/receiver.py" "$HTTPSD_PORT" "$REC" \
    "$TMP/cert.pem" "$TMP/key.pem" >> "$TMP/receiver.log" 2>&1 &
HTTPSD_PID=$!
wait_until 10 port_busy "$HTTPSD_PORT"
probe -t 5 "https://127.0.0.1:$HTTPSD_PORT/tls" "$TMP/alert.json"
check "an untrusted certificate fails ($OUT)" \
    grep -q '^fail 0 .*certificate' <<< "$OUT"
check_eq "and nothing is posted" 0 "$(received /tls)"

# Mail: two recipients; a line starting with a dot must survive SMTP's
# dot-stuffing.
printf '%s\r\n' "From: wachtd <wachtd@gemeente.test>" \
    "To: teamleider@gemeente.test, beheer@gemeente.test" \
    "Subject: [wachtd] Telefoon 14 0548 kritiek" \
    "Content-Type: text/plain; charset=utf-8" "" \
    "Wachttijd boven 30 s: één beller wacht al 4 minuten." \
    ".punt aan het begin van een regel" > "$TMP/mail.txt"
probe -t 10 "smtp://127.0.0.1:$SMTPD_PORT" "$TMP/mail.txt" \
    --from wachtd@gemeente.test --to teamleider@gemeente.test \
    --to beheer@gemeente.test
check_eq "the SMTP server accepts the mail" "ok 250 0" "$OUT $RC"
wait_until 5 test -n "$(ls "$MAILDIR/new" 2>/dev/null)"
mail=$(cat "$MAILDIR"/new/* 2>/dev/null)
check_eq "one mail is delivered" 1 "$(ls "$MAILDIR/new" | wc -l)"
check_eq "the envelope sender is ours" "wachtd@gemeente.test" \
    "$(sed -n 's/^X-MailFrom: //p' <<< "$mail" | tr -d '\r')"
check_eq "both recipients are in the envelope" \
    "teamleider@gemeente.test, beheer@gemeente.test" \
    "$(sed -n 's/^X-RcptTo: //p' <<< "$mail" | tr -d '\r')"
check_eq "the Subject arrives" "[wachtd] Telefoon 14 0548 kritiek" \
    "$(sed -n 's/^Subject: //p' <<< "$mail" | tr -d '\r')"
check "the text arrives" \
    grep -q '^Wachttijd boven 30 s: één beller' <<< "$mail"
check "a leading dot survives" grep -q '^\.punt aan het begin' <<< "$mail"

probe -t 10 "smtp://127.0.0.1:$SMTPD_PORT" "$TMP/mail.txt" \
    --from wachtd@gemeente.test --to nobody@gemeente.test
check "an unknown recipient is a failure with status 550 ($OUT)" \
    grep -q '^fail 550 ' <<< "$OUT"
check_eq "and no second mail is delivered" 1 "$(ls "$MAILDIR/new" | wc -l)"
probe -t 10 "smtp://127.0.0.1:$SMTPD_PORT" "$TMP/mail.txt" \
    --to teamleider@gemeente.test
check_eq "a mail without sender does not start" "fail 0 cannot start" "$OUT"
exit 0
