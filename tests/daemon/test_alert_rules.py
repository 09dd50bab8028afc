"""The shipped alerting rules: promtool accepts them, their unit tests pass, and every
driftguard metric they use is one the daemon exports."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from prometheus_client import CollectorRegistry

from driftguard.daemon.metrics import ScanMetrics

PROMETHEUS = Path(__file__).resolve().parents[2] / "configs/prometheus"


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("promtool") is None:
        pytest.fail("promtool not found: make test installs Debian's prometheus package")
    return subprocess.run(["promtool", *args], cwd=PROMETHEUS, capture_output=True, text=True,
                          timeout=120)


def test_promtool_checks_the_rules() -> None:
    proc = promtool("check", "rules", "alerts.yml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "SUCCESS: 9 rules found" in proc.stdout


def test_promtool_unit_tests_pass() -> None:
    proc = promtool("test", "rules", "alerts_test.yml")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_alert_has_a_unit_test_firing_and_not_firing() -> None:
    alerts = {r["alert"] for g in yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())
              ["groups"] for r in g["rules"]}
    cases = [c for t in yaml.safe_load((PROMETHEUS / "alerts_test.yml").read_text())["tests"]
             for c in t["alert_rule_test"]]
    for alert in alerts:
        mine = [c for c in cases if c["alertname"] == alert]
        assert any(c["exp_alerts"] for c in mine), f"{alert} never tested firing"
        assert any(not c["exp_alerts"] for c in mine), f"{alert} never tested silent"


def test_rules_use_only_metrics_the_daemon_exports() -> None:
    registry = CollectorRegistry()
    ScanMetrics(registry)
    exported = {s.name for m in registry.collect() for s in m.samples}
    exported |= {m.name for m in registry.collect()}
    text = (PROMETHEUS / "alerts.yml").read_text()
    used = set(re.findall(r"\bdriftguard_[a-z_]+", text))
    assert used and used <= exported | {n + "_total" for n in exported}, used - exported
    assert "up{" in text  # a shard that is down: its target


def test_the_shipped_prometheus_config_is_valid(tmp_path: Path) -> None:
    """prometheus.yml as compose mounts it: the rules at /etc/prometheus/alerts.yml."""
    (tmp_path / "alerts.yml").write_text((PROMETHEUS / "alerts.yml").read_text())
    config = (PROMETHEUS / "prometheus.yml").read_text()
    assert "/etc/prometheus/alerts.yml" in config and "driftguard:9717" in config
    (tmp_path / "prometheus.yml").write_text(
        config.replace("/etc/prometheus/alerts.yml", str(tmp_path / "alerts.yml")))
    proc = promtool("check", "config", str(tmp_path / "prometheus.yml"))
    assert proc.returncode == 0, proc.stdout + proc.stderr


DASHBOARD = PROMETHEUS.parent / "grafana/dashboards/driftguard.json"


def dashboard_queries() -> list[str]:
    """Every panel's PromQL, with the dashboard's $job variable set to all jobs."""
    doc = json.loads(DASHBOARD.read_text())
    return [t["expr"].replace("$job", ".*") for p in doc["panels"] for t in p["targets"]]


def test_dashboard_panels_use_exported_metrics() -> None:
    doc = json.loads(DASHBOARD.read_text())
    ids = [p["id"] for p in doc["panels"]]
    assert len(ids) == len(set(ids)) and doc["uid"] == "driftguard"
    registry = CollectorRegistry()
    ScanMetrics(registry)
    exported = {s.name for m in registry.collect() for s in m.samples} | {
        m.name for m in registry.collect()}
    used = set(re.findall(r"\bdriftguard_[a-z_]+", " ".join(dashboard_queries())))
    suffixes = ("_total", "_bucket", "_sum", "_count")
    assert {u for u in used if u not in exported and not u.endswith(suffixes)} == set()
