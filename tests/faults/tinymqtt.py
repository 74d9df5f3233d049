"""tinymqtt: just enough MQTT 3.1.1 over a raw loopback socket for the
fault scenarios (no client library to install): CONNECT, PUBLISH at QoS 0
or 1, SUBSCRIBE, and reading what the broker sends, with a timeout."""
import select
import socket
import struct

CONNACK, PUBLISH, PUBACK, SUBACK = 0x20, 0x30, 0x40, 0x90


def _length(n):
    out = bytearray()
    while True:
        b, n = n % 128, n // 128
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _str(b):
    return struct.pack("!H", len(b)) + b


class Client:
    """One connection, clean session. Raises ConnectionError when the
    broker refuses or goes away."""

    def __init__(self, port, client_id, keepalive=60, timeout=5):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.last_id = 0
        self._send(0x10, _str(b"MQTT") + bytes([4, 0x02]) +
                   struct.pack("!H", keepalive) + _str(client_id.encode()))
        kind, body = self.read(timeout)
        if kind != CONNACK or body[1] != 0:
            raise ConnectionError("CONNACK refused")

    def close(self):
        self.sock.close()

    def _send(self, first, body):
        self.sock.sendall(bytes([first]) + _length(len(body)) + body)

    def _next_id(self):
        self.last_id = self.last_id % 65535 + 1
        return self.last_id

    def publish(self, topic, payload, qos=0):
        """Sends one PUBLISH; returns its packet id (None at QoS 0)."""
        pid = self._next_id() if qos else None
        head = _str(topic) + (struct.pack("!H", pid) if qos else b"")
        self._send(PUBLISH | qos << 1, head + payload)
        return pid

    def subscribe(self, topic, qos=0):
        self._send(0x82, struct.pack("!H", self._next_id()) + _str(topic) +
                   bytes([qos]))

    def _take(self):
        i, n, shift = 1, 0, 0
        while True:
            if i >= len(self.buf):
                return None
            b = self.buf[i]
            n |= (b & 0x7F) << shift
            shift += 7
            i += 1
            if not b & 0x80:
                break
        if len(self.buf) < i + n:
            return None
        pkt = (self.buf[0] & 0xF0, bytes(self.buf[i:i + n]))
        del self.buf[:i + n]
        return pkt

    def packets(self, timeout):
        """Every whole packet there is after waiting up to timeout s for
        data: a list of (type, body)."""
        if select.select([self.sock], [], [], timeout)[0]:
            data = self.sock.recv(1 << 16)
            if not data:
                raise ConnectionError("the broker closed the connection")
            self.buf += data
        out = []
        while (pkt := self._take()) is not None:
            out.append(pkt)
        return out

    def read(self, timeout):
        """One packet, or ConnectionError after timeout s."""
        pkt = self._take()
        while pkt is None:
            if not select.select([self.sock], [], [], timeout)[0]:
                raise ConnectionError("no answer from the broker")
            data = self.sock.recv(1 << 16)
            if not data:
                raise ConnectionError("the broker closed the connection")
            self.buf += data
            pkt = self._take()
        return pkt


def puback_id(body):
    return struct.unpack("!H", body[:2])[0]


def publish_of(body):
    """(topic, payload) of a QoS 0 PUBLISH body."""
    n = struct.unpack("!H", body[:2])[0]
    return body[2:2 + n], body[2 + n:]
