"""The channel seam: the Notifier's routing, outbox, ordering and redaction work with a
channel that is not Slack (a stand-in that records what it is asked to send)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import finding

from driftguard.model import CheckResult, Severity
from driftguard.notify import Notifier
from driftguard.notify.channel import Event, JobStatus, Outcome, Payload, ScanChanges
from driftguard.notify.secrets import Secrets

SECRET = "https://hooks.example.com/T0/s3cr3t-for-the-stand-in"


@dataclass
class Route:
    target: str
    accounts: list[str] = field(default_factory=list)
    min_severity: Severity = Severity.low


@dataclass
class Settings:
    enabled: bool = True
    min_severity: Severity = Severity.low
    routes: list[Route] = field(default_factory=list)
    secrets_file: Path | None = None
    timeout: float = 1.0
    max_wait: float = 1.0


class Target:
    def __init__(self, name: str, script: list[Outcome | Exception],
                 idempotent: bool = False) -> None:
        self.name = name
        self.script = script
        self.idempotent = idempotent
        self.sent: list[Payload] = []
        self.keys: list[str] = []  # of every attempt

    def send(self, payload: Payload, timeout: float, key: str) -> Outcome:
        self.keys.append(key)
        reply = self.script.pop(0) if self.script else Outcome("sent")
        if isinstance(reply, Exception):
            raise reply
        if reply.status == "sent":
            self.sent.append(payload)
        return reply


class StandIn:
    name = "standin"
    title = "Stand-in"

    def __init__(self, *script: Outcome | Exception, prefix: str = "standin:",
                 idempotent: bool = False) -> None:
        self.script = list(script)
        self.prefix = prefix
        self.idempotent = idempotent
        self.targets: dict[str, Target] = {}

    def destination(self, route: Route | None, secrets: Secrets) -> Target:
        secrets.get("STANDIN_URL")
        name = self.prefix + ("default" if route is None else route.target)
        return self.targets.setdefault(name, Target(name, self.script, self.idempotent))

    def owns(self, destination: str) -> bool:
        return destination.startswith(self.prefix)

    def render(self, event: Event) -> Payload:
        if isinstance(event, ScanChanges):
            return {"job": event.job, "new": [f.resource_address for f in event.new]}
        assert isinstance(event, JobStatus)
        return {"job": event.job, "failing": event.failing, "error": event.error}

    def sent(self, target: str) -> list[Payload]:
        return self.targets[self.prefix + target].sent


ENV = {"STANDIN_URL": SECRET}


def result() -> CheckResult:
    return CheckResult(kind="scan", sources=[], resources=1, rules=[], findings=[],
                       fail_on=Severity.low)


def test_findings_are_routed_and_rendered_by_the_channel() -> None:
    channel = StandIn()
    settings = Settings(min_severity=Severity.high,
                        routes=[Route("security", min_severity=Severity.critical)])
    notifier = Notifier(settings, None, ENV, channel=channel)
    crit = finding("DG-NET-003", "aws_security_group.ssh", Severity.critical)
    low = finding("DG-STO-001", "aws_s3_bucket.logs", Severity.low)
    notifier.scan_changes("prod", result(), [crit, finding(), low], [])
    assert channel.sent("security") == [{"job": "prod", "new": ["aws_security_group.ssh"]}]
    assert channel.sent("default") == [{"job": "prod", "new": ["aws_s3_bucket.data"]}]


def test_retryable_failures_are_retried_and_the_others_wait_in_order() -> None:
    revoked = Outcome("failed", "HTTP 403 token_revoked")
    channel = StandIn(ConnectionError("refused"), Outcome("failed", "HTTP 503", retryable=True),
                      revoked, revoked)
    notifier = Notifier(Settings(max_wait=5.0), None, ENV, channel=channel)
    notifier.job_status("prod", True, "one")  # refused, 503, then kept: not retryable
    assert channel.script == [revoked] and notifier.outbox.count() == 1
    notifier.job_status("prod", True, "two")  # "one" is kept again: "two" waits behind it
    assert channel.sent("default") == [] and notifier.outbox.count() == 2
    assert notifier.flush() == 0
    assert [p["error"] for p in channel.sent("default")] == ["one", "two"]


def test_an_unconfirmed_message_is_never_sent_twice_without_an_idempotency_key() -> None:
    """D21: the service got the request but its answer did not come: it may have posted
    it. Not sent again; the messages behind it wait for the next call."""
    channel = StandIn(Outcome("unconfirmed", "no answer within 2s"))
    notifier = Notifier(Settings(max_wait=5.0), None, ENV, channel=channel)
    notifier.job_status("prod", True, "one")
    assert len(channel.targets["standin:default"].keys) == 1 and notifier.outbox.count() == 0
    notifier.job_status("prod", False, None)
    assert channel.sent("default") == [{"job": "prod", "failing": False, "error": None}]


def test_an_idempotent_destination_gets_the_same_key_at_every_attempt() -> None:
    channel = StandIn(Outcome("unconfirmed", "no answer within 2s"), idempotent=True)
    notifier = Notifier(Settings(max_wait=5.0), None, ENV, channel=channel)
    notifier.job_status("prod", True, "one")
    target = channel.targets["standin:default"]
    assert len(target.keys) == 2 and target.keys[0] == target.keys[1] != ""
    assert channel.sent("default") == [{"job": "prod", "failing": True, "error": "one"}]


def test_a_rejected_payload_is_dropped_and_the_queue_moves_on() -> None:
    channel = StandIn(Outcome("rejected", "malformed"))
    notifier = Notifier(Settings(), None, ENV, channel=channel)
    notifier.job_status("prod", True, "bad")
    notifier.job_status("prod", False, None)
    assert channel.sent("default") == [{"job": "prod", "failing": False, "error": None}]
    assert notifier.flush() == 0


def test_channels_sharing_an_outbox_leave_each_other_s_messages_alone(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.sqlite"
    down = StandIn(*[Outcome("failed", "HTTP 403")] * 5, prefix="one:")
    Notifier(Settings(), outbox, ENV, channel=down).job_status("j", True, "x")
    other = Notifier(Settings(), outbox, ENV, channel=StandIn(prefix="two:"))
    assert other.flush() == 0
    again = StandIn(prefix="one:")
    assert Notifier(Settings(), outbox, ENV, channel=again).flush() == 0
    assert again.sent("default") == [{"job": "j", "failing": True, "error": "x"}]


def test_secrets_the_channel_read_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    channel = StandIn(*[ConnectionError(f"cannot reach {SECRET}")] * 50)
    notifier = Notifier(Settings(max_wait=0.3), None, ENV, channel=channel)
    notifier.job_status("prod", True, f"job failed near {SECRET}")
    notifier.flush()
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "standin: standin:default unavailable (ConnectionError: cannot reach" in text
    assert SECRET not in text and "s3cr3t" not in text
    assert notifier.outbox.pending()[0].payload["error"] == "job failed near [redacted]"


def test_a_missing_secret_names_the_channel() -> None:
    from driftguard.errors import InputError

    with pytest.raises(InputError, match=r"standin.*set \$STANDIN_URL"):
        Notifier(Settings(), None, {}, channel=StandIn())
