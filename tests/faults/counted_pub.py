"""counted_pub.py PORT TOPIC STATUS_TOPIC STATE_FILE RATE

A publisher whose every message can be accounted for: it publishes the
payload "1" on TOPIC at QoS 1, RATE messages a second, only while the
daemon it feeds is connected to this broker (STATUS_TOPIC, wachtd's
retained status, says "online": wachtd subscribes before it says so) and
only while not paused. SIGUSR1 pauses it, SIGUSR2 resumes. It reconnects
at once when the broker goes away. After every change it writes
"ACKED LOST IDLE" to STATE_FILE: messages the broker acknowledged,
messages in flight when the broker went away (their fate unknown), and 1
once paused with nothing in flight; after each signal also when nothing
changed, so a caller that removed the file knows it is current."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tinymqtt  # noqa: E402

port, topic, status = int(sys.argv[1]), sys.argv[2].encode(), \
    sys.argv[3].encode()
state_file, rate = sys.argv[4], float(sys.argv[5])
paused = False
acked = lost = 0


def on_signal(sig, frame):
    global paused, said
    paused = sig == signal.SIGUSR1
    said = None     # say it again, also when nothing changed


said = None
signal.signal(signal.SIGUSR1, on_signal)
signal.signal(signal.SIGUSR2, on_signal)


def say(idle):
    global said
    now = (acked, lost, idle)
    if now != said:
        with open(state_file + ".tmp", "w") as f:
            f.write("%d %d %d\n" % now)
        os.rename(state_file + ".tmp", state_file)
        said = now


while True:
    say(int(paused))
    try:
        c = tinymqtt.Client(port, "counted-pub-%d" % os.getpid())
    except OSError:
        time.sleep(0.02)
        continue
    inflight = set()
    online = False
    try:
        c.subscribe(status)
        due = time.monotonic()
        while True:
            for kind, body in c.packets(0.002):
                if kind == tinymqtt.PUBACK:
                    inflight.discard(tinymqtt.puback_id(body))
                    acked += 1
                elif kind == tinymqtt.PUBLISH:
                    online = tinymqtt.publish_of(body) == (status, b"online")
            now = time.monotonic()
            if not online or paused:
                due = now
            while online and not paused and due <= now:
                inflight.add(c.publish(topic, b"1", qos=1))
                due += 1 / rate
            say(int(paused and not inflight))
    except OSError:
        lost += len(inflight)
        c.close()
