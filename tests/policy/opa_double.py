"""A TEST DOUBLE of an OPA server: OPA's REST API over real HTTP, answered by OPA's own Go
engine (tests/policy/real_opa.py: the `rego` package of OPA, in process).

There is no OPA binary on the test machines, so the opa engine's tests talk to this: a real
HTTP server on a free port that implements the endpoints driftguard uses, with OPA's status
codes and JSON shapes, and OPA's evaluation and compile errors:

    GET    /health                       200 {}
    GET    /v1/policies                  {"result": [{"id", "raw"}, ...]}
    PUT    /v1/policies/<id>             200 {}; modules that OPA does not compile (parse,
                                         type, safety errors, conflicts with data): 400 with
                                         errors[] {code, message, location {file, row, col}}
    GET    /v1/policies/<id>             {"result": {"id", "raw"}}; 404
    DELETE /v1/policies/<id>             200 {}; 404; 400 when the rest does not compile
    PUT    /v1/data[/<path>]             204 (a JSON document at that path); 400 when it
                                         conflicts with a policy
    GET    /v1/data/<path>               {"result": value}, or {} when undefined
    POST   /v1/data/<path>               same, with the body's "input"; 500 on an
                                         evaluation error

What is not OPA's server: the HTTP layer (this file). The same tests run against a real
OPA server when DRIFTGUARD_OPA_URL is set.

For failure tests: `tls` serves https with that context, `token` makes every request need
`Authorization: Bearer <token>`, `delay` makes queries (POST) answer late, and `override`
answers queries with a fixed (status, content type, body).
"""

from __future__ import annotations

import json
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from policy.real_opa import CompileError, OpaEngine, OpaError, compile_modules

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class _State:
    policies: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    engine: OpaEngine | None = None  # OPA's engine, compiled over policies and data


