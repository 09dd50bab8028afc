"""`driftguard doctor` against moto's server: one line per check, the missing IAM actions
named by a dry run of the catalog's reads (moto enforcing IAM for a scanner user)."""

from __future__ import annotations

import socket
from pathlib import Path

import boto3
import pytest
from scan.moto_estate import REGION, scan_as, scanner_key

from driftguard.catalog import specs
from driftguard.catalog.permissions import permissions
from driftguard.cli import main


def doctor(capsys: pytest.CaptureFixture[str], config: Path, *args: str
           ) -> tuple[int, dict[str, str]]:
    capsys.readouterr()
    code = main(["doctor", "-c", str(config), "--region", REGION, *args])
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    by_name = {line[6:].partition(":")[0]: line for line in lines}
    assert len(by_name) == len(lines)  # one line each
    return code, by_name


def write(tmp_path: Path, text: str = "") -> Path:
    path = tmp_path / "driftguard.yaml"
    path.write_text(text)
    return path


def test_all_good(aws: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    boto3.client("s3").create_bucket(Bucket="tf-states", CreateBucketConfiguration={
        "LocationConstraint": REGION})
    boto3.client("s3").put_object(Bucket="tf-states", Key="ml/terraform.tfstate", Body=b"{}")
    config = write(tmp_path, "scan: {states: ['s3://tf-states/ml/terraform.tfstate']}\n"
                   "serve: {listen: '127.0.0.1:0'}\n")
    code, lines = doctor(capsys, config)
    assert code == 0, lines
    assert list(lines) == ["config", "credentials", "endpoints", "permissions", "state", "OPA",
                           "Slack", "Prometheus"]
    assert lines["credentials"].startswith("ok    credentials: account 123456789012 as arn:")
    assert lines["endpoints"] == f"ok    endpoints: {aws} answer in {REGION}"
    actions = {a for spec in specs().values() for a in permissions(spec)}
    assert lines["permissions"].startswith(
        f"ok    permissions: all {len(actions)} read actions the catalog needs are allowed"
    ), lines["permissions"]
    assert lines["state"].startswith("ok    state: 1 S3 location found")
    assert lines["OPA"].startswith("-     OPA: not used")
    assert lines["Slack"].startswith("-     Slack: no secret found: set "
                                     "$DRIFTGUARD_SLACK_WEBHOOK_URL")


def test_names_the_missing_iam_actions(aws: str, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # Everything but S3's bucket reads and EC2's volumes (services moto checks IAM for).
    every = sorted({a for spec in specs().values() for a in permissions(spec)})
    allowed = [a for a in every if not a.startswith(("s3:GetBucket", "s3:GetEncryption",
                                                     "ec2:DescribeVolumes"))]
    boto3.client("s3").create_bucket(Bucket="acme-ml-data", CreateBucketConfiguration={
        "LocationConstraint": REGION})  # what the detail calls are tried on
    scan_as(scanner_key([*allowed, "sts:GetCallerIdentity"]), aws, monkeypatch)
    code, lines = doctor(capsys, write(tmp_path, "serve: {listen: '127.0.0.1:0'}\n"))
    assert code == 1
    denied = sorted(set(every) - set(allowed))
    assert lines["permissions"] == (
        f"FAIL  permissions: {len(denied)} of {len(every)} read actions denied: "
        f"{', '.join(denied)} (`driftguard iam-policy` prints the policy a scan needs)")
    assert lines["credentials"].startswith("ok    credentials: account 123456789012 as "
                                           "arn:aws:iam::123456789012:user/driftguard-scanner")


def test_no_credentials_is_one_line_and_no_aws_checks(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE",
                 "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    code, lines = doctor(capsys, write(tmp_path, "serve: {listen: '127.0.0.1:0'}\n"))
    assert code == 1
    assert lines["credentials"].startswith("FAIL  credentials: none found: set AWS_PROFILE")
    assert "permissions" not in lines and "endpoints" not in lines


def test_opa_slack_and_prometheus_settings(aws: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DRIFTGUARD_SLACK_WEBHOOK_URL", raising=False)
    with socket.socket() as taken, socket.socket() as closed:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        closed.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        port = taken.getsockname()[1]
        config = write(tmp_path, f"""\
engine: opa
opa: {{url: 'http://127.0.0.1:{closed.getsockname()[1]}', connect_timeout: 1}}
slack: {{enabled: true}}
serve: {{listen: '127.0.0.1:{port}'}}
""")
        code, lines = doctor(capsys, config)
    assert code == 1
    assert lines["OPA"].startswith("FAIL  OPA: http://127.0.0.1:")
    assert "cannot connect" in lines["OPA"] and "opa.url" in lines["OPA"]
    assert lines["Slack"] == ("FAIL  Slack: no secret found: set "
                              "$DRIFTGUARD_SLACK_WEBHOOK_URL")
    assert lines["Prometheus"].startswith(f"FAIL  Prometheus: serve.listen 127.0.0.1:{port}: "
                                          "Address already in use")
    monkeypatch.setenv("DRIFTGUARD_SLACK_WEBHOOK_URL", "http://127.0.0.1:9/hook")
    _, lines = doctor(capsys, config)
    assert lines["Slack"] == ("ok    Slack: webhook secret found "
                              "($DRIFTGUARD_SLACK_WEBHOOK_URL); enabled")


def test_a_bad_config_is_one_line_exit_2(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    config = write(tmp_path, "fail_on: hihg\n")
    assert main(["doctor", "-c", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"driftguard: error: {config}: ") and err.count("\n") == 1


def test_detail_calls_probe_the_first_listed_resource() -> None:
    """A made-up bucket name may be someone else's (access denied whatever the policy)
    or nobody's (NoSuchBucket whatever it): a bucket the list gave answers for IAM."""
    from driftguard.onboard.permissions import PROBE_ID, calls

    spec = specs()["aws_s3_bucket"]
    listed, *details = calls(spec, {"Name": "acme-ml-data"})
    assert listed.method == "list_buckets" and details
    assert all(dict(d.params).get("Bucket") == "acme-ml-data" for d in details)
    assert all(dict(d.params).get("Bucket") == PROBE_ID for d in calls(spec)[1:])
