#!/bin/sh
# Installs the Debian packages wachtd needs to build, test and run its demo.
# As root it runs apt-get; otherwise it says exactly what to run.
set -eu

PACKAGES="gcc make pkg-config libevent-dev libmosquitto-dev librrd-dev
libjansson-dev libinih-dev libcurl4-openssl-dev libsystemd-dev libssl-dev
libcmocka-dev mosquitto mosquitto-clients rrdtool rrdcached curl jq procps
openssl valgrind python3-aiosmtpd"

missing=
for p in $PACKAGES; do
	st=$(dpkg-query -W -f '${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: run as root:  apt-get install -y$missing" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
# Debian starts the packaged broker; the tests and demo run their own.
if [ -d /run/systemd/system ]; then
	systemctl disable --now mosquitto rrdcached >/dev/null 2>&1 || true
fi
