# qmatic_server.py PORT STATE LOG: a stand-in for Qmatic Orchestra's REST
# interface, for tests/integration/t_probe_qmatic.sh. Python 3 stdlib only.
#
# GET /rest/servicepoint/branches/{branch}/queues answers, as Orchestra
# does, a JSON array of the branch's queues with customersWaiting and
# waitingTime, behind HTTP Basic authentication. The test steers it with
# the JSON file STATE, read again on every request:
#
#   {"user": "wachtd", "password": "geheim",    Basic credentials (401
#                                               when the request's differ)
#    "branches": {"1": [{"id": 1, "name": "Burgerzaken",
#                        "tickets": [EPOCH, ...]}]},
#    "status": 500,        answer this status instead (default 200)
#    "delay": 4,           seconds before answering (a timeout)
#    "body": "[{\"id\""    answer this text instead of the queue list}
#
# A queue waits as its tickets say, on the real clock: customersWaiting is
# the number of tickets, waitingTime the seconds since the oldest was
# drawn (0 when none), so two polls see time pass as at a real counter.
# A branch not in "branches" is 404. Every request appends one JSON line
# to LOG as it comes in: {"path", "auth" (credentials right), "status",
# "kind" (ok, 401, 404, status, body or slow: what the state made of it),
# "served" ({id: [customersWaiting, waitingTime]})}.
import base64, http.server, json, re, sys, threading, time

port, state_path, log_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lock = threading.Lock()
PATH = re.compile(r"^/rest/servicepoint/branches/(\d+)/queues/?$")


def load_state():
    try:
        with open(state_path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def reply(self, code, body, extra=None):
        data = body.encode()
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass    # the probe gave up (timeout test)

    def do_GET(self):
        st = load_state()
        want = "%s:%s" % (st.get("user", ""), st.get("password", ""))
        got = self.headers.get("Authorization", "")
        auth = got == "Basic " + base64.b64encode(want.encode()).decode()
        m = PATH.match(self.path)
        served, extra, kind = {}, None, "ok"
        if not auth:
            code, body, kind = 401, '{"error": "Unauthorized"}', "401"
            extra = {"WWW-Authenticate": 'Basic realm="Orchestra"'}
        elif m is None or m.group(1) not in st.get("branches", {}):
            code, body, kind = 404, '{"error": "Not Found"}', "404"
        elif st.get("status", 200) != 200:
            code, body = st["status"], "<html><body>Error</body></html>"
            kind = "status"
        elif "body" in st:
            code, body, kind = 200, st["body"], "body"
        else:
            now, out = time.time(), []
            for q in st["branches"][m.group(1)]:
                t = q.get("tickets", [])
                wait = int(now - min(t)) if t else 0
                served[q["id"]] = [len(t), wait]
                out.append({"id": q["id"], "name": q.get("name", ""),
                            "customersWaiting": len(t),
                            "waitingTime": wait,
                            "estimatedWaitingTime": 0,
                            "serviceLevel": 0})
            code, body = 200, json.dumps(out)
        if float(st.get("delay", 0)) > 0:
            kind = "slow"
        with lock:
            with open(log_path, "a") as f:
                print(json.dumps({"path": self.path, "auth": auth,
                                  "status": code, "kind": kind,
                                  "served": served}), file=f)
        time.sleep(float(st.get("delay", 0)))
        self.reply(code, body, extra)

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


Server(("127.0.0.1", port), Handler).serve_forever()
