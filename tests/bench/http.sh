#!/bin/bash
# make bench (issues 5 and 8): how fast the public listener answers
# residents, the internal one the dashboards, and whether the probes' input
# notices. wrk on loopback asks for /public/v1/waittimes.json and
# /api/v1/queues, from wachtd and, in the same run, from nginx serving the
# same bytes as static files (one worker, like wachtd's one public thread
# and its one loop; keep-alive without a request limit, like wachtd). Then
# the alert latency of tests/bench/alerts.sh (a breaching message to its
# alert on MQTT), idle and again while wrk keeps the public listener
# busy. Goals, PASS or FAIL (exit 1 on FAIL):
#   (d) wachtd answers at least half as many requests a second as nginx,
#       on each path;
#   (e) the input is not held up: the alert's p99 under that load stays
#       under 50 ms (the goal of (c)) and within 2 ms of the idle one.
#
#   O              build directory (build)
#   BENCH_SECONDS  seconds of wrk per run (5)
#   BENCH_TRIALS   alert trials per measurement (1000)
. "$(dirname "$0")/../integration/lib.sh"

SECONDS_PER_RUN=${BENCH_SECONDS:-5}
N=${BENCH_TRIALS:-1000}
CONNS=32
CLIENT=$BIN/tests/alert_latency
NGINX_PID= WRK_PID=

for tool in wrk nginx; do
	command -v $tool >/dev/null || [ -x /usr/sbin/$tool ] ||
	    { echo "bench: $tool is missing (scripts/deps.sh installs it)"; exit 2; }
done

http_cleanup() {
	for pid in $WRK_PID $NGINX_PID; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	cleanup
}
trap http_cleanup EXIT
trap 'exit 130' INT TERM

PUBLIC_PORT=$(free_port)
start_broker
write_config "
$NORM_WACHT

[queue bench/alert]
label = Bench
norm = wacht"
sed -i -e "s/^listen = .*/&\npublic_listen = 127.0.0.1:$PUBLIC_PORT/" \
    -e "s/^label = Telefoon 14 0548/&\npublic = yes/" \
    -e "s/^label = Balie Burgerzaken/&\npublic = yes/" "$TMP/wachtd.conf"
start_wachtd
for w in 20 45 60; do pub $PREFIX/in/telefoon/algemeen/answered $w; done
pub $PREFIX/in/balie/burgerzaken/answered 400
sleep 1

# The two paths, and the listener that answers each: the residents' and
# the dashboards' (the API builds its answer on every request).
PUBLIC_PATH=/public/v1/waittimes.json
API_PATH=/api/v1/queues
mkdir -p "$TMP/www/public/v1" "$TMP/www/api/v1" "$TMP/nginx"
curl -sf "http://127.0.0.1:$PUBLIC_PORT$PUBLIC_PATH" > "$TMP/www$PUBLIC_PATH" ||
    { echo "bench: no waittimes.json"; exit 2; }
curl -sf "http://127.0.0.1:$HTTP_PORT$API_PATH" > "$TMP/www$API_PATH" ||
    { echo "bench: no /api/v1/queues"; exit 2; }
NGINX_PORT=$(free_port)
cat > "$TMP/nginx/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	tcp_nodelay on;
	keepalive_requests 100000000;
	types { application/json json; }
	default_type application/json;
	client_body_temp_path $TMP/nginx;
	proxy_temp_path $TMP/nginx;
	fastcgi_temp_path $TMP/nginx;
	uwsgi_temp_path $TMP/nginx;
	scgi_temp_path $TMP/nginx;
	server {
		listen 127.0.0.1:$NGINX_PORT;
		root $TMP/www;
		add_header Access-Control-Allow-Origin *;
		add_header Cache-Control "public, max-age=5";
	}
}
CONF
/usr/sbin/nginx -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log" &
NGINX_PID=$!
wait_until 5 curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT$PUBLIC_PATH" ||
    { echo "bench: nginx did not start"; cat "$TMP/nginx/error.log"; exit 2; }
