#!/bin/bash
# The team leader on duty works the alerts from a terminal: she lists what
# is wrong, takes an alert on, silences the desks for maintenance, looks at
# the silences and lifts one again. A mistake in the invocation exits 2
# before anything is asked, a daemon that cannot be reached exits 3, and a
# refusal of the daemon exits 1 with its reason.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ctl.sh"

# matches DESCRIPTION REGEX TEXT: one test line, TEXT against an ERE.
matches() {
	if [[ $3 =~ $2 ]]; then ok "$1"; else not_ok "$1: '$3' !~ /$2/"; fi
}

# local_time ISO: as wachtctl shows a time in full, in our time zone.
local_time() { date -d "$1" '+%Y-%m-%d %H:%M'; }

# --- help ----------------------------------------------------------

ctl help
check "help lists alerts, ack and the silence commands" \
    test "$(grep -cE '^  (alerts|ack|silence add|silence list|silence delete) ' \
    "$TMP/ctl.out")" -eq 5
ctl help silence
check_eq "help silence shows the usage of its three commands" 3 \
    "$(grep -c '^gebruik: wachtctl .* silence ' "$TMP/ctl.out")"
ctl ack --help
check "ack --help is help for ack" \
    grep -q '^gebruik: wachtctl .* ack MELDING' "$TMP/ctl.out"

# --- mistakes: nothing is asked -------------------------------------

usage_error "silence add without --reason" \
    "silence add: --reason ontbreekt: waarom is het stil?" \
    -u "$DEAD" silence add --queue 'balie/*' --duration 1h --by Bram
check "a silence add usage error shows its usage" \
    grep -q '^gebruik: wachtctl .* silence add --queue' "$TMP/ctl.err"
usage_error "silence add without --queue" \
    "silence add: --queue ontbreekt; bijvoorbeeld --queue 'telefoon/*', of --queue '*' voor alle" \
    -u "$DEAD" silence add --duration 1h --by Bram --reason x
usage_error "silence add without an end" \
    "silence add: geef --duration of --ends" \
    -u "$DEAD" silence add --queue '*' --by Bram --reason x
usage_error "silence add with two ends" \
    "silence add: geef --duration of --ends, niet allebei" \
    -u "$DEAD" silence add --queue '*' --duration 1h --ends 15:00 \
    --by Bram --reason x
usage_error "silence add with a duration that is none" \
    "silence add: --duration een uur is geen duur; schrijf bijvoorbeeld 30m, 2h of 1h30m" \
    -u "$DEAD" silence add --queue '*' --duration 'een uur' --by Bram \
    --reason x
usage_error "silence add with a time that is none" \
    "silence add: --ends morgen is geen tijd; schrijf 15:00, 2026-11-29 15:00 of ISO 8601 met zone" \
    -u "$DEAD" silence add --queue '*' --ends morgen --by Bram --reason x
usage_error "silence add with a reason of two lines" \
    "silence add: --reason moet één regel tekst zijn van 1 tot 200 bytes" \
    -u "$DEAD" silence add --queue '*' --duration 1h --by Bram \
    --reason "$(printf 'twee\nregels')"
LOGNAME= USER= usage_error "silence add without anyone to name" \
    "silence add: --by ontbreekt, en \$LOGNAME en \$USER zijn leeg" \
    -u "$DEAD" silence add --queue '*' --duration 1h --reason x
usage_error "silence delete without an id" \
    "silence delete: welke stilte? Bijvoorbeeld s3 (silence list toont ze)" \
    -u "$DEAD" silence delete
usage_error "silence delete of something that is no id" \
    "silence delete: ongeldige stilte '../queues'; schrijf s1, s2, ..." \
    -u "$DEAD" silence delete ../queues
usage_error "silence without a command" "silence: geen commando" \
    -u "$DEAD" silence
usage_error "an unknown silence command" "silence: onbekend commando 'stop'" \
    -u "$DEAD" silence stop
usage_error "ack without an alert" \
    "ack: welke melding? Bijvoorbeeld telefoon/algemeen/telefoon" \
    -u "$DEAD" ack --by Anja
usage_error "ack of a queue instead of an alert" \
    "ack: ongeldige melding 'balie/snel'; schrijf KANAAL/NAAM/NORM, bijvoorbeeld telefoon/algemeen/telefoon" \
    -u "$DEAD" ack balie/snel --by Anja
usage_error "ack of two alerts" "ack: onverwacht argument 'balie/traag/wacht'" \
    -u "$DEAD" ack balie/snel/wacht balie/traag/wacht --by Anja
