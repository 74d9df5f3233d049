# ctl.sh: helpers for the wachtctl tests, after lib.sh.
#   CTL   the wachtctl under test ($BIN/wachtctl)

CTL=$BIN/wachtctl
# Nothing listens here: a usage error that asked anyway would exit 3.
DEAD=http://127.0.0.1:$(free_port)

# ctl ARGS...: runs wachtctl; sets RC, and OUT and ERR to stdout and stderr.
ctl() {
	"$CTL" "$@" >"$TMP/ctl.out" 2>"$TMP/ctl.err"
	RC=$?
	OUT=$(cat "$TMP/ctl.out")
	ERR=$(cat "$TMP/ctl.err")
}

# usage_error DESCRIPTION MESSAGE ARGS...: exit 2, MESSAGE on stderr,
# nothing on stdout.
usage_error() {
	local desc=$1 msg=$2
	shift 2
	ctl "$@"
	check_eq "$desc exits 2" 2 "$RC"
	check_eq "$desc says why" "wachtctl: $msg" "$(head -1 "$TMP/ctl.err")"
	check_eq "$desc writes nothing on stdout" "" "$OUT"
}
