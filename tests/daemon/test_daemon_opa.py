"""With the opa engine, an OPA outage fails the scan (never "no violations"): the daemon
counts and logs it, keeps running, and the next scan after OPA is back succeeds."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from daemon_helpers import daemon_config, free_port, open_ssh_group
from policy.opa_double import OpaDouble

from driftguard.daemon.service import Daemon


def test_opa_down_is_a_failed_scan_then_recovers(aws: str, tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    open_ssh_group()
    config = daemon_config(tmp_path).with_overrides(
        engine="opa",
        opa={"url": f"http://127.0.0.1:{free_port()}",  # nothing listens there
             "ready_timeout": 0.5})
    daemon = Daemon(config)
    job = {"scan_job": "default"}

    daemon.run_job("default")
    daemon.run_job("default")
    assert daemon.registry.get_sample_value("driftguard_last_scan_ok", job) == 0
    assert daemon.registry.get_sample_value(
        "driftguard_scan_errors_total", {**job, "reason": "PolicyError"}) == 2
    assert daemon.history.scans("default") == 0  # no scan recorded, nothing resolved
    assert any("scan failed" in r.message and "opa" in r.message.lower()
               for r in caplog.records)

    with OpaDouble() as opa:
        stale = daemon.jobs["default"]  # OPA is back
        daemon.jobs["default"] = replace(
            stale, config=stale.config.with_overrides(opa={"url": opa.url}))
        daemon.run_job("default")
    assert daemon.registry.get_sample_value("driftguard_last_scan_ok", job) == 1
    assert daemon.registry.get_sample_value("driftguard_violations", {
        **job, "account": "123456789012", "region": "eu-west-1", "rule_id": "DG-NET-003",
        "severity": "critical"}) == 1
