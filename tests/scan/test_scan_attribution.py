"""Who changed it (scan.attribution), end to end on moto's server: a trail's log files in
S3 (gzipped JSON under AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/, written here as
CloudTrail delivers them) name who deleted a bucket's encryption and who started an
instance that no code declares. LookupEvents, which moto does not implement, is tested
with botocore's Stubber: tests/collect/test_cloudtrail_lookup.py."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto_estate import ACCOUNT, AMI, REGION, Estate, scan_json

from driftguard.cli import main

BUCKET = "acme-cloudtrail-logs"
NOW = dt.datetime.now(dt.UTC)



def record(name: str, source: str, when: dt.datetime, identity: dict[str, Any], agent: str,
           params: dict[str, Any] | None = None, response: dict[str, Any] | None = None
           ) -> dict[str, Any]:
    return {"eventVersion": "1.09", "userIdentity": identity,
            "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "eventSource": source,
            "eventName": name, "awsRegion": REGION, "sourceIPAddress": "203.0.113.9",
            "userAgent": agent, "requestParameters": params, "responseElements": response,
            "requestID": "req-1", "eventID": f"ev-{name}", "readOnly": False,
            "eventType": "AwsApiCall", "managementEvent": True,
            "recipientAccountId": ACCOUNT}


def sso(user: str) -> dict[str, Any]:
    role = "AWSReservedSSO_DataEngineer_0f1e2d3c4b5a6978"
    return {"type": "AssumedRole", "principalId": f"AROAEXAMPLE:{user}",
            "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{user}", "accountId": ACCOUNT,
            "sessionContext": {"sessionIssuer": {
                "type": "Role", "principalId": "AROAEXAMPLE", "accountId": ACCOUNT,
                "arn": f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com/{role}",
                "userName": role}}}


def deliver(s3: Any, records: list[dict[str, Any]], when: dt.datetime, n: int,
            region: str = REGION) -> None:
    """One log file, keyed as CloudTrail keys them."""
    key = (f"AWSLogs/{ACCOUNT}/CloudTrail/{region}/{when:%Y/%m/%d}/"
           f"{ACCOUNT}_CloudTrail_{region}_{when:%Y%m%dT%H%MZ}_{n:016d}.json.gz")
    s3.put_object(Bucket=BUCKET, Key=key,
                  Body=gzip.compress(json.dumps({"Records": records}).encode()))


def test_the_trails_log_files_say_who_changed_it(
        estate: Estate, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    state = estate.state.write(tmp_path / "terraform.tfstate")
    s3, ec2 = boto3.client("s3"), boto3.client("ec2")
    s3.delete_bucket_encryption(Bucket="acme-ml-data")
    ec2.delete_volume(VolumeId=estate.ids["volume"])
    stray = ec2.run_instances(ImageId=AMI, InstanceType="g5.xlarge", MinCount=1,
                              MaxCount=1)["Instances"][0]["InstanceId"]
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    yesterday, hour = NOW - dt.timedelta(days=1), dt.timedelta(hours=1)
    deliver(s3, [
        record("RunInstances", "ec2.amazonaws.com", yesterday, sso("dana@example.com"),
               "Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux",
               params={"instanceType": "g5.xlarge"},
               response={"instancesSet": {"items": [{"instanceId": stray}]}}),
        record("DescribeInstances", "ec2.amazonaws.com", NOW, sso("eve@example.com"),
               "aws-cli/2.15.0", params={"instancesSet": {"items": [{"instanceId": stray}]}}),
    ], yesterday, 1)
    deliver(s3, [record("DeleteBucketEncryption", "s3.amazonaws.com", NOW - hour,
                        {"type": "IAMUser", "principalId": "AIDAEXAMPLE", "userName": "mallory",
                         "arn": f"arn:aws:iam::{ACCOUNT}:user/mallory",
                         "accountId": ACCOUNT}, "aws-cli/2.15.0 Python/3.11.6",
                        params={"bucketName": "acme-ml-data", "encryption": ""})], NOW, 2)
    s3.put_object(Bucket=BUCKET, Key=f"AWSLogs/{ACCOUNT}/CloudTrail/{REGION}/"
                  f"{NOW:%Y/%m/%d}/broken.json.gz", Body=b"not gzip")  # skipped
    old = NOW - dt.timedelta(days=10)  # outside the days read: the volume stays unattributed
    deliver(s3, [record("DeleteVolume", "ec2.amazonaws.com", old, sso("old@example.com"),
                        "aws-cli/2.15.0", params={"volumeId": estate.ids["volume"]})], old, 3)
    config = tmp_path / "driftguard.yaml"
    config.write_text(f"scan:\n  attribution:\n    trail_bucket: {BUCKET}\n    days: 3\n"
                      "    lookup_events: false\n")

    _, report = scan_json(capsys, "--state", str(state), "-c", str(config))
    why = {(f["rule_id"], f["resource"]["address"]): f["why"] for f in report["findings"]}
    made = why[("DG-DRIFT-003", stray)]["changed_by"]
    assert made == {
        "principal": "SSO permission set DataEngineer (session dana@example.com)",
        "principal_type": "AssumedRole",
        "arn": f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com/"
               "AWSReservedSSO_DataEngineer_0f1e2d3c4b5a6978",
        "role": "AWSReservedSSO_DataEngineer_0f1e2d3c4b5a6978", "session": "dana@example.com",
        "sso": True, "api_call": "ec2:RunInstances",
        "time": yesterday.strftime("%Y-%m-%dT%H:%M:%SZ"), "source": "sdk", "via": "Boto3",
        "event_id": "ev-RunInstances", "evidence": "trail_logs"}
    encryption = why[("DG-DRIFT-002", "aws_s3_bucket.data")]["changed_by"]
    assert (encryption["principal"], encryption["api_call"], encryption["source"]) == (
        "IAM user mallory", "s3:DeleteBucketEncryption", "cli")
    volume = why[("DG-DRIFT-001", "aws_ebs_volume.cache")]
    assert volume["changed_by"] is None
    assert volume["unattributed"] == "no event in the trail's log files of the last 3 days names it"
    assert "attribution" in report["timings"]

    capsys.readouterr()
    main(["scan", "--state", str(state), "-c", str(config), "--region", REGION,
          "--no-progress"])
    text = capsys.readouterr().out
    assert "changed by IAM user mallory with the CLI: s3:DeleteBucketEncryption at " in text
    assert "not attributed: no event in the trail's log files of the last 3 days" in text


def test_a_trail_bucket_that_cannot_be_read_leaves_drift_unattributed(
        estate: Estate, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    state = estate.state.write(tmp_path / "terraform.tfstate")
    boto3.client("ec2").delete_volume(VolumeId=estate.ids["volume"])
    config = tmp_path / "driftguard.yaml"
    config.write_text("scan:\n  attribution:\n    trail_bucket: no-such-bucket\n"
                      "    lookup_events: false\n")
    code, report = scan_json(capsys, "--state", str(state), "-c", str(config))
    assert code == 1  # the drift is reported as ever
    volume = next(f for f in report["findings"] if f["rule_id"] == "DG-DRIFT-001")
    assert volume["why"]["changed_by"] is None
    assert volume["why"]["unattributed"].startswith("trail logs s3://no-such-bucket: AWS error: "
                                                    "NoSuchBucket")


def test_lookup_events_failing_leaves_drift_unattributed_in_one_line(
        estate: Estate, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """moto's server answers LookupEvents with an HTML error page: the scan goes on, its
    drift reported as ever, each finding saying in one line why it has no event."""
    state = estate.state.write(tmp_path / "terraform.tfstate")
    boto3.client("ec2").delete_volume(VolumeId=estate.ids["volume"])
    config = tmp_path / "driftguard.yaml"
    config.write_text("scan:\n  attribution: {}\n")  # LookupEvents only, the defaults
    code, report = scan_json(capsys, "--state", str(state), "-c", str(config))
    assert code == 1 and report["not_checked"] == []
    volume = next(f for f in report["findings"] if f["rule_id"] == "DG-DRIFT-001")
    reason = volume["why"]["unattributed"]
    assert reason.startswith("LookupEvents: ") and "\n" not in reason and len(reason) < 220, reason
    # One call, retried once (not the scan's five attempts), and then no more calls.
    assert report["api_calls"]["cloudtrail:LookupEvents"] == 2
