#!/bin/bash
# A broker that wants a password, and one that speaks only TLS.
. "$(dirname "$0")/lib.sh"

BROKER_PORT=$(free_port)
write_config
mosquitto_passwd -c -b "$TMP/passwd" wachtd 'geheim wachtwoord' 2>/dev/null
printf 'wachtd\n' > "$TMP/user"
cat > "$TMP/mosquitto.conf" <<CONF
listener $BROKER_PORT 127.0.0.1
allow_anonymous false
password_file $TMP/passwd
persistence false
CONF
chmod 644 "$TMP/passwd"
mosquitto -c "$TMP/mosquitto.conf" > "$TMP/mosquitto.log" 2>&1 &
BROKER_PID=$!
wait_until 5 port_busy "$BROKER_PORT" ||
    { echo "# broker did not start"; cat "$TMP/mosquitto.log"; exit 1; }

# Wrong password: refused, said clearly, retried, never healthy.
printf 'fout\n' > "$TMP/pw"
sed -i "s|^client_id = .*|&\nusername = wachtd\npassword_file = $TMP/pw|" "$TMP/wachtd.conf"
"$BIN/wachtd" -f -c "$TMP/wachtd.conf" > "$TMP/wachtd.log" 2>&1 &
WACHTD_PID=$!
check "a refused login is logged with the reason" \
    wait_until 10 grep -q 'refused the connection: Not authorized' "$TMP/wachtd.log"
check_eq "healthz is 503 while refused" 503 "$(http_code /healthz)"
stop_wachtd

# Right password, with a trailing newline in the file as editors write it.
printf 'geheim wachtwoord\n' > "$TMP/pw"
start_wachtd
check "password from password_file is accepted" api /healthz
mosquitto_pub -p "$BROKER_PORT" -u wachtd -P 'geheim wachtwoord' -q 1 \
    -t $PREFIX/in/email/info/backlog -m 3
check "values flow with authentication" wait_field email/info .backlog 3
stop_wachtd
check_eq "exits 0" 0 "$WACHTD_STATUS"
stop_broker

# TLS: a private CA, a server certificate for 127.0.0.1.
cd "$TMP"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=wachtd-test-ca \
    -keyout ca.key -out ca.crt 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 \
    -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > san.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
    -days 2 -extfile san.ext -out server.crt 2>/dev/null
chmod 644 server.key
cd - >/dev/null
cat > "$TMP/mosquitto.conf" <<CONF
listener $BROKER_PORT 127.0.0.1
allow_anonymous true
cafile $TMP/ca.crt
certfile $TMP/server.crt
keyfile $TMP/server.key
persistence false
CONF
mosquitto -c "$TMP/mosquitto.conf" > "$TMP/mosquitto.log" 2>&1 &
BROKER_PID=$!
wait_until 5 port_busy "$BROKER_PORT" ||
    { echo "# broker did not start"; cat "$TMP/mosquitto.log"; exit 1; }
sed -i -e '/^username/d' -e '/^password_file/d' \
    -e "s|^client_id = .*|&\ntls_ca = $TMP/ca.crt|" "$TMP/wachtd.conf"
# A CA file that cannot be read must stop wachtd, never fall back to
# plain text.
sed "s|^tls_ca = .*|tls_ca = $TMP/nowhere.crt|" "$TMP/wachtd.conf" > "$TMP/bad-tls.conf"
out=$("$BIN/wachtd" -f -c "$TMP/bad-tls.conf" 2>&1)
check_eq "an unreadable tls_ca stops wachtd at start" 1 $?
check "and says which file" grep -q "cannot read $TMP/nowhere.crt" <<< "$out"
start_wachtd
check "connects over TLS" api /healthz
mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" --cafile "$TMP/ca.crt" -q 1 \
    -t $PREFIX/in/email/info/backlog -m 9
check "values flow over TLS" wait_field email/info .backlog 9
# An idle TLS connection must cost (next to) nothing: mosquitto #3745.
cpu() { awk '{ print $14 + $15 }' "/proc/$WACHTD_PID/stat"; }
c0=$(cpu); sleep 2; c1=$(cpu)
check "no busy loop on the TLS socket ($((c1 - c0)) ticks in 2 s idle)" \
    test $((c1 - c0)) -lt 20
stop_wachtd
check_eq "exits 0 after TLS" 0 "$WACHTD_STATUS"
exit 0
