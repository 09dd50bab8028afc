"""Codify a messy account, end to end against moto's server: the scan writes the import
blocks and the .driftignore baseline of its unmanaged resources; the next scan with the
baseline reports none of them, only what is new since."""

from __future__ import annotations

import re
from pathlib import Path

import boto3
import pytest
from moto_estate import AMI, REGION, Estate, scan_json

from driftguard.cli import main


def stray_instance() -> str:
    ec2 = boto3.client("ec2")
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    return str(ec2.run_instances(ImageId=AMI, InstanceType="g5.xlarge", MinCount=1,
                                 MaxCount=1, SubnetId=subnet)["Instances"][0]["InstanceId"])


def unmanaged(report: dict) -> list[tuple[str, str]]:
    return [(d["type"], d["id"]) for d in report["drift"] if d["kind"] == "unmanaged"]


def test_a_baseline_then_only_new_drift(estate: Estate, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    state = estate.state.write(tmp_path / "terraform.tfstate")
    first, trail = stray_instance(), "audit-trail"
    boto3.client("s3").create_bucket(Bucket="stray.logs.example",
                                     CreateBucketConfiguration={"LocationConstraint": REGION})
    boto3.client("cloudtrail").create_trail(Name=trail, S3BucketName="stray.logs.example")
    args = ["scan", "--state", str(state), "--region", REGION, "--no-progress",
            "--type", "aws_cloudtrail"]
    assert main([*args, "-f", "driftignore", "-o", ".driftignore",
                 "-f", "terraform-import", "-o", "imports.tf"]) == 1
    capsys.readouterr()

    imports = (tmp_path / "imports.tf").read_text()
    assert f'  to = aws_instance.{first.replace("-", "_")}\n  id = "{first}"' in imports
    trail_arn = boto3.client("cloudtrail").describe_trails()["trailList"][0]["TrailARN"]
    assert f'  to = aws_cloudtrail.audit_trail\n  id = "{trail_arn}"' in imports
    assert '  id = "stray.logs.example"' in imports
    baseline = (tmp_path / ".driftignore").read_text()
    assert f"\naws_instance.{first}\n" in baseline
    assert "\naws_s3_bucket.stray\\.logs\\.example\n" in baseline
    assert re.search(rf"# aws_instance {first} in 123456789012/{REGION}: unmanaged, "
                     r"found \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n", baseline)

    _, report = scan_json(capsys, "--state", str(state), "--type", "aws_cloudtrail",
                          "--ignore", ".driftignore")
    assert unmanaged(report) == []
    assert not [f for f in report["findings"] if f["rule_id"] == "DG-DRIFT-003"]

    second = stray_instance()  # new since the baseline: the one drift reported
    _, report = scan_json(capsys, "--state", str(state), "--type", "aws_cloudtrail",
                          "--ignore", ".driftignore")
    assert unmanaged(report) == [("aws_instance", second)]

    # Writing the baseline again adds the new one and keeps the file's own lines.
    (tmp_path / ".driftignore").write_text(baseline + "# kept\n!aws_iam_role.keep-me\n")
    assert main([*args, "--ignore", ".driftignore", "-f", "driftignore",
                 "-o", ".driftignore"]) in (0, 1)
    again = (tmp_path / ".driftignore").read_text()
    assert again.startswith(baseline + "# kept\n!aws_iam_role.keep-me\n")
    assert again.count(f"\naws_instance.{second}\n") == 1
    assert again.count(f"\naws_instance.{first}\n") == 1
