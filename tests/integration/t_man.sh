#!/bin/bash
# The sysadmin finds every option documented without reading the source:
# the man pages render cleanly with man(1) and mandoc(1), and they are
# checked against the code, so that a new configuration key, flag,
# command or option without documentation fails here. The full example
# of wachtd.conf(5) is a configuration wachtd accepts.
. "$(dirname "$0")/lib.sh"

DOCS=$ROOT/docs
CONF5=$DOCS/wachtd.conf.5
WACHTD8=$DOCS/wachtd.8
CTL1=$DOCS/wachtctl.1
SRC=$ROOT/monitor

command -v mandoc >/dev/null ||
    { not_ok "mandoc is installed (scripts/deps.sh)"; exit 1; }
command -v man >/dev/null ||
    { not_ok "man is installed (scripts/deps.sh)"; exit 1; }

# --- every page renders without a word of complaint -----------------

pages=$(ls "$DOCS"/*.[1-8] 2>/dev/null)
for p in wachtd.8 wachtd.conf.5 wachtctl.1; do
	check "docs/$p exists" test -s "$DOCS/$p"
done
for page in $pages; do
	name=$(basename "$page")
	# -W warning leaves out the STYLE notes, among them "referenced
	# manual not found" for pages that are not installed here.
	out=$(mandoc -T lint -W warning "$page" 2>&1)
	check_eq "mandoc -T lint finds nothing in $name" "" "$out"
	out=$(MANWIDTH=80 man -l "$page" 2>&1 >/dev/null)
	check_eq "man -l renders $name without warnings" "" "$out"
	# .Dt names the page as its file does: wachtd.conf.5 is WACHTD.CONF 5.
	want=$(echo "$name" | sed -E 's/\.([1-8])$/ \1/' | tr '[:lower:]' '[:upper:]')
	check_eq "$name has the title of its file name" ".Dt $want" \
	    "$(grep -m1 '^\.Dt ' "$page")"
	# Our own pages named in it exist (a typo in SEE ALSO shows here).
	for ref in $(sed -nE 's/^\.Xr (wachtd[a-z.-]*|wachtctl) ([1-8]).*/\1.\2/p' "$page" | sort -u); do
		check "$name refers to $ref, which exists" test -s "$DOCS/$ref"
	done
done

# --- wachtd.conf(5): every key of every keydef table ----------------

# The section a subsection documents: the text from ".Ss \&[NAME" to
# the next .Ss or .Sh.
subsection() {
	awk -v sec="$1" '
	    /^\.S[hs] / { on = index($0, ".Ss \\&[" sec) == 1 }
	    on' "$CONF5"
}

# The key tables of config.c, "daemon_keys" and so on, and the names in
# each: K(struct, name, ...), KR(struct, name, ...) and { "name", ... }.
tables=$(sed -nE 's/^static const struct keydef ([a-z_]+)_keys\[\] = \{$/\1/p' \
    "$SRC/config.c")
check "config.c has its keydef tables" test -n "$tables"
nkeys=0
for t in $tables; do
	keys=$(awk -v t="$t" '
	    $0 ~ "^static const struct keydef " t "_keys\\[\\]" { on = 1; next }
	    on && /^};/ { exit }
	    on' "$SRC/config.c" |
	    sed -nE 's/KR?\([a-z_]+, ([a-z_]+),/\n@\1@\n/g; s/\{ "([a-z_]+)",/\n@\1@\n/g; p' |
	    sed -nE 's/^@([a-z_]+)@$/\1/p')
	text=$(subsection "$t")
	check "wachtd.conf.5 has a subsection for [$t]" test -n "$text"
	missing=
	for k in $keys; do
		nkeys=$((nkeys + 1))
		# Documented where it belongs: an item of the list of that
		# section, ".It Ic KEY No = ..." (weekdays share one item).
		printf '%s\n' "$text" |
		    grep -qE "^\.It Ic (.* )?$k( |$)" || missing="$missing [$t] $k"
	done
	check_eq "every key of [$t] is documented in wachtd.conf.5" "" "$missing"
