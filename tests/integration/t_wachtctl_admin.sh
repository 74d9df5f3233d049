#!/bin/bash
# The sysadmin's chores through wachtctl: check the configuration before
# a reload, reload without losing state, flush the history for a backup.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ctl.sh"

start_broker
write_config "$NORM_WACHT"
sed -i -e "s/^norm = balie/norm = wacht/" "$TMP/wachtd.conf"
start_wachtd
URL=http://127.0.0.1:$HTTP_PORT

pub $PREFIX/in/balie/burgerzaken/longest_wait 700
pub $PREFIX/in/balie/burgerzaken/waiting 4
wait_field balie/burgerzaken .state critical

ctl -u "$URL" check-config
check_eq "check-config: a good file, exit 0" 0 "$RC"
check_eq "  says which file is in order" "$TMP/wachtd.conf is in orde" "$OUT"

# A change with a mistake: refused with its line, nothing applied.
cp "$TMP/wachtd.conf" "$TMP/good.conf"
printf '\n[queue chat/website]\nlabel = Chat\nanwser = 1\n' >> "$TMP/wachtd.conf"
line=$(grep -n '^anwser' "$TMP/wachtd.conf" | cut -d: -f1)
ctl -u "$URL" check-config
check_eq "check-config: a mistake, exit 1" 1 "$RC"
check "  names the file and line" \
    grep -q "^$TMP/wachtd.conf:$line: unknown key 'anwser' in \[queue chat/website\]" "$TMP/ctl.err"
check_eq "  a check leaves the daemon's log alone" 0 \
    "$(grep -c "unknown key 'anwser'" "$TMP/wachtd.log")"
ctl -u "$URL" reload
check_eq "reload of that file: refused, exit 1" 1 "$RC"
check_eq "  POST /api/v1/reload of it: 409" 409 "$(http_code /api/v1/reload -X POST)"
check_eq "  that refused reload is logged" 1 \
    "$(grep -c "unknown key 'anwser'" "$TMP/wachtd.log")"
check "  with the same error" grep -q ":$line: unknown key 'anwser'" "$TMP/ctl.err"
check "  and the old configuration runs on" \
    bash -c "! curl -sf http://127.0.0.1:$HTTP_PORT/api/v1/queues/chat/website >/dev/null"

# Fixed: the reload takes, and live and alert state stay.
sed -i -e "s/^anwser = 1$/interval = 1m/" "$TMP/wachtd.conf"
ctl -u "$URL" reload
check_eq "reload of the fixed file: exit 0" 0 "$RC"
check_eq "  says so" "wachtd heeft de configuratie opnieuw geladen: 4 wachtrijen" "$OUT"
check "  the new queue is served" api /api/v1/queues/chat/website
check_eq "  the desk kept its waiting and its alert" "4 critical" \
    "$(field balie/burgerzaken '"\(.waiting) \(.state)"')"

# flush answers once the completed steps are on disk.
ctl -u "$URL" flush
check_eq "flush: exit 0" 0 "$RC"
check_eq "  once on disk" "de geschiedenis staat op schijf, tot en met de laatste volledige stap" "$OUT"
check_eq "  nothing left for the writer" 0 "$(api /api/v1/status | jq .history.pending)"

# A reload that moves the internal listener answers first, then moves.
NEW_PORT=$(free_port)
sed -i -e "s/^listen = .*/listen = 127.0.0.1:$NEW_PORT/" "$TMP/wachtd.conf"
ctl -u "$URL" reload
check_eq "reload to another listen address: exit 0" 0 "$RC"
check_eq "  says it moves" "wachtd laadt de configuratie opnieuw, en luistert daarna op het nieuwe adres" "$OUT"
OLD_PORT=$HTTP_PORT HTTP_PORT=$NEW_PORT
check "  the new address answers" wait_until "$WAIT" api /healthz
check "  the old one no longer" \
    bash -c "! curl -s --max-time 2 http://127.0.0.1:$OLD_PORT/healthz >/dev/null"
URL=http://127.0.0.1:$HTTP_PORT

usage_error "reload with an argument" "reload: onverwacht argument 'nu'" -u "$URL" reload nu
check_eq "GET /api/v1/reload is refused" 405 "$(http_code /api/v1/reload)"
ctl -u "$DEAD" reload
check_eq "wachtd down: exit 3" 3 "$RC"
exit 0
