"""Secrets planted in the state and the live account (the hostile test's canaries, area 1)
never reach a report, in any of the six formats."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from moto_estate import ACCOUNT, AMI, REGION, State

from driftguard.cli import main
from driftguard.report import EXTENSIONS, FORMATS


@pytest.fixture
def cwd(aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for key in ("DRIFTGUARD_CONFIG", "DRIFTGUARD_FAIL_ON"):
        monkeypatch.delenv(key, raising=False)
    return tmp_path


def reports(cwd: Path, capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, str]:
    """Every format of one scan, by format name (text from stdout)."""
    outputs = []
    for fmt in sorted(FORMATS):
        if fmt != "text":
            outputs += ["--format", fmt, "--output", str(cwd / f"report.{EXTENSIONS[fmt]}")]
    capsys.readouterr()
    main(["scan", *args, "--region", REGION, "--no-progress", *outputs, "--format", "text"])
    out, err = capsys.readouterr()
    found = {fmt: (cwd / f"report.{EXTENSIONS[fmt]}").read_text(encoding="utf-8")
             for fmt in FORMATS if fmt != "text"}
    return {**found, "text": out, "stderr": err}


def instance_with_a_sensitive_tag(cwd: Path) -> Path:
    """A state marking `tags.ApiKey` sensitive and not `tags_all.ApiKey` (as Terraform
    writes it when only the tags variable is sensitive), and live tags that differ."""
    ec2 = boto3.client("ec2")
    made = ec2.run_instances(ImageId=AMI, InstanceType="t3.large", MinCount=1, MaxCount=1,
                             TagSpecifications=[{"ResourceType": "instance", "Tags": [
                                 {"Key": "Name", "Value": "trainer"},
                                 {"Key": "ApiKey", "Value": "SECRET-CANARY-LIVE-TAG"}]}])
    instance = made["Instances"][0]["InstanceId"]
    state = State()
    tags = {"Name": "trainer", "ApiKey": "SECRET-CANARY-STATE-TAG"}
    state.add("aws_instance", "trainer", {
        "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{instance}", "id": instance,
        "ami": AMI, "instance_type": "t3.large", "tags": dict(tags), "tags_all": dict(tags)},
        schema_version=1)
    state.resources[-1]["instances"][0]["sensitive_attributes"] = [[
        {"type": "get_attr", "value": "tags"},
        {"type": "index", "value": {"value": "ApiKey", "type": "string"}}]]
    return state.write(cwd / "terraform.tfstate")


def test_a_value_sensitive_under_tags_is_sensitive_under_tags_all(
        cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """D5: sensitivity of an attribute applies to every alias of it."""
    path = instance_with_a_sensitive_tag(cwd)
    found = reports(cwd, capsys, "--state", str(path))
    for fmt, text in found.items():
        assert "SECRET-CANARY" not in text, fmt


def test_values_the_catalog_does_not_show_stay_out_of_reports(
        cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """D6: a tag value nobody marked sensitive (a connection string) drifts. Reports say
    that the tags changed, not their values, unless --show-values; an instance type (a
    setting the catalog shows) is shown either way."""
    s3, ec2 = boto3.client("s3"), boto3.client("ec2")
    s3.create_bucket(Bucket="canary-bucket", CreateBucketConfiguration={
        "LocationConstraint": REGION})
    s3.put_bucket_tagging(Bucket="canary-bucket", Tagging={"TagSet": [
        {"Key": "conn", "Value": "postgres://ml:SECRET-CANARY-LIVE-BUCKETTAG@db"}]})
    instance = ec2.run_instances(ImageId=AMI, InstanceType="t3.large", MinCount=1,
                                 MaxCount=1)["Instances"][0]["InstanceId"]
    state = State()
    tags = {"conn": "postgres://ml:SECRET-CANARY-STATE-BUCKETTAG@db"}
    state.add("aws_s3_bucket", "canary", {
        "arn": "arn:aws:s3:::canary-bucket", "id": "canary-bucket", "bucket": "canary-bucket",
        "tags": dict(tags), "tags_all": dict(tags)})
    state.add("aws_instance", "trainer", {
        "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{instance}", "id": instance,
        "ami": AMI, "instance_type": "t3.xlarge", "tags": None, "tags_all": {}},
        schema_version=1)
    path = state.write(cwd / "terraform.tfstate")

    found = reports(cwd, capsys, "--state", str(path))
    for fmt, text in found.items():
        assert "SECRET-CANARY" not in text, fmt
        if fmt not in ("stderr", "terraform-import", "driftignore"):  # those: unmanaged only
            assert "t3.xlarge" in text and "t3.large" in text, fmt
    assert "tags: declared (not shown), live (not shown)" in found["text"]

    shown = reports(cwd, capsys, "--state", str(path), "--show-values")
    assert "SECRET-CANARY-LIVE-BUCKETTAG" in shown["json"]
