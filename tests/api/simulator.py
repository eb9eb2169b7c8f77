"""A stand-in for another system, on loopback: a real HTTP server, started by the tests, that
records every call, can reject (answer with a status) or delay them, checks their HMAC
signature, and serves national-portal submissions for the pull.

It deduplicates by the Idempotency-Key header as a careful receiver does: `accepted` holds
each delivery once, in the order of first arrival; `received` holds every call, repeats
included."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Simulator:
    def __init__(self, secret=None, max_age=300):
        self.secret, self.max_age = secret, max_age
        self.received, self.accepted = [], []
        self.answers = []  # statuses for the next calls, consumed one per call (then 200)
        self.delays = {}  # call number (1-based) -> seconds to wait before answering
        self.submissions = []  # what GET /submissions serves (the national pull)
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def payloads(self):
        return [json.loads(call["body"]) for call in self.accepted]

    def signature_ok(self, headers, body):
        if self.secret is None:
            return True
        timestamp = headers.get("X-Portal-Timestamp", "")
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > self.max_age:
            return False
        expected = "sha256=" + hmac.new(self.secret.encode(), f"{timestamp}.".encode() + body,
                                        hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, headers.get("X-Portal-Signature", ""))

    def _handler(self):
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802
                if self.path.startswith("/submissions"):
                    self._send(200, {"submissions": simulator.submissions})
                else:
                    self._send(404, {})

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = dict(self.headers.items())
                with simulator.lock:
                    number = len(simulator.received) + 1
                    call = {"number": number, "path": self.path, "headers": headers, "body": body}
                    simulator.received.append(call)
                    status = simulator.answers.pop(0) if simulator.answers else 200
                    signed = simulator.signature_ok(headers, body)
                    key = headers.get("Idempotency-Key")
                    if status == 200 and signed and key not in {c["headers"].get("Idempotency-Key")
                                                                  for c in simulator.accepted}:
                        simulator.accepted.append(call)
                delay = simulator.delays.get(number)
                if delay:
                    time.sleep(delay)
                if not signed:
                    self._send(401, {"error": "bad signature"})
                else:
                    self._send(status, {"ok": status == 200})

        return Handler
