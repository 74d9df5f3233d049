"""garbage.py PORT PREFIX COUNT SEED

Publishes COUNT random messages at QoS 1 (every one acknowledged by the
broker before it exits) on the topics of tests/integration/lib.sh's
write_config: PREFIX/in/QUEUE/METRIC for its three queues, the adopted
topic pbx/queue/600/calls, and topics wachtd does not subscribe to.
Payloads: good numbers and JSON, random bytes up to 32 KiB (binary,
invalid UTF-8), NaN and infinities, huge and negative numbers, JSON junk,
wrong fields, bad ids. Each message is built so that its fate in wachtd
is known (payload.c's rules), and at the end it prints, as JSON, what
wachtd must have counted: "accepted", "rejected" by reason, "elsewhere"
(not delivered to wachtd), "messages" and "bytes"."""
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tinymqtt  # noqa: E402

port, prefix, count, seed = int(sys.argv[1]), sys.argv[2], \
    int(sys.argv[3]), int(sys.argv[4])
rnd = random.Random(seed)
QUEUES = ["telefoon/algemeen", "balie/burgerzaken", "email/info"]
FOREIGN = "pbx/queue/600/calls"     # balie/burgerzaken's waiting
GAUGES = ["waiting", "longest_wait", "agents", "backlog", "oldest_age"]
EVENTS = ["arrived", "answered", "abandoned", "handle_time"]
PLAIN = GAUGES + EVENTS             # a number, plain or {"value": n}
JSONS = ["resolved", "rating", "join", "leave"]  # JSON objects only
COUNTS = ["waiting", "backlog", "arrived"]
METRICS = PLAIN + JSONS
# Characters for names that are no metric: valid UTF-8 that a broker
# takes in a topic (no controls, no / + #), some of several bytes.
NAME_CHARS = [chr(c) for c in range(0x20, 0x7F) if chr(c) not in "/+#"] + \
    list("éüßøñ€漢字ありがとう😀🚑")
# Bytes no number can start with (not space, sign, dot, digit, {, n, i).
NOT_A_START = bytes(b for b in range(256)
                    if b not in b" \t\n\v\f\r\x85\xa0+-.0123456789{nNiI")


def rbytes(n):
    return rnd.randbytes(n)


def junk(lo, hi):
    """Random bytes that no parser takes for a number or JSON object."""
    return bytes([rnd.choice(NOT_A_START)]) + rbytes(rnd.randint(lo, hi) - 1)


def json_junk():
    """Starts like a JSON object, never is one: it does not end in }."""
    body = rnd.choice([
        rbytes(rnd.randint(0, 200)),
        b'"value": 1, ' * rnd.randint(1, 5),
        '"value": "%s' % "".join(rnd.choices(NAME_CHARS, k=20)),
        b'"value": "\xff\xfe"}',       # invalid UTF-8 in a string
        b'"id": [1, 2, {"a": null}',
    ])
    if isinstance(body, str):
        body = body.encode()
    text = b"{" + body
    while text.rstrip(b" \t\n\r").endswith(b"}"):
        text += b","
    return text if not text.endswith(b"}") else text + b"x"


def name_not_metric():
    while True:
        n = "".join(rnd.choices(NAME_CHARS, k=rnd.choice(
            [0, 1, 5, 12, 40, 300])))
        if n not in METRICS:
            return n


def good(metric):
    """A payload wachtd accepts for metric (on a queue without joins)."""
    if metric == "resolved":
        return json.dumps({"direct": rnd.random() < 0.5})
    if metric == "rating":
        return json.dumps(rnd.choice([{"score": rnd.randint(1, 5)},
                                      {"score": rnd.randint(0, 10),
                                       "scale": 10}]))
    if metric == "arrived" and rnd.random() < 0.2:
        return rnd.choice(["", "  ", "{}"])    # one arrival
    v = rnd.randint(0, 500) if metric in COUNTS or rnd.random() < 0.5 \
        else round(rnd.uniform(0, 600), 3)
    return rnd.choice([str(v), " %s\n" % v, json.dumps({"value": v})])


