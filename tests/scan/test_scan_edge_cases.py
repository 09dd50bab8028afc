"""Edge cases of the live scan: several regions, resources outside the scanned regions,
instances that are stopped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto_estate import ACCOUNT, AMI, REGION, State

from driftguard.cli import main


def scan(capsys: pytest.CaptureFixture[str], state: Path, *extra: str) -> dict[str, Any]:
    capsys.readouterr()
    main(["scan", "--state", str(state), "--format", "json", "--no-progress", *extra])
    return dict(json.loads(capsys.readouterr().out))


def drift_of(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(d["kind"], d["type"], d["id"]) for d in report["drift"]]


@pytest.fixture
def cwd(aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DRIFTGUARD_CONFIG", raising=False)
    return tmp_path


def test_ebs_encryption_by_default_as_aws_ships_it_is_not_unmanaged(
        cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The setting exists in every region. Where the code does not declare it, off (AWS's
    default) is AWS's own; turned on by hand, it is unmanaged."""
    boto3.client("ec2").enable_ebs_encryption_by_default()
    state = State()
    state.add("aws_ebs_encryption_by_default", "this", {"id": REGION, "enabled": True})
    path = state.write(cwd / "terraform.tfstate")
    regions = ["--region", REGION, "--region", "us-east-1"]

    assert drift_of(scan(capsys, path, *regions)) == []
    assert drift_of(scan(capsys, path, *regions, "--strict")) == [
        ("unmanaged", "aws_ebs_encryption_by_default", "us-east-1")]
    boto3.client("ec2", region_name="us-east-1").enable_ebs_encryption_by_default()
    assert drift_of(scan(capsys, path, *regions)) == [
        ("unmanaged", "aws_ebs_encryption_by_default", "us-east-1")]


def test_a_declared_bucket_of_another_region_is_not_unmanaged(
        cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    boto3.client("s3", region_name="us-west-2").create_bucket(
        Bucket="acme-cdn-logs", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    state = State()
    # Provider v3 to v5 record the bucket's region in its attributes.
    state.add("aws_s3_bucket", "cdn_logs", {
        "arn": "arn:aws:s3:::acme-cdn-logs", "id": "acme-cdn-logs", "bucket": "acme-cdn-logs",
        "region": "us-west-2", "tags": {}, "tags_all": {}})
    path = state.write(cwd / "terraform.tfstate")
    report = scan(capsys, path, "--region", REGION)
    # Listed by the global S3 call whatever the regions: declared, so not unmanaged.
    assert drift_of(report) == []


def test_a_stopped_instance_is_not_drift(cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ec2 = boto3.client("ec2")
    # A default subnet maps public IPs on launch, and the provider records it as true.
    instance = ec2.run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=1,
                                 MaxCount=1)["Instances"][0]
    assert instance["PublicIpAddress"]
    state = State()
    state.add("aws_instance", "web", {
        "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{instance['InstanceId']}",
        "id": instance["InstanceId"], "ami": AMI, "instance_type": "t3.micro",
        "subnet_id": instance["SubnetId"], "associate_public_ip_address": True,
        "instance_state": "running", "tags": None, "tags_all": {}}, schema_version=1)
    path = state.write(cwd / "terraform.tfstate")
    assert drift_of(scan(capsys, path, "--region", REGION)) == []

    # Stopped for the night: AWS releases the public address; the configuration is as
    # declared.
    ec2.stop_instances(InstanceIds=[instance["InstanceId"]])
    assert drift_of(scan(capsys, path, "--region", REGION)) == []


def test_no_credentials_is_one_clear_error(cwd: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Not a "not checked ... NoCredentialsError" line per type: nothing could be read."""
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance role here
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    state = State()
    state.add("aws_s3_bucket", "data", {"id": "acme-ml-data", "bucket": "acme-ml-data",
                                        "arn": "arn:aws:s3:::acme-ml-data"})
    path = state.write(cwd / "terraform.tfstate")
    capsys.readouterr()
    code = main(["scan", "--state", str(path), "--type", "aws_instance", "--no-progress"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.splitlines() == [
        "driftguard: error: no AWS credentials found: set AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with an instance or task role "
        "(boto3's standard chain)"]
