#!/bin/bash
# First-contact resolution and residents' ratings (issue 9), from MQTT to
# the API, the alerts, the RRD counts, the graphs and the period report,
# each figure computed here by hand. Malformed ones are refused and
# counted, and nothing of who rated is kept.
. "$(dirname "$0")/lib.sh"

STEP=2
not_near_midnight	# the report counts today
TODAY=$(TZ=Europe/Amsterdam date +%F)
start_broker
write_config "
[hours altijd]
$(every_day 00:00-24:00)

[norm eerstelijn]
direct_target = 80%
min_count = 5
for = 0s
clear_for = 0s

[norm tevreden]
rating_target = 4
min_count = 5
for = 0s
clear_for = 0s

[queue telefoon/vergunningen]
label = Telefoon vergunningen
hours = altijd
norm = eerstelijn tevreden"
sed -i "s/^step = .*/step = ${STEP}s/" "$TMP/wachtd.conf"
start_wachtd
V=$PREFIX/in/telefoon/vergunningen
Q=telefoon/vergunningen
t0=$(date +%s)

check_eq "before any input, first contact and rating are unknown" "null null" \
    "$(field $Q '"\(.direct) \(.rating)"')"

# 10 finished contacts, 7 of them answered at first contact: 70%.
burst_lines $V/resolved '{"direct":true}' '{"direct":true}' '{"direct":false}' \
    '{"direct":true}' '{"direct":true}' '{"direct":false}' '{"direct":true}' \
    '{"direct":true}' '{"direct":false}' '{"direct":true}'
# 7 ratings: 5 4 4 3 2 of 5, and 9 and 6 of 10. Where each lies in its
# range (0 to 1): 1 .75 .75 .5 .25 .9 .6, summing 4.75; the average
# .678571 is 3.714 of 5. At 4 of 5 or better (.75): 5, 4, 4 and 9: 4 of 7,
# 57.1%.
burst_lines $V/rating '{"score":5}' '{"score":4}' '{"score":4,"scale":5}' \
    '{"score":3}' '{"score":2}' '{"score":9,"scale":10}' '{"score":6,"scale":10}'
# Refused: a score off its scale, a scale nobody uses, a direct that is no
# boolean, a plain number, and anything that could say who rated.
pub $V/rating '{"score":6}'
pub $V/rating '{"score":3,"scale":7}'
pub $V/resolved '{"direct":"ja"}'
pub $V/resolved 1
pub $V/rating '{"score":4,"name":"J. Jansen"}'
pub $V/rating '{"score":4,"comment":"lang gewacht"}'
wait_field $Q .rating.count 7
wait_status '.rejected.out_of_range' 1

q=$(api /api/v1/queues/$Q)
check_eq "the API: 7 of 10 at first contact, 70%, against 80%" \
    '{"value":70,"direct":7,"count":10,"window":86400,"target":80}' \
    "$(jq -c .direct <<< "$q")"
check_eq "the API: average 3.7 of 5 over 7 ratings, 57.1% positive" \
    '[3.7,5,7,57.1,4,5,4]' \
    "$(jq -c '.rating | [.value, .scale, .count, .positive, .positive_from, .positive_scale, .target]' <<< "$q")"
check_eq "and the ratings by score, on each scale used" \
    '{"5":[0,1,1,2,1],"10":[0,0,0,0,0,0,1,0,0,1,0]}' \
    "$(jq -c .rating.scores <<< "$q")"
check_eq "refused and counted by reason: off the scale, bad fields, no JSON" \
    '[1,4,1]' \
    "$(api /api/v1/status | jq -c '.rejected | [.out_of_range, .bad_field, .bad_json]')"
check "nothing of who rated is kept, in the state or the log" \
    sh -c "! grep -rqs -e Jansen -e 'lang gewacht' '$TMP/state' '$TMP/wachtd.log'"

# Alerts: both norms breached, said in Dutch with the figures.
# Just started: the counts cover the time since, and the reasons say
# from when ("sinds 10:32"), not "in de laatste 24 u".
alert() { api /api/v1/alerts | jq -c --arg id "$Q/$1" \
    '.alerts[] | select(.id == $id) | [.state, .kind, .value, .threshold, .reason]' |
    sed -E 's/sinds [0-2][0-9]:[0-5][0-9] /sinds HH:MM /'; }
check_eq "direct_target: critical, with its reason" \
    '["critical","direct_target",70,80,"70% direct beantwoord sinds HH:MM (7 van 10), norm 80%"]' \
    "$(alert eerstelijn)"
check_eq "rating_target: critical, with its reason" \
    '["critical","rating_target",3.7,4,"Gemiddeld 3,7 van 5 sinds HH:MM (7 beoordelingen), norm 4"]' \
    "$(alert tevreden)"
check_eq "the alert is published, retained, on MQTT" critical \
    "$(mosquitto_sub -p "$BROKER_PORT" -C 1 -W 5 -t "$PREFIX/out/alert/$Q/eerstelijn" | jq -r .state)"
check_eq "the queue's state is its worst norm's" critical "$(field $Q .state)"

