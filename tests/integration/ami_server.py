#!/usr/bin/env python3
"""ami_server.py: a scripted Asterisk Manager Interface server for
t_probe_ami.sh (Python 3 standard library only).

    ami_server.py PORT TRANSCRIPT CTLDIR [--user U] [--secret S]
                  [--down-until NAME]

It speaks the protocol as Asterisk 18/20 does on 127.0.0.1:PORT: the
banner, Login (Response: Success or Error), QueueStatus and QueueSummary
answered from the queues' state with the ActionID echoed, Ping, Logoff,
and an Error for any other action. Events come from the transcript, which
is played once, in order, across connections:

    # a comment
    Event: QueueCallerJoin      a block of "Key: Value" lines, ended by a
    Queue: 600                  blank line: sent to the logged-in client
    ...                         (waiting for one), and applied to the state

    %queue NAME                 a queue that exists, even without events
    %silent                     the next block changes the state only (it
                                happened while nobody listened); in it,
                                "X-Waited: 40" dates a join 40 s back
    %pause SECONDS              sleep
    %login                      wait for a client to log in
    %status                     wait until that client has had a complete
                                QueueStatus answer (its reconciliation)
    %drop                       close the client's connection, mid-stream
    %mark NAME                  create CTLDIR/NAME: the test sees we got here
    %wait NAME                  wait until CTLDIR/NAME exists (the test's cue)

The state: per queue its members (by Interface, from QueueMember* events)
and callers (QueueCallerJoin adds, QueueCallerLeave removes), as
QueueStatus reports them. With --down-until NAME the port is bound at
once but refuses connections (Asterisk down) until CTLDIR/NAME exists: no
other program can take it meanwhile. Everything that happens is logged on stdout,
one line each ("login ok wachtd", "action QueueStatus 600", "drop", ...),
never the secret.
"""

import argparse
import os
import socket
import sys
import threading
import time

lock = threading.Condition()
queues = {}          # name -> {"members": {iface: fields}, "callers": [...]}
current = None       # the logged-in connection events go to


def log(*words):
    print(*words, flush=True)


def queue(name):
    return queues.setdefault(name, {"members": {}, "callers": [],
                                    "completed": 0, "abandoned": 0})


def block(fields):
    return "".join("%s: %s\r\n" % kv for kv in fields) + "\r\n"


def get(fields, key, default=""):
    for k, v in fields:
        if k.lower() == key.lower():
            return v
    return default


def apply_event(fields):
    """What an event does to the state (with the lock held)."""
    event, name = get(fields, "Event"), get(fields, "Queue")
    if not name:
        return
    q = queue(name)
    uid = get(fields, "Uniqueid")
    if event == "QueueCallerJoin":
        waited = float(get(fields, "X-Waited", "0"))
        q["callers"].append({"uid": uid, "fields": fields,
                             "joined": time.time() - waited})
    elif event == "QueueCallerLeave":
        q["callers"] = [c for c in q["callers"] if c["uid"] != uid]
    elif event == "QueueCallerAbandon":
        q["abandoned"] += 1
    elif event == "AgentComplete":
        q["completed"] += 1
    elif event == "QueueMemberRemoved":
        q["members"].pop(get(fields, "Interface"), None)
    elif event.startswith("QueueMember"):
        q["members"][get(fields, "Interface")] = dict(fields)


