"""The daemon tells Slack (a local receiver) what is new and resolved, when a job starts
failing and recovers, and sends a digest; never the same finding twice."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from daemon_helpers import create_bucket, daemon_config
from notify.slack_receiver import SlackReceiver

from driftguard.config import SlackSettings
from driftguard.daemon.service import Daemon


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlackReceiver]:
    rec = SlackReceiver().up()
    monkeypatch.setenv("DRIFTGUARD_SLACK_WEBHOOK_URL", rec.webhook_url)
    yield rec
    rec.down()


def slack_daemon(tmp_path: Path, **jobs: object) -> Daemon:
    config = daemon_config(tmp_path, **jobs).with_overrides(
        slack=SlackSettings.model_validate({"enabled": True, "max_wait": 3, "timeout": 2}))
    return Daemon(config)


def text(body: dict[str, object]) -> str:
    return json.dumps(body)


def test_new_and_resolved_findings_reach_slack_once(aws: str, tmp_path: Path,
                                                    receiver: SlackReceiver) -> None:
    create_bucket("ml-datasets")
    daemon = slack_daemon(tmp_path)
    daemon.run_job("default")
    [first] = receiver.bodies()
    assert "ml-datasets" in text(first)

    daemon.run_job("default")  # nothing changed: nothing posted
    assert len(receiver.bodies()) == 1

    create_bucket("stray-exports")
    daemon.run_job("default")
    second = receiver.bodies()[-1]
    assert "stray-exports" in text(second) and "ml-datasets" not in text(second)

    boto3.client("s3").delete_bucket(Bucket="stray-exports")
    daemon.run_job("default")
    assert "stray-exports" in text(receiver.bodies()[-1])  # resolved
    assert len(receiver.bodies()) == 3

    daemon.send_digest()
    assert "ml-datasets" in text(receiver.bodies()[-1])


def test_a_failing_job_is_announced_once_and_its_recovery_too(
        aws: str, tmp_path: Path, receiver: SlackReceiver) -> None:
    state = tmp_path / "later.tfstate"
    daemon = slack_daemon(tmp_path, jobs=[
        {"name": "prod", "interval": "1h", "scan": {"states": [str(state)]}}])
    daemon.run_job("prod")
    daemon.run_job("prod")
    [failing] = receiver.bodies()
    assert "prod" in text(failing) and "later.tfstate" in text(failing)

    state.write_text(json.dumps({"version": 4, "terraform_version": "1.9.5", "serial": 1,
                                 "lineage": "x", "outputs": {}, "resources": []}))
    daemon.run_job("prod")
    daemon.run_job("prod")
    titles = [b["text"] for b in receiver.bodies()]
    assert titles[0] == failing["text"] and titles[-1] == "driftguard · job prod recovered"
    assert sum("failing" in t or "recovered" in t for t in titles) == 2


def test_credentials_in_the_endpoint_url_never_leave(
        aws: str, tmp_path: Path, receiver: SlackReceiver, caplog: pytest.LogCaptureFixture,
        capsys: pytest.CaptureFixture[str]) -> None:
    """D25: `http://user:password@host` as aws.endpoint_url, the host down: the password is
    in no report, /readyz status, log line, Slack message or outbox row."""
    import sqlite3

    from daemon_helpers import free_port

    from driftguard.cli import main

    url = f"http://scanner:SECRET-CANARY-ENDPOINT@127.0.0.1:{free_port()}"
    daemon = Daemon(daemon_config(tmp_path).with_overrides(
        aws={"endpoint_url": url, "max_attempts": 1},
        slack=SlackSettings.model_validate({"enabled": True, "max_wait": 3, "timeout": 2})))
    with caplog.at_level("DEBUG"):
        daemon.run_job("default")
    [failing] = receiver.bodies()
    assert "127.0.0.1" in text(failing)  # the reason, its host included
    with sqlite3.connect(tmp_path / "history.sqlite") as db:
        stored = json.dumps(db.execute("SELECT * FROM slack_outbox").fetchall())
    once = tmp_path / "once.yaml"
    once.write_text("aws:\n  max_attempts: 1\n", encoding="utf-8")
    capsys.readouterr()
    main(["scan", "--type", "aws_s3_bucket", "--endpoint-url", url, "-c", str(once),
          "--no-progress", "--format", "json"])
    report = capsys.readouterr()
    assert "not_checked" in report.out
    for where, seen in [("status", json.dumps(daemon.status())), ("slack", text(failing)),
                        ("outbox", stored), ("log", caplog.text), ("report", report.out),
                        ("stderr", report.err)]:
        assert "SECRET-CANARY" not in seen, where


class Died(BaseException):
    """The process dying (SIGKILL) right where it is raised: nothing after it runs."""


def test_a_crash_after_the_history_commit_still_announces_the_scan(
        aws: str, tmp_path: Path, receiver: SlackReceiver,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """D22: the outbox rows are committed with the history, so the first thing that runs
    after the commit can die and the restarted daemon still posts the news, once."""
    create_bucket("ml-datasets")
    daemon = slack_daemon(tmp_path)

    def die(*_: object) -> None:
        raise Died

    monkeypatch.setattr(daemon.metrics, "scan_finished", die)
    with pytest.raises(Died):
        daemon.run_job("default")
    assert receiver.bodies() == [] and daemon.history.scans("default") == 1
    daemon.history.close()

    restarted = slack_daemon(tmp_path)
    assert restarted.notifier.flush() == 0  # what the periodic flush does after a restart
    [news] = receiver.bodies()
    assert "ml-datasets" in text(news) and " new, 0 resolved" in text(news)
    restarted.run_job("default")  # the same findings: not new, nothing more to say
    assert len(receiver.bodies()) == 1


def test_no_history_without_its_messages(aws: str, tmp_path: Path, receiver: SlackReceiver,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The other way round: when the messages cannot be written, the scan is not recorded
    either, so that the next scan finds (and announces) the same news."""
    create_bucket("ml-datasets")
    daemon = slack_daemon(tmp_path)

    def full(*_: object, **__: object) -> bool:
        raise OSError("database or disk is full")

    monkeypatch.setattr(daemon.notifier.outbox, "add", full)
    daemon.run_job("default")
    assert daemon.state["default"].failing and daemon.history.scans("default") == 0
    monkeypatch.undo()
    daemon.run_job("default")
    news, recovered = receiver.bodies()  # "failing" could not be queued either
    assert "ml-datasets" in text(news) and "recovered" in text(recovered)
