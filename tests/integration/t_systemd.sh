#!/bin/bash
# systemd: the units verify cleanly and are hardened (systemd-analyze);
# wachtd says READY, RELOADING (with MONOTONIC_USEC), READY, STOPPING and
# STATUS on $NOTIFY_SOCKET in that order; its loop feeds the watchdog at
# half WATCHDOG_USEC, and stops feeding it while the loop is held.
. "$(dirname "$0")/lib.sh"

cd "$ROOT" || exit 1
U=$TMP/units
mkdir -p "$U"

# --- the units ---------------------------------------------------------

# verify checks that ExecStart= can be executed: copies that name the
# binary under test. Its "Failed to parse ..." warnings exit 0, so any
# output at all counts as an error.
for u in wachtd rrdcached-wachtd; do
	sed "s|/usr/sbin/wachtd|$BIN/wachtd|" "systemd/$u.service" > "$U/$u.service"
done
verify() { systemd-analyze verify "$@" > "$TMP/verify.out" 2>&1 && ! test -s "$TMP/verify.out"; }
for u in wachtd rrdcached-wachtd; do
	check "systemd-analyze verify: $u.service is clean" verify --man=no "$U/$u.service"
	sed 's/^/# /' "$TMP/verify.out"
done
# The check itself must catch what systemd only warns about (exit 0): on
# 252 Type=notify-reload is such a warning, on any version an unknown key.
sed 's/^Type=notify$/Type=notify-reload/' "$U/wachtd.service" > "$U/bad.service"
verify --man=no "$U/bad.service"
sed 's/^/# Type=notify-reload: /' "$TMP/verify.out"
echo 'Bogus=1' >> "$U/bad.service"
not_clean() { ! verify "$@"; }
check "  (and a unit with an unknown key would not be)" not_clean --man=no "$U/bad.service"
# Documentation=: the man pages, once docs/ has them.
if [ -f docs/wachtd.8 ] && [ -f docs/wachtd.conf.5 ]; then
	mkdir -p "$TMP/man/man8" "$TMP/man/man5"
	cp docs/wachtd.8 "$TMP/man/man8/"
	cp docs/wachtd.conf.5 "$TMP/man/man5/"
	MANPATH="$TMP/man:$(manpath 2>/dev/null)"
	export MANPATH
	for u in wachtd rrdcached-wachtd; do
		check "  $u.service: its Documentation= man pages are found" \
		    verify --man=yes "$U/$u.service"
		sed 's/^/# /' "$TMP/verify.out"
	done
	unset MANPATH
else
	echo "ok - its Documentation= man pages # SKIP docs/wachtd.8 not written yet"
fi