for p in $PUBLIC_PATH $API_PATH; do
	[ "$(md5sum < "$TMP/www$p")" = \
	    "$(curl -s "http://127.0.0.1:$NGINX_PORT$p" | md5sum)" ] ||
	    { echo "bench: nginx does not serve $p as it is"; exit 2; }
done

# wrk_run PORT PATH: "requests/s p99_ms" of one run.
wrk_run() {
	wrk -t1 -c$CONNS -d"${SECONDS_PER_RUN}s" --latency \
	    "http://127.0.0.1:$1$2" > "$TMP/wrk.out" 2>&1
	awk '/^Requests\/sec:/ { r = $2 }
	    $1 == "99%" { v = $2; u = v; sub(/[a-z]+$/, "", v); sub(/^[0-9.]+/, "", u)
	        p = u == "us" ? v / 1000 : u == "s" ? v * 1000 : v }
	    END { printf "%d %.2f\n", r, p }' "$TMP/wrk.out"
}

# compare PORT PATH: two rounds against nginx, taking turns; the better of
# each, against noise: "wachtd/s wachtd_p99 nginx/s nginx_p99".
compare() {
	local round r p best_w=0 best_n=0 w99= n99=
	for round in 1 2; do
		read -r r p <<< "$(wrk_run "$1" "$2")"
		[ "$r" -gt "$best_w" ] && best_w=$r w99=$p
		read -r r p <<< "$(wrk_run "$NGINX_PORT" "$2")"
		[ "$r" -gt "$best_n" ] && best_n=$r n99=$p
	done
	echo "$best_w $w99 $best_n $n99"
}
read -r best_w w99 best_n n99 <<< "$(compare "$PUBLIC_PORT" "$PUBLIC_PATH")"
read -r api_w api_w99 api_n api_n99 <<< "$(compare "$HTTP_PORT" "$API_PATH")"

# The alert latency, idle and under that load.
alerts() {
	"$CLIENT" -p "$BROKER_PORT" -P "$PREFIX" -q bench/alert -m wacht -n "$N"
}
read -r in i50 i99 imax ilost <<< "$(alerts)"
wrk -t1 -c$CONNS -d600s "http://127.0.0.1:$PUBLIC_PORT$PUBLIC_PATH" >/dev/null 2>&1 &
WRK_PID=$!
sleep 1
read -r ln l50 l99 lmax llost <<< "$(alerts)"
kill "$WRK_PID"; wait "$WRK_PID" 2>/dev/null; WRK_PID=
check "wachtd still healthy after the load" api /healthz >/dev/null

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.2fx", b / a; else print "-" }'; }
echo
printf '%-40s%12s%12s%9s\n' "wachtd bench, HTTP ($CONNS conns)" nginx wachtd ratio
printf '%-40s\n' "$PUBLIC_PATH (public listener)"
printf '%-40s%12s%12s%9s\n' "  requests/s, better of 2 runs of ${SECONDS_PER_RUN}s" \
    "$best_n" "$best_w" "$(ratio "$best_n" "$best_w")"
printf '%-40s%12s%12s%9s\n' "  p99 latency (ms)" "$n99" "$w99" "$(ratio "$n99" "$w99")"
printf '%-40s\n' "$API_PATH (internal listener, $(jq '.queues | length' "$TMP/www$API_PATH") queues)"
printf '%-40s%12s%12s%9s\n' "  requests/s, better of 2 runs of ${SECONDS_PER_RUN}s" \
    "$api_n" "$api_w" "$(ratio "$api_n" "$api_w")"
printf '%-40s%12s%12s%9s\n' "  p99 latency (ms)" "$api_n99" "$api_w99" \
    "$(ratio "$api_n99" "$api_w99")"
echo
printf '%-40s%12s%12s%9s\n' "alert latency (ms), $N trials" idle "public load" ratio
printf '%-40s%12s%12s%9s\n' "p50" "$i50" "$l50" "$(ratio "$i50" "$l50")"
printf '%-40s%12s%12s%9s\n' "p99" "$i99" "$l99" "$(ratio "$i99" "$l99")"
printf '%-40s%12s%12s%9s\n' "max" "$imax" "$lmax" "$(ratio "$imax" "$lmax")"
printf '%-40s%12s%12s\n' "lost" "$ilost" "$llost"
echo

rc=0
how="$PUBLIC_PATH $best_w requests/s against nginx's $best_n (p99 $w99 ms,"
how="$how nginx $n99 ms); $API_PATH $api_w against $api_n (p99 $api_w99 ms,"
how="$how nginx $api_n99 ms)"
if [ "$best_w" -ge $((best_n / 2)) ] && [ "$best_w" -gt 0 ] &&
    [ "$api_w" -ge $((api_n / 2)) ] && [ "$api_w" -gt 0 ]; then
	echo "PASS (d) both at least half of nginx: $how"
else
	echo "FAIL (d) not both at least half of nginx: $how"
	rc=1
fi
how="p99 $l99 ms under load, $i99 ms idle ($llost lost)"
if [ "${llost:-1}" = 0 ] && awk -v l="$l99" -v i="$i99" \
    'BEGIN { exit !(l < 50 && l <= i + 2) }'; then
	echo "PASS (e) input not held up by the public load: $how"
else
	echo "FAIL (e) input held up by the public load: $how"
	rc=1
fi
exit $rc
