"""idle_conns.py PORT COUNT MODE STATE_FILE [reopen]

Opens COUNT TCP connections to 127.0.0.1:PORT and holds them: MODE
"silent" sends nothing, "partial" sends the first lines of a request
and never ends it. With "reopen" every connection the server closes is
replaced at once, so COUNT stay open. Raises its own file limit first.
Writes "HELD OPENED REFUSED CLOSED LIFE_MIN LIFE_MAX" to STATE_FILE
whenever that changes: connections open now, connections the kernel
took, those it refused or timed out (2 s), those the server closed, and
the shortest and longest life of a closed one in seconds. Runs until
killed."""
import os
import resource
import selectors
import socket
import sys
import time

port, count, mode, state_file = int(sys.argv[1]), int(sys.argv[2]), \
    sys.argv[3], sys.argv[4]
reopen = sys.argv[5:] == ["reopen"]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
partial = b"GET /public/v1/waittimes.json HTTP/1.1\r\nHost: 127.0.0.1\r\n"

sel = selectors.DefaultSelector()
opened = refused = closed = 0
life_min = life_max = -1.0
said = None


def say():
    global said
    now = (len(sel.get_map()), opened, refused, closed, life_min, life_max)
    if now != said:
        with open(state_file + ".tmp", "w") as f:
            f.write("%d %d %d %d %.1f %.1f\n" % now)
        os.rename(state_file + ".tmp", state_file)
        said = now


def open_one():
    global opened, refused
    s = socket.socket()
    s.settimeout(2)
    try:
        s.connect(("127.0.0.1", port))
        if mode == "partial":
            s.sendall(partial)
    except OSError:
        refused += 1
        s.close()
        return
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ, time.monotonic())
    opened += 1


for i in range(count):
    open_one()
say()
while True:
    for key, _ in sel.select(1):
        try:
            if key.fileobj.recv(4096):
                continue    # an answer to half a request: not expected
        except OSError:
            pass
        sel.unregister(key.fileobj)
        key.fileobj.close()
        closed += 1
        life = time.monotonic() - key.data
        life_min = life if life_min < 0 else min(life_min, life)
        life_max = max(life_max, life)
        if reopen:
            open_one()
    say()
