"""A TEST DOUBLE of an OPA server: OPA's REST API, answered by the embedded regorus engine.

This is not OPA. There is no OPA binary on the test machines, so the opa engine's tests talk
to this: a real HTTP server on a free port that implements the endpoints driftguard uses,
with OPA's status codes and JSON shapes:

    GET    /health                       200 {}
    GET    /v1/policies                  {"result": [{"id", "raw"}, ...]}
    PUT    /v1/policies/<id>             200 {}; a policy that does not parse: 400 with
                                         errors[].location {file: <id>, row, col}
    GET    /v1/policies/<id>             {"result": {"id", "raw"}}; 404
    DELETE /v1/policies/<id>             200 {}; 404
    PUT    /v1/data[/<path>]             204 (a JSON document at that path)
    GET    /v1/data/<path>               {"result": value}, or {} when undefined
    POST   /v1/data/<path>               same, with the body's "input"

Known differences from OPA: regorus only parses on PUT (OPA also type-checks, so it rejects
calls to undefined functions there), and the data paths are not checked for conflicts with
packages. The same tests run against a real OPA when DRIFTGUARD_OPA_URL is set.

For failure tests: `tls` serves https with that context, `token` makes every request need
`Authorization: Bearer <token>`, `delay` makes queries (POST) answer late, and `override`
answers queries with a fixed (status, content type, body).
"""

from __future__ import annotations

import json
import queue
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import regorus

from driftguard.policy.embedded import engine_error

_LOCATED = re.compile(r"^(?P<file>.+?):(?P<row>\d+):(?P<col>\d+): (?P<msg>.*)$")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class _State:
    policies: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    version: int = 0  # bumped on every change


class OpaDouble:
    """`with OpaDouble() as opa: opa.url` - serves on 127.0.0.1 on a free port."""

    def __init__(self, token: str | None = None, tls: ssl.SSLContext | None = None) -> None:
        self.token = token
        self.delay = 0.0
        self.override: tuple[int, str, bytes] | None = None
        self.requests: list[tuple[str, str]] = []  # (method, path), for assertions
        self._state = _State()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._scheme = "https" if tls is not None else "http"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._work: queue.Queue[Any] = queue.Queue()
        self._worker = threading.Thread(target=self._engine_thread, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self._scheme}://{host}:{port}"

    def __enter__(self) -> OpaDouble:
        self._thread.start()
        self._worker.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._work.put(None)
        self._worker.join()

    # --- the REST API's behaviour ---

    def put_policy(self, policy_id: str, text: str) -> dict[str, Any] | None:
        """None when accepted, else OPA's 400 body."""
        def parse(_: regorus.Engine) -> None:  # regorus checks syntax per module: alone
            _compile({policy_id: text}, {})

        try:
            self._on_engine(parse)
        except RuntimeError as exc:
            return _parse_error(exc)
        with self._lock:
            self._state.policies[policy_id] = text
            self._state.version += 1
        return None

    def delete_policy(self, policy_id: str) -> bool:
        with self._lock:
            found = self._state.policies.pop(policy_id, None) is not None
            self._state.version += 1
        return found

    def put_data(self, path: list[str], value: Any) -> None:
        with self._lock:
            if not path:
                self._state.data = value
            else:
                node = self._state.data
                for part in path[:-1]:
                    node = node.setdefault(part, {})
                node[path[-1]] = value
            self._state.version += 1

    def query(self, path: list[str], policy_input: Any = None) -> dict[str, Any]:
        """OPA's answer: {"result": value}, or {} when the document is undefined."""
        ref = "data" + "".join(f".{p}" if _IDENT.match(p) else f"[{json.dumps(p)}]"
                               for p in path)

        def run(engine: regorus.Engine) -> list[Any]:
            engine.set_input(policy_input if policy_input is not None else {})
            return json.loads(engine.eval_query_as_json(ref)).get("result") or []

        rows = self._on_engine(run)
        return {"result": rows[0]["expressions"][0]["value"]} if rows else {}

    def _on_engine(self, fn: Callable[[regorus.Engine], Any]) -> Any:
        """Run `fn` on the engine thread: a regorus engine must stay on the thread that
        made it, and rebuilding it per request would be slow."""
        done: Future[Any] = Future()
        self._work.put((fn, done))
        return done.result()

    def _engine_thread(self) -> None:
        engine, version = None, -1
        while (item := self._work.get()) is not None:
            fn, done = item
            try:
                with self._lock:
                    if version != self._state.version:
                        engine = _compile(self._state.policies, self._state.data)
                        version = self._state.version
                done.set_result(fn(engine))
            except RuntimeError as exc:  # a new one: the traceback's frames hold engines
                done.set_exception(RuntimeError(str(exc)))

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
                except RuntimeError as exc:  # evaluation error, as OPA reports it
                    self._json(500, {"code": "internal_error", "message": engine_error(exc)})
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
                elif method == "DELETE" and double.delete_policy(policy_id):
                    return self._json(200, {})
                self._json(404, {"code": "resource_not_found",
                                 "message": f"storage_not_found_error: policy id {policy_id!r}"})

            def _data(self, method: str, parts: list[str], body: bytes) -> None:
                if method == "PUT":
                    double.put_data(parts, json.loads(body))
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


def _compile(policies: dict[str, str], data: dict[str, Any]) -> regorus.Engine:
    engine = regorus.Engine()
    for policy_id, text in policies.items():
        engine.add_policy(policy_id, text)
    engine.add_data(data)
    return engine


def _parse_error(exc: RuntimeError) -> dict[str, Any]:
    """OPA's 400 body for a module that does not parse, located in the module's id."""
    line = engine_error(exc)
    error: dict[str, Any] = {"code": "rego_parse_error", "message": line}
    located = _LOCATED.match(line)
    if located:
        error["message"] = located["msg"]
        error["location"] = {"file": located["file"], "row": int(located["row"]),
                             "col": int(located["col"])}
    return {"code": "invalid_parameter",
            "message": "error(s) occurred while compiling module(s)", "errors": [error]}
