"""`driftguard scan` end to end against moto's server: an estate built with boto3, the
Terraform state that declares it, then changes behind the code's back.

Drift classes, ignore rules, strict mode and exit codes, through the CLI's JSON report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from moto_estate import ACCOUNT, AMI, REGION, Estate, drift_of, scan_json

from driftguard.model import HIDDEN

EXIT_CLEAN, EXIT_FINDINGS = 0, 1



def scan(capsys: pytest.CaptureFixture[str], state: Path, *extra: str
         ) -> tuple[int, dict[str, Any]]:
    return scan_json(capsys, "--state", str(state), *extra)


def drift_findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["rule_id"].startswith("DG-DRIFT-")]


def change_behind_the_codes_back(estate: Estate) -> str:
    """Encryption removed, an instance resized, a declared volume deleted, a tag added,
    an instance started that no code declares (its id is returned)."""
    ec2, ids = boto3.client("ec2"), estate.ids
    boto3.client("s3").delete_bucket_encryption(Bucket="acme-ml-data")
    ec2.stop_instances(InstanceIds=[ids["trainer"]])
    ec2.modify_instance_attribute(InstanceId=ids["trainer"],
                                  InstanceType={"Value": "p4d.24xlarge"})
    ec2.start_instances(InstanceIds=[ids["trainer"]])
    ec2.delete_volume(VolumeId=ids["volume"])
    ec2.create_tags(Resources=[ids["vpc"]], Tags=[{"Key": "owner", "Value": "someone"}])
    return str(ec2.run_instances(ImageId=AMI, InstanceType="g5.xlarge", MinCount=1,
                                 MaxCount=1, SubnetId=ids["subnet"])["Instances"][0]["InstanceId"])


def expected_drift(estate: Estate, stray: str) -> list[tuple[Any, ...]]:
    """The drift of change_behind_the_codes_back; tag values (a map: the catalog does not
    show them) are not shown (test_scan_secrets.py: --show-values)."""
    ids = estate.ids
    return [
        ("missing", "aws_ebs_volume", ids["volume"], "aws_ebs_volume.cache", []),
        ("changed", "aws_instance", ids["trainer"], "aws_instance.trainer",
         [("instance_type", "t3.large", "p4d.24xlarge")]),
        ("changed", "aws_s3_bucket", "acme-ml-data", "aws_s3_bucket.data",
         [("sse_algorithm", "aws:kms", None), ("kms_key_id", ids["key_arn"], None)]),
        ("changed", "aws_vpc", ids["vpc"], "aws_vpc.main",
         [("tags", HIDDEN, HIDDEN)]),
        ("unmanaged", "aws_instance", stray, stray, []),
    ]


def test_a_freshly_applied_estate_is_in_sync(estate: Estate, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    state = estate.state.write(tmp_path / "terraform.tfstate")
    code, report = scan(capsys, state)
    assert report["schema"] == "driftguard.scan/v1"
    assert report["drift"] == []
    assert drift_findings(report) == []
    assert report["not_checked"] == []
    # Every declared resource was matched: nothing in sync by being skipped.
    coverage = {c["type"]: (c["managed"], c["unmanaged"]) for c in report["coverage"]}
    assert coverage == {
        "aws_db_instance": (1, 0), "aws_ebs_encryption_by_default": (1, 0),
        "aws_ebs_volume": (1, 0), "aws_ecr_repository": (1, 0), "aws_instance": (1, 0),
        "aws_kms_key": (1, 0), "aws_s3_bucket": (2, 0), "aws_security_group": (1, 0),
        "aws_subnet": (1, 0), "aws_vpc": (1, 0)}
    # Policies still run on the live resources (the logs bucket uses AES256, not KMS):
    # exit 1 only for a policy violation.
    assert code == (EXIT_FINDINGS if any(f["level"] == "deny" for f in report["findings"])
                    else EXIT_CLEAN)

    # In sync and no policy: clean, exit 0.
    config = tmp_path / "driftguard.yaml"
    config.write_text("builtin_policies: false\n", encoding="utf-8")
    code, report = scan(capsys, state, "--config", str(config))
    assert (code, report["findings"], report["drift"]) == (EXIT_CLEAN, [], [])
    assert report["summary"]["passed"] is True

    # Strict: what AWS made itself is unmanaged too (drift alone fails the scan: exit 1).
    ec2 = boto3.client("ec2")
    defaults = {
        ("aws_vpc", v["VpcId"]) for v in ec2.describe_vpcs()["Vpcs"] if v["IsDefault"]} | {
        ("aws_subnet", s["SubnetId"]) for s in ec2.describe_subnets()["Subnets"]
        if s["DefaultForAz"]} | {
        ("aws_security_group", g["GroupId"])
        for g in ec2.describe_security_groups()["SecurityGroups"]
        if g["GroupName"] == "default"} | {("aws_ebs_volume", estate.ids["trainer_root"])}
    # The default VPC, its three subnets, its group and our VPC's, the trainer's root disk.
    assert len(defaults) == 1 + 3 + 2 + 1
    code, report = scan(capsys, state, "--config", str(config), "--strict")
    assert code == EXIT_FINDINGS
    assert {d["kind"] for d in report["drift"]} == {"unmanaged"}
    assert {(d["type"], d["id"]) for d in report["drift"]} == defaults
    assert {f["rule_id"] for f in report["findings"]} == {"DG-DRIFT-003"}

    # The same from the config file.
    config.write_text("builtin_policies: false\nscan:\n  strict: true\n", encoding="utf-8")
    code, report = scan(capsys, state, "--config", str(config))
    assert code == EXIT_FINDINGS
    assert {(d["type"], d["id"]) for d in report["drift"]} == defaults


def test_drift_behind_the_codes_back_and_ignore_rules(
        estate: Estate, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    state = estate.state.write(tmp_path / "terraform.tfstate")
    stray = change_behind_the_codes_back(estate)
    code, report = scan(capsys, state)
    assert code == EXIT_FINDINGS
    assert drift_of(report) == expected_drift(estate, stray)
    for d in report["drift"]:
        assert (d["account"], d["region"]) == (ACCOUNT, None if d["type"] == "aws_s3_bucket"
                                               else REGION)
        assert d["origin"] == (None if d["kind"] == "unmanaged" else str(state))
    # Drift is also reported as findings, one per entry, with the drift rules.
    assert sorted(f["rule_id"] for f in drift_findings(report)) == [
        "DG-DRIFT-001", "DG-DRIFT-002", "DG-DRIFT-002", "DG-DRIFT-002", "DG-DRIFT-003"]
    coverage = {c["type"]: (c["managed"], c["unmanaged"]) for c in report["coverage"]}
    assert coverage["aws_instance"] == (1, 1)
    assert "aws_ebs_volume" not in coverage  # only root volumes are left: AWS's own

    # One more change, on the bucket with dots in its name.
    boto3.client("s3").put_bucket_versioning(Bucket="acme.ml.logs",
                                             VersioningConfiguration={"Status": "Suspended"})
    _, report = scan(capsys, state)
    logs = ("changed", "aws_s3_bucket", "acme.ml.logs", "aws_s3_bucket.logs",
            [("versioning", True, False)])
    assert drift_of(report) == [*expected_drift(estate, stray)[:3], logs,
                                *expected_drift(estate, stray)[3:]]

    ids = estate.ids
    ignore = tmp_path / ".driftignore"
    ignore.write_text("\n".join([
        "# instances the batch scheduler starts are not ours (wildcard) ...",
        "aws_instance.*",
        "# ... but the trainer is (negation: the last matching rule decides)",
        f"!aws_instance.{ids['trainer']}",
        "# someone tags the VPC by hand: only that attribute",
        f"aws_vpc.{ids['vpc']}.tags",
        "# a dotted bucket name, escaped; one attribute of it",
        r"aws_s3_bucket.acme\.ml\.logs.versioning",
        "# attributes by wildcard",
        "aws_s3_bucket.acme-ml-*.sse_*",
        "# an ignored resource is never missing",
        "aws_ebs_volume.vol-*",
        "",
    ]), encoding="utf-8")
    code, report = scan(capsys, state, "--ignore", str(ignore))
    assert code == EXIT_FINDINGS
    assert drift_of(report) == [
        ("changed", "aws_instance", ids["trainer"], "aws_instance.trainer",
         [("instance_type", "t3.large", "p4d.24xlarge")]),
        ("changed", "aws_s3_bucket", "acme-ml-data", "aws_s3_bucket.data",
         [("kms_key_id", ids["key_arn"], None)]),
    ]
