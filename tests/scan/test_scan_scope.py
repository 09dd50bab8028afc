"""A scan makes the per-resource calls that what it reads needs (collect/scope.py), on a
moto server: with only the bucket encryption rule loaded, two calls per bucket of five,
and the same findings as with every call made."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto_estate import State

from driftguard.cli import main

POLICIES = Path(__file__).resolve().parents[2] / "policies"
ALL_CALLS = {"s3:GetBucketEncryption", "s3:GetBucketTagging", "s3:GetBucketVersioning",
             "s3:GetPublicAccessBlock", "s3:GetBucketPolicy"}
USER_RULE = """# METADATA
# title: S3 buckets must not have any setting off
# custom:
#   id: ACME-001
#   severity: low
package driftguard.rules.acme.anything_off

import data.driftguard.lib
import rego.v1

deny contains lib.finding(r, sprintf("%s is off", [k])) if {
	some r in lib.resources["aws_s3_bucket"]
	some k, v in r.attributes
	v == false
}
"""


@pytest.fixture
def cwd(aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DRIFTGUARD_CONFIG", raising=False)
    s3 = boto3.client("s3")
    where = {"CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"}}
    for name in ("acme-sealed", "acme-plain"):
        s3.create_bucket(Bucket=name, **where)
    s3.put_bucket_encryption(Bucket="acme-sealed", ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    s3.put_bucket_tagging(Bucket="acme-plain",
                          Tagging={"TagSet": [{"Key": "Name", "Value": "raw landing"}]})
    return tmp_path


def policy_dir(cwd: Path, *rules: str, user_rule: bool = False) -> Path:
    """The library and the given built-in rule files; the user's rule when asked."""
    out = cwd / "policies"
    (out / "lib").mkdir(parents=True, exist_ok=True)
    for name in ("lib/driftguard.rego", "lib/index.rego", *rules):
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(POLICIES / name, out / name)
    if user_rule:
        (out / "anything_off.rego").write_text(USER_RULE)
    return out


def scan(capsys: pytest.CaptureFixture[str], cwd: Path, policies: Path, *extra: str,
         collect_unread: bool = False, fmt: str = "json") -> Any:
    config = cwd / "driftguard.yaml"
    config.write_text(json.dumps({"builtin_policies": False, "policy_dirs": [str(policies)],
                                  "scan": {"collect_unread": collect_unread}}))
    capsys.readouterr()
    main(["scan", "-c", str(config), "--type", "aws_s3_bucket", "--format", fmt,
          "--no-progress", *extra])
    out = capsys.readouterr().out
    return json.loads(out) if fmt == "json" else out


def bucket_calls(report: dict[str, Any]) -> dict[str, int]:
    return {k: n for k, n in report["api_calls"].items() if k in ALL_CALLS}


def findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(report["findings"], key=lambda f: (f["rule_id"], f["resource"]["address"]))


def test_one_rule_reads_two_calls_per_bucket_with_the_same_findings(
        cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policies = policy_dir(cwd, "encryption/s3_bucket.rego")
    scoped = scan(capsys, cwd, policies)
    whole = scan(capsys, cwd, policies, collect_unread=True)

    assert bucket_calls(scoped) == {"s3:GetBucketEncryption": 2, "s3:GetBucketTagging": 2}
    assert bucket_calls(whole) == dict.fromkeys(ALL_CALLS, 2)
    assert findings(scoped) == findings(whole)
    assert [f["resource"]["address"] for f in findings(scoped)
            if f["rule_id"] == "DG-ENC-001"] == ["acme-plain"]
    # The text report names it by its Name tag: the tags are read.
    assert "acme-plain (raw landing)" in scan(capsys, cwd, policies, fmt="text")


# A bucket, and aws_s3_bucket_versioning alone (its bucket declared in another state):
# either way the buckets are compared with the code, so every call is made, for drift.
DECLARED = {
    "aws_s3_bucket": {"id": "acme-plain", "bucket": "acme-plain",
                      "arn": "arn:aws:s3:::acme-plain", "tags": {}},
    "aws_s3_bucket_versioning": {
        "id": "acme-plain", "bucket": "acme-plain", "expected_bucket_owner": "", "mfa": None,
        "versioning_configuration": [{"status": "Enabled", "mfa_delete": ""}]},
}


@pytest.mark.parametrize("tf_type", sorted(DECLARED))
def test_a_declared_type_gets_every_call_for_drift(
        cwd: Path, capsys: pytest.CaptureFixture[str], tf_type: str) -> None:
    state = State()
    state.add(tf_type, "plain", DECLARED[tf_type])
    path = state.write(cwd / "terraform.tfstate")
    report = scan(capsys, cwd, policy_dir(cwd, "encryption/s3_bucket.rego"),
                  "--state", str(path))
    assert bucket_calls(report) == dict.fromkeys(ALL_CALLS, 2)


def test_a_rule_reading_every_attribute_gets_every_call(
        cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A user's rule that reads attributes by computed names: nothing is left out, and
    it sees versioning off (a call only it needs)."""
    report = scan(capsys, cwd, policy_dir(cwd, "encryption/s3_bucket.rego", user_rule=True))
    assert bucket_calls(report) == dict.fromkeys(ALL_CALLS, 2)
    off = {(f["resource"]["address"], f["message"]) for f in report["findings"]
           if f["rule_id"] == "ACME-001"}
    assert ("acme-plain", "versioning is off") in off


def test_rule_picks_the_built_in_rule_and_its_calls(
        cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--rule DG-ENC-001` over the built-in rules asks Custodian's question: two calls per
    bucket; every built-in rule reads all five."""
    def calls(*extra: str) -> dict[str, int]:
        capsys.readouterr()
        main(["scan", "--type", "aws_s3_bucket", "--format", "json", "--no-progress", *extra])
        return bucket_calls(json.loads(capsys.readouterr().out))

    assert calls() == dict.fromkeys(ALL_CALLS, 2)
    assert calls("--rule", "DG-ENC-001") == {"s3:GetBucketEncryption": 2,
                                             "s3:GetBucketTagging": 2}
