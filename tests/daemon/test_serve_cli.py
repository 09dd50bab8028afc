"""`driftguard serve` as a process: bad config, a taken port, SIGTERM during a scan."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import yaml
from daemon_helpers import REGION, create_bucket
from daemon_helpers import wait_until as wait


def serve(config: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "driftguard", "serve", "-c", str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=dict(os.environ))


def write(path: Path, doc: dict[str, object]) -> Path:
    path.write_text(yaml.safe_dump(doc))
    return path


def test_bad_config_is_one_line_and_exit_2(tmp_path: Path) -> None:
    config = write(tmp_path / "dg.yaml", {"scan": {"types": ["aws_s3_bucket"]},
                                          "serve": {"jobs": [{"name": "x", "cron": "61 * * * *"}]}})
    proc = serve(config)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert out.count("\n") == 1 and str(config) in out and "serve.jobs.0" in out, out


def test_a_taken_port_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = write(tmp_path / "dg.yaml", {
            "scan": {"types": ["aws_s3_bucket"]},
            "serve": {"listen": f"127.0.0.1:{port}", "history": "h.sqlite"}})
        proc = serve(config)
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2 and out.count("\n") == 1 and f"127.0.0.1:{port}" in out, out


def test_sigterm_abandons_a_long_scan_within_the_timeout(aws: str, tmp_path: Path) -> None:
    for i in range(10):
        create_bucket(f"ml-slow-{i}")
    config = write(tmp_path / "dg.yaml", {
        "aws": {"regions": [REGION], "rates": {"s3": 1}},  # ~50 detail calls: ~50 s
        "scan": {"types": ["aws_s3_bucket"]},
        "serve": {"listen": "127.0.0.1:0", "history": "h.sqlite", "shutdown_timeout": 1}})
    proc = serve(config)
    assert proc.stdout is not None
    wait(lambda: "listening on" in proc.stdout.readline(), 60, "the daemon to start")
    time.sleep(3)  # inside the first scan
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert time.monotonic() - started < 10
    assert "abandoning the scan in progress" in out and "Traceback" not in out
    with sqlite3.connect(tmp_path / "h.sqlite") as db:
        assert db.execute("SELECT count(*) FROM scans").fetchone()[0] == 0
