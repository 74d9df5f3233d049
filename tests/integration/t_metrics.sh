#!/bin/bash
# An organisation that runs Prometheus scrapes /metrics: promtool accepts
# it, and the figures are the ones the API and the probes say.
. "$(dirname "$0")/lib.sh"

command -v promtool >/dev/null || { not_ok "promtool is installed (scripts/deps.sh)"; exit 1; }

start_broker
write_config "$NORM_WACHT"
# The desk judged by the instant norm, open all week, a 1 s step.
sed -i -e "s/^norm = balie/norm = wacht/" -e "s/^step = 10s/step = 1s/" \
    -e "s/^mon = 08:30-17:00/$(every_day 00:00-24:00 | tr '\n' '#' |
        sed 's/#$//; s/#/\\n/g')/" "$TMP/wachtd.conf"
start_wachtd

metrics() { api /metrics > "$TMP/metrics"; }
# sample NAME{LABELS}: the value of one series, or "absent".
sample() {
	awk -v s="$1" '$1 == s { print $2; found = 1 } END { if (!found) print "absent" }' \
	    "$TMP/metrics"
}

pub $PREFIX/in/balie/burgerzaken/waiting 4
pub $PREFIX/in/balie/burgerzaken/longest_wait 700
for w in 5 12 29 45; do pub $PREFIX/in/telefoon/algemeen/answered $w; done
pub $PREFIX/in/telefoon/algemeen/waiting abc		# rejected
wait_field balie/burgerzaken .state critical
wait_field telefoon/algemeen .answered 4
metrics
check "promtool check metrics accepts /metrics" promtool check metrics < "$TMP/metrics"
promtool check metrics < "$TMP/metrics" 2>&1 | sed 's/^/# /'
check_eq "/metrics is text in the exposition format" \
    "text/plain; version=0.0.4; charset=utf-8" \
    "$(curl -s -o /dev/null -w '%{content_type}' "http://127.0.0.1:$HTTP_PORT/metrics")"

# The Grafana dashboard asks only for what exists.
for name in $(grep -o 'wachtd_[a-z_]*' "$ROOT"/dashboards/grafana/*.json | cut -d: -f2- | sort -u); do
	check "Grafana's $name is in /metrics" grep -q "^# TYPE $name " "$TMP/metrics"
done

B='queue="balie/burgerzaken",channel="balie"'
T='queue="telefoon/algemeen",channel="telefoon"'
check_eq "waiting as published" 4 "$(sample "wachtd_queue_waiting{$B}")"
check_eq "longest wait in seconds" 700 \
    "$(sample "wachtd_queue_longest_wait_seconds{$B}")"
check_eq "service level as a ratio: 3 of 4 within 30 s" 0.75 \
    "$(sample "wachtd_queue_service_level_ratio{$T}")"
check_eq "its target" 0.8 "$(sample "wachtd_queue_service_level_target_ratio{$T}")"
check_eq "an unknown figure is left out, not NaN" absent \
    "$(sample "wachtd_queue_backlog{$B}")"
check_eq "the desk's alert: critical is 1" 1 \
    "$(sample "wachtd_alert_state{$B,alert=\"wacht\",state=\"critical\"}")"
check_eq "  and ok is 0" 0 \
    "$(sample "wachtd_alert_state{$B,alert=\"wacht\",state=\"ok\"}")"
check_eq "one state per alert is 1" 1 \
    "$(grep "^wachtd_alert_state{$B,alert=\"wacht\"" "$TMP/metrics" | awk '{ n += $2 } END { print n }')"
check_eq "open within its hours" 1 "$(sample "wachtd_queue_open{$B}")"

accepted=$(api /api/v1/status | jq .accepted)
check_eq "accepted messages, as /api/v1/status counts them" "$accepted" \
    "$(sample 'wachtd_messages_total{result="accepted"}')"
check_eq "the rejected one, by reason" 1 \
    "$(sample 'wachtd_messages_rejected_total{reason="not_a_number"}')"
check_eq "  and by result" 1 "$(sample 'wachtd_messages_total{result="rejected"}')"
check_eq "the broker is connected" 1 "$(sample wachtd_broker_connected)"
check_eq "three queues" 3 "$(sample wachtd_queues)"

# HTTP requests are counted when answered, by class.
before=$(sample 'wachtd_http_requests_total{listener="internal",code="4xx"}')
for i in 1 2 3; do http_code /nothing/here >/dev/null; done
metrics
check_eq "three 404s more" $((before + 3)) \
    "$(sample 'wachtd_http_requests_total{listener="internal",code="4xx"}')"

# RRD writes after a step.
wait_until $((WAIT * 3)) bash -c "curl -s http://127.0.0.1:$HTTP_PORT/metrics |
    awk '\$1 == \"wachtd_rrd_writes_total\" && \$2 > 0 { f = 1 } END { exit !f }'"
metrics
check "RRD writes counted" awk '$1 == "wachtd_rrd_writes_total" && $2 > 0 { f = 1 } END { exit !f }' "$TMP/metrics"
check "their time counted" awk '$1 == "wachtd_rrd_write_seconds_total" && $2 > 0 { f = 1 } END { exit !f }' "$TMP/metrics"

stop_wachtd
check_eq "SIGTERM exits 0" 0 "$WACHTD_STATUS"
exit 0
