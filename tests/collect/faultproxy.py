"""A fault-injecting HTTP proxy in front of moto's server, on a real local socket: what
a flaky network, an overloaded service or a captive portal answers in AWS's place.

Each request is matched against the rules in order (service from the SigV4 credential
scope, and the operation or a substring of it: the X-Amz-Target header, the query Action,
or "METHOD /path?query" for REST services, "GET /" for S3's ListBuckets); the first rule
that matches decides:

    throttle      the service's throttling error (503 SlowDown, RequestLimitExceeded, ...)
    accessdenied  the service's access-denied error
    500           500 with a plain-text body (a load balancer's page)
    empty200      200 with an empty body
    object200     200 with an empty JSON object, `{}`
    garbage200    200 with an HTML page (a captive portal)
    truncate      moto's answer cut in half, then the connection closed
    reset         the connection reset without an answer
    delay:N       N seconds of silence, then moto's answer

Anything else goes to moto unchanged. `requests` records (service, operation, mode) of
every request, so tests count what botocore sent.
"""

from __future__ import annotations

import http.client
import random
import re
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_THROTTLE = {
    "s3": (503, "application/xml", b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>"
           b"SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"),
    "ec2": (503, "text/xml", b"<Response><Errors><Error><Code>RequestLimitExceeded</Code>"
            b"<Message>Request limit exceeded.</Message></Error></Errors><RequestID>x"
            b"</RequestID></Response>"),
    "query": (400, "text/xml", b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling"
              b"</Code><Message>Rate exceeded</Message></Error><RequestId>x</RequestId>"
              b"</ErrorResponse>"),
    "json": (400, "application/x-amz-json-1.1",
             b'{"__type":"ThrottlingException","message":"Rate exceeded"}'),
}
_DENIED = {
    "s3": (403, "application/xml", b"<Error><Code>AccessDenied</Code><Message>Access Denied"
           b"</Message></Error>"),
    "ec2": (403, "text/xml", b"<Response><Errors><Error><Code>UnauthorizedOperation</Code>"
            b"<Message>You are not authorized to perform this operation.</Message></Error>"
            b"</Errors><RequestID>x</RequestID></Response>"),
    "query": (403, "text/xml", b"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied"
              b"</Code><Message>User is not authorized</Message></Error></ErrorResponse>"),
    "json": (400, "application/x-amz-json-1.1",
             b'{"__type":"AccessDeniedException","message":"not authorized"}'),
}
_JSON_SERVICES = {"kms", "ecr", "sagemaker", "eks", "batch"}


def _family(service: str) -> str:
    if service in ("s3", "ec2"):
        return service
    return "json" if service in _JSON_SERVICES else "query"


@dataclass(frozen=True)
class Rule:
    service: str = "*"
    match: str = ""  # a substring of the operation (with `exact`: the whole of it)
    mode: str = "pass"
    exact: bool = False
    share: float = 1.0  # of the matching requests, at random (0.3: about one in three)

    def matches(self, service: str, operation: str) -> bool:
        return self.service in ("*", service) and (
            operation == self.match if self.exact else self.match in operation) and (
            self.share >= 1.0 or random.random() < self.share)


@dataclass(frozen=True)
class Seen:
    service: str
    operation: str
    mode: str


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (a timeout case) is not the proxy's problem


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.removeprefix("http://").rstrip("/")
        self.rules: list[Rule] = []
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def inject(self, *rules: Rule) -> FaultProxy:
        with self._lock:
            self.rules = list(rules)
            self.requests.clear()
        return self

    def seen(self, service: str | None = None, mode: str | None = None) -> list[Seen]:
        with self._lock:
            return [s for s in self.requests if service in (None, s.service)
                    and mode in (None, s.mode)]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _decide(self, service: str, operation: str) -> str:
        with self._lock:
            mode = next((r.mode for r in self.rules if r.matches(service, operation)),
                        "pass")
            self.requests.append(Seen(service, operation, mode))
        return mode

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                scope = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/",
                                  self.headers.get("Authorization", ""))
                service = scope[1] if scope else "?"
                operation = self.headers.get("X-Amz-Target", "")
                if not operation:
                    action = re.search(rb"Action=([A-Za-z0-9]+)", body)
                    operation = action[1].decode() if action else f"{self.command} {self.path}"
                mode = proxy._decide(service, operation)
                if mode.startswith("delay:"):
                    time.sleep(float(mode.split(":", 1)[1]))
                    mode = "pass"
                if mode == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                               b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    self.close_connection = True
                    return
                if mode in ("throttle", "accessdenied"):
                    code, ctype, data = (_THROTTLE if mode == "throttle" else _DENIED)[
                        _family(service)]
                    return self._send(code, {"Content-Type": ctype}, data)
                if mode == "500":
                    return self._send(500, {"Content-Type": "text/plain"},
                                      b"Internal Server Error")
                if mode == "empty200":
                    return self._send(200, {"Content-Type": "text/xml"}, b"")
                if mode == "object200":
                    return self._send(200, {"Content-Type": "application/x-amz-json-1.1"},
                                      b"{}")
                if mode == "garbage200":
                    return self._send(200, {"Content-Type": "text/html"},
                                      b"<html><body>Captive portal</body></html>")
                status, headers, data = self._forward(body)
                if mode == "truncate":
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                self._send(status, headers, data)

            def _forward(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
                conn = http.client.HTTPConnection(proxy.upstream, timeout=60)
                try:
                    conn.request(self.command, self.path, body=body, headers={
                        k: v for k, v in self.headers.items() if k.lower() != "connection"})
                    resp = conn.getresponse()
                    data = resp.read()
                finally:
                    conn.close()
                skip = ("transfer-encoding", "connection", "content-length")
                return resp.status, {k: v for k, v in resp.getheaders()
                                     if k.lower() not in skip}, data

            def _send(self, status: int, headers: dict[str, str], data: bytes) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _any  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        return Handler
