#!/bin/bash
# wachtd-probe-imap against a real Dovecot: a shared mailbox gets mail,
# staff answer one, file one in Afgehandeld, move one away with COPY and
# EXPUNGE, and the probe publishes backlog, oldest age, arrivals and the
# answered waits, and never a subject or an address. The mailbox is down
# when the probe starts, goes away and comes back, and so does the
# broker; TLS, STARTTLS, polling without IDLE and a wrong password run
# in a second probe.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/imap_lib.sh"

PROBE=$BIN/wachtd-probe-imap
SUB_LOG=$TMP/sub.log
PROBE_PID= PROBE2_PID= SUB_PID=
Q=$PREFIX/in/email/info

imap_cleanup() {
	for pid in $PROBE_PID $PROBE2_PID $SUB_PID; do
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	stop_dovecot
	if [ "$fails" -ne 0 ]; then
		echo "# probe log:"; sed 's/^/# /' "$TMP/probe.log" 2>/dev/null | tail -40
		echo "# second probe log:"; sed 's/^/# /' "$TMP/probe2.log" 2>/dev/null | tail -20
		echo "# dovecot log:"; sed 's/^/# /' "$TMP/dovecot.log" 2>/dev/null | tail -20
	fi
	cleanup
}
trap imap_cleanup EXIT

# ---- -n: the configuration alone ----

cat > "$TMP/good.conf" <<CONF
[probe]
name = imap-kcc

[mqtt]
host = 127.0.0.1

[mailbox info]
host = imap.gemeente.example
port = 993
tls = yes
ca_file = /etc/ssl/certs/ca-certificates.crt
user = kcc
password_file = /nonexistent/imap-kcc.secret
folder = INBOX
done_folders = Afgehandeld, Archief/2026
queue = email/info
poll = 60s
resync = 10m
interval = 30s
CONF
out=$("$PROBE" -n -c "$TMP/good.conf" 2>&1)
check_eq "-n accepts a good configuration" 0 $?
check_eq "-n says so" "configuration OK" "$out"

out=$("$PROBE" -n -c "$ROOT/config/probe-imap.conf.example" 2>&1)
check_eq "-n accepts config/probe-imap.conf.example" "configuration OK" "$out"

cat > "$TMP/bad.conf" <<CONF
[probe]
name = imap-kcc
[mqtt]
host = 127.0.0.1
[mailbox info]
host = imap.gemeente.example
tls = maybe
queue = Email/Info
poll = 60
colour = blue
[postbus]
host = x
CONF
out=$("$PROBE" -n -c "$TMP/bad.conf" 2>&1)
check_eq "-n refuses a bad configuration with exit 1" 1 $?
for want in "bad.conf:7: tls = maybe" "bad.conf:8: queue = Email/Info" \
    "bad.conf:9: poll = 60" "bad.conf:10: unknown key 'colour'" \
    "bad.conf:12: unknown section [postbus]"; do
	case $out in
	*"$want"*) ok "-n reports $want" ;;
	*) not_ok "-n reports $want: got: $out" ;;
	esac
done

cat > "$TMP/bad2.conf" <<CONF
[mqtt]
host = 127.0.0.1

[mailbox info]
host = imap.gemeente.example
tls = no
ca_file = /etc/ssl/certs/ca-certificates.crt
done_folders = INBOX
CONF
out=$("$PROBE" -n -c "$TMP/bad2.conf" 2>&1)
check_eq "-n refuses missing keys with exit 1" 1 $?
for want in "bad2.conf:4: [mailbox info] needs user" \
    "bad2.conf:4: [mailbox info] needs password_file" \
    "bad2.conf:4: [mailbox info] needs queue" \
    "bad2.conf:4: [mailbox info] done folder INBOX is the watched folder" \
    "bad2.conf:4: [mailbox info] ca_file without TLS"; do
	case $out in
	*"$want"*) ok "-n reports $want" ;;
	*) not_ok "-n reports $want: got: $out" ;;
	esac
done

# ---- the probe against Dovecot and a broker ----

