"""The example Alertmanager config, end to end: Debian's Alertmanager loads it (webhook URL
files pointed at the local Slack stand-in, group_wait shortened so the test takes seconds,
nothing else changed), receives driftguard alerts on /api/v2/alerts and posts them to Slack,
critical and warning alerts each to their own webhook."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from slack_receiver import SlackReceiver

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "configs" / "alertmanager"
ALERTMANAGER = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
AMTOOL = shutil.which("amtool")


def test_example_passes_amtool_check_config() -> None:
    if AMTOOL is None:
        pytest.skip("amtool not installed (Debian package prometheus-alertmanager)")
    proc = subprocess.run([AMTOOL, "check-config", str(EXAMPLE / "alertmanager.yml")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 templates" in proc.stdout and "2 receivers" in proc.stdout


def test_example_has_no_secret_in_it() -> None:
    text = (EXAMPLE / "alertmanager.yml").read_text()
    assert "hooks.slack.com" not in text and "api_url:" not in text
    config = yaml.safe_load(text)
    for receiver in config["receivers"]:
        assert all("api_url_file" in c for c in receiver["slack_configs"])


def local_copy(tmp_path: Path, receiver: SlackReceiver) -> tuple[Path, dict[str, str]]:
    """The example in tmp_path, each webhook URL file pointing at the receiver (a path per
    receiver name); returns the config and the URL path each receiver posts to."""
    for name in ("alertmanager.yml", "driftguard.tmpl"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    config = yaml.safe_load((tmp_path / "alertmanager.yml").read_text())
    paths = {}
    for rec in config["receivers"]:
        paths[rec["name"]] = f"/services/T0/{rec['name']}/secret"
        url_file = tmp_path / f"{rec['name']}.url"
        url_file.write_text(receiver.url + paths[rec["name"]] + "\n")
        for slack in rec["slack_configs"]:
            slack["api_url_file"] = str(url_file)
    config["route"]["group_wait"] = "1s"
    (tmp_path / "alertmanager.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return tmp_path / "alertmanager.yml", paths


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def alertmanager(tmp_path: Path, receiver: SlackReceiver
                 ) -> Iterator[tuple[str, dict[str, str]]]:
    if ALERTMANAGER is None:
        pytest.skip("Alertmanager not installed (Debian package prometheus-alertmanager)")
    config, paths = local_copy(tmp_path, receiver)
    url = f"http://127.0.0.1:{_free_port()}"
    log = (tmp_path / "alertmanager.log").open("w")
    proc = subprocess.Popen(
        [ALERTMANAGER, f"--config.file={config}", f"--storage.path={tmp_path / 'data'}",
         f"--web.listen-address={url.removeprefix('http://')}", "--cluster.listen-address="],
        stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/-/ready", timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("alertmanager did not start:\n" +
                            (tmp_path / "alertmanager.log").read_text())
            time.sleep(0.2)
        yield url, paths
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def post_alerts(url: str, alerts: list[dict[str, Any]]) -> None:
    request = urllib.request.Request(f"{url}/api/v2/alerts", data=json.dumps(alerts).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as resp:
        assert resp.status == 200


def alert(name: str, severity: str, summary: str, **labels: str) -> dict[str, Any]:
    return {"labels": {"alertname": name, "severity": severity, "scan_job": "prod", **labels},
            "annotations": {"summary": summary, "description": f"details of {name}"},
            "startsAt": datetime.now(UTC).isoformat()}


def test_alertmanager_posts_driftguard_alerts_to_slack(
        alertmanager: tuple[str, dict[str, str]], receiver: SlackReceiver) -> None:
    url, paths = alertmanager
    post_alerts(url, [
        alert("DriftguardHighSeverityViolation", "critical",
              "DG-ENC-001 (high) violated in 123456789012/eu-west-1", rule_id="DG-ENC-001"),
        alert("DriftguardNewDrift", "warning", "New drift in prod (DG-DRIFT-002)",
              rule_id="DG-DRIFT-002"),
    ])
    posts = {r.path: r.json for r in receiver.wait_for(2, timeout=30)}
    assert set(posts) == {paths["slack-driftguard-critical"], paths["slack-driftguard"]}

    critical = posts[paths["slack-driftguard-critical"]]
    assert critical["channel"] == "#security-alerts"
    [attachment] = critical["attachments"]
    assert attachment["title"] == "[FIRING:1] DriftguardHighSeverityViolation · job prod"
    assert attachment["color"] == "danger"
    assert attachment["text"].splitlines() == [
        ":rotating_light: *DG-ENC-001 (high) violated in 123456789012/eu-west-1*",
        "details of DriftguardHighSeverityViolation"]

    drift = posts[paths["slack-driftguard"]]
    assert drift["channel"] == "#infra-drift"
    assert drift["attachments"][0]["title"] == "[FIRING:1] DriftguardNewDrift · job prod"
    assert drift["attachments"][0]["color"] == "warning"
    assert "*New drift in prod (DG-DRIFT-002)*" in drift["attachments"][0]["text"]
