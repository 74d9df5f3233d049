# receiver.py PORT DIR [CERT KEY]: a webhook receiver for the tests. It
# writes each POST body to DIR/N.body and a JSON line to DIR/log before it
# answers. A path with /sleep/S answers after S seconds, /status/N with N,
# /once500 with 500 the first time and 200 after, /fail with 500,
# /redirect with 302 to /target.
import http.server, json, ssl, sys, threading, time

port, rec = int(sys.argv[1]), sys.argv[2]
lock = threading.Lock()
seq = 0
failed = set()

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        global seq
        n = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(n)
        with lock:
            seq += 1
            with open(f"{rec}/{seq}.body", "wb") as f:
                f.write(body)
            with open(f"{rec}/log", "a") as f:
                print(json.dumps({"n": seq, "method": self.command,
                    "path": self.path, "type": self.headers["Content-Type"],
                    "agent": self.headers["User-Agent"]}), file=f)
        code, extra = 200, {}
        if "/sleep/" in self.path:
            time.sleep(float(self.path.rsplit("/", 1)[1]))
        elif self.path == "/fail":
            code = 500
        elif "/status/" in self.path:
            code = int(self.path.rsplit("/", 1)[1])
        elif "/once500" in self.path:
            with lock:
                code = 200 if self.path in failed else 500
                failed.add(self.path)
        elif self.path == "/redirect":
            code, extra = 302, {"Location": "/target"}
        try:
            self.send_response(code)
            for k, v in extra.items():
                self.send_header(k, v)
            self.send_header("Content-Length", "3")
            self.end_headers()
            self.wfile.write(b"ok\n")
        except OSError:
            pass    # the client gave up (timeout test)

    def log_message(self, *args):
        pass

class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 64     # 20 connects at once
    daemon_threads = True

srv = Server(("127.0.0.1", port), Handler)
if len(sys.argv) > 3:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[3], sys.argv[4])
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
