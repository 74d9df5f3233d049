# tests/bench/lib.sh: what the benchmarks share, on top of the
# integration tests' lib.sh (private broker, wachtd, cleanup): phone
# queues by the thousand, their RRD files made beforehand, and figures.
. "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"

# Each script sets STEP (seconds) before it calls config or layout.

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# sleep_ms MS: fractional sleep; nothing for zero or less.
sleep_ms() {
	[ "$1" -gt 0 ] && sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"
	return 0
}

# config N: wachtd.conf with N phone queues, open around the clock.
config() {
	local i
	{
		cat <<CONF
[daemon]
state_dir = $TMP/state-$1
step = ${STEP}s
timezone = Europe/Amsterdam

[mqtt]
host = 127.0.0.1
port = $BROKER_PORT
prefix = $PREFIX
client_id = wachtd-bench-$$

[http]
listen = 127.0.0.1:$HTTP_PORT

[hours altijd]
$(every_day 00:00-24:00)
holidays = none

[norm telefoon]
answer_within = 30s
target = 80%
window = 15m
CONF
		for ((i = 1; i <= $1; i++)); do
			printf '\n[queue bench/q%05d]\nlabel = Bench %d\n' "$i" "$i"
			printf 'hours = altijd\nnorm = telefoon\ninterval = 5s\n'
		done
	} > "$TMP/wachtd.conf"
}

# layout: the create arguments for an RRD file as wachtd makes them, read
# from one it made, with the rows cut down to LAYOUT_ROWS per archive.
LAYOUT_ROWS=64
layout() {
	HTTP_PORT=$(free_port)
	config 1
	start_wachtd
	pub "$PREFIX/in/bench/q00001/arrived" 1
	wait_until $((STEP * 4 + WAIT)) status_is '.history.writes >= 1' true ||
	    { echo "bench: wachtd wrote no RRD file"; exit 1; }
	stop_wachtd
	LAYOUT=$(rrdtool info "$TMP/state-1/rrd/bench/q00001.rrd" | awk -v rows=$LAYOUT_ROWS '
	    function num(v) { return v ~ /nan/ ? "U" : v + 0 }
	    { gsub(/"/, "") }
	    $1 == "step" { step = $3 }
	    match($1, /^ds\[[^]]+\]\./) {
		name = substr($1, 4, RLENGTH - 5)
		key = substr($1, RLENGTH + 1)
		if (key == "index") ds[$3] = name
		else if (key == "type") type[name] = $3
		else if (key == "minimal_heartbeat") hb[name] = $3
		else if (key == "min") lo[name] = num($3)
		else if (key == "max") hi[name] = num($3)
	    }
	    match($1, /^rra\[[0-9]+\]\./) {
		i = substr($1, 5, RLENGTH - 6)
		key = substr($1, RLENGTH + 1)
		if (key == "cf") cf[i] = $3
		else if (key == "xff") xff[i] = $3 + 0
		else if (key == "pdp_per_row") per[i] = $3
		else if (key == "rows") { nrra = i + 1; nrows[i] = $3 }
	    }
	    END {
		printf "--step %s", step
		for (i = 0; i in ds; i++)
			printf " DS:%s:%s:%s:%s:%s", ds[i], type[ds[i]],
			    hb[ds[i]], lo[ds[i]], hi[ds[i]]
		for (i = 0; i < nrra; i++)
			printf " RRA:%s:%s:%s:%d", cf[i], xff[i], per[i],
			    nrows[i] < rows ? nrows[i] : rows
		printf "\n"
	    }')
	rm -rf "$TMP/state-1"
}

# make_files N: every queue's file, before wachtd or the simulator start.
make_files() {
	local dir=$TMP/state-$1/rrd/bench i start=$(( $(date +%s) - 10 ))
	mkdir -p "$dir"
	for ((i = 1; i <= $1; i++)); do
		printf 'create %s/q%05d.rrd --start %d %s\n' "$dir" "$i" \
		    "$start" "$LAYOUT"
	done | rrdtool - > "$TMP/rrdtool.log" 2>&1
	if grep -q '^ERROR' "$TMP/rrdtool.log"; then
		echo "bench: rrdtool create:"; grep -m 3 '^ERROR' "$TMP/rrdtool.log"
		exit 1
	fi
}

# median: of the numbers on stdin, to three decimals.
median() {
	sort -g | awk '{ v[NR] = $1 } END {
	    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	    printf "%.3f\n", m }'
}

# ratio A B: B / A, or - without a baseline.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {
	if (a + 0 > 0) printf "%.2fx", b / a; else printf "-" }'; }

# cpu_ticks PID: the user and system time PID has used, all its threads
# together, in clock ticks (sysconf CLK_TCK, 100 a second).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# rss_of PID: its resident memory in kB.
rss_of() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
