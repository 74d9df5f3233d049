#!/bin/bash
# make install honours PREFIX and DESTDIR; make uninstall takes it back
# but keeps the sysadmin's configuration.
. "$(dirname "$0")/lib.sh"

cd "$ROOT"
make -s install O="$O" PREFIX=/usr DESTDIR="$TMP/root" >/dev/null
check "wachtd in PREFIX/sbin" test -x "$TMP/root/usr/sbin/wachtd"
check "wachtd-sim in PREFIX/bin" test -x "$TMP/root/usr/bin/wachtd-sim"
check "wachtctl in PREFIX/bin" test -x "$TMP/root/usr/bin/wachtctl"
check "PREFIX=/usr puts the configuration in /etc" \
    test -f "$TMP/root/etc/wachtd/wachtd.conf"
check "the example is kept in PREFIX/share" \
    test -f "$TMP/root/usr/share/wachtd/wachtd.conf.example"
check "the installed configuration is valid" \
    "$TMP/root/usr/sbin/wachtd" -n -c "$TMP/root/etc/wachtd/wachtd.conf"
for p in imap ami qmatic; do
	[ -f "$ROOT/probes/$p.c" ] || continue
	check "wachtd-probe-$p in PREFIX/bin" test -x "$TMP/root/usr/bin/wachtd-probe-$p"
	check "  its man page" test -f "$TMP/root/usr/share/man/man8/wachtd-probe-$p.8"
	check "  which mandoc -T lint finds no warning in" mandoc -T lint -W warning \
	    "$TMP/root/usr/share/man/man8/wachtd-probe-$p.8"
	check "  its systemd template unit" \
	    test -f "$TMP/root/lib/systemd/system/wachtd-probe-$p@.service"
	level=$(systemd-analyze security --offline=yes \
	    "$TMP/root/lib/systemd/system/wachtd-probe-$p@.service" 2>&1 |
	    sed -n 's/^.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
	check "  systemd-analyze security rates it 2.0 or lower (${level:-none})" \
	    awk -v l="${level:-99}" 'BEGIN { exit !(l <= 2.0) }'
	check "  its example configuration, valid" "$TMP/root/usr/bin/wachtd-probe-$p" \
	    -n -c "$TMP/root/usr/share/wachtd/probe-$p.conf.example"
done
check "the Grafana dashboard in PREFIX/share/wachtd/grafana" \
    jq -e .panels "$TMP/root/usr/share/wachtd/grafana/wachtd.json"
for u in wachtd rrdcached-wachtd; do
	level=$(systemd-analyze security --offline=yes \
	    "$TMP/root/lib/systemd/system/$u.service" 2>&1 |
	    sed -n 's/^.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
	check "$u.service installed, rated 2.0 or lower (${level:-none})" \
	    awk -v l="${level:-99}" 'BEGIN { exit !(l <= 2.0) }'
done
check "the unit starts PREFIX/sbin/wachtd with SYSCONFDIR's file" \
    grep -q '^ExecStart=/usr/sbin/wachtd -c /etc/wachtd/wachtd.conf$' \
    "$TMP/root/lib/systemd/system/wachtd.service"
for page in man1/wachtctl.1 man5/wachtd.conf.5 man8/wachtd.8; do
	check "$page installed" test -f "$TMP/root/usr/share/man/$page"
done
check "the user wachtd for systemd-sysusers" \
    grep -q '^u wachtd ' "$TMP/root/usr/lib/sysusers.d/wachtd.conf"
echo "; edited by the sysadmin" >> "$TMP/root/etc/wachtd/wachtd.conf"
make -s install O="$O" PREFIX=/usr DESTDIR="$TMP/root" >/dev/null
check "reinstalling keeps an edited configuration" \
    grep -q 'edited by the sysadmin' "$TMP/root/etc/wachtd/wachtd.conf"
make -s install O="$O" PREFIX=/opt/wachtd DESTDIR="$TMP/root" >/dev/null
check "another PREFIX's unit names its own binary and etc" \
    grep -q '^ExecStart=/opt/wachtd/sbin/wachtd -c /opt/wachtd/etc/wachtd/wachtd.conf$' \
    "$TMP/root/opt/wachtd/lib/systemd/system/wachtd.service"
check "another PREFIX keeps its own etc" \
    test -f "$TMP/root/opt/wachtd/etc/wachtd/wachtd.conf"
make -s uninstall O="$O" PREFIX=/usr DESTDIR="$TMP/root" >/dev/null
check "uninstall removes the programs" \
    test ! -e "$TMP/root/usr/sbin/wachtd" -a ! -e "$TMP/root/usr/bin/wachtd-sim" \
    -a ! -e "$TMP/root/usr/bin/wachtctl"
check "uninstall removes the probes" \
    bash -c "! ls '$TMP'/root/usr/bin/wachtd-probe-* '$TMP'/root/lib/systemd/system/wachtd-probe-* 2>/dev/null | grep -q ."
check "uninstall keeps the configuration" \
    test -f "$TMP/root/etc/wachtd/wachtd.conf"
exit 0
