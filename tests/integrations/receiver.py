"""A webhook receiver on 127.0.0.1 for the tests: a threaded http.server whose answer the
test sets (`status`, or `hang` seconds before answering), that keeps every request it got
and can be stopped and started again on the same port ("goes away and comes back")."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.liveserver import free_port


class Receiver:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.status = 200
        self.hang = 0.0
        self.hang_at: int | None = None  # only the request with this index hangs
        self.arrived = 0
        self.received: list[tuple[dict, bytes, dict]] = []  # (message, raw body, headers)
        self.answered: list[int] = []
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    index = receiver.arrived
                    receiver.arrived += 1
                if receiver.hang and receiver.hang_at in (None, index):
                    time.sleep(receiver.hang)
                status = receiver.status
                with receiver.lock:
                    receiver.answered.append(status)
                    if 200 <= status < 300:
                        receiver.received.append((json.loads(raw), raw, dict(self.headers)))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def messages(self) -> list[dict]:
        with self.lock:
            return [message for message, _, _ in self.received]
