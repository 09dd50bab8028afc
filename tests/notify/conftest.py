from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_receiver import SlackReceiver

from driftguard.config import SlackSettings
from driftguard.model import Finding, Severity

TOKEN = "xoxb-000000000000-driftguard-test-token"


@pytest.fixture
def receiver() -> Iterator[SlackReceiver]:
    rec = SlackReceiver().up()
    yield rec
    rec.down()


def settings(receiver: SlackReceiver, **kw: Any) -> SlackSettings:
    """Slack on, pointed at the receiver (bot mode through api_base_url)."""
    return SlackSettings.model_validate(
        {"enabled": True, "api_base_url": receiver.api_base_url, "max_wait": 3.0,
         "timeout": 2.0, **kw})


def environ(receiver: SlackReceiver, **extra: str) -> dict[str, str]:
    return {"DRIFTGUARD_SLACK_WEBHOOK_URL": receiver.webhook_url,
            "DRIFTGUARD_SLACK_TOKEN": TOKEN, **extra}


def finding(rule: str = "DG-ENC-001", address: str = "aws_s3_bucket.data",
            severity: Severity = Severity.high, **kw: Any) -> Finding:
    fields: dict[str, Any] = {
        "rule_id": rule, "title": f"title of {rule}", "severity": severity, "level": "deny",
        "message": "S3 bucket is not encrypted at rest", "resource_address": address,
        "resource_type": address.split(".")[0], "origin": "terraform.tfstate",
        "remediation": f"fix {rule}"}
    fields.update(kw)
    return Finding.model_validate(fields)