def bad(metric):
    """(payload, reason) for a metric wachtd routes."""
    plain = metric in PLAIN
    kinds = ["too_large", "junk", "json_junk", "bad_field", "empty"]
    if plain:
        kinds += ["not_finite", "negative", "out_of_range", "long_number",
                  "future", "too_late"]
    if metric in COUNTS:
        kinds.append("not_integer")
    if metric in ("join", "leave"):
        kinds.append("bad_id")
    if metric == "leave":
        kinds.append("unknown_id")
    if metric == "rating":
        kinds.append("rating_range")
    k = rnd.choice(kinds)
    if k == "too_large":
        return rbytes(rnd.randint(4097, 32768)), "too_large"
    if k == "junk":         # binary, invalid UTF-8, a word
        return junk(1, 4096), "not_a_number" if plain else "bad_json"
    if k == "json_junk":
        return json_junk(), "bad_json"
    if k == "bad_field":
        return rnd.choice(['{"junk": 1}', '{"value": 1, "x": 2}',
                           '{"ts": 5, "other": true}']), "bad_field"
    if k == "empty":
        if metric == "arrived":
            return "{}", None        # not empty: one arrival
        return rnd.choice(["", " ", "\n\t"]), "empty"
    if k == "not_finite":
        return rnd.choice(["NaN", "nan", "-inf", "+Infinity", "INF", "1e999",
                           "-1e999", " nan "]), "not_finite"
    if k == "negative":
        v = rnd.choice([-1, -0.5, -1e6, -rnd.randint(1, 99999)])
        return rnd.choice([str(v), json.dumps({"value": v})]), "negative"
    if k == "out_of_range":
        v = rnd.choice(["2e9", "1e308", "123456789012345678901234567890",
                        '{"value": 1e300}'])
        return v, "out_of_range"
    if k == "long_number":  # 64 characters or more: no sum of a probe
        return "9" * rnd.randint(64, 4000), "not_a_number"
    if k == "future":
        return '{"value": 1, "ts": %d}' % (time.time() + 100000), "future"
    if k == "too_late":
        return '{"value": 1, "ts": 1000000000}', "too_late"
    if k == "not_integer":
        return rnd.choice(["1.5", "0.001", '{"value": 2.5}']), "not_integer"
    if k == "bad_id":
        return rnd.choice(['{"id": "has space"}', '{"id": ""}', '{"id": 5}',
                           '{}', '{"id": "%s"}' % ("x" * 65),
                           '{"id": "ü"}']), "bad_id"
    if k == "unknown_id":
        return '{"id": "nobody-%d", "outcome": "answered"}' % \
            rnd.randint(0, 1 << 30), "unknown_id"
    if k == "rating_range":
        return rnd.choice(['{"score": 9}', '{"score": 0}',
                           '{"score": 11, "scale": 10}']), "out_of_range"
    raise AssertionError(k)


def message():
    """(topic, payload, fate): fate is "accepted", a reason, or None for
    a topic wachtd does not subscribe to."""
    r = rnd.random()
    queue = rnd.choice(QUEUES)
    if r < 0.05:            # not subscribed: other queues, other depths
        topic = rnd.choice([
            "%s/in/%s/%s" % (prefix, name_not_metric() or "x", "waiting"),
            "%s/in/%s" % (prefix, queue),
            "%s/in/%s/waiting/extra" % (prefix, queue),
            "%s/in/nergens/%s" % (prefix, rnd.choice(METRICS)),
            "pbx/queue/601/calls", "elders/%s" % name_not_metric(),
        ])
        return topic, junk(1, 100), None
    if r < 0.15:            # a name that is no metric
        return "%s/in/%s/%s" % (prefix, queue, name_not_metric()), \
            junk(1, 300) if rnd.random() < 0.5 else good("backlog"), \
            "unknown_metric"
    if r < 0.20:            # the adopted topic: a waiting gauge
        topic, metric = FOREIGN, "waiting"
    else:
        metric = rnd.choice(METRICS)
        topic = "%s/in/%s/%s" % (prefix, queue, metric)
    if rnd.random() < 0.25 and metric not in ("join", "leave"):
        return topic, good(metric), "accepted"
    payload, why = bad(metric)
    return topic, payload, why or "accepted"


expect = {"accepted": 0, "rejected": {}, "elsewhere": 0, "messages": 0,
          "bytes": 0}
client = tinymqtt.Client(port, "garbage-%d" % os.getpid())
inflight = 0
for i in range(count):
    topic, payload, fate = message()
    if isinstance(payload, str):
        payload = payload.encode()
    if fate is None:
        expect["elsewhere"] += 1
    elif fate == "accepted":
        expect["accepted"] += 1
    else:
        expect["rejected"][fate] = expect["rejected"].get(fate, 0) + 1
    expect["messages"] += 1
    expect["bytes"] += len(payload)
    client.publish(topic.encode(), payload, qos=1)
    inflight += 1
    while inflight >= 500 or (i == count - 1 and inflight > 0):
        for kind, _ in client.packets(5):
            inflight -= kind == tinymqtt.PUBACK
print(json.dumps(expect, sort_keys=True))