class Conn(threading.Thread):
    """One client: reads its actions and answers them."""

    def __init__(self, sock, args):
        super().__init__(daemon=True)
        self.sock, self.args = sock, args
        self.wlock = threading.Lock()
        self.logged_in = False
        self.statuses = 0
        self.closed = False

    def send(self, text):
        with self.wlock:
            try:
                self.sock.sendall(text.encode())
                return True
            except OSError:
                return False

    def close(self):
        global current
        with lock:
            self.closed = True
            if current is self:
                current = None
            lock.notify_all()
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()

    def run(self):
        self.send("Asterisk Call Manager/7.0.3\r\n")
        buf = b""
        fields = []
        try:
            while True:
                data = self.sock.recv(4096)
                if not data:
                    break
                buf += data
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    line = line.rstrip(b"\r").decode(errors="replace")
                    if line:
                        if ":" in line:
                            k, v = line.split(":", 1)
                            fields.append((k.strip(), v.strip()))
                        continue
                    if fields:
                        if not self.action(fields):
                            self.close()
                            return
                        fields = []
        except OSError:
            pass
        log("closed by client")
        self.close()

    def reply(self, fields, response, *extra):
        out = [("Response", response)]
        aid = get(fields, "ActionID")
        if aid:
            out.append(("ActionID", aid))
        self.send(block(out + list(extra)))

    def action(self, fields):
        """Answers one action; False to close the connection."""
        global current
        name = get(fields, "Action")
        aid = get(fields, "ActionID")
        if name.lower() == "login":
            user = get(fields, "Username")
            if user == self.args.user and \
                    get(fields, "Secret") == self.args.secret:
                log("login ok", user, "events=" + get(fields, "Events"))
                self.reply(fields, "Success",
                           ("Message", "Authentication accepted"))
                self.send(block([("Event", "FullyBooted"),
                                 ("Privilege", "system,all"),
                                 ("Uptime", "1234"), ("LastReload", "1234"),
                                 ("Status", "Fully Booted")]))
                with lock:
                    self.logged_in = True
                    current = self
                    lock.notify_all()
            else:
                log("login refused", user)
                self.reply(fields, "Error",
                           ("Message", "Authentication failed"))
            return True
        if not self.logged_in:
            self.reply(fields, "Error", ("Message", "Permission denied"))
            return True
        low = name.lower()
        if low == "queuestatus":
            log("action QueueStatus", get(fields, "Queue"))
            self.queue_status(fields, aid)
        elif low == "queuesummary":
            log("action QueueSummary", get(fields, "Queue"))
            self.queue_summary(fields, aid)
        elif low == "ping":
            self.reply(fields, "Success", ("Ping", "Pong"),
                       ("Timestamp", "%.6f" % time.time()))
        elif low == "logoff":
            log("logoff")
            self.reply(fields, "Goodbye",
                       ("Message", "Thanks for all the fish."))
            return False
        else:
            log("action unknown", name)
            self.reply(fields, "Error",
                       ("Message", "Invalid/unknown command"))
        return True

    def selected(self, fields):
        want = get(fields, "Queue")
        return [(n, q) for n, q in sorted(queues.items())
                if not want or n == want]

    def queue_status(self, fields, aid):
        idf = [("ActionID", aid)] if aid else []
        self.reply(fields, "Success", ("EventList", "start"),
                   ("Message", "Queue status will follow"))
        items = 0
        now = time.time()
        with lock:
            for name, q in self.selected(fields):
                self.send(block([
                    ("Event", "QueueParams"), ("Queue", name), ("Max", "0"),
                    ("Strategy", "ringall"),
                    ("Calls", str(len(q["callers"]))), ("Holdtime", "0"),
                    ("TalkTime", "0"), ("Completed", str(q["completed"])),
                    ("Abandoned", str(q["abandoned"])),
                    ("ServiceLevel", "60"), ("ServicelevelPerf", "0.0"),
                    ("ServicelevelPerf2", "0.0"), ("Weight", "0")] + idf))
                items += 1
                for iface, m in q["members"].items():
                    self.send(block([
                        ("Event", "QueueMember"), ("Queue", name),
                        ("Name", m.get("MemberName", iface)),
                        ("Location", iface),
                        ("StateInterface", m.get("StateInterface", iface)),
                        ("Membership", m.get("Membership", "dynamic")),
                        ("Penalty", m.get("Penalty", "0")),
                        ("CallsTaken", m.get("CallsTaken", "0")),
                        ("LastCall", m.get("LastCall", "0")),
                        ("LastPause", m.get("LastPause", "0")),
                        ("LoginTime", m.get("LoginTime", "0")),
                        ("InCall", m.get("InCall", "0")),
                        ("Status", m.get("Status", "1")),
                        ("Paused", m.get("Paused", "0")),
                        ("PausedReason", m.get("PausedReason", "")),
                        ("Wrapuptime", m.get("Wrapuptime", "0"))] + idf))
                    items += 1
                for pos, c in enumerate(q["callers"], 1):
                    f = c["fields"]
                    self.send(block([
                        ("Event", "QueueEntry"), ("Queue", name),
                        ("Position", str(pos)),
                        ("Channel", get(f, "Channel")),
                        ("Uniqueid", c["uid"]),
                        ("CallerIDNum", get(f, "CallerIDNum", "unknown")),
                        ("CallerIDName", get(f, "CallerIDName", "unknown")),
                        ("ConnectedLineNum", "unknown"),
                        ("ConnectedLineName", "unknown"),
                        ("Wait", str(int(now - c["joined"]))),
                        ("Priority", "0")] + idf))
                    items += 1
        self.send(block([("Event", "QueueStatusComplete")] + idf +
                        [("EventList", "Complete"),
                         ("ListItems", str(items))]))
        with lock:
            self.statuses += 1
            lock.notify_all()

    def queue_summary(self, fields, aid):
        idf = [("ActionID", aid)] if aid else []
        self.reply(fields, "Success", ("EventList", "start"),
                   ("Message", "Queue summary will follow"))
        now = time.time()
        items = 0
        with lock:
            for name, q in self.selected(fields):
                ms = [m for m in q["members"].values()
                      if m.get("Status") not in ("4", "5")]
                avail = [m for m in ms if m.get("Status") in ("0", "1")
                         and m.get("Paused", "0") == "0"]
                longest = max([int(now - c["joined"])
                               for c in q["callers"]] or [0])
                self.send(block([
                    ("Event", "QueueSummary"), ("Queue", name),
                    ("LoggedIn", str(len(ms))),
                    ("Available", str(len(avail))),
                    ("Callers", str(len(q["callers"]))),
                    ("HoldTime", "0"), ("TalkTime", "0"),
                    ("LongestHoldTime", str(longest))] + idf))
                items += 1
        self.send(block([("Event", "QueueSummaryComplete")] + idf +
                        [("EventList", "Complete"),
                         ("ListItems", str(items))]))


