#!/bin/bash
# A resident asks the public listener how long the wait is; nothing
# internal can be reached there. The sysadmin moves the listener.
. "$(dirname "$0")/lib.sh"

PUBLIC_PORT=$(free_port)
start_broker
write_config "
[queue chat/website]
label = Chat
public = yes
interval = 1s"
# Open all week, a 1 s step, the phone and the desk public.
sed -i -e "s/^step = 10s/step = 1s/" \
    -e "s/^listen = .*/&\npublic_listen = 127.0.0.1:$PUBLIC_PORT/" \
    -e "s/^mon = 08:30-17:00/$(every_day 00:00-24:00 | tr '\n' '#' |
        sed 's/#$//; s/#/\\n/g')/" \
    -e "s/^label = Telefoon 14 0548/&\npublic = yes/" \
    -e "s/^label = Balie Burgerzaken/&\npublic = yes/" "$TMP/wachtd.conf"
start_wachtd

pubget() {
	rm -f "$TMP/pbody"
	touch "$TMP/pbody"
	curl -s -o "$TMP/pbody" -D "$TMP/pheaders" -w '%{http_code}' \
	    --max-time 5 "$@"
}
pub_url() { echo "http://127.0.0.1:$PUBLIC_PORT$1"; }
waittimes() { curl -sf --max-time 5 "$(pub_url /public/v1/waittimes.json)"; }
channel() { waittimes | jq -r --arg id "$1" ".channels[] | select(.id == \$id) | $2"; }
channel_is() { test "$(channel "$1" "$2")" = "$3"; }
header() { tr -d '\r' < "$TMP/pheaders" | sed -n "s/^$1: //Ip"; }

# Asterisk's running hold time is the estimate while the rates are young:
# 45 s on the phone (its norm: 30 s), 400 s at the desk (10 min).
pub $PREFIX/in/telefoon/algemeen/answered 45
pub $PREFIX/in/balie/burgerzaken/answered 400
pub $PREFIX/in/balie/burgerzaken/waiting 2
pub $PREFIX/in/chat/website/answered 10
wait_until "$WAIT" channel_is telefoon/algemeen .wait_s 45
check_eq "the public queues in the configuration's order, no others" \
    "telefoon/algemeen balie/burgerzaken chat/website" \
    "$(waittimes | jq -r '[.channels[].id] | join(" ")')"
check_eq "the phone: a band in Dutch, busy against its 30 s norm" \
    "45|minder dan 2 minuten|druk|Het is nu druk." \
    "$(channel telefoon/algemeen '"\(.wait_s)|\(.wait_text)|\(.busy)|\(.busy_text)"')"
wait_until "$WAIT" channel_is balie/burgerzaken .wait_s 400
check_eq "the desk: 5 tot 10 minuten, neither quiet nor busy at 400 of 600 s" \
    "open|5 tot 10 minuten|normaal" \
    "$(channel balie/burgerzaken '"\(.state)|\(.wait_text)|\(.busy)"')"
check_eq "no internal figure: only the contract's keys" \
    "busy busy_text id label next_open next_open_text open state wait_s wait_text" \
    "$(waittimes | jq -r '[.channels[] | keys[]] | unique | join(" ")')"
check "no count of waiting contacts anywhere (the desk has 2)" \
    bash -c "! curl -s '$(pub_url /public/v1/waittimes.json)' | grep -q waiting"

# The JSON's headers: cached for half a step, validated by ETag, CORS.
check_eq "waittimes.json is 200" 200 "$(pubget "$(pub_url /public/v1/waittimes.json)")"
check_eq "its type" "application/json; charset=utf-8" "$(header Content-Type)"
check_eq "any website may fetch it" "*" "$(header Access-Control-Allow-Origin)"
check_eq "a cache may keep it" "public, max-age=1" "$(header Cache-Control)"
etag=$(header ETag)
check "it has a strong ETag ($etag)" test -n "$etag"
code=$(pubget -H "If-None-Match: $etag" "$(pub_url /public/v1/waittimes.json)")
# The board is rebuilt each step; the same step must give 304.
if [ "$code" = 200 ] && [ "$(header ETag)" != "$etag" ]; then
	etag=$(header ETag)
	code=$(pubget -H "If-None-Match: $etag" "$(pub_url /public/v1/waittimes.json)")
fi
check_eq "If-None-Match with its ETag: 304, no body" "304 0" \
    "$code $(stat -c %s "$TMP/pbody")"