start_broker
start_sub() {
	mosquitto_sub -p "$BROKER_PORT" -v -t "$PREFIX/in/#" \
	    -t "$PREFIX/probe/#" >> "$SUB_LOG" 2>&1 &
	SUB_PID=$!
	# Subscribed once our own marker comes back.
	local marker="ready-$RANDOM"
	wait_until 5 eval 'mosquitto_pub -p "$BROKER_PORT" -t "$PREFIX/probe/marker" -m "$marker";
	    grep -q "$marker" "$SUB_LOG"'
}
# last METRIC [QUEUE]: the latest payload published for it.
last() { grep "^$PREFIX/in/${2:-email/info}/$1 " "$SUB_LOG" | tail -1 | cut -d' ' -f2-; }
gauge_is() { test "$(last "$1" "${3:-email/info}")" = "$2"; }
count() { grep -c "^$Q/$1 " "$SUB_LOG"; }
count_is() { test "$(count "$1")" = "$2"; }
# answered_n N: the wait of the Nth answered event.
answered_n() { grep "^$Q/answered " "$SUB_LOG" | sed -n "${1}p" | cut -d' ' -f2- | jq -r .value; }
between() { [ -n "$1" ] && awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v >= lo && v <= hi) }'; }
retained_status() {
	mosquitto_sub -p "$BROKER_PORT" -t "$PREFIX/probe/$1/status" -C 1 -W 5 2>/dev/null
}
probe_status_is() { test "$(retained_status "$1")" = "$2"; }
logged() { grep -q -- "$2" "$1"; }

start_sub
TLS=1
imap_tls_files || { echo "# openssl could not make certificates"; exit 1; }
write_dovecot
cat > "$TMP/probe.conf" <<CONF
[probe]
name = imap-test

[mqtt]
host = 127.0.0.1
port = $BROKER_PORT

[mailbox info]
host = 127.0.0.1
port = $IMAP_PORT
tls = no
user = $IMAP_USER
password_file = $IMAP_PWFILE
folder = INBOX
done_folders = Afgehandeld
queue = email/info
interval = 1s
retry = 1s
retry_max = 2s
timeout = $((WAIT * 2))s
CONF

# The mailbox is down when the probe starts.
${WACHTD_WRAPPER:-} "$PROBE" -f -c "$TMP/probe.conf" >> "$TMP/probe.log" 2>&1 &
PROBE_PID=$!
check "the probe says online (retained)" wait_until $((WAIT * 2)) probe_status_is imap-test online
check "it says why it cannot reach the mailbox" \
    wait_until $((WAIT * 2)) logged "$TMP/probe.log" \
    "imap info: cannot connect to 127.0.0.1:$IMAP_PORT: Connection refused"
check_eq "and publishes no figures meanwhile" 0 "$(count backlog)"
start_dovecot
check "once Dovecot is up it publishes the empty backlog" \
    wait_until $((WAIT * 3)) gauge_is backlog 0
check "and an oldest age of 0" gauge_is oldest_age 0

# Three messages that arrived 10, 5 and 1 minutes ago.
uid1=$(imap_do append INBOX 600 "Geheim onderwerp een" burger.jansen@example.org)
uid2=$(imap_do append INBOX 300 "Geheim onderwerp twee" burger.jansen@example.org)
uid3=$(imap_do append INBOX 60 "Geheim onderwerp drie" burger.jansen@example.org)
check_eq "delivered with IMAP APPEND" "1 2 3" "$uid1 $uid2 $uid3"
check "backlog 3 after delivery" wait_until "$WAIT" gauge_is backlog 3
check "three arrived events" wait_until "$WAIT" count_is arrived 3
age=$(last oldest_age)
check "oldest_age is the ten-minute-old message's ($age s)" between "$age" 600 $((600 + WAIT * 4))

# Staff reply to the first: \Answered.
imap_do answer INBOX "$uid1"
check "backlog 2 after one answered" wait_until "$WAIT" gauge_is backlog 2
check "an answered event" wait_until "$WAIT" count_is answered 1
w=$(answered_n 1)
check "its wait is about 10 minutes ($w s)" between "$w" 600 $((600 + WAIT * 4))
age=$(last oldest_age)
check "oldest_age now the five-minute-old one's ($age s)" between "$age" 300 $((300 + WAIT * 4))