done
# The table layouts above are what the extraction understands.
check "config.c's keys were found (more than 40)" test "$nkeys" -gt 40

# The names a value may take, each in the page.
missing=
for h in $(sed -n '/^static const char \*holiday_names/,/^};/p' "$SRC/config.c" |
    grep -o '"[a-z_]*"' | tr -d '"'); do
	grep -qE "^\.Cm $h( |$)" "$CONF5" || missing="$missing $h"
done
check_eq "every holiday name is in wachtd.conf.5" "" "$missing"
missing=
for m in $(sed -n '/^static const char \*metric_names/,/^};/p' "$SRC/payload.c" |
    grep -o '"[a-z_]*"' | tr -d '"'); do
	grep -qE "^\.Cm $m( |$)" "$CONF5" || missing="$missing conf:$m"
	grep -qE "^\.It Cm $m( |$)|^\.It Cm [a-z_]+ , $m( |$)" "$WACHTD8" ||
	    missing="$missing wachtd.8:$m"
done
check_eq "every metric is in wachtd.conf.5 (topic.METRIC) and wachtd.8" "" "$missing"
missing=
for r in $(sed -n '/^static const char \*reject_names/,/^};/p' "$SRC/payload.c" |
    grep -o '"[a-z_]*"' | tr -d '"'); do
	grep -qE "^\.Cm $r( |$)" "$WACHTD8" || missing="$missing $r"
done
check_eq "every reject reason is in wachtd.8" "" "$missing"

# --- wachtd(8): every flag ------------------------------------------

optstring=$(sed -nE 's/.*getopt\(argc, argv, "([^"]*)"\).*/\1/p' "$SRC/wachtd.c")
check "wachtd.c has a getopt string" test -n "$optstring"
missing=
for f in $(printf '%s' "$optstring" | tr -d ':' | grep -o .); do
	grep -qE "^\.It Fl $f( |$)" "$WACHTD8" || missing="$missing -$f"
done
check_eq "every flag of wachtd ($optstring) is described in wachtd.8" "" "$missing"
flags=$(printf '%s' "$optstring" | sed -E 's/.://g')
check "the synopsis of wachtd.8 has [-$flags]" grep -qx "\.Op Fl $flags" "$WACHTD8"
for s in SIGHUP SIGUSR1 SIGTERM SIGINT; do
	check "wachtd.8 says what $s does" grep -qE "^\.It Dv ([A-Z0-9]+ , )?$s( |$)" "$WACHTD8"
done
for n in READY RELOADING STOPPING WATCHDOG; do
	check "wachtd.8 names sd_notify's $n" grep -q "^\.It Li $n=1" "$WACHTD8"
done

# --- wachtctl(1): every command, option and variable ----------------

cmds=$(sed -n '/^static const struct cmd_entry cmds\[\] = {/,/^};/p' \
    "$SRC/wachtctl.c" | sed -nE 's/^[[:space:]]*\{ "([a-z ]+)",.*/\1/p')
check "wachtctl.c has its command table" test -n "$cmds"
missing=
while read -r c; do
	[ -n "$c" ] || continue
	grep -qE "^\.(It )?Ic $c( |$)" "$CTL1" || missing="$missing '$c'"
done <<EOF
$cmds
EOF
check_eq "every wachtctl command ($(echo $cmds | tr '\n' ' ')) is in wachtctl.1" "" "$missing"

optstring=$(sed -nE 's/.*getopt_long\(argc, argv, "\+:([^"]*)", longopts,.*/\1/p' \
    "$SRC/wachtctl.c")
missing=
for f in $(printf '%s' "$optstring" | tr -d ':' | grep -o .); do
	grep -qE "^\.It Fl $f( |$)" "$CTL1" || missing="$missing -$f"
