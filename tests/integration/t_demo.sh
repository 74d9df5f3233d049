#!/bin/bash
# The README's first command: the demo starts, shows live queues and
# stops cleanly, leaving nothing running.
. "$(dirname "$0")/lib.sh"

cd "$ROOT"
DEMO_SECONDS=12 timeout 60 scripts/demo.sh > "$TMP/demo.out" 2>&1
check_eq "the demo exits 0" 0 $?
check "it prints the URL of the live queues" \
    grep -Eq 'http://127.0.0.1:[0-9]+/api/v1/queues$' "$TMP/demo.out"
check "it shows a line per queue" grep -q '^telefoon/algemeen' "$TMP/demo.out"
# wachtd and mosquitto run on files in the demo's directory; wachtd-sim
# only names the broker's port.
port=$(sed -n 's/^ *MQTT stream:.* -p \([0-9][0-9]*\) .*/\1/p' "$TMP/demo.out")
check "it prints the broker's port ($port)" test -n "$port"
demo_gone() {
	! pgrep -f '/tmp/wachtd-demo[.]' > /dev/null &&
	    ! pgrep -f "wachtd-sim .*-p $port( |$)" > /dev/null
}
check "nothing of the demo is left running" wait_until 10 demo_gone
check "its temporary directory is removed" \
    bash -c "! grep -o '/tmp/wachtd-demo\.[A-Za-z0-9]*' '$TMP/demo.out' | head -1 | xargs test -e"
exit 0
