"""The daemon in-process, against moto's server: metrics, history, scheduling, shutdown."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from daemon_helpers import REGION, create_bucket, daemon_config, http, http_json, open_ssh_group
from daemon_helpers import wait_until as wait
from prometheus_client import CollectorRegistry

from driftguard import pipeline
from driftguard.config import Config
from driftguard.daemon.http import start_http
from driftguard.daemon.service import Daemon
from driftguard.errors import InputError
from driftguard.model import CheckResult


def sample(daemon: Daemon, name: str, **labels: str) -> float | None:
    return daemon.registry.get_sample_value(name, labels)


def test_scans_feed_metrics_and_history(aws: str, tmp_path: Path) -> None:
    open_ssh_group()
    create_bucket("ml-datasets")
    daemon = Daemon(daemon_config(tmp_path))
    daemon.run_job("default")

    account = "123456789012"
    job = {"scan_job": "default"}
    assert sample(daemon, "driftguard_drifted_resources", **job, account=account, region="",
                  type="aws_s3_bucket", kind="unmanaged") == 1
    assert sample(daemon, "driftguard_violations", **job, account=account, region=REGION,
                  rule_id="DG-NET-003", severity="critical") == 1
    assert sample(daemon, "driftguard_last_scan_ok", **job) == 1
    assert sample(daemon, "driftguard_coverage_ratio", **job, type="aws_s3_bucket") == 0
    assert sample(daemon, "driftguard_resources", **job, source="live") >= 2
    assert sample(daemon, "driftguard_aws_api_calls_total", service="s3",
                  operation="ListBuckets") == 1
    assert sample(daemon, "driftguard_scan_duration_seconds_count", **job) == 1
    first_new = sample(daemon, "driftguard_new_findings_total", **job, rule_id="DG-DRIFT-003",
                       severity="medium")
    # The first scan is the baseline: the bucket and the group were there at start, so
    # the new-drift alert does not depend on whether Prometheus scraped before it.
    assert first_new == 0

    # Drift introduced behind the code's back: only the new bucket is new.
    create_bucket("stray-exports")
    daemon.run_job("default")
    assert sample(daemon, "driftguard_new_findings_total", **job, rule_id="DG-DRIFT-003",
                  severity="medium") == 1
    assert sample(daemon, "driftguard_drifted_resources", **job, account=account, region="",
                  type="aws_s3_bucket", kind="unmanaged") == 2
    open_findings = daemon.history.open_findings("default")
    assert {o.finding.resource_address for o in open_findings
            if o.finding.resource_type == "aws_s3_bucket"} >= {"ml-datasets", "stray-exports"}

    # Fixed: the series goes away instead of keeping its last value; resolved is counted.
    import boto3
    boto3.client("s3").delete_bucket(Bucket="stray-exports")
    daemon.run_job("default")
    assert sample(daemon, "driftguard_resolved_findings_total", **job, rule_id="DG-DRIFT-003",
                  severity="medium") == 1
    assert sample(daemon, "driftguard_drifted_resources", **job, account=account, region="",
                  type="aws_s3_bucket", kind="unmanaged") == 1
    # Nothing unbounded in any label: no bucket name, no group id.
    exposition = http_free_metrics(daemon)
    assert "ml-datasets" not in exposition and "sg-" not in exposition


def http_free_metrics(daemon: Daemon) -> str:
    from prometheus_client import generate_latest
    return generate_latest(daemon.registry).decode()


class SlowScan:
    """The real scan, made slow, counting how many run at once."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.running, self.most, self.calls = seconds, 0, 0, 0
        self.lock = threading.Lock()
        self.release = threading.Event()  # ends the wait early

    def __call__(self, config: Config, **kwargs: Any) -> CheckResult:
        with self.lock:
            self.running += 1
            self.calls += 1
            self.most = max(self.most, self.running)
        try:
            self.release.wait(self.seconds)
            return pipeline.scan(config, **kwargs)
        finally:
            with self.lock:
                self.running -= 1


