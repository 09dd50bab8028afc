"""End to end: `driftguard serve` (a real process, against moto's server) scraped by a real
Prometheus loading the shipped alert rules; drift introduced; the alert fires. Then a
SIGTERM, and a restart that remembers what it had seen."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from daemon_helpers import REGION, TYPES, create_bucket, free_port, http, open_ssh_group
from daemon_helpers import wait_until as wait
from test_alert_rules import dashboard_queries

ALERTS = Path(__file__).resolve().parents[2] / "configs/prometheus/alerts.yml"


def start_serve(tmp_path: Path, port: int, log_name: str) -> subprocess.Popen[bytes]:
    config = tmp_path / "driftguard.yaml"
    config.write_text(yaml.safe_dump({
        "aws": {"regions": [REGION]},
        "scan": {"types": TYPES},
        "serve": {"listen": f"127.0.0.1:{port}", "history": "history.sqlite",
                  "jobs": [{"name": "ml-prod", "interval": "2s"}]},
    }))
    log = (tmp_path / log_name).open("wb")
    return subprocess.Popen([sys.executable, "-m", "driftguard", "serve", "-c", str(config)],
                            stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ))


def stop(proc: subprocess.Popen[bytes], timeout: float = 40) -> int:
    proc.send_signal(signal.SIGTERM)
    return proc.wait(timeout=timeout)


@pytest.fixture
def prometheus(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """A Prometheus (Debian's package) scraping the port it yields, every second."""
    binary = shutil.which("prometheus")
    if binary is None:
        pytest.fail("prometheus not found: make test installs Debian's prometheus package")
    target = free_port()
    config = tmp_path / "prometheus.yml"
    config.write_text(yaml.safe_dump({
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(ALERTS)],
        "scrape_configs": [{"job_name": "driftguard",
                            "static_configs": [{"targets": [f"127.0.0.1:{target}"]}]}],
    }))
    port = free_port()
    proc = subprocess.Popen([binary, f"--config.file={config}",
                             f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                             f"--web.listen-address=127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=(tmp_path / "prom.log").open("wb"))
    base = f"http://127.0.0.1:{port}"
    try:
        wait(lambda: http(base + "/-/ready")[0] == 200, 60, "Prometheus to be ready")
        yield base, target
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def query(base: str, promql: str) -> list[dict[str, Any]]:
    code, body = http(f"{base}/api/v1/query?query={urllib.parse.quote(promql)}")
    assert code == 200, body
    return list(json.loads(body)["data"]["result"])


def firing(base: str) -> dict[str, dict[str, str]]:
    alerts = json.loads(http(base + "/api/v1/alerts")[1])["data"]["alerts"]
    return {a["labels"]["alertname"]: a["labels"] for a in alerts if a["state"] == "firing"}


def test_prometheus_scrapes_the_daemon_and_alerts_on_new_drift(
        aws: str, tmp_path: Path, prometheus: tuple[str, int]) -> None:
    base, port = prometheus
    open_ssh_group()
    create_bucket("ml-datasets")
    serve = start_serve(tmp_path, port, "serve.log")
    try:
        wait(lambda: query(base, 'driftguard_last_scan_ok{scan_job="ml-prod"} == 1'), 90,
             "a scraped successful scan")
        [violation] = query(base, 'driftguard_violations{rule_id="DG-NET-003"}')
        assert violation["metric"]["severity"] == "critical"
        assert violation["metric"]["account"] == "123456789012"
        drift = query(base, 'driftguard_drifted_resources{kind="unmanaged",type="aws_s3_bucket"}')
        assert [d["value"][1] for d in drift] == ["1"]
        wait(lambda: "DriftguardHighSeverityViolation" in firing(base), 60,
             "the high-severity alert")
        assert "DriftguardNewDrift" not in firing(base)  # what was there at start is baseline

        create_bucket("stray-exports")  # drift behind the code's back
        alert = wait(lambda: firing(base).get("DriftguardNewDrift"), 90, "the new-drift alert")
        assert alert["rule_id"] == "DG-DRIFT-003" and alert["scan_job"] == "ml-prod"
        drift = query(base, 'driftguard_drifted_resources{kind="unmanaged",type="aws_s3_bucket"}')
        assert [d["value"][1] for d in drift] == ["2"]
        # Every Grafana panel's query is valid PromQL over what was scraped.
        for promql in dashboard_queries():
            query(base, promql)
    finally:
        code = stop(serve)
    log = (tmp_path / "serve.log").read_text()
    assert code == 0, log
    assert "Traceback" not in log

    # Restarted on the same history: nothing it had seen is new again.
    serve = start_serve(tmp_path, port, "serve2.log")
    try:
        wait(lambda: "scan done" in (tmp_path / "serve2.log").read_text(), 90,
             "a scan after restart")
    finally:
        assert stop(serve) == 0
    assert "(0 new, 0 resolved)" in (tmp_path / "serve2.log").read_text()
