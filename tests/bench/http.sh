#!/bin/bash
# make bench (issue 5): how fast the public listener answers residents,
# and whether the probes' input notices. wrk on loopback asks for
# /public/v1/waittimes.json, from wachtd and, in the same run, from nginx
# serving the same bytes as a static file (one worker, like wachtd's one
# public thread; keep-alive without a request limit, like wachtd). Then
# the alert latency of tests/bench/alerts.sh (a breaching message to its
# alert on MQTT), idle and again while wrk keeps the public listener
# busy. Goals, PASS or FAIL (exit 1 on FAIL):
#   (d) wachtd answers at least half as many requests a second as nginx;
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

URL_PATH=/public/v1/waittimes.json
mkdir -p "$TMP/www/public/v1" "$TMP/nginx"
curl -sf "http://127.0.0.1:$PUBLIC_PORT$URL_PATH" > "$TMP/www$URL_PATH" ||
    { echo "bench: no waittimes.json"; exit 2; }
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
wait_until 5 curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT$URL_PATH" ||
    { echo "bench: nginx did not start"; cat "$TMP/nginx/error.log"; exit 2; }
check_eq "nginx serves the same bytes" "$(md5sum < "$TMP/www$URL_PATH")" \
    "$(curl -s "http://127.0.0.1:$NGINX_PORT$URL_PATH" | md5sum)" >/dev/null

# wrk_run PORT: "requests/s p99_ms" of one run.
wrk_run() {
	wrk -t1 -c$CONNS -d"${SECONDS_PER_RUN}s" --latency \
	    "http://127.0.0.1:$1$URL_PATH" > "$TMP/wrk.out" 2>&1
	awk '/^Requests\/sec:/ { r = $2 }
	    $1 == "99%" { v = $2; u = v; sub(/[a-z]+$/, "", v); sub(/^[0-9.]+/, "", u)
	        p = u == "us" ? v / 1000 : u == "s" ? v * 1000 : v }
	    END { printf "%d %.2f\n", r, p }' "$TMP/wrk.out"
}

# Two rounds, taking turns; the better of each, against noise.
best_w=0 best_n=0 w99= n99=
for round in 1 2; do
	read -r r p <<< "$(wrk_run "$PUBLIC_PORT")"
	[ "$r" -gt "$best_w" ] && best_w=$r w99=$p
	read -r r p <<< "$(wrk_run "$NGINX_PORT")"
	[ "$r" -gt "$best_n" ] && best_n=$r n99=$p
done

# The alert latency, idle and under that load.
alerts() {
	"$CLIENT" -p "$BROKER_PORT" -P "$PREFIX" -q bench/alert -m wacht -n "$N"
}
read -r in i50 i99 imax ilost <<< "$(alerts)"
wrk -t1 -c$CONNS -d600s "http://127.0.0.1:$PUBLIC_PORT$URL_PATH" >/dev/null 2>&1 &
WRK_PID=$!
sleep 1
read -r ln l50 l99 lmax llost <<< "$(alerts)"
kill "$WRK_PID"; wait "$WRK_PID" 2>/dev/null; WRK_PID=
check "wachtd still healthy after the load" api /healthz >/dev/null

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.2fx", b / a; else print "-" }'; }
echo
printf '%-40s%12s%12s%9s\n' "wachtd bench, public HTTP ($CONNS conns)" nginx wachtd ratio
printf '%-40s%12s%12s%9s\n' "requests/s, better of 2 runs of ${SECONDS_PER_RUN}s" \
    "$best_n" "$best_w" "$(ratio "$best_n" "$best_w")"
printf '%-40s%12s%12s%9s\n' "p99 latency (ms)" "$n99" "$w99" "$(ratio "$n99" "$w99")"
echo
printf '%-40s%12s%12s%9s\n' "alert latency (ms), $N trials" idle "public load" ratio
printf '%-40s%12s%12s%9s\n' "p50" "$i50" "$l50" "$(ratio "$i50" "$l50")"
printf '%-40s%12s%12s%9s\n' "p99" "$i99" "$l99" "$(ratio "$i99" "$l99")"
printf '%-40s%12s%12s%9s\n' "max" "$imax" "$lmax" "$(ratio "$imax" "$lmax")"
printf '%-40s%12s%12s\n' "lost" "$ilost" "$llost"
echo

rc=0
how="$best_w requests/s against nginx's $best_n"
if [ "$best_w" -ge $((best_n / 2)) ] && [ "$best_w" -gt 0 ]; then
	echo "PASS (d) public JSON at least half of nginx: $how"
else
	echo "FAIL (d) public JSON under half of nginx: $how"
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
