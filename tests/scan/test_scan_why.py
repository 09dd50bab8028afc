"""Why each finding of a scan is there, end to end against moto's server: the code that
declares its resource (policy findings on live resources too), and since when it is open
(`--history FILE`, as the daemon's history says it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto_estate import Estate, scan_json

from driftguard.cli import main


def by_rule(report: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(f["rule_id"], f["resource"]["address"]): f for f in report["findings"]}


def test_every_finding_names_the_code_that_declares_it(
        estate: Estate, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    state = estate.state.write(tmp_path / "terraform.tfstate")
    ec2 = boto3.client("ec2")
    boto3.client("s3").delete_bucket_encryption(Bucket="acme-ml-data")
    ec2.delete_volume(VolumeId=estate.ids["volume"])
    stray = ec2.run_instances(ImageId="ami-03cf127a", InstanceType="t3.micro", MinCount=1,
                              MaxCount=1)["Instances"][0]["InstanceId"]
    _, report = scan_json(capsys, "--state", str(state))
    findings = by_rule(report)
    declared_by_state = {"source": "state", "origin": str(state), "module": None,
                         "stack": None, "logical_id": None}
    # Drift on a declared resource: the state and its address.
    assert findings[("DG-DRIFT-001", "aws_ebs_volume.cache")]["why"]["declared_by"] == [
        {**declared_by_state, "address": "aws_ebs_volume.cache"}]
    assert findings[("DG-DRIFT-002", "aws_s3_bucket.data")]["why"]["declared_by"] == [
        {**declared_by_state, "address": "aws_s3_bucket.data"}]
    # A policy on the live bucket names the address that declares it, not only its ARN.
    live = [f for f in report["findings"] if f["resource"]["source"] == "live"
            and not f["rule_id"].startswith("DG-DRIFT")
            and f["resource"]["address"].endswith("acme-ml-data")]
    assert live, "the unencrypted bucket breaks a rule"
    assert {d["address"] for f in live for d in f["why"]["declared_by"]} == {
        "aws_s3_bucket.data"}
    # An unmanaged resource: no code declares it.
    assert findings[("DG-DRIFT-003", stray)]["why"]["declared_by"] == []
    assert all(f["why"]["first_seen"] is None for f in report["findings"])  # no history

    capsys.readouterr()
    main(["scan", "--state", str(state), "--region", "eu-west-1", "--no-progress"])
    text = capsys.readouterr().out
    assert f"why: declared by state {state} aws_s3_bucket.data" in text


def test_history_says_since_when_each_finding_is_open(
        estate: Estate, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    state = estate.state.write(tmp_path / "terraform.tfstate")
    history = tmp_path / "history.db"
    ec2 = boto3.client("ec2")
    ec2.delete_volume(VolumeId=estate.ids["volume"])
    _, first = scan_json(capsys, "--state", str(state), "--history", str(history))
    opened = {k: f["why"]["first_seen"] for k, f in by_rule(first).items()}
    assert opened and set(opened.values()) == {first["scanned_at"]}

    boto3.client("s3").delete_bucket_encryption(Bucket="acme-ml-data")
    _, second = scan_json(capsys, "--state", str(state), "--history", str(history),
                          "-f", "sarif", "-o", str(tmp_path / "r.sarif"))
    now = {k: f["why"]["first_seen"] for k, f in by_rule(second).items()}
    assert now[("DG-DRIFT-001", "aws_ebs_volume.cache")] == first["scanned_at"]
    assert now[("DG-DRIFT-002", "aws_s3_bucket.data")] == second["scanned_at"]
    assert {k: v for k, v in now.items() if k in opened} == opened
    sarif = json.loads((tmp_path / "r.sarif").read_text())
    whys = {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]:
            r["properties"]["why"] for r in sarif["runs"][0]["results"]}
    assert whys["aws_ebs_volume.cache"]["first_seen"] == first["scanned_at"]
    assert whys["aws_ebs_volume.cache"]["declared_by"][0]["address"] == "aws_ebs_volume.cache"


def test_a_stacks_resources_are_declared_by_stack_and_logical_id(
        aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    template = Path(__file__).resolve().parents[1] / "cfn" / "ml-stack.yaml"
    cfn = boto3.client("cloudformation")
    cfn.create_stack(StackName="ml-dev", TemplateBody=template.read_text(),
                     Parameters=[{"ParameterKey": "AmiId", "ParameterValue": "ami-03cf127a"}])
    ids = {r["LogicalResourceId"]: r["PhysicalResourceId"]
           for r in cfn.list_stack_resources(StackName="ml-dev")["StackResourceSummaries"]}
    boto3.client("s3").delete_bucket_encryption(Bucket=ids["Data"])
    _, report = scan_json(capsys, "--stack", "ml-*")
    stack = {"source": "cloudformation", "origin": "cloudformation://eu-west-1/ml-dev",
             "address": "ml-dev/Data", "module": None, "stack": "ml-dev", "logical_id": "Data"}
    drift = next(f for f in report["findings"] if f["rule_id"] == "DG-DRIFT-002"
                 and f["resource"]["address"] == "ml-dev/Data")
    assert drift["why"]["declared_by"] == [stack]
    on_live = [f for f in report["findings"] if f["resource"]["source"] == "live"
               and f["resource"]["address"].endswith(ids["Data"])
               and not f["rule_id"].startswith("DG-DRIFT")]
    assert on_live and all(f["why"]["declared_by"] == [stack] for f in on_live)
    capsys.readouterr()
    main(["scan", "--stack", "ml-*", "--region", "eu-west-1", "--no-progress"])
    assert "why: declared by stack ml-dev (Data)" in capsys.readouterr().out
