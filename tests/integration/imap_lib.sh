# imap_lib.sh: a real Dovecot for the IMAP probe's tests, sourced after
# lib.sh. Private config, run and state directories, a passwd-file with
# one user, maildirs under $TMP owned by nobody (Dovecot refuses uid 0),
# plain IMAP on a free loopback port; with TLS=1 also imaps and
# STARTTLS with a certificate made here (its CA in $TMP/tls/ca.pem).
#   IMAP_PORT, IMAPS_PORT  the ports (chosen once, kept across restarts)
#   IMAP_USER, IMAP_PWFILE the account

command -v dovecot >/dev/null 2>&1 ||
    { echo "# dovecot missing: scripts/deps.sh (dovecot-imapd)"; exit 1; }

IMAP_USER=kcc
IMAP_PWFILE=$TMP/imap.secret
DOVECOT_PID=
IMAP_PORT=${IMAP_PORT:-$(free_port)}
IMAPS_PORT=${IMAPS_PORT:-$(free_port)}
while [ "$IMAPS_PORT" = "$IMAP_PORT" ]; do IMAPS_PORT=$(free_port); done

# imap_tls_files: a CA and a server certificate for 127.0.0.1/localhost.
imap_tls_files() {
	local d=$TMP/tls
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=wachtd test CA" \
	    -keyout "$d/ca.key" -out "$d/ca.pem" >/dev/null 2>&1 || return 1
	openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
	    -keyout "$d/server.key" -out "$d/server.csr" >/dev/null 2>&1 || return 1
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$d/ext"
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
	    -CAcreateserial -days 2 -extfile "$d/ext" -out "$d/server.pem" \
	    >/dev/null 2>&1 || return 1
	chmod 644 "$d"/*
}

# write_dovecot: the configuration; TLS=1 adds imaps and STARTTLS.
write_dovecot() {
	local ssl="ssl = no" imaps="port = 0"
	if [ "${TLS:-0}" = 1 ]; then
		ssl="ssl = yes
ssl_cert = <$TMP/tls/server.pem
ssl_key = <$TMP/tls/server.key"
		imaps="address = 127.0.0.1
    port = $IMAPS_PORT"
	fi
	mkdir -p "$TMP/mail"
	chown 65534:65534 "$TMP/mail"
	printf 'geheim-wachtwoord\n' > "$IMAP_PWFILE"
	printf '%s:{PLAIN}geheim-wachtwoord\n' "$IMAP_USER" > "$TMP/dovecot.users"
	chmod 644 "$TMP/dovecot.users"
	cat > "$TMP/dovecot.conf" <<CONF
base_dir = $TMP/dovecot-run
state_dir = $TMP/dovecot-state
log_path = $TMP/dovecot.log
protocols = imap
listen = 127.0.0.1
$ssl
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
mail_location = maildir:$TMP/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $TMP/dovecot.users
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=$TMP/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    $imaps
  }
}
namespace inbox {
  inbox = yes
  mailbox Afgehandeld {
    auto = create
  }
}
CONF
}

# start_dovecot: runs it (it forks; its master's pid from base_dir).
start_dovecot() {
	dovecot -c "$TMP/dovecot.conf" >> "$TMP/dovecot.out" 2>&1 </dev/null ||
	    { echo "# dovecot did not start"; cat "$TMP/dovecot.out"; exit 1; }
	wait_until 10 port_busy "$IMAP_PORT" ||
	    { echo "# dovecot does not listen"; cat "$TMP/dovecot.log"; exit 1; }
	DOVECOT_PID=$(cat "$TMP/dovecot-run/master.pid")
}

# stop_dovecot [TERM|KILL]: TERM is Dovecot's own shutdown, in which the
# imap processes serving clients linger for some seconds; KILL is a crash
# of the whole server (master and children at once), which the clients
# see at once. Either way every process of it is gone after, by pid.
stop_dovecot() {
	[ -n "$DOVECOT_PID" ] || return 0
	local kids pid
	kids=$(pgrep -P "$DOVECOT_PID")
	if [ "${1:-KILL}" = KILL ]; then
		kill -KILL "$DOVECOT_PID" $kids 2>/dev/null
	else
		kill -TERM "$DOVECOT_PID" 2>/dev/null
	fi
	for pid in $DOVECOT_PID $kids; do
		wait_until $((WAIT * 4)) eval "! kill -0 $pid" ||
		    kill -KILL "$pid" 2>/dev/null
	done
	wait_until 10 eval '! port_busy "$IMAP_PORT"'
	DOVECOT_PID=
}

# imap_do COMMAND ARGS...: tests/integration/imap_mail.py on our account.
imap_do() {
	$PY "$ROOT/tests/integration/imap_mail.py" "$IMAP_PORT" "$IMAP_USER" \
	    "$IMAP_PWFILE" "$@"
}
