"""Delivery against a local Slack stand-in on a real socket: webhooks and bot tokens,
routing, 429 Retry-After, outages and the outbox that delivers the backlog once, in order.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from conftest import TOKEN, environ, finding, settings
from slack_receiver import WEBHOOK_PATH, Reply, SlackReceiver

from driftguard.errors import InputError
from driftguard.model import CheckResult, Drift, Severity
from driftguard.notify import Notifier


def result() -> CheckResult:
    return CheckResult(kind="scan", sources=[], resources=3, rules=[], findings=[],
                       fail_on=Severity.low)


def headers_of(receiver: SlackReceiver) -> list[str]:
    return [b["blocks"][0]["text"]["text"] for b in receiver.bodies()]


def test_webhook_posts_new_and_resolved_findings(receiver: SlackReceiver) -> None:
    notifier = Notifier(settings(receiver), None, environ(receiver))
    notifier.scan_changes("prod", result(), [finding()], [finding("DG-STO-001")])
    [post] = receiver.posts()
    assert post.path == WEBHOOK_PATH
    body = post.json
    assert body["blocks"][0] == {"type": "header", "text": {
        "type": "plain_text", "text": "driftguard · prod: 1 new, 1 resolved"}}
    assert body["text"].startswith("driftguard · prod: 1 new, 1 resolved (1 high)")
    assert notifier.flush() == 0


def test_nothing_is_sent_without_changes_or_below_the_threshold(receiver: SlackReceiver) -> None:
    notifier = Notifier(settings(receiver, min_severity="high"), None, environ(receiver))
    notifier.scan_changes("prod", result(), [], [])
    notifier.scan_changes("prod", result(), [finding(severity=Severity.medium)], [])
    notifier.scan_changes("prod", result(), [finding(waiver={
        "rule": "DG-ENC-001", "resource": "*", "reason": "r", "owner": "o",
        "expires": "2999-01-01", "expired": False})], [])
    assert receiver.posts() == []


def test_disabled_slack_posts_nothing_and_needs_no_secret(receiver: SlackReceiver) -> None:
    notifier = Notifier(settings(receiver, enabled=False), None, {})
    notifier.scan_changes("prod", result(), [finding()], [])
    notifier.job_status("prod", True, "boom")
    assert notifier.flush() == 0 and receiver.posts() == []


def test_bot_token_routes_by_account_and_severity(receiver: SlackReceiver) -> None:
    s = settings(receiver, mode="bot", channel="#drift", routes=[
        {"channel": "#ml-prod", "accounts": ["111111111111"], "min_severity": "low"},
        {"channel": "#security", "min_severity": "critical"}])
    notifier = Notifier(s, None, environ(receiver))
    ml = finding(address="aws_s3_bucket.ml")
    crit = finding("DG-NET-003", "aws_security_group.bastion", Severity.critical)
    medium = finding("DG-STO-001", "aws_s3_bucket.logs", Severity.medium)
    ml_result = result().model_copy(update={"drifts": [
        Drift(kind="missing", type="aws_ebs_volume", id="vol-1", address="x",
              account="111111111111", region="eu-west-1")]})
    notifier.scan_changes("ml", ml_result, [ml, crit], [])
    notifier.scan_changes("other", result(), [crit, medium], [])
    posts = receiver.posts()
    assert {p.path for p in posts} == {"/api/chat.postMessage"}
    assert all(p.headers["Authorization"] == f"Bearer {TOKEN}" for p in posts)
    sent = [(p.json["channel"], sorted(_addresses(p.json))) for p in posts]
    assert sent == [
        ("#ml-prod", ["aws_s3_bucket.ml", "aws_security_group.bastion"]),  # first match wins
        ("#security", ["aws_security_group.bastion"]),
        ("#drift", ["aws_s3_bucket.logs"]),
    ]


def _addresses(body: dict) -> list[str]:
    text = "\n".join(b["text"]["text"] for b in body["blocks"] if b["type"] == "section")
    return [line.split("`")[1] for line in text.splitlines() if line.startswith("• `")]


def test_job_status_goes_to_the_default_destination(receiver: SlackReceiver) -> None:
    notifier = Notifier(settings(receiver), None, environ(receiver))
    notifier.job_status("prod", True, "AccessDenied: sts:AssumeRole")
    notifier.job_status("prod", False, None)
    assert headers_of(receiver) == ["driftguard · job prod is failing",
                                    "driftguard · job prod recovered"]
    assert "AccessDenied: sts:AssumeRole" in receiver.bodies()[0]["blocks"][1]["text"]["text"]


def test_429_retry_after_is_honoured(receiver: SlackReceiver) -> None:
    receiver.reply(Reply(429, "rate_limited", {"Retry-After": "1"}))
    notifier = Notifier(settings(receiver), None, environ(receiver))
    start = time.monotonic()
    notifier.scan_changes("prod", result(), [finding()], [])
    elapsed = time.monotonic() - start
    first, second = receiver.posts()
    assert first.body == second.body
    assert elapsed >= 1.0, elapsed
    assert notifier.flush() == 0


def test_429_longer_than_max_wait_keeps_the_message_and_waits(receiver: SlackReceiver) -> None:
    receiver.reply(Reply(429, "rate_limited", {"Retry-After": "30"}))
    notifier = Notifier(settings(receiver, max_wait=2.0), None, environ(receiver))
    start = time.monotonic()
    notifier.scan_changes("prod", result(), [finding()], [])
    assert time.monotonic() - start < 2.0
    assert notifier.flush() == 1
    assert len(receiver.posts()) == 1  # Slack said 30 s: the flush did not knock again


def test_outage_then_recovery_delivers_the_backlog_once_in_order(
        receiver: SlackReceiver, tmp_path: Path) -> None:
    outbox = tmp_path / "history.sqlite"
    notifier = Notifier(settings(receiver, max_wait=1.5), outbox, environ(receiver))
    receiver.reply(*[Reply(500)] * 20)
    start = time.monotonic()
    notifier.scan_changes("prod", result(), [finding(address="aws_s3_bucket.a")], [])
    assert time.monotonic() - start < 3.0  # bounded: the scan goes on
    receiver.down()  # now not even listening
    notifier.scan_changes("prod", result(), [finding(address="aws_s3_bucket.b")], [])
    notifier.job_status("prod", True, "timeout")
    assert notifier.flush() == 3

    # A restart: a new notifier on the same outbox; Slack is back.
    receiver.script.clear()
    receiver.up()
    failed = len(receiver.posts())
    again = Notifier(settings(receiver), outbox, environ(receiver))
    assert again.flush() == 0
    delivered = receiver.posts()[failed:]
    assert [_addresses(r.json) for r in delivered] == [
        ["aws_s3_bucket.a"], ["aws_s3_bucket.b"], []]
    assert headers_of(receiver)[-1] == "driftguard · job prod is failing"
    assert again.flush() == 0 and len(receiver.posts()) == failed + 3  # exactly once
    with sqlite3.connect(outbox) as db:
        rows = db.execute("SELECT status, attempts > 0 FROM slack_outbox").fetchall()
    assert rows == [("sent", 1)] * 3


def test_a_pending_message_is_not_queued_twice(receiver: SlackReceiver, tmp_path: Path) -> None:
    receiver.down()
    notifier = Notifier(settings(receiver, max_wait=0.5), tmp_path / "o.sqlite",
                        environ(receiver))
    for _ in range(3):
        notifier.scan_changes("prod", result(), [finding()], [])
    assert notifier.flush() == 1
    receiver.up()
    assert notifier.flush() == 0 and len(receiver.posts()) == 1


def test_a_message_slack_refuses_is_dropped_and_the_queue_moves_on(
        receiver: SlackReceiver) -> None:
    receiver.reply(Reply(400, "invalid_blocks"))
    notifier = Notifier(settings(receiver), None, environ(receiver))
    notifier.scan_changes("prod", result(), [finding()], [])
    notifier.job_status("prod", True, None)
    assert len(receiver.posts()) == 2 and notifier.flush() == 0


def test_secrets_come_from_a_secrets_file(receiver: SlackReceiver, tmp_path: Path) -> None:
    secrets = tmp_path / "slack-secrets.yaml"
    secrets.write_text(f"DRIFTGUARD_SLACK_TOKEN: {TOKEN}\n")
    s = settings(receiver, mode="bot", channel="#drift", secrets_file=secrets)
    Notifier(s, None, {}).job_status("prod", True, None)
    assert receiver.posts()[0].headers["Authorization"] == f"Bearer {TOKEN}"


def test_a_missing_secret_is_a_config_error_that_names_where_to_put_it(
        receiver: SlackReceiver, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"set \$DRIFTGUARD_SLACK_WEBHOOK_URL"):
        Notifier(settings(receiver), None, {})
    bad = tmp_path / "secrets.yaml"
    bad.write_text(f"- {TOKEN}\n")
    with pytest.raises(InputError) as err:
        Notifier(settings(receiver, secrets_file=bad), None, {})
    assert TOKEN not in str(err.value) and "must map names" in str(err.value)


def test_no_secret_in_logs_or_errors(receiver: SlackReceiver,
                                     caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, slack_sdk's included
    url = receiver.webhook_url
    env = environ(receiver)
    receiver.reply(Reply(500), Reply(429, "rate_limited", {"Retry-After": "0"}),
                   Reply(404, "no_service"))
    Notifier(settings(receiver), None, env).scan_changes("p", result(), [finding()], [])
    Notifier(settings(receiver, mode="bot", channel="#c"), None, env).job_status("p", True, None)
    receiver.down()
    Notifier(settings(receiver, max_wait=0.5), None, env).job_status("p", True, "x")
    bad = {"DRIFTGUARD_SLACK_WEBHOOK_URL": "notaurl" + WEBHOOK_PATH}
    Notifier(settings(receiver, max_wait=0.5), None, bad).job_status("p", True, "y")
    text = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "slack: webhook:DRIFTGUARD_SLACK_WEBHOOK_URL unavailable" in text  # it did log
    for secret in (url, WEBHOOK_PATH, TOKEN, "s3cr3tW3bh00kT0k3n"):
        assert secret not in text


def test_concurrent_flushes_send_each_message_once_in_order(
        receiver: SlackReceiver, tmp_path: Path) -> None:
    receiver.down()
    notifier = Notifier(settings(receiver, max_wait=0.2), tmp_path / "o.sqlite",
                        environ(receiver))
    for n in range(8):
        notifier.scan_changes("prod", result(), [finding(address=f"aws_s3_bucket.b{n}")], [])
    receiver.up()
    threads = [threading.Thread(target=notifier.flush) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Each flush sends what it can in max_wait (0.2 s, for the outage above): on a loaded
    # machine the rest takes a few more.
    deadline = time.monotonic() + 30
    while notifier.flush() and time.monotonic() < deadline:
        pass
    assert [_addresses(b) for b in receiver.bodies()] == [
        [f"aws_s3_bucket.b{n}"] for n in range(8)]


def test_a_secret_written_in_the_config_is_refused_without_echoing_it(tmp_path: Path) -> None:
    from driftguard.config import load_config

    url = "https://hooks.slack.com/services/T0/B0/notforthisfile"
    config = tmp_path / "driftguard.yaml"
    config.write_text(f"slack:\n  webhook_url_env: {url}\n")
    with pytest.raises(InputError) as err:
        load_config(config, {})
    assert "slack.webhook_url_env: Value error, must name an environment variable" in str(
        err.value)
    assert "notforthisfile" not in str(err.value)


def test_a_hanging_slack_costs_at_most_max_wait(receiver: SlackReceiver) -> None:
    receiver.reply(Reply(delay=5.0), Reply(delay=5.0))
    notifier = Notifier(settings(receiver, timeout=0.5, max_wait=1.2), None, environ(receiver))
    start = time.monotonic()
    notifier.job_status("prod", True, None)
    assert time.monotonic() - start < 2.0
    assert notifier.flush() == 0


@pytest.mark.parametrize("mode", ["webhook", "bot"])
def test_a_message_slack_accepts_but_answers_late_is_posted_once(
        receiver: SlackReceiver, mode: str, caplog: pytest.LogCaptureFixture) -> None:
    """D21: Slack takes the message and answers after slack.timeout. The request may have
    been posted (here it was): it is not sent again (it used to be, three times), the
    outbox records it as sent, unconfirmed, and the next message goes out normally."""
    receiver.reply(Reply(delay=1.0))
    extra = {"mode": "bot", "channel": "#drift"} if mode == "bot" else {}
    notifier = Notifier(settings(receiver, timeout=0.3, max_wait=5.0, **extra), None,
                        environ(receiver))
    notifier.job_status("prod", True, "first")
    assert len(receiver.posts()) == 1 and notifier.flush() == 0
    assert "did not confirm message 1 (no answer within 0.3s); it may have been posted" in (
        caplog.text)
    time.sleep(0.8)  # the stand-in's late answer is over
    notifier.job_status("prod", False, None)
    assert len(receiver.wait_for(2)) == 2
    with notifier.outbox._lock:  # noqa: SLF001 - what the outbox recorded
        rows = notifier.outbox._db.execute(  # noqa: SLF001
            "SELECT status, last_error FROM slack_outbox ORDER BY id").fetchall()
    assert rows == [("sent", "unconfirmed: no answer within 0.3s"), ("sent", None)]
