#!/bin/bash
# The norm report: a known day of contacts, stopped and started again,
# gives exactly the figures computed here by hand, per queue, per
# channel and in total; contacts of closed hours do not count; wachtctl
# prints the same report.
. "$(dirname "$0")/lib.sh"

STEP=2
not_near_midnight
TODAY=$(TZ=Europe/Amsterdam date +%F)
start_broker
# Open all day, every day; chat/web is closed today.
write_config "
[hours dicht]
$(every_day 00:00-24:00)
closed = $TODAY

[queue chat/web]
label = Chat
hours = dicht
norm = telefoon"
sed -i -e "s/^step = .*/step = ${STEP}s/" \
    -e "s/^mon = 08:30-17:00$/mon = 00:00-24:00\ntue = 00:00-24:00\nwed = 00:00-24:00\nthu = 00:00-24:00\nfri = 00:00-24:00\nsat = 00:00-24:00\nsun = 00:00-24:00/" \
    "$TMP/wachtd.conf"
start_wachtd
T=$PREFIX/in/telefoon/algemeen
B=$PREFIX/in/balie/burgerzaken
# telefoon/algemeen (30 s, 80%): 7 came, 5 answered after 10 20 40 25 31 s
# (3 within 30 s), 2 gave up after 50 and 3 s.
burst_lines $T/arrived 1 1 1 1 1 1 1
burst_lines $T/answered 10 20 40 25 31
burst_lines $T/abandoned 50 3
# balie/burgerzaken (max 10 min): answered after 2 and after 11 min 40 s.
burst_lines $B/answered 120 700
# email/info has no norm: answered after an hour.
pub $PREFIX/in/email/info/answered 3600
# chat/web is closed today: the live view counts it, the report does not.
pub $PREFIX/in/chat/web/arrived 1
pub $PREFIX/in/chat/web/answered 12
wait_field telefoon/algemeen .answered 5
wait_field chat/web .answered 1
stop_wachtd
start_wachtd

report() { api "/api/v1/report?from=$TODAY&to=$TODAY"; }
r=$(report)
check "the report answers for today" test -n "$r"
q() { jq -r "$1" <<< "$r"; }
row() { jq -c --arg id "$1" '[.queues[], .channels[], .total] | map(select(.id == $id))[0]
    | [.contacts, .answered, .within, .abandoned, .within_pct, .met, .wait_avg, .wait_max, .abandon_pct]' <<< "$r"; }

check_eq "the period is today, local midnight to midnight" "$TODAY $TODAY Europe/Amsterdam" \
    "$(q '"\(.from) \(.to) \(.timezone)"')"
check "it starts at local midnight" grep -q "^${TODAY}T00:00:00+0[12]:00$" <<< "$(q .start)"
# 3 of 5 within: 60%; waits 126 s / 5 = 25.2 s; longest 50 s (who gave
# up); 2 of 7 gave up: 28.6%.
check_eq "telefoon/algemeen: contacts answered within abandoned pct met avg max abandon%" \
    '[7,5,3,2,60,false,25.2,50,28.6]' "$(row telefoon/algemeen)"
check_eq "its norm as judged" '{"name":"telefoon","kind":"answer_within","limit":30,"target":80}' \
    "$(jq -c '.queues[] | select(.id == "telefoon/algemeen") | .norm' <<< "$r")"
# 1 of 2 within 10 min: 50%; someone waited 700 s > 600 s: not met.
check_eq "balie/burgerzaken: max_wait broken by the 700 s wait" \
    '[0,2,1,0,50,false,410,700,0]' "$(row balie/burgerzaken)"
check_eq "email/info: no norm, so no share within and no verdict" \
    '[0,1,0,0,null,null,3600,3600,0]' "$(row email/info)"
check_eq "chat/web: closed today, nothing counted" \
    '[0,0,0,0,null,null,null,null,null]' "$(row chat/web)"
check_eq "the channels are the four, sorted" "balie chat email telefoon" \
    "$(q '[.channels[].id] | join(" ")')"
# Total: 4 within of the 7 answered under a norm: 57.1%; 9 contacts'
# waits 126 + 820 + 3600 = 4546 s over 8 answered: 568.3 s.
check_eq "the total adds up the counts, not the percentages" \
    '[7,8,4,2,57.1,null,568.3,3600,20]' "$(row totaal)"
check "it says the daemon watched only a moment of today" \
    test "$(q '.queues[0].covered < 50')" = true
check "figures come from the step archive" test "$(q '.queues[0].resolution')" = $STEP

check_eq "no dates: 400" 400 "$(http_code /api/v1/report)"
check_eq "a bad date: 400" 400 "$(http_code "/api/v1/report?from=2026-02-30&to=$TODAY")"
check_eq "from after to: 400" 400 "$(http_code "/api/v1/report?from=$TODAY&to=2020-01-01")"
check_eq "a period without history is all zeros" 0 \
    "$(api "/api/v1/report?from=2020-01-01&to=2020-03-31" | jq .total.contacts)"

out=$("$BIN/wachtctl" -u "http://127.0.0.1:$HTTP_PORT" report --from "$TODAY" --to "$TODAY")
check "wachtctl report prints the Dutch table" grep -q "60,0%" <<< "$out"
csv=$("$BIN/wachtctl" -u "http://127.0.0.1:$HTTP_PORT" report --from "$TODAY" --to "$TODAY" --format csv)
check "wachtctl report --format csv has the queue's row" grep -q "telefoon/algemeen" <<< "$csv"
"$BIN/wachtctl" -u "http://127.0.0.1:$HTTP_PORT" report --from "$TODAY" --to "$TODAY" \
    --format html -o "$TMP/report.html"
check "the HTML report embeds its graphs" grep -q "<svg" "$TMP/report.html"
stop_wachtd
check_eq "SIGTERM exits 0" 0 "$WACHTD_STATUS"
exit 0