class OpaDouble:
    """`with OpaDouble() as opa: opa.url` - serves on 127.0.0.1 on a free port."""

    def __init__(self, token: str | None = None, tls: ssl.SSLContext | None = None) -> None:
        self.token = token
        self.delay = 0.0
        self.override: tuple[int, str, bytes] | None = None
        self.requests: list[tuple[str, str]] = []  # (method, path), for assertions
        self._state = _State()
        self._lock = threading.Lock()  # one change or evaluation at a time, as in a store
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._scheme = "https" if tls is not None else "http"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self._scheme}://{host}:{port}"

    def __enter__(self) -> OpaDouble:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            if self._state.engine is not None:
                self._state.engine.close()
                self._state.engine = None

    # --- the REST API's behaviour ---

    def put_policy(self, policy_id: str, text: str) -> dict[str, Any] | None:
        """None when accepted, else OPA's 400 body. As OPA does, every module is compiled
        again with the new one; the same text again changes nothing (the set compiled)."""
        with self._lock:
            if self._state.policies.get(policy_id) == text:
                return None
            return self._change({**self._state.policies, policy_id: text}, self._state.data)

    def delete_policy(self, policy_id: str) -> dict[str, Any] | None | bool:
        """None when deleted, False when there is no such policy, else OPA's 400 body (the
        other modules do not compile without it)."""
        with self._lock:
            if policy_id not in self._state.policies:
                return False
            rest = {i: t for i, t in self._state.policies.items() if i != policy_id}
            return self._change(rest, self._state.data)

    def put_data(self, path: list[str], value: Any) -> dict[str, Any] | None:
        """None when stored, else OPA's 400 body (the document conflicts with a policy)."""
        with self._lock:
            data = json.loads(json.dumps(self._state.data))
            if not path:
                data = value
            else:
                node = data
                for part in path[:-1]:
                    node = node.setdefault(part, {})
                node[path[-1]] = value
            if data == self._state.data:
                return None
            return self._change(self._state.policies, data)

    def query(self, path: list[str], policy_input: Any = None) -> dict[str, Any]:
        """OPA's answer: {"result": value}, or {} when the document is undefined;
        OpaError on an evaluation error."""
        ref = "data" + "".join(f".{p}" if _IDENT.match(p) else f"[{json.dumps(p)}]"
                               for p in path)
        with self._lock:
            if self._state.engine is None:
                self._state.engine = compile_modules(self._state.policies, self._state.data)
            rows = self._state.engine.eval_query(f"x = {ref}", policy_input)
        return {"result": rows[0]["x"]} if rows else {}

    def _change(self, policies: dict[str, str], data: dict[str, Any]) -> dict[str, Any] | None:
        """Compile the new state; keep it when OPA accepts it, else OPA's 400 body."""
        try:
            engine = compile_modules(policies, data)
        except CompileError as exc:
            return {"code": "invalid_parameter",
                    "message": "error(s) occurred while compiling module(s)",
                    "errors": exc.errors}
        if self._state.engine is not None:
            self._state.engine.close()
        self._state = _State(dict(policies), data, engine)
        return None

    # --- HTTP ---

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        double = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()  # headers and body are two writes: no Nagle delay between
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, *args: Any) -> None:  # quiet test output
                pass

            def do_GET(self) -> None:
                self._route("GET")

            def do_PUT(self) -> None:
                self._route("PUT")

            def do_POST(self) -> None:
                self._route("POST")

            def do_DELETE(self) -> None:
                self._route("DELETE")

            def _route(self, method: str) -> None:
                path = self.path.split("?", 1)[0]
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                double.requests.append((method, path))
                if double.token and self.headers.get("Authorization") != f"Bearer {double.token}":
                    return self._json(401, {"code": "unauthorized",
                                            "message": "missing or invalid bearer token"})
                try:
                    self._dispatch(method, path, body)
                except OpaError as exc:  # evaluation error, as OPA reports it
                    self._json(500, {"code": "internal_error", "message": exc.message})
                except CompileError as exc:  # modules changed behind the API's back
                    self._json(500, {"code": "internal_error", "message": str(exc)})
                except ValueError as exc:
                    self._json(400, {"code": "invalid_parameter", "message": str(exc)})

            def _dispatch(self, method: str, path: str, body: bytes) -> None:
                if path == "/health" and method == "GET":
                    return self._json(200, {})
                if path.rstrip("/") == "/v1/policies" and method == "GET":
                    with double._lock:
                        items = [{"id": i, "raw": t} for i, t in double._state.policies.items()]
                    return self._json(200, {"result": items})
                if path.startswith("/v1/policies/"):
                    return self._policy(method, path.removeprefix("/v1/policies/"), body)
                if path == "/v1/data" or path.startswith("/v1/data/"):
                    parts = [p for p in path.removeprefix("/v1/data").split("/") if p]
                    return self._data(method, parts, body)
                self._json(404, {"code": "resource_not_found", "message": f"{path} not found"})

            def _policy(self, method: str, policy_id: str, body: bytes) -> None:
                if method == "PUT":
                    error = double.put_policy(policy_id, body.decode("utf-8"))
                    return self._json(400, error) if error else self._json(200, {})
                if method == "GET":
                    with double._lock:
                        raw = double._state.policies.get(policy_id)
                    if raw is not None:
                        return self._json(200, {"result": {"id": policy_id, "raw": raw}})
                elif method == "DELETE":
                    error = double.delete_policy(policy_id)
                    if error is None:
                        return self._json(200, {})
                    if error:
                        return self._json(400, error)
                self._json(404, {"code": "resource_not_found",
                                 "message": f"storage_not_found_error: policy id {policy_id!r}"})

            def _data(self, method: str, parts: list[str], body: bytes) -> None:
                if method == "PUT":
                    error = double.put_data(parts, json.loads(body))
                    if error:
                        return self._json(400, error)
                    return self._reply(204, "application/json", b"")
                if method == "POST":
                    if double.override is not None:
                        return self._reply(*double.override)
                    time.sleep(double.delay)
                    policy_input = json.loads(body).get("input") if body else None
                    return self._json(200, double.query(parts, policy_input))
                if method == "GET":
                    return self._json(200, double.query(parts))
                self._json(405, {"code": "method_not_allowed", "message": method})

            def _json(self, status: int, doc: Any) -> None:
                self._reply(status, "application/json", json.dumps(doc).encode())

            def _reply(self, status: int, content_type: str, payload: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler

