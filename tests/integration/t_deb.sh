#!/bin/bash
# make deb builds a Debian package that installs, starts and purges
# cleanly: what a sysadmin does with it on a Debian server. Installing
# needs root (CI runs as root); otherwise only the package is checked.
. "$(dirname "$0")/lib.sh"

cd "$ROOT"
deb=$(make -s deb O="$O" 2>"$TMP/deb.err" | tail -1)
check "make deb builds a package ($deb)" test -f "$deb"
[ -f "$deb" ] || { cat "$TMP/deb.err"; exit 1; }
info=$(dpkg-deb -f "$deb" Package Version Architecture)
check_eq "package, version and architecture" \
    "Package: wachtd Version: $(sed -n 's/^#define WACHTD_VERSION[^"]*"\(.*\)"/\1/p' monitor/wachtd.h) Architecture: $(dpkg --print-architecture)" \
    "$(echo $info)"
check "it depends on the libraries wachtd links" \
    bash -c "dpkg-deb -f '$deb' Depends | grep -q 'libmosquitto1.*librrd8.*libjansson4'"
dpkg-deb -c "$deb" | awk '{ print $6 }' > "$TMP/files"
for f in ./usr/sbin/wachtd ./usr/bin/wachtctl ./usr/bin/wachtd-probe-imap \
    ./lib/systemd/system/wachtd.service ./usr/lib/sysusers.d/wachtd.conf \
    ./usr/share/man/man8/wachtd.8.gz ./usr/share/man/man5/wachtd.conf.5.gz \
    ./etc/wachtd/wachtd.conf; do
	check "it holds $f" grep -qx "$f" "$TMP/files"
done
check_eq "the configuration is a conffile" "/etc/wachtd/wachtd.conf" \
    "$(dpkg-deb -I "$deb" conffiles)"

if [ "$(id -u)" -ne 0 ] || dpkg -s wachtd >/dev/null 2>&1; then
	echo "# not root, or a wachtd package is installed here: not installing"
	exit 0
fi
dpkg -i "$deb" > "$TMP/dpkg.out" 2>&1
check "dpkg -i installs it" dpkg -s wachtd
cat "$TMP/dpkg.out" | sed 's/^/# /'
check "the user wachtd exists" getent passwd wachtd
check_eq "its configuration is readable by it alone" "root wachtd 640" \
    "$(stat -c '%U %G %a' /etc/wachtd/wachtd.conf)"
check_eq "its state directory is its own" "wachtd wachtd 750" \
    "$(stat -c '%U %G %a' /var/lib/wachtd)"
check "the installed configuration is valid" /usr/sbin/wachtd -n
# Started as its unit would (no systemd here), on free ports.
HTTP_PORT=$(free_port)
sed -e "s/^listen = .*/listen = 127.0.0.1:$HTTP_PORT/" \
    -e "s/^public_listen = .*/public_listen = 127.0.0.1:$(free_port)/" \
    /etc/wachtd/wachtd.conf > "$TMP/pkg.conf"
chmod 644 "$TMP/pkg.conf"
setpriv --reuid=wachtd --regid=wachtd --init-groups -- \
    ${WACHTD_WRAPPER:-} /usr/sbin/wachtd -f -c "$TMP/pkg.conf" \
    >> "$TMP/wachtd.log" 2>&1 &
WACHTD_PID=$!
check "it starts as wachtd and answers (no broker: 503)" \
    wait_until $((WAIT * 4)) bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$HTTP_PORT/healthz)\" = 503 ]"
check "it writes its state in /var/lib/wachtd" wait_until "$WAIT" test -d /var/lib/wachtd/rrd
stop_wachtd
check_eq "SIGTERM exits 0" 0 "$WACHTD_STATUS"
dpkg --purge wachtd > "$TMP/dpkg.out" 2>&1
check "dpkg --purge removes it" bash -c "! dpkg -s wachtd >/dev/null 2>&1"
check "  the programs" test ! -e /usr/sbin/wachtd -a ! -e /usr/bin/wachtctl
check "  the units" test ! -e /lib/systemd/system/wachtd.service
check "  the history and the configuration" test ! -e /var/lib/wachtd -a ! -e /etc/wachtd
exit 0