# The second is filed in the done folder (MOVE).
imap_do move INBOX "$uid2" Afgehandeld
check "backlog 1 after one filed" wait_until "$WAIT" gauge_is backlog 1
check "a second answered event" wait_until "$WAIT" count_is answered 2
w=$(answered_n 2)
check "its wait is about 5 minutes ($w s)" between "$w" 300 $((300 + WAIT * 4))

# The third by a client without MOVE: COPY, \Deleted, EXPUNGE.
imap_do copydel INBOX "$uid3" Afgehandeld
check "backlog 0 after COPY and EXPUNGE" wait_until "$WAIT" gauge_is backlog 0
check "a third answered event" wait_until "$WAIT" count_is answered 3
w=$(answered_n 3)
check "its wait is about a minute ($w s)" between "$w" 60 $((60 + WAIT * 4))
check "oldest_age back to 0" wait_until "$WAIT" gauge_is oldest_age 0

uid4=$(imap_do append INBOX 120 "Geheim onderwerp vier" burger.jansen@example.org)
check "a fourth arrives: backlog 1" wait_until "$WAIT" gauge_is backlog 1
check_eq "four arrived events in all" 4 "$(count arrived)"
n=$(count backlog)
check "the gauges are republished every interval" \
    wait_until $((WAIT * 2)) eval 'test "$(count backlog)" -ge $((n + 2))'

# ---- the mailbox goes away and comes back ----

# A crash of the whole server: master and children killed at once.
stop_dovecot KILL
check "the probe notices the mailbox is gone" \
    wait_until $((WAIT * 2)) logged "$TMP/probe.log" \
    "imap info: 127.0.0.1:$IMAP_PORT closed the connection"
sleep 1
n=$(count backlog)
sleep 2
check_eq "no figures while the mailbox is away" "$n" "$(count backlog)"
start_dovecot
imap_do append INBOX 30 "Geheim onderwerp vijf" burger.jansen@example.org >/dev/null
check "publishing resumes when it is back: backlog 2" \
    wait_until $((WAIT * 3)) gauge_is backlog 2
check "the message that came meanwhile counts as arrived" \
    wait_until "$WAIT" count_is arrived 5
check "the probe says the mailbox is reachable again" \
    logged "$TMP/probe.log" "imap info: 127.0.0.1:$IMAP_PORT reachable again"

# ---- the broker goes away and comes back ----

stop_broker
kill "$SUB_PID" 2>/dev/null
wait "$SUB_PID" 2>/dev/null
SUB_PID=
# Answered while the broker is away: kept, and sent after.
imap_do answer INBOX "$uid4"
sleep 1
start_broker
start_sub
check "gauges reappear after the broker returns: backlog 1" \
    wait_until $((WAIT * 4)) gauge_is backlog 1
check "the answer given meanwhile is delivered" \
    wait_until $((WAIT * 2)) count_is answered 4
check "the status is online again" probe_status_is imap-test online
check "the probe is still the same process" kill -0 "$PROBE_PID"

# ---- TLS, STARTTLS, polling, a wrong password ----

printf 'verkeerd-wachtwoord\n' > "$TMP/wrong.secret"
imap_do create Archief
imap_do append Archief 900 "Geheim archief een" burger.jansen@example.org >/dev/null
imap_do append Archief 800 "Geheim archief twee" burger.jansen@example.org >/dev/null
cat > "$TMP/probe2.conf" <<CONF
[probe]
name = imap-tls

[mqtt]
host = 127.0.0.1
port = $BROKER_PORT

[mailbox tls]
host = 127.0.0.1
port = $IMAPS_PORT
tls = yes
ca_file = $TMP/tls/ca.pem
user = $IMAP_USER
password_file = $IMAP_PWFILE
queue = email/tls
interval = 1s
retry = 1s

[mailbox starttls]
host = localhost
port = $IMAP_PORT
tls = starttls
ca_file = $TMP/tls/ca.pem
auth = login
user = $IMAP_USER
password_file = $IMAP_PWFILE
queue = email/starttls
interval = 1s
retry = 1s

