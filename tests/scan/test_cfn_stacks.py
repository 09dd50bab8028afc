"""`driftguard scan --stack` against moto's server: stacks created from templates with
CreateStack (moto creates the real resources), then changed behind their back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto_estate import AMI, REGION, drift_of, scan_as, scan_json, scanner_key

from driftguard.cli import main

TEMPLATE = Path(__file__).resolve().parents[1] / "cfn" / "ml-stack.yaml"
EXIT_CLEAN, EXIT_FINDINGS, EXIT_INCOMPLETE = 0, 1, 3


@pytest.fixture
def stack(aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The ml-stack deployed as `ml-dev`; returns its logical -> physical ids."""
    monkeypatch.chdir(tmp_path)
    for key in ("DRIFTGUARD_CONFIG", "DRIFTGUARD_FAIL_ON"):
        monkeypatch.delenv(key, raising=False)
    cfn = boto3.client("cloudformation")
    cfn.create_stack(StackName="ml-dev", TemplateBody=TEMPLATE.read_text(),
                     Parameters=[{"ParameterKey": "AmiId", "ParameterValue": AMI}])
    listed = cfn.list_stack_resources(StackName="ml-dev")["StackResourceSummaries"]
    ids = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in listed}
    # moto's CreateStack leaves out two properties that CloudFormation applies: do it here.
    boto3.client("s3").put_bucket_versioning(Bucket=ids["Data"],
                                             VersioningConfiguration={"Status": "Enabled"})
    boto3.client("ec2").modify_instance_attribute(InstanceId=ids["Trainer"],
                                                  Groups=[ids["TrainerSg"]])
    return ids


def scan(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict[str, Any]]:
    return scan_json(capsys, "--stack", "ml-*", *extra)


def test_a_fresh_stack_is_in_sync_and_managed(stack: dict[str, str],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, report = scan(capsys)
    assert drift_of(report) == []
    assert report["sources"] == [{"path": f"cloudformation://{REGION}/ml-dev",
                                  "kind": "cloudformation stack", "resources": 6}]
    assert "ProdOnly" not in stack  # its Condition is false: not created
    coverage = {c["type"]: (c["managed"], c["unmanaged"]) for c in report["coverage"]}
    for tf_type in ("aws_s3_bucket", "aws_instance", "aws_security_group", "aws_subnet",
                    "aws_vpc", "aws_ecr_repository"):
        assert coverage[tf_type] == (1, 0), tf_type
    assert code == EXIT_FINDINGS  # the policies still run on the live resources


def test_changes_behind_the_stack_are_drift_with_stack_and_logical_id(
        stack: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    ec2, s3 = boto3.client("ec2"), boto3.client("s3")
    s3.delete_bucket_encryption(Bucket=stack["Data"])
    ec2.authorize_security_group_ingress(GroupId=stack["TrainerSg"], IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
        "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.stop_instances(InstanceIds=[stack["Trainer"]])
    ec2.modify_instance_attribute(InstanceId=stack["Trainer"],
                                  InstanceType={"Value": "p4d.24xlarge"})
    stray = ec2.create_security_group(GroupName="stray", Description="no stack",
                                      VpcId=stack["Network"])["GroupId"]

    code, report = scan(capsys)
    assert drift_of(report) == [
        ("changed", "aws_instance", stack["Trainer"], "ml-dev/Trainer",
         [("instance_type", "t3.large", "p4d.24xlarge")]),
        ("changed", "aws_s3_bucket", "acme-dev-training-data", "ml-dev/Data",
         [("sse_algorithm", "AES256", None)]),
        ("changed", "aws_security_group", stack["TrainerSg"], "ml-dev/TrainerSg",
         [("ingress",
           [{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidrs": ["10.0.0.0/8"]}],
           [{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidrs": ["0.0.0.0/0"]},
            {"protocol": "tcp", "from_port": 443, "to_port": 443,
             "cidrs": ["10.0.0.0/8"]}])]),
        ("unmanaged", "aws_security_group", stray, report["drift"][-1]["address"], []),
    ]
    changed = [f for f in report["findings"] if f["rule_id"] == "DG-DRIFT-002"]
    assert {f["resource"]["origin"] for f in changed} == {f"cloudformation://{REGION}/ml-dev"}
    assert code == EXIT_FINDINGS


def test_deleted_resource_is_missing(stack: dict[str, str],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    boto3.client("ecr").delete_repository(repositoryName=stack["Models"])
    _, report = scan(capsys)
    assert drift_of(report) == [("missing", "aws_ecr_repository", "dev-models",
                                 "ml-dev/Models", [])]


def test_only_matching_stacks_are_read(stack: dict[str, str],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    code = main(["scan", "--stack", "other-*", "--type", "aws_ecr_repository",
                 "--region", REGION, "--format", "json", "--no-progress"])
    report = json.loads(capsys.readouterr().out)
    assert report["sources"] == []
    # Without its stack the repository is nobody's: unmanaged.
    assert [(d["kind"], d["id"]) for d in report["drift"]] == [("unmanaged", "dev-models")]
    assert code == EXIT_FINDINGS


def test_unreadable_stacks_are_not_checked(stack: dict[str, str], aws: str,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """With IAM enforced and no cloudformation:* permission, the scan is incomplete and
    names the call that failed."""
    reader = scanner_key(["s3:*", "ec2:Describe*", "ecr:*", "sts:GetCallerIdentity"])
    scan_as(reader, aws, monkeypatch)
    code, report = scan(capsys, "--type", "aws_s3_bucket")
    assert code == EXIT_INCOMPLETE
    assert [(n["type"], n["operation"], n["reason"].split(":")[0])
            for n in report["not_checked"]] == [
        ("aws_cloudformation_stack", "DescribeStacks", "access denied")]


@pytest.mark.parametrize("allowed", [[], ["cloudformation:DescribeStacks"]],
                         ids=["stacks-unlisted", "template-unread"])
def test_resources_of_an_unreadable_stack_are_not_unmanaged(
        stack: dict[str, str], aws: str, allowed: list[str],
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The stack's groups carry CloudFormation's stack-name tag: while the stack cannot be
    read they are neither managed nor unmanaged; a group outside any stack still is."""
    stray = boto3.client("ec2").create_security_group(GroupName="stray", Description="x")
    scan_as(scanner_key(["ec2:Describe*", "sts:GetCallerIdentity", *allowed]), aws, monkeypatch)
    code, report = scan(capsys, "--type", "aws_security_group")
    assert code == EXIT_INCOMPLETE
    assert {n["type"] for n in report["not_checked"]} == {"aws_cloudformation_stack"}
    unmanaged = {d["id"] for d in report["drift"] if d["kind"] == "unmanaged"}
    assert stray["GroupId"] in unmanaged
    assert stack["TrainerSg"] not in unmanaged


def test_native_drift_where_the_endpoint_lacks_it_is_not_checked(
        stack: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """moto does not implement DetectStackDrift (it answers an HTML 500): that stack's
    verdicts are not checked, and driftguard's own comparison of it goes on."""
    config = tmp_path / "one-attempt.yaml"
    config.write_text("aws:\n  max_attempts: 1\n", encoding="utf-8")
    code, report = scan(capsys, "--cfn-native-drift", "-c", str(config))
    assert code == EXIT_INCOMPLETE
    [gap] = report["not_checked"]
    assert (gap["type"], gap["operation"]) == ("aws_cloudformation_stack", "DetectStackDrift")
    assert gap["reason"].startswith("stack ml-dev: AWS error: 500")
    assert drift_of(report) == []
    assert {c["type"] for c in report["coverage"]} >= {"aws_s3_bucket", "aws_instance"}