# Four more at first contact: 11 of 14, 78.6%; still short. Then six
# more: 17 of 20, 85%, clears it (above 80% + 5% hysteresis).
burst_lines $V/resolved '{"direct":true}' '{"direct":true}' '{"direct":true}' '{"direct":true}'
wait_field $Q .direct.count 14
check_eq "78.6% is still short of 80%" critical \
    "$(api /api/v1/alerts | jq -r --arg id "$Q/eerstelijn" '.alerts[] | select(.id == $id) | .state')"
burst "$V/resolved" '{"direct":true}' 6
wait_field $Q .direct.count 20
check "85% clears it" wait_until "$WAIT" sh -c \
    "! curl -sf 'http://127.0.0.1:$HTTP_PORT/api/v1/alerts' | jq -e '.alerts[] | select(.id == \"$Q/eerstelijn\")' >/dev/null"

# The history: per step counts, read from the file by rrdtool itself.
RRD=$TMP/state/rrd/$Q.rrd
# ds_sum DS: the count of one data source since t0.
ds_sum() {
	rrdtool fetch "$RRD" AVERAGE -r $STEP -s $((t0 - STEP)) -e now |
	    awk -v ds="$1" -v s=$STEP '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == ds) c = i + 1 }
		NR > 2 && $c !~ /nan/ { n += $c * s }
		END { printf "%g\n", n }'
}
# What came in is written two step boundaries later.
check "the counts reach the file" wait_until $((4 * STEP + WAIT)) \
    sh -c "test \"\$(rrdtool fetch '$RRD' AVERAGE -r $STEP -s $((t0 - STEP)) -e now | awk -v s=$STEP 'NR == 1 { for (i = 1; i <= NF; i++) if (\$i == \"direct\") c = i + 1 } NR > 2 && \$c !~ /nan/ { n += \$c * s } END { printf \"%g\", n }')\" = 17"
check_eq "RRD: direct and indirect" "17 3" "$(ds_sum direct) $(ds_sum indirect)"
check_eq "RRD: ratings by score, 1 to 5" "0 1 1 2 1" \
    "$(for s in 1 2 3 4 5; do ds_sum rated5_$s; done | xargs)"
check_eq "RRD: ratings by score, 0 to 10" "0 0 0 0 0 0 1 0 0 1 0" \
    "$(for s in 0 1 2 3 4 5 6 7 8 9 10; do ds_sum rated10_$s; done | xargs)"

# Graphs of both (the norm line is drawn as paths: not read back here).
for g in direct.png rating.svg rating10.png ratings.png; do
	check_eq "graph $g is drawn" 200 "$(http_code /graph/$Q/$g?range=day)"
done

# The report of today, by hand: 17 of 20 at first contact, 85%, met; the
# ratings as above, 3.71 of 5, not met.
r=$(api "/api/v1/report?from=$TODAY&to=$TODAY")
row() { jq -c --arg id "$1" '[.queues[], .channels[], .total] | map(select(.id == $id))[0] | '"$2" <<< "$r"; }
check_eq "report: first contact of the queue, against its norm" \
    '{"direct":17,"indirect":3,"direct_pct":85,"target":80,"met":true}' \
    "$(row $Q .resolved)"
check_eq "report: its ratings, by score, average and share positive" \
    '{"count":7,"scores":{"5":[0,1,1,2,1],"10":[0,0,0,0,0,0,1,0,0,1,0]},"average":3.71,"scale":5,"positive_pct":57.1,"positive_from":4,"positive_scale":5,"target":4,"target_kind":"average","met":false}' \
    "$(row $Q .ratings)"
check_eq "report: the channel adds the counts up, judged by no norm" \
    '[17,3,85,null,null,7]' \
    "$(row telefoon '[.resolved.direct, .resolved.indirect, .resolved.direct_pct, .resolved.target, .resolved.met, .ratings.count]')"
check_eq "report: the total too" '[20,7]' \
    "$(row totaal '[.resolved.direct + .resolved.indirect, .ratings.count]')"
check_eq "report: a queue without any says null" "[null,null]" \
    "$(row balie/burgerzaken '[.resolved, .ratings]')"

# wachtctl prints them as the manager reads them.
out=$("$BIN/wachtctl" -u "http://127.0.0.1:$HTTP_PORT" report --from "$TODAY" --to "$TODAY")
line=$(grep "^Telefoon vergunningen" <<< "$(sed -n '/^Eerste contact en waardering$/,$p' <<< "$out")")
check "wachtctl report: the second table, with the queue's figures" \
    grep -q "20 .*85,0% .*80% .*ja .*7 .*3,71 van 5 .*57,1% .*gemiddeld 4 .*nee" <<< "$line"
csv=$("$BIN/wachtctl" -u "http://127.0.0.1:$HTTP_PORT" report --from "$TODAY" --to "$TODAY" --format csv)
check_eq "wachtctl report --format csv: the quality columns of the queue" \
    "17,3,85,80,true,7,3.71,5,57.1,0,1,1,2,1,0,0,0,0,0,0,1,0,0,1,0,4,average,false,4,5" \
    "$(grep ",queue,$Q," <<< "$csv" | tr -d "\r" | cut -d, -f24-)"
exit 0
