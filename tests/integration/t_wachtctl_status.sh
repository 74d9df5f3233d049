#!/bin/bash
# A sysadmin asks wachtctl how wachtd is doing: one line for the daemon,
# a table of the queues, the alerts counted; --json for scripts.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ctl.sh"

start_broker
write_config "$NORM_WACHT"
sed -i -e "s/^norm = balie/norm = wacht/" "$TMP/wachtd.conf"
start_wachtd
URL=http://127.0.0.1:$HTTP_PORT

pub $PREFIX/in/balie/burgerzaken/longest_wait 700
pub $PREFIX/in/balie/burgerzaken/waiting 4
for w in 5 12 29 45; do pub $PREFIX/in/telefoon/algemeen/answered $w; done
wait_field balie/burgerzaken .state critical
wait_field telefoon/algemeen .answered 4

ctl -u "$URL" status
check_eq "status exits 0" 0 "$RC"
check "the daemon in a line: version, queues, broker" \
    grep -Eq '^wachtd [0-9.]+: 3 wachtrijen, broker verbonden, draait ' "$TMP/ctl.out"
check_eq "a header and a row per queue, sorted" \
    "WACHTRIJ balie/burgerzaken email/info telefoon/algemeen" \
    "$(sed -n '2,5p' "$TMP/ctl.out" | awk '{ print $1 }' | xargs)"
check_eq "the desk: critical in Dutch, 4 waiting, 11 min 40 s" \
    "balie/burgerzaken kritiek 4 11 min 40 s" \
    "$(grep '^balie/' "$TMP/ctl.out" | awk '{ print $1, $2, $3, $4, $5, $6, $7 }')"
check "the phone's service level against its norm" \
    grep -q '75% (norm 80%)$' "$TMP/ctl.out"
check "unknown figures as -" grep -Eq '^email/info +onbekend +- +- +- +-$' "$TMP/ctl.out"
check_eq "the alerts counted, in the singular" \
    "1 actieve melding: 1 kritiek, 0 waarschuwing, 0 verouderd (wachtctl alerts)" \
    "$(tail -1 "$TMP/ctl.out")"
check "no blanks at the ends of lines" bash -c "! grep -q ' $' '$TMP/ctl.out'"

ctl -u "$URL" status --json
check_eq "--json: the three answers in one object" "3 3 1 true" \
    "$(printf '%s' "$OUT" | jq -r '"\(.status.queues) \(.queues | length) \(.alerts | length) \(.status.broker)"')"

usage_error "an unknown option" "status: onbekende optie --bogus" -u "$URL" status --bogus
ctl -u "$DEAD" status
check_eq "wachtd down: exit 3" 3 "$RC"
check "  and says so" grep -q "niet bereikbaar" "$TMP/ctl.err"
exit 0
