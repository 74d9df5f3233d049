#!/bin/bash
# 1,000 idle connections held on the public listener (sending nothing)
# and 1,000 on the internal one (half a request), each replaced as soon
# as wachtd closes it, while wachtd-sim keeps wachtd busy. wachtd starts
# with a soft limit of 1,024 open files, as under systemd or a login
# shell. Checks:
#  - wachtd raises its soft limit of open files to the hard one;
#  - /public/v1/waittimes.json answers all the while, within 1 s (median
#    and worst of 20 requests over 10 s, before and while held), and so
#    does the internal /healthz; wachtd lives;
#  - no spinning while they are held (wachtd's CPU);
#  - idle connections are closed after wachtd's 10 s timeout (their
#    shortest and longest life, measured by tests/faults/idle_conns.py).
. "$(dirname "$0")/lib.sh"

N=1000
PUBLIC_PORT=$(free_port)
start_broker
write_config
sed -i -e "s/^listen = .*/&\npublic_listen = 127.0.0.1:$PUBLIC_PORT/" \
    -e "s/^label = Telefoon 14 0548/&\npublic = yes/" "$TMP/wachtd.conf"
# valgrind fixes its table of files at the start: the daemon cannot
# raise its limit under it, so valgrind starts with the hard one.
[ -z "${WACHTD_WRAPPER:-}" ] && ulimit -Sn 1024
start_wachtd
start_sim 50
read -r soft hard <<< "$(awk '/Max open files/ { print $4, $5 }' "/proc/$WACHTD_PID/limits")"
if [ -z "${WACHTD_WRAPPER:-}" ]; then
	check_eq "wachtd raised its soft limit of open files (1024) to the hard one" \
	    "$hard" "$soft"
else
	echo "# under valgrind: started with a soft limit of $(ulimit -Sn) open files, $soft inside"
fi

# latency URL: "ANSWERED MEDIAN_MS WORST_MS" of 20 requests, 0.5 s apart
# (2 s each at most).
latency() {
	local i
	for i in $(seq 20); do
		curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 2 "$1"
		sleep 0.5
	done | sort -k2 -g | awk '$1 == 200 { n++ } { t[NR] = $2 * 1000 }
	    END { printf "%d %.1f %.1f\n", n, t[10], t[20] }'
}
PUBLIC=http://127.0.0.1:$PUBLIC_PORT/public/v1/waittimes.json
read -r n p50 worst <<< "$(latency "$PUBLIC")"
check_eq "idle: the public JSON answers (median $p50 ms, worst $worst ms)" 20 "$n"
if [ "$hard" != unlimited ] && [ "$hard" -lt $((2 * N + 100)) ]; then
	ok "skipped: a hard limit of $hard open files cannot hold $((2 * N)) connections"
	exit 0
fi

# hold PORT MODE NAME: N connections held by idle_conns.py, its state
# (HELD OPENED REFUSED CLOSED LIFE_MIN LIFE_MAX) in $TMP/NAME.
hold() {
	$PY "$FAULTS/idle_conns.py" "$1" "$N" "$2" "$TMP/$3" reopen 2>> "$TMP/idle.log" &
	EXTRA_PIDS="$EXTRA_PIDS $!"
}
held() { cut -d' ' -f1 "$TMP/$1" 2>/dev/null; }
closed() { cut -d' ' -f4 "$TMP/$1"; }
lives() { cut -d' ' -f5,6 "$TMP/$1" | tr ' ' -; }
all_held() { test "$(held public)" = "$N" && test "$(held internal)" = "$N"; }
fds() { ls "/proc/$WACHTD_PID/fd" | wc -l; }

hold "$PUBLIC_PORT" silent public
hold "$HTTP_PORT" partial internal
wait_until 30 all_held
check_eq "$N silent connections held on the public listener, $N half requests on the internal one ($(fds) files open in wachtd)" \
    "$N $N" "$(held public) $(held internal)"
cpu0=$(cpu_ticks "$WACHTD_PID")
c0=$(now_ms)
read -r n p50 worst <<< "$(latency "$PUBLIC")"
check_eq "held: the public JSON answers (median $p50 ms, worst $worst ms)" 20 "$n"
check "  within 1 s" test "${worst%.*}" -lt 1000
check "the internal /healthz answers" api /healthz
cpu=$(echo "$(cpu_ticks "$WACHTD_PID") $cpu0 $TICKS $(ms_since "$c0")" |
    awk '{ printf "%.1f", ($1 - $2) / $3 * 100000 / $4 }')
check "no spinning while they are held: ${cpu}% CPU" test "${cpu%.*}" -lt 50
check "wachtd lives" alive

timed_out() { test "$(closed public)" -ge "$N" && test "$(closed internal)" -ge "$N"; }
wait_until 30 timed_out
shortest=$( (cut -d' ' -f5 "$TMP/public"; cut -d' ' -f5 "$TMP/internal") | sort -g | head -1)
check "idle connections are closed after wachtd's 10 s (public: lived $(lives public) s, internal: $(lives internal) s)" \
    test "$(closed public)" -ge "$N" -a "$(closed internal)" -ge "$N" -a "${shortest%.*}" -ge 9
grep -c 'http: accept' "$TMP/wachtd.log" | sed 's/^/# accept failures logged: /'
exit 0
