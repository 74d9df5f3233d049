#!/bin/bash
# The sysadmin checks a configuration with -n before (re)starting.
. "$(dirname "$0")/lib.sh"

# A live broker to notice a connection, and [http] listen on its port,
# which is taken: -n can say OK only if it never tried to bind.
start_broker
HTTP_PORT=$BROKER_PORT
write_config
out=$("$BIN/wachtd" -n -c "$TMP/wachtd.conf" 2>&1)
rc=$?
check_eq "-n on a good configuration exits 0" 0 $rc
check_eq "-n says configuration OK" "configuration OK" "$out"
check "-n created no state_dir" test ! -e "$TMP/state"
check_eq "-n opened no port (its listen port is taken, yet it says OK)" \
    "0 configuration OK" "$rc $out"
check "-n touched no broker (no connection from its client id)" \
    bash -c "! grep -q 'wachtd-test-$$' '$TMP/mosquitto.log'"
# The two checks above can fail: the broker logs a client's id, and the
# daemon itself cannot start on that port.
mosquitto_pub -p "$BROKER_PORT" -i "wachtd-test-$$-probe" -t probe -m 1
check "the broker logs the client id of a connection" \
    wait_until 5 grep -q "wachtd-test-$$-probe" "$TMP/mosquitto.log"
timeout $((WAIT * 2)) "$BIN/wachtd" -f -c "$TMP/wachtd.conf" >> "$TMP/wachtd.log" 2>&1
check_eq "the daemon on that configuration exits 1: the port is taken" 1 $?

cat > "$TMP/bad.conf" <<'CONF'
[daemon]
step = 10x
[mqtt]
prot = 1883
[queue telefoon/algemeen]
norm = telefoon
hours = kcc
[norm telefoon]
answer_within = 30s
target = 180%
CONF
out=$("$BIN/wachtd" -n -c "$TMP/bad.conf" 2>&1)
check_eq "-n on a bad configuration exits 1" 1 $?
expected="$TMP/bad.conf:2: step = 10x: unknown unit (use s, m, h or d)
$TMP/bad.conf:4: unknown key 'prot' in [mqtt]
$TMP/bad.conf:10: target = 180%: percentage above 100%
$TMP/bad.conf:8: [norm telefoon] answer_within and target go together
$TMP/bad.conf:7: hours 'kcc' in [queue telefoon/algemeen] has no [hours kcc] section"
check_eq "-n reports every error as FILE:LINE: message" "$expected" "$out"

out=$("$BIN/wachtd" -n -c "$TMP/missing.conf" 2>&1)
check_eq "a missing file exits 1" 1 $?
check_eq "a missing file says why" "$TMP/missing.conf: cannot open: No such file or directory" "$out"

check_eq "-V prints the version" "wachtd 0.1.0" "$("$BIN/wachtd" -V)"
"$BIN/wachtd" -x >/dev/null 2>&1
check_eq "an unknown flag exits 2" 2 $?
check "the example configuration is valid" \
    "$BIN/wachtd" -n -c "$ROOT/config/wachtd.conf.example"
check "the demo configuration is valid" \
    "$BIN/wachtd" -n -c "$ROOT/config/demo.conf"
exit 0
