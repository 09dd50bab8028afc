"""`driftguard check --slack` and `driftguard scan --slack` against the local Slack
stand-in: what is posted, that no secret from the state is, and that Slack never changes
the exit code.

Secrets are planted in the Terraform state (marked sensitive: a tag value and the database
password) and in live tags that no state marks (an attribute value that drifts): every
posted body and every log record is searched for them.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import boto3
import pytest
from scan.moto_estate import REGION, Estate, tag_list  # tests/scan
from slack_receiver import SlackReceiver

from driftguard.cli import main
from driftguard.declared.state_writer import TerraformState

SENSITIVE = "sk-live-51SensitiveTagValueInState"  # in state, marked sensitive
PASSWORD = "s3cr3t-pa55word"  # the estate's database password, marked sensitive
UNMARKED = "ghp_UnmarkedLiveTagValue0123456789"  # a live tag value nobody marked


@pytest.fixture
def slack(receiver: SlackReceiver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
          ) -> SlackReceiver:
    monkeypatch.chdir(tmp_path)
    for key in ("DRIFTGUARD_CONFIG", "DRIFTGUARD_FAIL_ON"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("DRIFTGUARD_SLACK_WEBHOOK_URL", receiver.webhook_url)
    monkeypatch.setenv("DRIFTGUARD_SLACK__MAX_WAIT", "2")
    return receiver


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def posted(receiver: SlackReceiver) -> str:
    return "\n".join(r.body.decode() for r in receiver.posts())


def logged(caplog: pytest.LogCaptureFixture) -> str:
    """What driftguard and slack-sdk logged (botocore's debug log quotes every API call,
    the test's own included: that is the user's choice to turn on)."""
    return "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records
                     if r.name.split(".")[0] in ("driftguard", "slack_sdk", "root"))


def secret_state(path: Path) -> Path:
    state = TerraformState()
    state.add("aws_s3_bucket", "raw", {
        "id": "acme-raw", "bucket": "acme-raw", "arn": "arn:aws:s3:::acme-raw",
        "tags": {"team": "ml", "deploy_key": SENSITIVE},
        "tags_all": {"team": "ml", "deploy_key": SENSITIVE}}, sensitive=("tags", "tags_all"))
    state.add("aws_db_instance", "meta", {
        "id": "db-1", "identifier": "meta", "engine": "postgres", "password": PASSWORD,
        "storage_encrypted": False, "publicly_accessible": True}, sensitive=("password",))
    return state.write(path)


def test_check_posts_its_summary_without_secrets(
        slack: SlackReceiver, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("DRIFTGUARD_SLACK__INCLUDE_VALUES", "true")
    state = secret_state(tmp_path / "terraform.tfstate")
    code, _, err = run(capsys, "check", str(state), "--slack")
    assert (code, err) == (1, "")
    [post] = slack.posts()
    body = post.json
    assert body["blocks"][0]["text"]["text"] == "driftguard check: FAIL"
    rules = {line for s in body["blocks"][1:] if s["type"] == "section"
             for line in s["text"]["text"].splitlines() if "· *DG-" in line}
    assert any("DG-ENC-001" in r for r in rules) and any("DG-NET-004" in r for r in rules)
    for secret in (SENSITIVE, PASSWORD):
        assert secret not in posted(slack) and secret not in logged(caplog)


def test_slack_down_is_one_warning_line_and_the_same_exit_code(
        slack: SlackReceiver, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    state = secret_state(tmp_path / "terraform.tfstate")
    code, out, err = run(capsys, "check", str(state))
    slack.down()
    code_slack, out_slack, err_slack = run(capsys, "check", str(state), "--slack")
    assert (code_slack, out_slack) == (code, out)
    assert err_slack.count("\n") == 1 and err_slack.startswith(
        "driftguard: warning: Slack: 1 message not delivered (webhook:")
    assert slack.webhook_url not in err_slack and "T0DRIFT" not in err_slack


def test_missing_webhook_url_is_a_warning_not_a_failure(
        slack: SlackReceiver, capsys: pytest.CaptureFixture[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DRIFTGUARD_SLACK_WEBHOOK_URL")
    code, _, err = run(capsys, "check", str(secret_state(tmp_path / "s.tfstate")), "--slack")
    assert code == 1
    assert err == ("driftguard: warning: Slack: no secret found: "
                   "set $DRIFTGUARD_SLACK_WEBHOOK_URL\n")


@pytest.mark.parametrize("where", ["environment", "secrets file"])
def test_a_webhook_url_with_a_line_break_is_refused_unseen(
        slack: SlackReceiver, capsys: pytest.CaptureFixture[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """D27: a line break in the URL (a header injection) is refused before any request,
    and no part of the URL is in the warning, escaped or not."""
    url = f"{slack.url}/services/T0/B0/SECRET-CANARY-ENV-CRLF\nX-Injected: 1"
    if where == "environment":
        monkeypatch.setenv("DRIFTGUARD_SLACK_WEBHOOK_URL", url)
    else:
        monkeypatch.delenv("DRIFTGUARD_SLACK_WEBHOOK_URL")
        secrets = tmp_path / "secrets.yaml"
        secrets.write_text(json.dumps({"DRIFTGUARD_SLACK_WEBHOOK_URL": url}))
        monkeypatch.setenv("DRIFTGUARD_SLACK__SECRETS_FILE", str(secrets))
    code, _, err = run(capsys, "check", str(secret_state(tmp_path / "s.tfstate")), "--slack")
    assert code == 1
    assert err == ("driftguard: warning: Slack: the secret in "
                   "$DRIFTGUARD_SLACK_WEBHOOK_URL holds a control character (a line break?): "
                   "fix it where it is set\n")
    assert slack.posts() == []


def test_redaction_catches_a_secret_however_an_error_quotes_it() -> None:
    from driftguard.notify.secrets import REDACTED, Redactor

    secret = "http://hooks.example/services/T0/B0/SECRET-CANARY\nX-Injected: 1"
    redact = Redactor([secret])
    for quoted in (secret, repr(secret), json.dumps(secret), "/services/T0/B0/SECRET-CANARY",
                   "URL can't contain control characters. '/services/T0/B0/SECRET-CANARY"
                   "\\nX-Injected: 1'"):
        assert "SECRET-CANARY" not in redact(quoted) and REDACTED in redact(quoted), quoted


def plant_secrets(estate: Estate) -> None:
    """The VPC's tags carry a secret in state (marked sensitive) and live; the KMS key gets
    a live tag that nobody marked (drift on tags); the trainer is resized (drift)."""
    ec2 = boto3.client("ec2")
    ec2.create_tags(Resources=[estate.ids["vpc"]],
                    Tags=tag_list({"deploy_key": SENSITIVE, "owner": "someone"}))
    for res in estate.state.resources:
        if res["type"] == "aws_vpc":
            inst = res["instances"][0]
            for key in ("tags", "tags_all"):
                inst["attributes"][key]["deploy_key"] = SENSITIVE
            inst["sensitive_attributes"] = [[{"type": "get_attr", "value": "tags"}],
                                            [{"type": "get_attr", "value": "tags_all"}]]
    boto3.client("kms").tag_resource(KeyId=estate.ids["key"],
                                     Tags=[{"TagKey": "api_token", "TagValue": UNMARKED}])
    trainer = estate.ids["trainer"]
    ec2.stop_instances(InstanceIds=[trainer])
    ec2.modify_instance_attribute(InstanceId=trainer, InstanceType={"Value": "p4d.24xlarge"})
    ec2.start_instances(InstanceIds=[trainer])


@pytest.mark.parametrize("include_values, show_values", [(False, False), (True, False),
                                                         (True, True)])
def test_scan_posts_drift_without_secrets(
        aws: str, slack: SlackReceiver, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        include_values: bool, show_values: bool) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("DRIFTGUARD_SLACK__INCLUDE_VALUES", str(include_values).lower())
    estate = Estate().build()
    plant_secrets(estate)
    state = estate.state.write(tmp_path / "terraform.tfstate")
    args = ["scan", "--state", str(state), "--region", REGION, "--no-progress", "-f", "json",
            *(["--show-values"] if show_values else [])]
    code, out, err = run(capsys, *args, "--slack")
    assert (code, err) == (1, "")
    report: dict[str, Any] = json.loads(out)
    assert {d["type"] for d in report["drift"] if d["kind"] == "changed"} == {
        "aws_instance", "aws_kms_key"}  # the VPC's tags are sensitive: not compared

    [post] = slack.posts()
    body = post.json
    assert body["blocks"][0]["text"]["text"] == "driftguard scan: FAIL"
    assert "*Account:* 123456789012 · *Region:* eu-west-1" in body["blocks"][1]["text"]["text"]
    text = posted(slack)
    for secret in (SENSITIVE, PASSWORD):  # never, whatever the settings
        assert secret not in text and secret not in logged(caplog) and secret not in out
    # Values the catalog shows (an instance type) are in messages when Slack includes
    # them; a tag value (the unmarked one) only when the scan shows every value (D6).
    assert (UNMARKED in out) is show_values
    if include_values:
        assert "p4d.24xlarge" in text
        assert (UNMARKED in text) is show_values
    else:
        assert "p4d.24xlarge" not in text and UNMARKED not in text
        assert "changed: instance_type" in text and "changed: tags" in text
    assert UNMARKED not in logged(caplog)


def test_a_secrets_file_that_is_not_utf8_is_a_warning(
        slack: SlackReceiver, capsys: pytest.CaptureFixture[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """D28: the exit code stays the report's; one warning line, without the bytes."""
    monkeypatch.delenv("DRIFTGUARD_SLACK_WEBHOOK_URL")
    secrets = tmp_path / "secrets.yaml"
    secrets.write_bytes(b'DRIFTGUARD_SLACK_WEBHOOK_URL: "http://x/SECRET-CANARY-\xe9"\n')
    monkeypatch.setenv("DRIFTGUARD_SLACK__SECRETS_FILE", str(secrets))
    code, _, err = run(capsys, "check", str(secret_state(tmp_path / "s.tfstate")), "--slack")
    assert code == 1
    assert err == f"driftguard: warning: Slack: {secrets}: secrets file is not UTF-8 text\n"
