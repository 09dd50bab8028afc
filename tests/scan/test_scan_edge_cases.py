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
