#!/bin/bash
# SIGHUP reloads without losing live state; a broken configuration is
# refused and the running one kept; SIGTERM says offline and exits 0.
. "$(dirname "$0")/lib.sh"

start_broker
write_config
start_wachtd
pub $PREFIX/in/email/info/backlog 7
pub $PREFIX/in/telefoon/algemeen/answered 10
wait_field email/info .backlog 7

write_config "
[queue chat/website]
label = Chat op de website"
sed -i 's/^label = E-mail info@/label = E-mail info@ (nieuw)/' "$TMP/wachtd.conf"
kill -HUP "$WACHTD_PID"
wait_until 5 api /api/v1/queues/chat/website >/dev/null
check "reload adds the new queue" api /api/v1/queues/chat/website
check_eq "reload applies the new label" "E-mail info@ (nieuw)" "$(field email/info .label)"
check_eq "an unchanged queue keeps its state" 7 "$(field email/info .backlog)"
check_eq "the service-level window survives" 1 "$(field telefoon/algemeen .answered)"
pub $PREFIX/in/chat/website/waiting 3
wait_field chat/website .waiting 3
check_eq "the new queue is subscribed" 3 "$(field chat/website .waiting)"

cp "$TMP/wachtd.conf" "$TMP/good.conf"
printf '[queue telefoon/broken]\nnorm = nowhere\n' >> "$TMP/wachtd.conf"
kill -HUP "$WACHTD_PID"
wait_until 5 grep -q 'still running the previous configuration' "$TMP/wachtd.log"
check "a broken configuration is refused" grep -q 'still running the previous' "$TMP/wachtd.log"
check "its errors are logged with FILE:LINE" \
    grep -q "wachtd.conf:[0-9]*: norm 'nowhere'" "$TMP/wachtd.log"
check "the old queues are still served" api /api/v1/queues/chat/website
check_eq "and keep their state" 7 "$(field email/info .backlog)"
check "the broken queue did not appear" bash -c "! curl -sf http://127.0.0.1:$HTTP_PORT/api/v1/queues/telefoon/broken"

# So that "cleared" below means something: the state is retained now.
check_eq "the new queue's state topic is retained" chat/website \
    "$(mosquitto_sub -p "$BROKER_PORT" -t "$PREFIX/out/state/chat/website" -C 1 -W 5 2>/dev/null | jq -r .id)"
cp "$TMP/good.conf" "$TMP/wachtd.conf"
sed -i '/^\[queue chat\/website\]/,$d' "$TMP/wachtd.conf"
kill -HUP "$WACHTD_PID"
wait_until 5 bash -c "! curl -sf http://127.0.0.1:$HTTP_PORT/api/v1/queues/chat/website"
check "a removed queue is gone" bash -c "! curl -sf http://127.0.0.1:$HTTP_PORT/api/v1/queues/chat/website"
check_eq "its retained state topic is cleared" "" \
    "$(mosquitto_sub -p "$BROKER_PORT" -t "$PREFIX/out/state/chat/website" -C 1 -W 2 2>/dev/null)"
check "still alive after three reloads" kill -0 "$WACHTD_PID"

# Detached (no -f) with a relative -c: daemon() moves to /, and SIGHUP
# must still find the file.
kill -INT "$WACHTD_PID"
wait "$WACHTD_PID"
check_eq "SIGINT exits 0" 0 $?
check_eq "offline retained after SIGINT" offline \
    "$(mosquitto_sub -p "$BROKER_PORT" -t "$PREFIX/out/status" -C 1 -W 5)"
(cd "$TMP" && "$BIN/wachtd" -c wachtd.conf)
check_eq "detaching returns 0 to the shell" 0 $?
wait_until "$WAIT" api /healthz
WACHTD_PID=$(pgrep -f "^$BIN/wachtd -c wachtd.conf$")
check "the detached daemon runs" test -n "$WACHTD_PID"
printf '[queue chat/detached]\nlabel = Na ontkoppelen\n' >> "$TMP/wachtd.conf"
kill -HUP "$WACHTD_PID"
check "SIGHUP reads the relative path again" \
    wait_until "$WAIT" api /api/v1/queues/chat/detached
kill -INT "$WACHTD_PID"
wait_until "$WAIT" bash -c "! kill -0 $WACHTD_PID 2>/dev/null"
check "the detached daemon stops on SIGINT" \
    wait_until "$WAIT" bash -c "! kill -0 $WACHTD_PID 2>/dev/null"
WACHTD_PID=
exit 0