pubget "$(pub_url /public/v1/waittimes.json)" >/dev/null
len=$(stat -c %s "$TMP/pbody")
code=$(pubget -I "$(pub_url /public/v1/waittimes.json)")
check_eq "HEAD: the length of the body, without it" "200 $len" \
    "$code $(header Content-Length)"

# The page works without JavaScript: the figures are in the HTML.
check_eq "/public/ is 200" 200 "$(pubget "$(pub_url /public/)")"
check_eq "in Dutch" 1 "$(grep -c '<html lang="nl"' "$TMP/pbody")"
check "the phone's band is on the page" \
    grep -q ">Wachttijd: minder dan 2 minuten<" "$TMP/pbody"
check "the placeholder is filled in" bash -c "! grep -q 'wachtd:channels' '$TMP/pbody'"
check_eq "the page is HTML" "text/html; charset=utf-8" "$(header Content-Type)"
check_eq "/public redirects to /public/" "301 /public/" \
    "$(pubget "$(pub_url /public)") $(header Location)"
check_eq "widget.js is 200" 200 "$(pubget "$(pub_url /public/widget.js)")"
check_eq "as JavaScript" "text/javascript; charset=utf-8" "$(header Content-Type)"

# A silent probe: no number at all, not even in words.
wait_until $((WAIT * 2)) channel_is chat/website .state onbekend
check_eq "stale chat: no wait, and no digit in its text" "null|0" \
    "$(channel chat/website '"\(.wait_s)|\(.wait_text | [scan("[0-9]")] | length)"')"

# Nothing internal on the public listener.
for p in / /api/v1/queues /api/v1/queues/telefoon/algemeen /api/v1/status \
    /api/v1/alerts /api/v1/silences "/api/v1/report?from=2026-01-01&to=2026-01-02" \
    /metrics /healthz /graph/telefoon/algemeen/waiting.png /dashboard/app.js \
    /public/index.html /public/../api/v1/queues /public/v1/../../metrics \
    /public/v1/ /public/v1/queues /public//widget.js /PUBLIC/ /public/x/y.js \
    /publicx /public.json; do
	code=$(curl -s -o /dev/null -w '%{http_code}' --path-as-is \
	    "$(pub_url "$p")")
	check_eq "public listener: $p is 404" 404 "$code"
done
check_eq "POST to the JSON is refused" 405 \
    "$(pubget -X POST -d x "$(pub_url /public/v1/waittimes.json)")"

# The internal listener serves the dashboard.
check_eq "internal: / is the dashboard" 200 "$(http_code /)"
check "  an HTML page" grep -qi "<html" "$TMP/body"

# Closed for the day: the desk says when it opens again. The sysadmin
# moves the public listener in the same reload.
OLD_PORT=$PUBLIC_PORT
PUBLIC_PORT=$(free_port)
sed -i -e "s/^public_listen = .*/public_listen = 127.0.0.1:$PUBLIC_PORT/" \
    -e "s/^sun = 00:00-24:00/&\nclosed = $(TZ=Europe/Amsterdam date +%F)/" "$TMP/wachtd.conf"
kill -HUP "$WACHTD_PID"
wait_until $((WAIT * 2)) channel_is telefoon/algemeen .state gesloten
check_eq "closed today: Gesloten, open again tomorrow at midnight" \
    "false|null|Gesloten — morgen vanaf 00:00 weer open|morgen vanaf 00:00" \
    "$(channel telefoon/algemeen '"\(.open)|\(.wait_s)|\(.wait_text)|\(.next_open_text)"')"
check_eq "next_open is tomorrow's midnight" "$(TZ=Europe/Amsterdam date -d tomorrow +%FT00:00:00)" \
    "$(channel telefoon/algemeen .next_open | cut -c1-19)"
check_eq "the old public port is closed" 000 \
    "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$OLD_PORT/public/")"
check_eq "a desk without hours stays open" open \
    "$(channel balie/burgerzaken .state)"

# A reload without public_listen stops it; the daemon lives on.
sed -i -e "/^public_listen = /d" "$TMP/wachtd.conf"
kill -HUP "$WACHTD_PID"
wait_until $((WAIT * 2)) bash -c "! curl -s '$(pub_url /public/)' >/dev/null"
check "no public listener after it was removed" \
    bash -c "! curl -s '$(pub_url /public/)' >/dev/null"
check "the daemon still answers" api /healthz

stop_wachtd
check_eq "SIGTERM exits 0" 0 "$WACHTD_STATUS"
exit 0
