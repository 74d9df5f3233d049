#!/bin/bash
# public_experience = yes: the public page tells residents, in plain
# Dutch, how many questions were answered at first contact last quarter
# and how they rated the service, from the history of the public queues
# only. Without the key, nothing of it appears.
. "$(dirname "$0")/lib.sh"

PUBLIC_PORT=$(free_port)
last_quarter
# Public: the phone, 60 of 80 at first contact, 15 fours and 10 fives;
# the chat, 20 of 20. Not public: the desk, 0 of 100, which would drag
# the share down to 40%. Together: 80 of 100; (15 x 4 + 10 x 5) / 25 = 4.4.
quarter_history telefoon/algemeen direct=60 indirect=20 rated5_4=15 rated5_5=10
quarter_history chat/website direct=20
quarter_history balie/burgerzaken indirect=100 rated5_1=50

start_broker
write_config "
[queue chat/website]
label = Chat
public = yes"
sed -i -e "s/^listen = .*/&\npublic_listen = 127.0.0.1:$PUBLIC_PORT\npublic_experience = yes/" \
    -e "s/^label = Telefoon 14 0548/&\npublic = yes/" "$TMP/wachtd.conf"
start_wachtd

waittimes() { curl -sf --max-time 5 "http://127.0.0.1:$PUBLIC_PORT/public/v1/waittimes.json"; }
has_experience() { waittimes | jq -e '.experience.lines' >/dev/null; }
check "the last quarter is read from the history within a few steps" \
    wait_until $((3 * 10 + WAIT)) has_experience
LINE1="In $PERIOD beantwoordden we 80 van de 100 vragen meteen bij het eerste contact."
LINE2="In die maanden gaven inwoners het contact met ons gemiddeld een 4,4 op een schaal van 1 tot 5."
check_eq "the JSON words it for the widget, from the public queues only" \
    "$(jq -nc --arg a "$LINE1" --arg b "$LINE2" '[$a, $b]')" \
    "$(waittimes | jq -c .experience.lines)"
check_eq "and gives the figures" "[$QUARTER_YEAR,$QUARTER,80,4.4,5]" \
    "$(waittimes | jq -c '.experience | [.year, .quarter, .direct_pct, .rating, .rating_scale]')"
page=$(curl -sf --max-time 5 "http://127.0.0.1:$PUBLIC_PORT/public/")
check "the page says the same without JavaScript" \
    grep -qF "<h2 class=\"wachtd-experience-title\">Hoe goed hielpen we u?</h2>
<p>$LINE1</p>
<p>$LINE2</p>" <<< "$page"

# Without the key: not a word of it.
sed -i "/^public_experience = /d" "$TMP/wachtd.conf"
kill -HUP "$WACHTD_PID"
gone() { ! waittimes | jq -e 'has("experience")' >/dev/null; }
check "a reload without public_experience leaves it out of the JSON" \
    wait_until $((2 * 10 + WAIT)) gone
check "and out of the page" sh -c "! curl -sf 'http://127.0.0.1:$PUBLIC_PORT/public/' | grep -q 'class=.wachtd-experience'"
stop_wachtd
check_eq "SIGTERM exits 0" 0 "$WACHTD_STATUS"
exit 0