[mailbox poll]
host = 127.0.0.1
port = $IMAP_PORT
tls = no
auth = plain
idle = no
poll = 1s
user = $IMAP_USER
password_file = $IMAP_PWFILE
queue = email/poll
interval = 1s
retry = 1s

[mailbox untrusted]
host = 127.0.0.1
port = $IMAPS_PORT
tls = yes
user = $IMAP_USER
password_file = $IMAP_PWFILE
queue = email/untrusted
retry = 1s

[mailbox archief]
host = 127.0.0.1
port = $IMAP_PORT
tls = no
user = $IMAP_USER
password_file = $IMAP_PWFILE
folder = Archief
queue = email/archief
interval = 1s
resync = 1s
retry = 1s

[mailbox wrong]
host = 127.0.0.1
port = $IMAP_PORT
tls = no
user = $IMAP_USER
password_file = $TMP/wrong.secret
queue = email/wrong
retry = 1s
CONF
${WACHTD_WRAPPER:-} "$PROBE" -f -c "$TMP/probe2.conf" >> "$TMP/probe2.log" 2>&1 &
PROBE2_PID=$!
check "over TLS (993 style) it sees the backlog" \
    wait_until $((WAIT * 3)) gauge_is backlog 1 email/tls
check "over STARTTLS with LOGIN too" \
    wait_until $((WAIT * 3)) gauge_is backlog 1 email/starttls
check "polling without IDLE too" \
    wait_until $((WAIT * 3)) gauge_is backlog 1 email/poll
imap_do append INBOX 10 "Geheim onderwerp zes" burger.jansen@example.org >/dev/null
check "a poll finds the new message" \
    wait_until $((WAIT * 2)) gauge_is backlog 2 email/poll
check "another folder: Archief's backlog 2" \
    wait_until $((WAIT * 2)) gauge_is backlog 2 email/archief
# Made again, the folder has new UIDs: what was there is not answered.
imap_do recreate Archief
imap_do append Archief 30 "Geheim archief drie" burger.jansen@example.org >/dev/null
check "a new UIDVALIDITY: the probe starts afresh" \
    wait_until $((WAIT * 3)) logged "$TMP/probe2.log" \
    "imap archief: Archief has new UIDs (UIDVALIDITY): starting afresh"
check "with the new folder's backlog 1" \
    wait_until $((WAIT * 2)) gauge_is backlog 1 email/archief
check_eq "and no answered events for the old folder's messages" 0 \
    "$(grep -c "^$PREFIX/in/email/archief/answered " "$SUB_LOG")"
check "a certificate from an unknown CA is refused, and said so" \
    wait_until $((WAIT * 2)) logged "$TMP/probe2.log" \
    "imap untrusted: TLS with 127.0.0.1:$IMAPS_PORT: certificate not trusted"
check "a wrong password is said so" \
    wait_until $((WAIT * 3)) logged "$TMP/probe2.log" \
    "imap wrong: login failed for user kcc: "
check_eq "no figures for the untrusted and the refused mailbox" "" \
    "$(last backlog email/untrusted)$(last backlog email/wrong)"

# ---- privacy, and the end ----

check_eq "no subject, address or password ever published" 0 \
    "$(grep -c -i -e geheim -e jansen -e example.org -e wachtwoord "$SUB_LOG")"
check_eq "no password in the logs" 0 \
    "$(cat "$TMP/probe.log" "$TMP/probe2.log" | grep -c wachtwoord)"

kill -TERM "$PROBE_PID"
wait "$PROBE_PID"
check_eq "SIGTERM: the probe exits 0" 0 $?
PROBE_PID=
check "and its retained status says offline" probe_status_is imap-test offline
kill -TERM "$PROBE2_PID"
wait "$PROBE2_PID"
check_eq "SIGTERM: the second probe exits 0" 0 $?
PROBE2_PID=
check "nothing crashed" test -z "$(grep -l -e 'AddressSanitizer' -e 'runtime error' \
    -e 'Invalid read' -e 'definitely lost' "$TMP/probe.log" "$TMP/probe2.log")"
exit 0
