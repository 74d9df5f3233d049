#!/bin/bash
# A team manager, or a script of the sysadmin's, asks wachtctl for the
# report of a period. A mistake in the invocation exits 2 before anything
# is asked, a daemon that cannot be reached exits 3, and an error answer
# from the daemon exits 1 with the daemon's own message; each says so in
# one line on stderr, and the output file is left as it was: absent, or
# the previous report.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ctl.sh"

DAYS="--from 2026-07-01 --to 2026-09-30"

# --- help and usage -------------------------------------------------

ctl help
check_eq "help exits 0" 0 "$RC"
check "help shows the report command" \
    grep -q '^  report --from JJJJ-MM-DD --to JJJJ-MM-DD' "$TMP/ctl.out"
check "help documents exit status 3" \
    grep -q '^  3  wachtd is niet bereikbaar' "$TMP/ctl.out"
ctl help report
check_eq "help report exits 0" 0 "$RC"
check "help report shows its usage" \
    grep -q '^gebruik: wachtctl .* report --from JJJJ-MM-DD' "$TMP/ctl.out"
ctl report --help
check_eq "report --help is help for report" 0 "$RC"
check "report --help shows its usage" \
    grep -q '^gebruik: wachtctl .* report --from JJJJ-MM-DD' "$TMP/ctl.out"
ctl -V
check_eq "-V prints the version" "wachtctl 0.1.0" "$OUT"

usage_error "no command" "geen commando" -u "$DEAD"
check "no command shows the usage" grep -q '^gebruik: wachtctl' "$TMP/ctl.err"
usage_error "an unknown command" "onbekend commando 'rapport'" \
    -u "$DEAD" rapport $DAYS
usage_error "an unknown global option" "onbekende optie -x" \
    -x -u "$DEAD" report $DAYS
usage_error "-u without a value" "-u heeft een waarde nodig" -u
usage_error "a URL that is not http" \
    "ongeldige URL 'ftp://127.0.0.1': begin met http:// of https://" \
    -u ftp://127.0.0.1 report $DAYS
usage_error "help for an unknown command" "help: onbekend commando 'x'" \
    help x

# --- report: arguments checked before asking ------------------------

usage_error "report without --from" "report: --from ontbreekt" \
    -u "$DEAD" report --to 2026-09-30
check "a report usage error shows the report usage" \
    grep -q '^gebruik: wachtctl .* report --from' "$TMP/ctl.err"
usage_error "report without --to" "report: --to ontbreekt" \
    -u "$DEAD" report --from 2026-07-01
usage_error "a date that is not YYYY-MM-DD" \
    "report: --from 2026-7-1 is geen datum; schrijf JJJJ-MM-DD, bijvoorbeeld 2026-07-01" \
    -u "$DEAD" report --from 2026-7-1 --to 2026-09-30
usage_error "a day that does not exist" \
    "report: --to 2026-02-29: die dag bestaat niet" \
    -u "$DEAD" report --from 2026-02-01 --to 2026-02-29
usage_error "a year out of range" \
    "report: --from 1969-12-31: het jaar moet tussen 1970 en 2199 liggen" \
    -u "$DEAD" report --from 1969-12-31 --to 2026-09-30
usage_error "a month that does not exist" \
    "report: --to 2026-13-01: die dag bestaat niet" \
    -u "$DEAD" report --from 2026-07-01 --to 2026-13-01
usage_error "--from after --to" \
    "report: --from 2026-09-30 ligt na --to 2026-07-01" \
    -u "$DEAD" report --from 2026-09-30 --to 2026-07-01
usage_error "an unknown format" \
    "report: onbekend formaat 'pdf' (text, csv, json of html)" \
    -u "$DEAD" report $DAYS --format pdf
usage_error "an unknown report option" "report: onbekende optie --van" \
    -u "$DEAD" report --van 2026-07-01 --to 2026-09-30
usage_error "--format without a value" "report: --format heeft een waarde nodig" \
    -u "$DEAD" report $DAYS --format
usage_error "a stray argument" "report: onverwacht argument 'extra'" \
    -u "$DEAD" report $DAYS extra
usage_error "a user without a password file" \
    "basic auth heeft zowel een gebruiker (-U of \$WACHTD_USER) als een wachtwoordbestand (-P of \$WACHTD_PASSWORD_FILE) nodig" \
    -u "$DEAD" -U beheer report $DAYS
usage_error "an unreadable password file" \
    "wachtwoordbestand $TMP/geen: No such file or directory" \
    -u "$DEAD" -U beheer -P "$TMP/geen" report $DAYS
WACHTD_USER=beheer WACHTD_PASSWORD_FILE=$TMP/geen usage_error \
    "basic auth from the environment" \
    "wachtwoordbestand $TMP/geen: No such file or directory" \
    -u "$DEAD" report $DAYS

