# lib.sh: what the fault scenarios (tests/faults/f_*.sh) share, on top of
# the integration tests' lib.sh: each scenario has its own broker, ports
# and directory, and everything it started is stopped when it exits, also
# on failure.
#   EXTRA_PIDS  helpers a scenario started (publishers, load); killed first
#   MOUNTS      file systems a scenario mounted; unmounted before the
#               directory goes
. "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"

FAULTS=$ROOT/tests/faults
export PYTHONDONTWRITEBYTECODE=1	# no __pycache__ in the tree
EXTRA_PIDS= MOUNTS=

# stop_clean: every scenario's last check. Whatever wachtd went through,
# it stops on SIGTERM with status 0 (under valgrind: without an error or
# a leak, tests/run.sh's options).
stop_clean() {
	local i rc
	[ -n "$WACHTD_PID" ] && alive || return 0
	kill -TERM "$WACHTD_PID"
	for i in $(seq $((WAIT * 20))); do
		alive || break
		sleep 0.1
	done
	if alive; then
		not_ok "wachtd still runs $((WAIT * 2)) s after SIGTERM"
		return
	fi
	wait "$WACHTD_PID"
	rc=$?
	WACHTD_PID=
	check_eq "wachtd stops on SIGTERM with status 0${WACHTD_WRAPPER:+ (valgrind: no error, no leak)}" 0 "$rc"
}

faults_cleanup() {
	local pid m
	for pid in $EXTRA_PIDS; do
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	stop_clean
	for pid in $SIM_PID $WACHTD_PID; do
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	for m in $MOUNTS; do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
	# lib.sh's cleanup shows wachtd's log; the helpers' are ours to show.
	if [ "$fails" -ne 0 ]; then
		for m in "$TMP"/*.log; do
			case $m in */wachtd.log | "$TMP/*.log") continue ;; esac
			echo "# $(basename "$m"):"
			tail -10 "$m" | sed 's/^/# /'
		done
	fi
	cleanup
}
trap faults_cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# ms_since T0: milliseconds since now_ms said T0.
ms_since() { echo $(( $(now_ms) - $1 )); }

# open_always: the configuration's [hours kcc] open all week, so that
# alerts are judged whatever day the scenario runs.
open_always() {
	sed -i "s/^mon = 08:30-17:00/$(every_day 00:00-24:00 | tr '\n' '#' |
	    sed 's/#$//; s/#/\\n/g')/" "$TMP/wachtd.conf"
}

# set_key KEY VALUE: the first "KEY = ..." line of the configuration.
set_key() { sed -i "0,/^$1 = .*/s//$1 = $2/" "$TMP/wachtd.conf"; }

# start_sim RATE: wachtd-sim on the three queues of write_config
# (tests/faults/sim.conf), in the background; RATE multiplies its arrivals.
start_sim() {
	"$BIN/wachtd-sim" -c "$FAULTS/sim.conf" -p "$BROKER_PORT" \
	    --prefix "$PREFIX" --seed 8 --rate "$1" -q >> "$TMP/sim.log" 2>&1 &
	SIM_PID=$!
}

# status JQ: one figure of /api/v1/status.
status() { api /api/v1/status | jq -r "$1"; }

# counted: every message the daemon counted, accepted or rejected.
counted() { status '.accepted + ([.rejected[]] | add)'; }

# cpu_ticks PID: user + system clock ticks the process used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
TICKS=$(getconf CLK_TCK)

alive() { kill -0 "$WACHTD_PID" 2>/dev/null; }