for u in wachtd rrdcached-wachtd; do
	level=$(systemd-analyze security --offline=yes "systemd/$u.service" 2>&1 |
	    sed -n 's/^.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
	check "systemd-analyze security rates $u.service 2.0 or lower (${level:-none})" \
	    awk -v l="${level:-99}" 'BEGIN { exit !(l <= 2.0) }'
done
check "wachtd.service: Type=notify, reload by SIGHUP (systemd 252)" \
    grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' systemd/wachtd.service
check "wachtd.service: ExecStart without -f (no detaching under systemd)" \
    grep -qx 'ExecStart=/usr/sbin/wachtd -c /etc/wachtd/wachtd.conf' systemd/wachtd.service

# rrdcached-wachtd's own command line, moved into $TMP: it takes updates
# of files below state_dir/rrd by their absolute path, and no others.
RRDC=$(sed -n 's/^ExecStart=//p' systemd/rrdcached-wachtd.service |
    sed "s|/run/rrdcached-wachtd|$TMP/run|; s|/var/lib/wachtd|$TMP/state|;
    s|/var/lib/rrdcached-wachtd|$TMP/rrdc-journal|")
mkdir -p "$TMP/run" "$TMP/state/rrd/telefoon" "$TMP/rrdc-journal"
$RRDC > "$TMP/rrdcached.log" 2>&1 &
RRDC_PID=$!
wait_until 5 test -S "$TMP/run/rrdcached.sock"
rrdtool create "$TMP/state/rrd/telefoon/x.rrd" --step 10 DS:v:GAUGE:20:0:U RRA:LAST:0.5:1:10
rrdtool create "$TMP/outside.rrd" --step 10 DS:v:GAUGE:20:0:U RRA:LAST:0.5:1:10
check "rrdcached-wachtd's command line takes updates of state_dir/rrd" \
    rrdtool update --daemon "unix:$TMP/run/rrdcached.sock" "$TMP/state/rrd/telefoon/x.rrd" N:1
check "  and refuses files outside it (-B)" bash -c "! rrdtool update --daemon \
    'unix:$TMP/run/rrdcached.sock' '$TMP/outside.rrd' N:1 2>/dev/null"
kill "$RRDC_PID"; wait "$RRDC_PID" 2>/dev/null

# --- sd_notify -----------------------------------------------------------

NLOG=$TMP/notify.log
/usr/bin/python3 tests/integration/notify_listen.py "$TMP/notify.sock" "$NLOG" \
    >> "$TMP/listener.log" 2>&1 &
# shellcheck disable=SC2034 # lib.sh's cleanup stops it
RECEIVER_PID=$!
wait_until 5 test -S "$TMP/notify.sock" || { echo "# no listener"; exit 1; }
: > "$NLOG"

mono_usec() { /usr/bin/python3 -c 'import time; print(time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000)'; }
# since N: the messages after line N of the log, watchdog pings left out.
since() { tail -n "+$(($1 + 1))" "$NLOG" | grep -v ' WATCHDOG=1$' | cut -d' ' -f2-; }
lines() { wc -l < "$NLOG"; }
# seen N RE: a message matching RE arrived after line N.
seen() { since "$1" | grep -q "$2"; }
# pings FROM TO: the arrival times (us) of WATCHDOG=1 between FROM and TO.
pings() { awk -v a="$1" -v b="$2" '$2 == "WATCHDOG=1" && $1 >= a && $1 <= b { print $1 }' "$NLOG"; }
# gaps: the longest and the mean interval (ms) of a list of times (us).
gaps() { awk 'NR > 1 { d = $1 - p; if (d > m) m = d; s += d; n++ } { p = $1 }
    END { if (n) printf "%d %d\n", m / 1000, s / n / 1000; else print "0 0" }'; }

start_broker
write_config
# As systemd starts it: no -f, NOTIFY_SOCKET, WATCHDOG_USEC and
# WATCHDOG_PID (the shell execs, so $$ is the daemon's pid).
NOTIFY_SOCKET=$TMP/notify.sock WATCHDOG_USEC=200000 \
    sh -c 'export WATCHDOG_PID=$$; exec "$@"' sh ${WACHTD_WRAPPER:-} \
    "$BIN/wachtd" -c "$TMP/wachtd.conf" >> "$TMP/wachtd.log" 2>&1 &
WACHTD_PID=$!
wait_until $((WAIT * 4)) seen 0 '^READY=1$' ||
    { echo "# no READY=1"; cat "$NLOG"; exit 1; }
check "the internal listener is bound when READY=1 arrives" port_busy "$HTTP_PORT"
check_eq "start: READY=1 first, with STATUS=" "READY=1
STATUS=3 queues, broker not connected" "$(since 0 | head -2)"
check "STATUS= says when the broker is connected" \
    wait_until "$WAIT" seen 0 '^STATUS=3 queues, broker connected$'
check_eq "under NOTIFY_SOCKET wachtd does not detach: one process, the one started" \
    "$WACHTD_PID" "$(pgrep -f "$BIN/wachtd -c $TMP/wachtd.conf\$")"
echo "# start: $(since 0 | tr '\n' '|')"

# The watchdog: WATCHDOG_USEC=200000, so a ping every 100 ms.
t0=$(mono_usec)
sleep 2
read -r longest mean <<< "$(pings "$t0" "$(mono_usec)" | gaps)"
echo "# watchdog: $(pings "$t0" "$(mono_usec)" | wc -l) pings in 2 s, every $mean ms, at most $longest ms apart"
if [ -n "${WACHTD_WRAPPER:-}" ]; then lo=80 hi=400 max=2000; else lo=90 hi=130 max=250; fi
check "WATCHDOG=1 about every 100 ms (half WATCHDOG_USEC): $mean ms" \
    test "$mean" -ge "$lo" -a "$mean" -le "$hi"
check "  never more than ${max} ms apart while the loop runs ($longest ms)" \
    test "$longest" -gt 0 -a "$longest" -le "$max"

# A reload: RELOADING=1 with MONOTONIC_USEC (systemd 253 matches it to its
# SIGHUP by that clock), then READY=1 and the new STATUS=.
write_config "
[queue chat/website]
label = Chat op de website"
cp "$TMP/wachtd.conf" "$TMP/good.conf"
n=$(lines)
before=$(mono_usec)
kill -HUP "$WACHTD_PID"
wait_until "$WAIT" seen "$n" '^READY=1$'
after=$(mono_usec)
echo "# reload: $(since "$n" | tr '\n' '|')"
check_eq "reload: RELOADING=1, MONOTONIC_USEC, STATUS, READY=1, STATUS" "RELOADING=1
MONOTONIC_USEC=
STATUS=reloading the configuration
READY=1
STATUS=4 queues, broker connected" "$(since "$n" | sed 's/^MONOTONIC_USEC=.*/MONOTONIC_USEC=/')"
usec=$(since "$n" | sed -n 's/^MONOTONIC_USEC=//p')
check "  MONOTONIC_USEC is the monotonic clock at the SIGHUP ($before <= ${usec:-none} <= $after)" \
    test "${usec:-0}" -ge "$before" -a "${usec:-0}" -le "$after"

# A refused reload: still RELOADING and READY, and STATUS says so.
printf '[queue telefoon/broken]\nnorm = nowhere\n' >> "$TMP/wachtd.conf"
n=$(lines)
kill -HUP "$WACHTD_PID"
wait_until "$WAIT" seen "$n" '^READY=1$'
echo "# refused: $(since "$n" | tr '\n' '|')"
check_eq "refused reload: RELOADING=1 ... READY=1 all the same" "RELOADING=1 READY=1" \
    "$(since "$n" | grep -E '^(RELOADING|READY)=' | xargs)"
check_eq "  STATUS= says the previous configuration runs" "STATUS=reload refused: \
the configuration has errors (see the log); running the previous one; 4 queues, \
broker connected" "$(since "$n" | grep '^STATUS=' | tail -1)"
check "  and it does" api /api/v1/queues/chat/website

# The watchdog stops when the loop is held. A reload reads wachtd.conf
# in the loop (a file on a hung NFS mount would hold it the same way):
# with wachtd.conf a FIFO, the loop waits in open(2) until we write it.
HOLD=${WACHTD_WRAPPER:+4}
HOLD=${HOLD:-1}
rm "$TMP/wachtd.conf"
mkfifo "$TMP/wachtd.conf"
n=$(lines)
kill -HUP "$WACHTD_PID"
wait_until "$WAIT" seen "$n" '^RELOADING=1$'
t_held=$(mono_usec)
sleep "$HOLD"
t_freed=$(mono_usec)
timeout "$WAIT" sh -c "cat '$TMP/good.conf' > '$TMP/wachtd.conf'"
wait_until "$WAIT" seen "$n" '^READY=1$'
rm "$TMP/wachtd.conf"
cp "$TMP/good.conf" "$TMP/wachtd.conf"
t_ready=$(awk -v n="$n" 'NR > n && $2 == "READY=1" { print $1; exit }' "$NLOG")
check "while the loop is held, no WATCHDOG=1 ($(pings "$t_held" "$t_freed" | wc -l) in ${HOLD} s)" \
    test "$(pings "$t_held" "$t_freed" | wc -l)" -eq 0
read -r longest mean <<< "$( (pings 0 "$t_held" | tail -1; pings "$t_held" 99999999999999 | head -1) | gaps)"
check "  the gap in the pings ($longest ms) covers the hold (${HOLD} s)" \
    test "$longest" -ge "$((HOLD * 1000))"
check "  a supervisor with WatchdogSec=200ms would have caught it" \
    test "$longest" -gt 200
check "  the pings resume after the reload" \
    wait_until "$WAIT" bash -c "test \$(awk -v t=$t_ready '\$2 == \"WATCHDOG=1\" && \$1 > t' '$NLOG' | wc -l) -ge 5"
check "  and the daemon serves again" api /healthz

# Stop: STOPPING=1, then exit 0.
n=$(lines)
kill -TERM "$WACHTD_PID"
wait "$WACHTD_PID"
status=$?
WACHTD_PID=
check_eq "SIGTERM: exit 0" 0 "$status"
echo "# stop: $(since "$n" | tr '\n' '|')"
check_eq "stop: STOPPING=1 with STATUS=stopping, and nothing after" "STOPPING=1
STATUS=stopping" "$(since "$n")"
exit 0
