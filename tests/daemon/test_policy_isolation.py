"""One job's policy cannot take the daemon down (hostile test 2026-12-01, D1 and D15)."""

from __future__ import annotations

import time
from pathlib import Path

from daemon_helpers import create_bucket, daemon_config, http
from daemon_helpers import wait_until as wait
from prometheus_client import CollectorRegistry

from driftguard.daemon.http import start_http
from driftguard.daemon.service import Daemon

SLOW = ("package driftguard.rules.slow\nimport rego.v1\ndeny contains msg if {\n"
        "  n := count({x | some a in numbers.range(1, 12000); some b in numbers.range(1, 12000);"
        " x := a * b})\n  msg := sprintf(\"%v\", [n])\n}\n")
RECURSIVE = ("package driftguard.rules.x\nimport rego.v1\nf(x) := y if { y := f(x) }\n"
             "deny contains msg if { msg := f(1) }\n")


def _daemon(tmp_path: Path, policy: str, **top: object) -> Daemon:
    directory = tmp_path / "policies"
    directory.mkdir()
    (directory / "p.rego").write_text(policy)
    config = daemon_config(tmp_path).with_overrides(policy_dirs=[directory], **top)
    return Daemon(config, registry=CollectorRegistry())


def test_a_slow_policy_fails_its_scan_and_the_daemon_keeps_serving(aws: str,
                                                                   tmp_path: Path) -> None:
    """The evaluation runs in a child process: the daemon's GIL stays free (HTTP answers
    meanwhile), and the child is killed at policy_timeout. An evaluation in the daemon's
    own process would hold every request for the whole timeout; the bound is half of it, a
    margin for a loaded machine."""
    create_bucket("ml-data")
    timeout = 10.0
    daemon = _daemon(tmp_path, SLOW, policy_timeout=timeout)
    server = start_http(daemon, "127.0.0.1:0")
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        daemon.start()
        slowest, deadline = 0.0, time.monotonic() + 60
        while daemon.state["default"].attempts == 0:  # all through the scan
            assert time.monotonic() < deadline, "the scan did not end"
            start = time.monotonic()
            assert http(base + "/healthz")[0] == 200
            slowest = max(slowest, time.monotonic() - start)
            time.sleep(0.1)
        assert slowest < timeout / 2
        state = daemon.state["default"]
        assert state.failing and "did not finish within 10 s" in (state.last_error or "")
        assert http(base + "/readyz")[0] == 200  # up, and saying what failed
    finally:
        daemon.stop(timeout=10)
        server.shutdown()


def test_a_recursive_policy_fails_the_scans_not_the_process(aws: str, tmp_path: Path) -> None:
    """d6: the whole daemon segfaulted (exit 139), every job with it."""
    daemon = _daemon(tmp_path, RECURSIVE)
    try:
        daemon.start()
        wait(lambda: daemon.state["default"].attempts == 1, 60, "the scan")
        assert "rego_recursion_error" in (daemon.state["default"].last_error or "")
        assert daemon.registry.get_sample_value("driftguard_scan_errors_total", {
            "scan_job": "default", "reason": "PolicyError"}) == 1
    finally:
        daemon.stop(timeout=10)