# --- report: the daemon cannot be reached ---------------------------

ctl -u "$DEAD" report $DAYS -o "$TMP/rapport.txt"
check_eq "an unreachable daemon exits 3" 3 "$RC"
check "an unreachable daemon is named in one line" \
    test "$(wc -l < "$TMP/ctl.err")" -eq 1 -a \
    "${ERR#"wachtctl: wachtd is niet bereikbaar op $DEAD: "}" != "$ERR"
check "an unreachable daemon leaves no output file" test ! -e "$TMP/rapport.txt"
printf 'vorig rapport\n' > "$TMP/vorig.txt"
ctl -u "$DEAD" report $DAYS -o "$TMP/vorig.txt"
check_eq "an unreachable daemon with an old report exits 3" 3 "$RC"
check_eq "an unreachable daemon leaves the previous report as it was" \
    "vorig rapport" "$(cat "$TMP/vorig.txt")"
WACHTD_URL=$DEAD/ ctl report $DAYS
check_eq "\$WACHTD_URL is used without -u" 3 "$RC"
check "\$WACHTD_URL loses its trailing slash" \
    grep -q "niet bereikbaar op $DEAD: " "$TMP/ctl.err"
printf 'geheim\n' > "$TMP/password"
WACHTD_USER=beheer WACHTD_PASSWORD_FILE=$TMP/password ctl -u "$DEAD" \
    report $DAYS
check_eq "basic auth from the environment reaches the connection" 3 "$RC"

# --- report: against the daemon -------------------------------------

start_broker
write_config
start_wachtd
URL=http://127.0.0.1:$HTTP_PORT

# A base URL inside /api/v1/queues asks for a queue that cannot exist,
# which the daemon refuses with a JSON error.
ctl -u "$URL/api/v1/queues/telefoon" report $DAYS -o "$TMP/rapport.txt"
check_eq "an error answer exits 1" 1 "$RC"
check_eq "an error answer shows the daemon's message" \
    "wachtctl: wachtd: no such queue (HTTP 404)" "$ERR"
check "an error answer leaves no output file" test ! -e "$TMP/rapport.txt"
ctl -u "$URL/api/v1/queues/telefoon" report $DAYS -o "$TMP/vorig.txt"
check_eq "an error answer with an old report exits 1" 1 "$RC"
check_eq "an error answer leaves the previous report as it was" \
    "vorig rapport" "$(cat "$TMP/vorig.txt")"

# A report that cannot be written, as on a full disk (here no file may
# grow), leaves the previous one as it was, and no file of its own.
ERR=$( (trap '' XFSZ; ulimit -f 0; exec "$CTL" -u "$URL" report $DAYS \
    -o "$TMP/vorig.txt") 2>&1 >/dev/null)
RC=$?
check_eq "a report that cannot be written exits 1" 1 "$RC"
check_eq "a report that cannot be written says why" \
    "wachtctl: kan $TMP/vorig.txt niet schrijven: File too large" "$ERR"
check_eq "a report that cannot be written leaves the previous one" \
    "vorig rapport" "$(cat "$TMP/vorig.txt")"
check_eq "a report that cannot be written leaves no file of its own" \
    "vorig.txt" "$(cd "$TMP" && ls -d vorig.txt*)"

# A new report replaces the previous one, keeping its permissions; a
# first one gets what the umask allows, as any new file.
chmod 640 "$TMP/vorig.txt"
ctl -u "$URL" report $DAYS -o "$TMP/vorig.txt"
check_eq "a report over a previous one exits 0" 0 "$RC"
check_eq "a report replaces the previous one" \
    "Verantwoording wachttijden 1 juli 2026 t/m 30 september 2026" \
    "$(head -1 "$TMP/vorig.txt")"
check_eq "a report keeps the permissions of the previous one" 640 \
    "$(stat -c %a "$TMP/vorig.txt")"
check_eq "a report leaves no file of its own" "vorig.txt" \
    "$(cd "$TMP" && ls -d vorig.txt*)"
(umask 027; exec "$CTL" -u "$URL" report $DAYS -o "$TMP/nieuw.txt")
check_eq "a first report is written" 0 "$?"
check_eq "a first report has the permissions the umask allows" 640 \
    "$(stat -c %a "$TMP/nieuw.txt")"
# A pipe (or /dev/null, /dev/stdout) is written to, not renamed over.
mkfifo "$TMP/pijp"
timeout 10 cat "$TMP/pijp" > "$TMP/uit-pijp" &
ctl -u "$URL" report $DAYS -o "$TMP/pijp"
wait $!
check_eq "a report into a pipe goes through it" \
    "Verantwoording wachttijden 1 juli 2026 t/m 30 september 2026" \
    "$(head -1 "$TMP/uit-pijp")"
check "and the pipe stays a pipe" test -p "$TMP/pijp"
exit 0