usage_error "ack with an expiry that is none" \
    "ack: --expires straks is geen duur; schrijf bijvoorbeeld 30m, 2h of 1h30m" \
    -u "$DEAD" ack balie/snel/wacht --by Anja --expires straks
LOGNAME= USER= usage_error "ack without anyone to name" \
    "ack: --by ontbreekt, en \$LOGNAME en \$USER zijn leeg" \
    -u "$DEAD" ack balie/snel/wacht
usage_error "alerts with a stray argument" "alerts: onverwacht argument 'alles'" \
    -u "$DEAD" alerts alles
usage_error "an unknown alerts option" "alerts: onbekende optie --csv" \
    -u "$DEAD" alerts --csv

# --- the daemon cannot be reached -----------------------------------

ctl -u "$DEAD" alerts
check_eq "alerts from a daemon that is down exits 3" 3 "$RC"
check "and names it in one line" \
    test "$(wc -l < "$TMP/ctl.err")" -eq 1 -a \
    "${ERR#"wachtctl: wachtd is niet bereikbaar op $DEAD: "}" != "$ERR"
ctl -u "$DEAD" ack balie/snel/wacht --by Anja
check_eq "ack with a daemon that is down exits 3" 3 "$RC"
ctl -u "$DEAD" silence add --queue '*' --duration 1h --by Bram --reason x
check_eq "silence add with a daemon that is down exits 3" 3 "$RC"
ctl -u "$DEAD" silence delete s1
check_eq "silence delete with a daemon that is down exits 3" 3 "$RC"

# --- against the daemon ---------------------------------------------

start_broker
write_config "
$NORM_WACHT

[queue balie/snel]
label = Balie snel
norm = wacht

[queue balie/traag]
label = Balie traag
norm = wacht"
start_wachtd
URL=http://127.0.0.1:$HTTP_PORT

alert() { api "/api/v1/alerts/$1" | jq -r "$2"; }
alert_is() { test "$(alert "$1" "$2")" = "$3"; }
silence_ids() { api /api/v1/silences | jq -r '[.silences[].id] | join(" ")'; }

ctl -u "$URL" alerts
check_eq "nothing wrong yet" "0|Geen actieve meldingen." "$RC|$OUT"

pub $PREFIX/in/balie/snel/waiting 4
pub $PREFIX/in/balie/snel/longest_wait 700
pub $PREFIX/in/balie/traag/longest_wait 0
wait_until "$WAIT" alert_is balie/snel/wacht .state critical
wait_until "$WAIT" alert_is balie/traag/wacht .state ok

ctl -u "$URL" alerts
check_eq "alerts exits 0" 0 "$RC"
check_eq "alerts lists one alert" 1 "$(wc -l < "$TMP/ctl.out")"
matches "alerts shows it critical, since when, and the Dutch reason" \
    '^kritiek  balie/snel/wacht  sinds [0-9]{2}:[0-9]{2}  Langste wachttijd nu 11 min 40 s, norm 10 min: 4 wachtenden$' \
    "$OUT"
check_eq "its time is the alert's since, in local time" \
    "$(date -d "$(alert balie/snel/wacht .since)" +%H:%M)" \
    "$(sed -E 's/.*sinds ([0-9:]{5}).*/\1/' "$TMP/ctl.out")"
ctl -u "$URL" alerts --json
check_eq "alerts --json is the API's answer" "0 balie/snel/wacht" \
    "$RC $(jq -r '[.alerts[].id] | join(" ")' "$TMP/ctl.out")"

# Taking it on.
ctl -u "$URL" ack balie/snel/wacht --by Anja --comment "extra balie open"
check_eq "ack confirms who took it" "0|balie/snel/wacht erkend door Anja." \
    "$RC|$OUT"
check_eq "the API shows it acknowledged by Anja, with her comment" \
    "true|Anja|extra balie open" \
    "$(alert balie/snel/wacht '"\(.acked)|\(.ack.by)|\(.ack.comment)"')"
ctl -u "$URL" alerts
matches "alerts shows who took it" '  \[erkend door Anja\]$' "$OUT"
LOGNAME=carla ctl -u "$URL" ack --expires 2h balie/snel/wacht
matches "without --by the login name acts, and an expiry is shown" \
    '^balie/snel/wacht erkend door carla tot ([0-9]{2}-[0-9]{2} )?[0-9]{2}:[0-9]{2}\.$' \
    "$OUT"
check_eq "the API has carla, until two hours on" "carla 7200" \
    "$(alert balie/snel/wacht \
    '"\(.ack.by) \((.ack.expires | sub("\\+.*"; "Z") | fromdate) - (.ack.at | sub("\\+.*"; "Z") | fromdate))"')"
