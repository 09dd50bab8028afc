"""A stand-in for Slack on a real local socket: it records every request and answers like
Slack does (incoming webhooks: `ok`; Web API: JSON `{"ok": true}`), or as scripted
(429 with Retry-After, 500, an error code), and can go down and come back on its port.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

WEBHOOK_PATH = "/services/T0DRIFT/B0GUARD/s3cr3tW3bh00kT0k3n"


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    status: int = 200
    error: str = ""  # Slack's error code, in the body
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (a hanging Slack)


class SlackReceiver:
    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.script: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def webhook_url(self) -> str:
        return self.url + WEBHOOK_PATH

    @property
    def api_base_url(self) -> str:
        return self.url + "/api/"

    def reply(self, *replies: Reply) -> None:
        """Answer the next requests so, in order; then `ok` again."""
        with self._lock:
            self.script.extend(replies)

    def answer_normally(self) -> None:
        """Drop the replies still scripted: `ok` from now on."""
        with self._lock:
            self.script.clear()

    def posts(self) -> list[Request]:
        with self._lock:
            return list(self.requests)

    def bodies(self) -> list[Any]:
        return [r.json for r in self.posts()]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Request]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if len(self.posts()) >= count:
                return self.posts()
            time.sleep(0.05)
        raise AssertionError(f"expected {count} requests, got {len(self.posts())}")

    def up(self) -> SlackReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._lock:
                    receiver.requests.append(Request("POST", self.path, dict(self.headers), body))
                    reply = receiver.script.popleft() if receiver.script else Reply()
                time.sleep(reply.delay)
                api = self.path.startswith("/api/")
                if api:
                    ok = reply.status == 200 and not reply.error
                    doc: dict[str, Any] = {"ok": ok}
                    if ok:
                        doc.update(channel="C0DRIFT", ts=f"{time.time():.6f}")
                    else:
                        doc["error"] = reply.error or "internal_error"
                    data, ctype = json.dumps(doc).encode(), "application/json"
                else:
                    data = (reply.error or ("ok" if reply.status == 200 else "error")).encode()
                    ctype = "text/html"
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(data)))
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a hanging Slack): as Slack would

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def down(self) -> None:
        """Stop listening: connections are refused until up() again."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
