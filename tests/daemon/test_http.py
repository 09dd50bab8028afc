"""The daemon's HTTP server under load and abuse (hostile test 2026-12-01, area 4)."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import pytest
from daemon_helpers import daemon_config, http, http_json
from daemon_helpers import wait_until as wait
from prometheus_client import CollectorRegistry

from driftguard.config import Config
from driftguard.daemon.http import make_server, start_http
from driftguard.daemon.service import Daemon
from driftguard.model import CheckResult


def raw(port: int, data: bytes, timeout: float = 5) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        out = b""
        while chunk := sock.recv(65536):
            out += chunk
    return out


def test_connections_wait_in_a_real_backlog(tmp_path: Path) -> None:
    """D24: listen(5) dropped the SYNs of a burst (retransmitted after 1 s: p99 ~1 s at
    20 clients). Here nothing accepts: 64 connections must still complete at once."""
    server = make_server(Daemon(daemon_config(tmp_path), registry=CollectorRegistry()),
                         "127.0.0.1:0")
    clients = []
    try:
        start = time.monotonic()
        for _ in range(64):
            clients.append(socket.create_connection(server.server_address[:2], timeout=0.5))
        assert time.monotonic() - start < 0.5
    finally:
        for sock in clients:
            sock.close()
        server.server_close()


def test_a_request_that_never_finishes_is_closed(tmp_path: Path) -> None:
    """D24: half-sent requests (slowloris) held a thread each, forever."""
    daemon = Daemon(daemon_config(tmp_path), registry=CollectorRegistry())
    server = start_http(daemon, "127.0.0.1:0", request_timeout=0.5)
    port = server.server_address[1]
    try:
        base = threading.active_count()
        idle = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(20)]
        for sock in idle:
            sock.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")  # never finished
        wait(lambda: threading.active_count() >= base + 20, 5, "a thread per connection")
        for sock in idle:
            assert sock.recv(1024) == b""  # closed by the server after its timeout
            sock.close()
        wait(lambda: threading.active_count() <= base, 5, "the threads to end")
        assert http(f"http://127.0.0.1:{port}/healthz")[0] == 200
    finally:
        server.shutdown()
        server.server_close()


def test_a_token_that_is_not_ascii_is_a_401(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """D23: hmac.compare_digest raised TypeError on `Bearer éé`: no answer at all."""
    monkeypatch.setenv("DRIFTGUARD_API_TOKEN", "s3cr3t-token")
    server = start_http(Daemon(daemon_config(tmp_path), registry=CollectorRegistry()),
                        "127.0.0.1:0")
    try:
        port = server.server_address[1]
        for token in (b"\xe9\xe9", "s3cr3t-tokén".encode(), b"\xff" * 100):
            answer = raw(port, b"POST /api/v1/scan HTTP/1.1\r\nHost: x\r\nConnection: close"
                               b"\r\nContent-Length: 0\r\nAuthorization: Bearer " + token
                               + b"\r\n\r\n")
            assert answer.startswith(b"HTTP/1.0 401 "), answer[:80]
    finally:
        server.shutdown()
        server.server_close()


class HeldScan:
    """A scan that waits until released, then returns an empty result."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls = 0

    def __call__(self, config: Config, **_: object) -> CheckResult:
        self.calls += 1
        self.release.wait(30)
        return CheckResult(sources=[], resources=0, rules=[], findings=[])


def test_a_scan_asked_for_while_one_runs_is_refused_not_lost(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """D29: the POST answered 202 and the run was then skipped (max_instances=1)."""
    monkeypatch.setenv("DRIFTGUARD_API_TOKEN", "s3cr3t-token")
    scan = HeldScan()
    config = daemon_config(tmp_path, [{"name": "a", "interval": "1h"},
                                      {"name": "b", "interval": "1h"}])
    daemon = Daemon(config, registry=CollectorRegistry(), scan=scan)
    server = start_http(daemon, "127.0.0.1:0")
    base = f"http://127.0.0.1:{server.server_address[1]}/api/v1/scan"
    auth = {"Authorization": "Bearer s3cr3t-token"}
    try:
        daemon.start()
        wait(lambda: daemon.state["a"].running and daemon.state["b"].running, 10, "scans")
        code, body = http(base + "?job=a", "POST", auth)
        assert (code, json.loads(body)["running"]) == (409, ["a"])
        assert http(base, "POST", auth)[0] == 409  # all jobs: some are scanning
        scan.release.set()
        wait(lambda: not any(s.running for s in daemon.state.values()), 10, "scans to end")
        scan.release.clear()
        assert http_json(base + "?job=a", method="POST", headers=auth) == (
            202, {"triggered": ["a"]})
        assert http(base + "?job=a", "POST", auth)[0] == 409  # pending or running: once
        wait(lambda: scan.calls == 3, 10, "the triggered scan")
        scan.release.set()
        wait(lambda: daemon.state["a"].attempts == 2, 10, "the triggered scan to end")
        assert daemon.registry.get_sample_value("driftguard_scans_skipped_total",
                                                {"scan_job": "a"}) == 0
    finally:
        scan.release.set()
        daemon.stop(timeout=10)
        server.shutdown()
        server.server_close()
