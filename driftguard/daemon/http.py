"""The daemon's HTTP endpoints: /metrics, /healthz, /readyz, /api/v1/findings, and a
token-protected POST /api/v1/scan. Read-only unless the token is configured and sent.

The findings hold resource addresses and messages (values too, for attributes the catalog
shows or with scan.show_values): when the server listens beyond loopback (0.0.0.0 in a
container), GET /api/v1/findings needs the same bearer token as POST; with no token
configured it is then refused (403). On loopback it stays open, as /metrics is.

One thread per connection, each bounded: a request must arrive whole within
REQUEST_TIMEOUT seconds (an idle or half-sent connection is closed, so 300 of them do not
hold 300 threads), and connections wait in a listen backlog of LISTEN_BACKLOG, not
socketserver's 5 (20 concurrent scrapers saw SYN retransmits: p99 of a second)."""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.metrics_core import Metric

from driftguard.daemon.service import Daemon
from driftguard.report.json_report import finding_doc

log = logging.getLogger("driftguard.serve")
REQUEST_TIMEOUT = 10.0  # seconds for a request to arrive whole, and for its answer to go
LISTEN_BACKLOG = socket.SOMAXCONN


def parse_listen(listen: str) -> tuple[str, int]:
    host, _, port = listen.rpartition(":")
    return host.strip("[]") or "127.0.0.1", int(port)


class _Server(ThreadingHTTPServer):
    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True


def make_server(daemon: Daemon, listen: str, request_timeout: float = REQUEST_TIMEOUT
                ) -> ThreadingHTTPServer:
    """The server, bound and listening, not yet serving."""
    host, port = parse_listen(listen)
    return _Server((host, port), _handler(daemon, request_timeout, private=not loopback(host)))


def start_http(daemon: Daemon, listen: str, request_timeout: float = REQUEST_TIMEOUT
               ) -> ThreadingHTTPServer:
    """Serve in a background thread; returns the server (its port is server_address[1])."""
    server = make_server(daemon, listen, request_timeout)
    threading.Thread(target=server.serve_forever, name="driftguard-http", daemon=True).start()
    return server


def loopback(host: str) -> bool:
    """Whether only this machine can reach a server listening on `host`."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name: it may resolve to anything


def exposition(daemon: Daemon) -> bytes:
    """The registry in Prometheus text format; a shard labels every sample with
    `shard="I/N"` so that shards stay apart wherever they are scraped from."""
    if daemon.shard is None:
        return generate_latest(daemon.registry)
    shard = str(daemon.shard)

    class Labelled:
        def collect(self) -> Iterator[Metric]:
            for metric in daemon.registry.collect():
                metric.samples = [s._replace(labels={**s.labels, "shard": shard})
                                  for s in metric.samples]
                yield metric

    labelled = CollectorRegistry(auto_describe=False)
    labelled.register(Labelled())
    return generate_latest(labelled)


def _bears(header: str, token: str) -> bool:
    """The Authorization header is `Bearer <token>`, compared in constant time as bytes
    (compare_digest refuses str that is not ASCII: a TypeError, and no answer)."""
    given = header.encode("utf-8", "surrogateescape")
    return hmac.compare_digest(given, f"Bearer {token}".encode("utf-8", "surrogateescape"))


def _handler(daemon: Daemon, request_timeout: float, private: bool = False
             ) -> type[BaseHTTPRequestHandler]:
    """`private`: the findings need the token too (the server listens beyond loopback)."""
    token = os.environ.get(daemon.config.serve.api_token_env) or None

    class Handler(BaseHTTPRequestHandler):
        server_version = "driftguard"
        timeout = request_timeout  # the socket's: headers and body must come in time

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            url = urlsplit(self.path)
            if url.path == "/metrics":
                self._send(200, exposition(daemon), CONTENT_TYPE_LATEST)
            elif url.path == "/healthz":
                self._json(200, {"status": "alive"})
            elif url.path == "/readyz":
                ready = daemon.ready()
                self._json(200 if ready else 503, {"ready": ready, "jobs": daemon.status()})
            elif url.path == "/api/v1/findings":
                if private and not self._authorized("reading findings beyond loopback"):
                    return
                job = parse_qs(url.query).get("job", [None])[0]
                now = time.time()
                self._json(200, {"findings": [
                    {**finding_doc(o.finding), "scan_job": o.scan_job,
                     "first_seen": o.first_seen, "last_seen": o.last_seen,
                     "age_seconds": round(now - o.first_seen, 1)}
                    for o in daemon.history.open_findings(job)]})
            else:
                self._json(404, {"error": "not found"})

        def do_POST(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            if url.path != "/api/v1/scan":
                self._json(404, {"error": "not found"})
            elif not self._authorized("scan trigger"):
                return
            else:
                job = parse_qs(url.query).get("job", [None])[0]
                names = [job] if job else list(daemon.jobs)
                if job is not None and job not in daemon.jobs:
                    self._json(404, {"error": f"no job named {job}"})
                    return
                busy = daemon.trigger(names)
                if busy:
                    self._json(409, {"error": f"already scanning: {', '.join(busy)}; "
                                              "nothing was started, try again when it is "
                                              "done", "running": busy})
                else:
                    self._json(202, {"triggered": names})

        def _authorized(self, what: str) -> bool:
            """The request bears the API token; else the refusal is sent (403 without a
            token configured, 401 without the right one)."""
            if token is None:
                self._json(403, {"error": f"{what} disabled: no API token configured "
                                          f"(${daemon.config.serve.api_token_env})"})
                return False
            if not _bears(self.headers.get("Authorization", ""), token):
                self._json(401, {"error": "missing or wrong bearer token"})
                return False
            return True

        def _json(self, code: int, doc: Any) -> None:
            self._send(code, json.dumps(doc).encode(), "application/json")

        def _send(self, code: int, body: bytes, content_type: str) -> None:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            log.debug("http: " + format, *args)

    return Handler