done
check_eq "every option of wachtctl ($optstring) is described in wachtctl.1" "" "$missing"
missing=
for o in $(cat "$SRC"/wachtctl.c "$SRC"/ctl_*.c |
    sed -nE 's/^[[:space:]]*\{ "([a-z-]+)", (no|required)_argument.*/\1/p' | sort -u); do
	grep -qE "(Fl |, )-$o( |$)" "$CTL1" || missing="$missing --$o"
done
check_eq "every long option of wachtctl is in wachtctl.1" "" "$missing"
missing=
for e in $(cat "$SRC"/wachtctl.c "$SRC"/ctl_*.c | grep -o 'ctl_env("[A-Z_]*")' |
    sed -E 's/ctl_env\("([A-Z_]*)"\)/\1/' | sort -u); do
	grep -qE "^\.It Ev (.* )?$e( |$)" "$CTL1" || missing="$missing $e"
done
check_eq "every environment variable of wachtctl is in its ENVIRONMENT" "" "$missing"
missing=
for x in $(sed -nE 's/^[[:space:]]*CTL_[A-Z]+ = ([0-9]+),?.*/\1/p' "$SRC/wachtctl.h"); do
	sed -n '/^\.Sh EXIT STATUS/,/^\.Sh /p' "$CTL1" | grep -qx "\.It $x" ||
	    missing="$missing $x"
done
check_eq "every exit status of wachtctl.h is in wachtctl.1" "" "$missing"

# --- the full example of wachtd.conf(5) is accepted -----------------

# The first literal display of EXAMPLES, with roff's escapes undone.
awk '/^\.Sh EXAMPLES/ { ex = 1; next }
    ex && /^\.Bd -literal/ { on = 1; next }
    on && /^\.Ed/ { exit }
    on' "$CONF5" | sed -e 's/\\&//g' -e 's/\\e/\\/g' > "$TMP/example.conf"
check "the example has queues, norms, notify and public_listen" \
    bash -c "grep -q '^\[queue ' '$TMP/example.conf' &&
        grep -q '^\[norm ' '$TMP/example.conf' &&
        grep -q '^escalate_to = ' '$TMP/example.conf' &&
        grep -q '^public_listen = ' '$TMP/example.conf'"
out=$("$BIN/wachtd" -n -c "$TMP/example.conf" 2>&1)
check_eq "wachtd -n accepts the EXAMPLES configuration of wachtd.conf.5" \
    "0 configuration OK" "$? $out"
[ "$out" = "configuration OK" ] || printf '# %s\n' "$out"

# Its sections, as wachtd.conf.5 lists them, are every kind there is.
for s in daemon mqtt http hours norm queue notify; do
	check "the example has a [$s] section" grep -qE "^\[$s[] ]" "$TMP/example.conf"
done

# The mistakes the page shows are what wachtd says about them.
shown=$(sed -n '/^# cd \/etc\/wachtd && wachtd -n -c wachtd.conf$/,/^\.Ed/p' "$CONF5" |
    grep '^wachtd\.conf:')
l1=$(printf '%s\n' "$shown" | sed -n '1s/^wachtd\.conf:\([0-9]*\):.*/\1/p')
l2=$(printf '%s\n' "$shown" | sed -n '2s/^wachtd\.conf:\([0-9]*\):.*/\1/p')
if [ -n "$l1" ] && [ -n "$l2" ]; then
	mkdir -p "$TMP/etc"
	sed -e "${l1}s/^for = 1m\$/for = 1/" -e "${l2}s/^hours = kcc\$/hours = kc/" \
	    "$TMP/example.conf" > "$TMP/etc/wachtd.conf"
	out=$(cd "$TMP/etc" && "$BIN/wachtd" -n -c wachtd.conf 2>&1)
	check_eq "the errors wachtd.conf.5 shows are wachtd's for its example" \
	    "$shown" "$out"
else
	not_ok "wachtd.conf.5 shows two errors of its example"
fi

exit 0
