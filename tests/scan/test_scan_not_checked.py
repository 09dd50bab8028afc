"""A collector that IAM denies makes its type "not checked", never "missing".

moto's server enforces IAM when asked (POST /moto-api/reset-auth with the number of
requests still allowed without authentication; the `aws` fixture sets it back to "inf").
"""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from moto_estate import ACCOUNT, AMI, REGION, State, scan_as, scanner_key

from driftguard.cli import main

EXIT_INCOMPLETE = 3

READ_EC2 = ["ec2:Describe*", "ec2:Get*", "sts:GetCallerIdentity"]
CASES = {
    # EC2 reads and who am I; no s3:ListAllMyBuckets: the list call is denied.
    "list-denied": (READ_EC2, "listbuckets"),
    # Buckets can be listed but not read: a detail call is denied, so nothing of the
    # type is reported, neither missing nor unmanaged.
    "detail-denied": ([*READ_EC2, "s3:ListAllMyBuckets"], "getbucketencryption"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_access_denied_is_not_checked_never_missing(
        aws: str, case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    actions, operation = CASES[case]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DRIFTGUARD_CONFIG", raising=False)
    # While IAM is not enforced yet: a scanner user, and what the state declares.
    key = scanner_key(actions)
    boto3.client("s3").create_bucket(Bucket="acme-ml-data", CreateBucketConfiguration={
        "LocationConstraint": REGION})
    ec2 = boto3.client("ec2")
    instance = ec2.run_instances(ImageId=AMI, InstanceType="t3.large", MinCount=1,
                                 MaxCount=1)["Instances"][0]["InstanceId"]
    state = State()
    state.add("aws_s3_bucket", "data", {
        "arn": "arn:aws:s3:::acme-ml-data", "id": "acme-ml-data", "bucket": "acme-ml-data",
        "versioning": [{"enabled": False, "mfa_delete": False}], "tags": None,
        "tags_all": {}})
    # Declared with another type than it runs with: compared, so reported as changed.
    state.add("aws_instance", "trainer", {
        "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{instance}", "id": instance,
        "ami": AMI, "instance_type": "t3.xlarge", "tags": None, "tags_all": {}},
        schema_version=1)
    path = state.write(tmp_path / "terraform.tfstate")

    scan_as(key, aws, monkeypatch)
    # The scanner's keys work where its policy allows, and are denied elsewhere.
    assert boto3.client("sts").get_caller_identity()["Account"] == ACCOUNT
    with pytest.raises(boto3.client("s3").exceptions.ClientError, match="AccessDenied"):
        boto3.client("s3").get_bucket_encryption(Bucket="acme-ml-data")

    capsys.readouterr()
    code = main(["scan", "--state", str(path), "--region", REGION, "--no-progress",
                 "--format", "json", "--output", str(tmp_path / "report.json"),
                 "--format", "text"])
    text = capsys.readouterr().out
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))

    assert code == EXIT_INCOMPLETE
    [gap] = report["not_checked"]
    assert gap["type"] == "aws_s3_bucket"
    assert gap["reason"].startswith("access denied")
    assert "AccessDenied" in gap["reason"]
    # The call that failed, as the boto3 method or the API operation name.
    assert gap["operation"].replace("_", "").lower() == operation
    # The declared bucket is not missing; the instance was compared as usual.
    assert [(d["kind"], d["type"], d["id"]) for d in report["drift"]] == [
        ("changed", "aws_instance", instance)]
    assert report["drift"][0]["changes"] == [
        {"attribute": "instance_type", "declared": "t3.xlarge", "live": "t3.large"}]
    assert report["summary"]["incomplete"] is True
    [line] = [x for x in text.splitlines() if x.startswith("not checked:")]
    assert line.startswith(f"not checked: aws_s3_bucket in {ACCOUNT} (")
    assert "access denied: AccessDenied" in line
    # The verdict says the scan is incomplete first, whatever else fails (exit code 3).
    assert text.splitlines()[-1].startswith("INCOMPLETE: 1 type not checked; ")