def test_a_slow_scan_never_overlaps_itself(aws: str, tmp_path: Path,
                                           caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    slow = SlowScan(2.5)
    daemon = Daemon(daemon_config(tmp_path, [{"name": "fast", "interval": 1}]), scan=slow)
    daemon.start()
    try:
        wait(lambda: slow.calls >= 2 and daemon.state["fast"].attempts >= 2, 30, "two scans")
    finally:
        assert daemon.stop(timeout=10)
    assert slow.most == 1
    skipped = sample(daemon, "driftguard_scans_skipped_total", scan_job="fast")
    assert skipped >= 2
    assert daemon.history.scans("fast") >= 2  # one that ends during stop is not recorded
    # each skipped run logged once: the daemon's line, not APScheduler's too
    lines = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert lines == ["job fast: run skipped, the previous one is still going"] * int(skipped)


def test_one_failing_job_does_not_stop_the_others(aws: str, tmp_path: Path) -> None:
    config = daemon_config(tmp_path, [
        {"name": "good", "interval": 1},
        {"name": "broken", "interval": 1, "scan": {"states": [str(tmp_path / "gone.tfstate")]}},
    ])
    daemon = Daemon(config)
    daemon.start()
    try:
        wait(lambda: min(s.attempts for s in daemon.state.values()) >= 2, 30, "both jobs twice")
    finally:
        daemon.stop(timeout=10)
    assert sample(daemon, "driftguard_last_scan_ok", scan_job="good") == 1
    assert sample(daemon, "driftguard_last_scan_ok", scan_job="broken") == 0
    assert sample(daemon, "driftguard_scan_errors_total", scan_job="broken",
                  reason="InputError") >= 2
    assert daemon.state["broken"].failing and "gone.tfstate" in daemon.state["broken"].last_error
    assert daemon.history.scans("broken") == 0  # a failed scan resolves nothing


def test_stop_waits_for_a_scan_or_abandons_it_unrecorded(aws: str, tmp_path: Path) -> None:
    daemon = Daemon(daemon_config(tmp_path / "a"), scan=SlowScan(1.5))
    daemon.start()
    wait(lambda: daemon.state["default"].running, 10, "the first scan to start")
    assert daemon.stop(timeout=20) is True  # waited for the 1.5 s scan, not timed out
    assert daemon.history.scans("default") == 0  # finished during shutdown: not recorded

    slow = SlowScan(30)
    daemon = Daemon(daemon_config(tmp_path / "b"), scan=slow)
    daemon.start()
    wait(lambda: daemon.state["default"].running, 10, "the first scan to start")
    started = time.monotonic()
    assert daemon.stop(timeout=0.5) is False
    assert time.monotonic() - started < 3
    slow.release.set()  # the abandoned scan ends later: still not recorded
    wait(lambda: not daemon.state["default"].running, 30, "the abandoned scan to end")
    assert daemon.history.scans("default") == 0


def test_http_endpoints(aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRIFTGUARD_API_TOKEN", "s3cr3t-token")
    create_bucket("ml-models")
    daemon = Daemon(daemon_config(tmp_path), registry=CollectorRegistry())
    server = start_http(daemon, "127.0.0.1:0")
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert http_json(base + "/healthz") == (200, {"status": "alive"})
        assert http(base + "/readyz")[0] == 503  # no scan yet
        assert http(base + "/api/v1/scan", "POST")[0] == 401
        assert http(base + "/api/v1/scan", "POST", {"Authorization": "Bearer nope"})[0] == 401
        assert http(base + "/api/v1/findings", "POST")[0] == 404
        daemon.start()
        wait(lambda: http(base + "/readyz")[0] == 200, 30, "readiness")
        code, doc = http_json(base + "/api/v1/findings?job=default")
        assert code == 200
        [bucket] = [f for f in doc["findings"] if f["rule_id"] == "DG-DRIFT-003"]
        assert bucket["resource"]["address"] == "ml-models" and bucket["age_seconds"] >= 0
        metrics = http(base + "/metrics")[1].decode()
        assert 'driftguard_last_scan_ok{scan_job="default"} 1.0' in metrics

        create_bucket("ml-features")
        ok = http_json(base + "/api/v1/scan?job=default", method="POST",
                       headers={"Authorization": "Bearer s3cr3t-token"})
        assert ok == (202, {"triggered": ["default"]})
        wait(lambda: len(http_json(base + "/api/v1/findings")[1]["findings"]) >= 2, 30,
             "the triggered scan")
        assert http(base + "/api/v1/scan?job=nope", "POST",
                    {"Authorization": "Bearer s3cr3t-token"})[0] == 404
    finally:
        daemon.stop(timeout=10)
        server.shutdown()


def test_trigger_is_disabled_without_a_token(aws: str, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DRIFTGUARD_API_TOKEN", raising=False)
    daemon = Daemon(daemon_config(tmp_path))
    server = start_http(daemon, "127.0.0.1:0")
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        assert http(base + "/api/v1/scan", "POST", {"Authorization": "Bearer "})[0] == 403
    finally:
        server.shutdown()


def test_findings_beyond_loopback_need_the_token(aws: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """D6: listening on 0.0.0.0 (the image's setting), GET /api/v1/findings needs the bearer
    token that POST needs, and is refused without one configured; /metrics stays open."""
    create_bucket("ml-models")
    monkeypatch.delenv("DRIFTGUARD_API_TOKEN", raising=False)
    daemon = Daemon(daemon_config(tmp_path / "a"))
    daemon.run_job("default")
    server = start_http(daemon, "0.0.0.0:0")
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        code, doc = http_json(base + "/api/v1/findings")
        assert code == 403 and "no API token configured" in doc["error"]
        assert http(base + "/metrics")[0] == 200
    finally:
        server.shutdown()

    monkeypatch.setenv("DRIFTGUARD_API_TOKEN", "s3cr3t-token")
    server = start_http(daemon, "0.0.0.0:0")
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        assert http(base + "/api/v1/findings")[0] == 401
        assert http(base + "/api/v1/findings", headers={"Authorization": "Bearer no"})[0] == 401
        code, doc = http_json(base + "/api/v1/findings",
                              headers={"Authorization": "Bearer s3cr3t-token"})
        assert code == 200 and doc["findings"]
    finally:
        server.shutdown()
    # The history holds the findings too (and the Slack outbox): its owner's only (was 0644).
    files = list((tmp_path / "a").glob("history.sqlite*"))
    assert files and all(path.stat().st_mode & 0o777 == 0o600 for path in files)


@pytest.mark.parametrize(("jobs", "problem"), [
    ([{"name": "a", "interval": "1h", "scan": {"types": []}}], "nothing to compare"),
    ([{"name": "a", "interval": "1h"}, {"name": "a", "cron": "0 * * * *"}], "unique"),
    ([{"name": "a", "interval": "1h", "aws": {"max_workers": 0}}], "serve.jobs.0 (a): aws.max"),
])
def test_bad_jobs_are_refused_at_start(tmp_path: Path, jobs: list[dict[str, object]],
                                       problem: str) -> None:
    config = daemon_config(tmp_path, jobs)
    with pytest.raises(InputError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        Daemon(config, where="dg.yaml")


def test_a_scan_that_reads_nothing_has_failed(aws: str, tmp_path: Path) -> None:
    """An endpoint that answers nothing: every type not checked and no account. The job
    fails (last_scan_ok 0, so ScanFailing fires), and nothing is recorded or resolved."""
    from daemon_helpers import free_port

    dead = daemon_config(tmp_path).with_overrides(aws={
        "endpoint_url": f"http://127.0.0.1:{free_port()}", "max_attempts": 1})
    daemon = Daemon(dead)
    daemon.run_job("default")
    assert sample(daemon, "driftguard_last_scan_ok", scan_job="default") == 0
    assert sample(daemon, "driftguard_scan_errors_total", scan_job="default",
                  reason="NothingRead") == 1
    state = daemon.state["default"]
    assert state.failing and state.last_error is not None
    assert state.last_error.startswith("nothing could be read from AWS: ")
    assert daemon.history.scans("default") == 0

    # Half of it readable is incomplete, not failed: S3 answers, EC2 is denied.
    from collect.faultproxy import FaultProxy, Rule

    proxy = FaultProxy(aws).inject(Rule("ec2", mode="accessdenied"))
    try:
        half = Daemon(daemon_config(tmp_path / "half").with_overrides(aws={
            "endpoint_url": proxy.url, "max_attempts": 1}))
        half.run_job("default")
    finally:
        proxy.close()
    assert sample(half, "driftguard_last_scan_ok", scan_job="default") == 1
    assert sample(half, "driftguard_last_scan_incomplete", scan_job="default") == 1
    assert half.history.scans("default") == 1
