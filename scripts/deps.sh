#!/bin/sh
# Installs the Debian packages wachtd needs to build, test, benchmark and
# run its demo; with --tests also the browser tests' npm packages
# (tests/browser, from its lock file). As root it runs apt-get and npm ci;
# otherwise it says exactly what to run.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)

PACKAGES="gcc make pkg-config libevent-dev libmosquitto-dev librrd-dev
libjansson-dev libinih-dev libcurl4-openssl-dev libssl-dev
libcmocka-dev mosquitto mosquitto-clients rrdtool rrdcached curl jq procps
openssl valgrind python3-aiosmtpd chromium prometheus wrk nginx-light
dovecot-imapd mandoc clang libclang-rt-14-dev collectd-core"
# A Node.js that is there already (with its own npm) is kept: Debian's
# only when a command is missing.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	PACKAGES="$PACKAGES nodejs npm"
fi

missing=
for p in $PACKAGES; do
	st=$(dpkg-query -W -f '${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done

# npm_deps: tests/browser/node_modules as its package-lock.json says, when
# it is missing or older than the lock file.
npm_deps() {
	dir=$ROOT/tests/browser
	if [ -d "$dir/node_modules" ] &&
	    [ ! "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
		return 0
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: tests/browser/node_modules missing or out of date" >&2
		echo "deps: run:  (cd $dir && npm ci --no-audit --no-fund)" >&2
		exit 1
	fi
	echo "deps: npm ci in tests/browser"
	(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
	# npm ci may keep the directory's old time: the next run compares it.
	touch "$dir/node_modules"
}

if [ -z "$missing" ]; then
	[ "${1:-}" != --tests ] || npm_deps
	exit 0
fi

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
# Debian starts the packaged servers; the tests, benchmarks and demo run
# their own (promtool is why prometheus is here, dovecot-imapd is the IMAP
# probe's test server, mandoc checks the man pages, clang builds the fuzz
# targets, collectd is the peer make bench compares ingest with).
if [ -d /run/systemd/system ]; then
	systemctl disable --now mosquitto rrdcached prometheus nginx dovecot \
	    collectd >/dev/null 2>&1 || true
fi
[ "${1:-}" != --tests ] || npm_deps