def accept_loop(srv, args):
    while True:
        sock, _ = srv.accept()
        log("connection")
        Conn(sock, args).start()


def read_transcript(path):
    """The transcript as a list of steps: (op, argument)."""
    steps, fields, silent = [], [], False
    with open(path) as f:
        lines = f.read().splitlines() + [""]
    for line in lines:
        if line.startswith("#"):
            continue
        if line.startswith("%"):
            words = line[1:].split()
            if words[0] == "silent":
                silent = True
            else:
                steps.append((words[0], words[1] if len(words) > 1 else ""))
            continue
        if line.strip():
            k, v = line.split(":", 1)
            fields.append((k.strip(), v.strip()))
        elif fields:
            steps.append(("silent" if silent else "event", fields))
            fields, silent = [], False
    return steps


def logged_in():
    return current is not None and current.logged_in and not current.closed


def play(steps, ctl):
    for op, arg in steps:
        if op == "queue":
            with lock:
                queue(arg)
        elif op == "silent":
            with lock:
                apply_event(arg)
            log("silent", get(arg, "Event"), get(arg, "Queue"))
        elif op == "event":
            with lock:
                lock.wait_for(logged_in)
                apply_event(arg)
                conn = current
            sent = [kv for kv in arg if not kv[0].startswith("X-")]
            ok = conn.send(block(sent))
            log("event", get(arg, "Event"), get(arg, "Queue"),
                "sent" if ok else "lost")
        elif op == "pause":
            time.sleep(float(arg))
        elif op == "login":
            with lock:
                lock.wait_for(logged_in)
        elif op == "status":
            with lock:
                lock.wait_for(lambda: logged_in() and current.statuses > 0)
        elif op == "drop":
            with lock:
                conn = current
            if conn is not None:
                log("drop")
                conn.close()
        elif op == "mark":
            open(os.path.join(ctl, arg), "w").close()
            log("mark", arg)
        elif op == "wait":
            while not os.path.exists(os.path.join(ctl, arg)):
                time.sleep(0.05)
        else:
            sys.exit("ami_server.py: unknown step %%%s" % op)
    log("transcript done")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("transcript")
    ap.add_argument("ctl")
    ap.add_argument("--user", default="wachtd")
    ap.add_argument("--secret", default="s3cret")
    ap.add_argument("--down-until")
    args = ap.parse_args()
    steps = read_transcript(args.transcript)
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", args.port))
    log("bound", args.port)
    if args.down_until:
        while not os.path.exists(os.path.join(args.ctl, args.down_until)):
            time.sleep(0.05)
    srv.listen(8)
    log("listening", args.port)
    threading.Thread(target=accept_loop, args=(srv, args),
                     daemon=True).start()
    play(steps, args.ctl)
    while True:                 # serve actions until killed
        time.sleep(3600)


if __name__ == "__main__":
    main()
