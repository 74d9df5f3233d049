#!/bin/bash
# The dashboard and the residents' page in a real browser (issue 5):
# headless Chromium driven by playwright-core (tests/browser/*.mjs) against
# a real wachtd fed through a real broker. The dashboard follows new data
# without a reload and shows a queue's figures and graphs; /public/ shows
# the wait as a Dutch band, with and without JavaScript, serves its JSON
# across origins, and turns to "Gesloten" live when a reload closes the
# queue; axe-core finds no WCAG 2.1 A/AA violation on any of them.
# Screenshots go to $O/artifacts/. Chromium and tests/browser/node_modules
# come from scripts/deps.sh; without them this test fails, it never skips.
. "$(dirname "$0")/lib.sh"

BROWSER=$ROOT/tests/browser
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
ARTIFACTS=$ROOT/$O/artifacts
missing=
# playwright-core 1.61 runs on Node.js 18 (Debian 12's) and newer.
node -e 'process.exit(+process.versions.node.split(".")[0] >= 18 ? 0 : 1)' \
    2>/dev/null || missing="$missing node>=18"
[ -x "$CHROMIUM" ] || missing="$missing $CHROMIUM"
for m in playwright-core axe-core; do
	[ -f "$BROWSER/node_modules/$m/package.json" ] ||
	    missing="$missing tests/browser/node_modules/$m"
done
if [ -n "$missing" ]; then
	not_ok "the browser tests have what they need: missing$missing (run scripts/deps.sh)"
	exit 1
fi
mkdir -p "$ARTIFACTS"

start_broker
HTTP_PORT=$(free_port)
PUBLIC_PORT=$(free_port)
while [ "$PUBLIC_PORT" = "$HTTP_PORT" ]; do PUBLIC_PORT=$(free_port); done
# conf [CLOSED]: telefoon/algemeen open all day, every day, except on the
# dates CLOSED; balie/burgerzaken public but without data; email/info
# not public. A step of a second, so the pages follow quickly; feeds
# never go stale during the test.
conf() {
	cat <<CONF
[daemon]
state_dir = $TMP/state
step = 1s
timezone = Europe/Amsterdam

[mqtt]
host = 127.0.0.1
port = $BROKER_PORT
prefix = $PREFIX
client_id = wachtd-test-$$

[http]
listen = 127.0.0.1:$HTTP_PORT
public_listen = 127.0.0.1:$PUBLIC_PORT
public_experience = yes

[hours kcc]
$(every_day 00:00-24:00)
holidays = none
${1:+closed = $1}

[norm telefoon]
answer_within = 30s
target = 80%
window = 15m

[norm balie]
max_wait = 10m

[queue telefoon/algemeen]
label = Telefoon 14 0548
hours = kcc
norm = telefoon
public = yes
interval = 1h

[queue balie/burgerzaken]
label = Balie Burgerzaken
norm = balie
public = yes
interval = 1h

[queue email/info]
label = E-mail info@
interval = 1h
CONF
}
conf > "$TMP/wachtd.conf"
# Today and tomorrow in the daemon's time zone: closed, even should the
# test run across midnight.
conf "$(TZ=Europe/Amsterdam date +%F) $(TZ=Europe/Amsterdam date -d tomorrow +%F)" \
    > "$TMP/wachtd-closed.conf"
# Last quarter at the desk: 80 of 100 at first contact, 25 ratings
# averaging 4.4 (issue 9); its file is never written, it gets no input.
last_quarter
quarter_history balie/burgerzaken direct=80 indirect=20 rated5_4=15 rated5_5=10
start_wachtd

# First contact and ratings on the phone: 8 of 10 direct, ratings 5 5 4 3.
burst "$PREFIX/in/telefoon/algemeen/resolved" '{"direct":true}' 8
burst "$PREFIX/in/telefoon/algemeen/resolved" '{"direct":false}' 2
burst_lines "$PREFIX/in/telefoon/algemeen/rating" '{"score":5}' '{"score":5}' \
    '{"score":4}' '{"score":3}'
wait_field telefoon/algemeen .rating.count 4

# A busy morning: 120 calls answered in the window after 12 s each. The
# estimated wait (Asterisk's holdtime, then waiting / answer rate) stays
# well under two minutes for the 7 waiting that dashboard.mjs publishes
# (7 / (120 / 900 s) at most, when the test runs as long as the window):
# "minder dan 2 minuten" on the public page.
burst "$PREFIX/in/telefoon/algemeen/answered" 12 120
wait_field telefoon/algemeen .answered 120
check "the API has an estimated wait for telefoon/algemeen" \
    test "$(field telefoon/algemeen '.ewt != null')" = true

export HTTP_PORT PUBLIC_PORT BROKER_PORT PREFIX WACHTD_PID WAIT ARTIFACTS \
    CHROMIUM PERIOD
export WACHTD_CONF=$TMP/wachtd.conf WACHTD_CONF_CLOSED=$TMP/wachtd-closed.conf
for script in dashboard public; do
	start=$(date +%s)
	node "$BROWSER/$script.mjs" 2>&1 | tee "$TMP/$script.out"
	rc=${PIPESTATUS[0]}
	bad=$(grep -c '^not ok ' "$TMP/$script.out")
	fails=$((fails + bad))
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		not_ok "tests/browser/$script.mjs exited with status $rc"
	fi
	echo "# $script.mjs took $(( $(date +%s) - start )) s"
done
echo "# screenshots in $ARTIFACTS"

check "wachtd is still healthy" api /healthz
stop_wachtd
check_eq "wachtd stops cleanly" 0 "$WACHTD_STATUS"
exit 0
