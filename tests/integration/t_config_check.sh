#!/bin/bash
# The sysadmin checks a configuration with -n before (re)starting.
. "$(dirname "$0")/lib.sh"

BROKER_PORT=$(free_port)
write_config
out=$("$BIN/wachtd" -n -c "$TMP/wachtd.conf" 2>&1)
check_eq "-n on a good configuration exits 0" 0 $?
check_eq "-n says configuration OK" "configuration OK" "$out"
check "-n touched no broker and created no state_dir" test ! -e "$TMP/state"
check "-n opened no port" bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$HTTP_PORT) 2>/dev/null"

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