ctl -u "$URL" ack balie/traag/wacht --by Anja
check_eq "ack of an alert that is ok exits 1" 1 "$RC"
check_eq "and gives the daemon's reason" \
    "wachtctl: wachtd: nothing to acknowledge: the alert is not warning, critical or stale (HTTP 409)" \
    "$ERR"
check_eq "and prints nothing" "" "$OUT"
ctl -u "$URL" ack balie/snel/geen --by Anja
check_eq "ack of an unknown alert exits 1 and says so" \
    "1|wachtctl: onbekende melding balie/snel/geen" "$RC|$ERR"

# Maintenance on the desks.
ctl -u "$URL" silence add --queue 'balie/*' --duration 1h --by Bram \
    --reason verbouwing
check_eq "silence add exits 0" 0 "$RC"
check_eq "silence add names the silence, its end and what it covers" \
    "Stilte s1 tot $(local_time "$(api /api/v1/silences | jq -r .silences[0].ends)") voor balie/* (norm *)." \
    "$OUT"
check_eq "the API lists it as given" "s1|balie/*|*|Bram|verbouwing|3600" \
    "$(api /api/v1/silences | jq -r '.silences[] | "\(.id)|\(.queue)|\(.norm)|\(.by)|\(.reason)|\((.ends | sub("\\+.*"; "Z") | fromdate) - (.starts | sub("\\+.*"; "Z") | fromdate))"')"
check_eq "the alert is silenced by it" "true s1" \
    "$(alert balie/snel/wacht '"\(.silenced) \(.silence)"')"
ctl -u "$URL" alerts
matches "alerts shows the silence" '  \[erkend door carla\]  \[stil: s1\]$' "$OUT"

# Tomorrow's window, in local time as the clock on the wall says.
from=$(date -d 'tomorrow 07:00' '+%Y-%m-%d %H:%M')
to=$(date -d 'tomorrow 09:30' '+%Y-%m-%d %H:%M')
ctl -u "$URL" silence add --queue balie/traag --norm wacht --starts "$from" \
    --ends "$to" --by Bram --reason "nieuwe vloer"
check_eq "a later silence says from when to when" \
    "0|Stilte s2 van $from tot $to voor balie/traag (norm wacht)." "$RC|$OUT"
check_eq "its local times reach the API as the same moments" "$from|$to" \
    "$(local_time "$(api /api/v1/silences | jq -r '.silences[1].starts')")|$(local_time "$(api /api/v1/silences | jq -r '.silences[1].ends')")"
ctl -u "$URL" silence add --queue '*' --ends 2020-01-01T00:00:00Z --by Bram \
    --reason x
check_eq "a silence that ended already: the daemon's reason, exit 1" \
    "1|wachtctl: wachtd: ends lies in the past (HTTP 400)" "$RC|$ERR"

ctl -u "$URL" silence list
check_eq "silence list exits 0 with a line each" "0 2" \
    "$RC $(wc -l < "$TMP/ctl.out")"
matches "silence list shows s1: id, queue, norm, from, until, who, why" \
    "^s1  balie/\\*      \\*      van [0-9-]{10} [0-9:]{5}  tot [0-9-]{10} [0-9:]{5}  Bram  verbouwing" \
    "$(sed -n 1p "$TMP/ctl.out")"
matches "and s2 below it, in the same columns" \
    "^s2  balie/traag  wacht  van $from  tot $to  Bram  nieuwe vloer\$" \
    "$(sed -n 2p "$TMP/ctl.out")"
ctl -u "$URL" silence list --json
check_eq "silence list --json is the API's answer" "0 s1 s2" \
    "$RC $(jq -r '[.silences[].id] | join(" ")' "$TMP/ctl.out")"

# The work is done early.
ctl -u "$URL" silence delete s1
check_eq "silence delete confirms" "0|Stilte s1 verwijderd." "$RC|$OUT"
check_eq "the API no longer lists it" s2 "$(silence_ids)"
check_eq "the alert is no longer silenced" false \
    "$(alert balie/snel/wacht .silenced)"
ctl -u "$URL" silence delete s1
check_eq "deleting it again exits 1 and says so" \
    "1|wachtctl: onbekende stilte s1" "$RC|$ERR"
ctl -u "$URL" silence delete s2
ctl -u "$URL" silence list
check_eq "with none left, silence list says so" "0|Geen stiltes." "$RC|$OUT"

# A daemon that refuses the request itself: its message, exit 1.
ctl -u "$URL/api/v1/queues/balie" alerts
check_eq "an error answer exits 1 with the daemon's message" \
    "1|wachtctl: wachtd: no such queue (HTTP 404)" "$RC|$ERR"
exit 0
