"""Who made a drift, from CloudTrail records (driftguard/attribution.py): the principal
(assumed roles and SSO sessions resolved to role and session name), the call, when, from
where, and which record of several is the likely one. The records are shaped as
CloudTrail writes them (userIdentity per its documented types)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from driftguard.attribution import attribution, keys, pick
from driftguard.report.common import attribution_text

ACCOUNT = "123456789012"


def record(name: str, when: str = "2026-12-01T09:30:00Z", *, identity: dict[str, Any] | None
           = None, agent: str = "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64",
           source: str = "ec2.amazonaws.com", params: dict[str, Any] | None = None,
           read_only: bool = False, **extra: Any) -> dict[str, Any]:
    return {"eventVersion": "1.09", "eventTime": when, "eventSource": source,
            "eventName": name, "awsRegion": "eu-west-1", "sourceIPAddress": "203.0.113.7",
            "userAgent": agent, "requestParameters": params or {"instanceId": "i-0abc"},
            "responseElements": None, "readOnly": read_only, "eventType": "AwsApiCall",
            "eventID": f"id-{name}", "recipientAccountId": ACCOUNT,
            "userIdentity": identity or iam_user("alice"), **extra}


def iam_user(name: str) -> dict[str, Any]:
    return {"type": "IAMUser", "principalId": "AIDAEXAMPLE", "userName": name,
            "arn": f"arn:aws:iam::{ACCOUNT}:user/{name}", "accountId": ACCOUNT}


def assumed(role: str, session: str, path: str = "/") -> dict[str, Any]:
    return {"type": "AssumedRole", "principalId": f"AROAEXAMPLE:{session}",
            "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session}",
            "accountId": ACCOUNT, "sessionContext": {
                "sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLE",
                                  "arn": f"arn:aws:iam::{ACCOUNT}:role{path}{role}",
                                  "accountId": ACCOUNT, "userName": role},
                "attributes": {"creationDate": "2026-12-01T09:00:00Z",
                               "mfaAuthenticated": "false"}}}


def test_an_sso_session_is_its_permission_set_and_user() -> None:
    a = attribution(record("ModifyInstanceAttribute", agent="console.ec2.amazonaws.com",
                           identity=assumed("AWSReservedSSO_AdminAccess_0123456789abcdef",
                                            "alice@example.com",
                                            "/aws-reserved/sso.amazonaws.com/"),
                           sessionCredentialFromConsole="true"), "trail_logs")
    assert (a.principal, a.role, a.session, a.sso, a.source, a.api_call) == (
        "SSO permission set AdminAccess (session alice@example.com)",
        "AWSReservedSSO_AdminAccess_0123456789abcdef", "alice@example.com", True, "console",
        "ec2:ModifyInstanceAttribute")
    assert a.arn == (f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com/"
                     "AWSReservedSSO_AdminAccess_0123456789abcdef")
    assert a.time == dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
    assert attribution_text(a) == ("SSO permission set AdminAccess (session alice@example.com) "
                                   "in the console: ec2:ModifyInstanceAttribute at "
                                   "2026-12-01T09:30:00Z")


@pytest.mark.parametrize(("identity", "agent", "who", "source", "via"), [
    (assumed("deployer", "gh-actions-1234"), "APN/1.0 HashiCorp/1.0 Terraform/1.11.4 "
     "(+https://www.terraform.io) terraform-provider-aws/5.100.0", "role deployer (session "
     "gh-actions-1234)", "sdk", "Terraform"),
    (iam_user("bob"), "aws-cli/2.15.0 Python/3.11.6", "IAM user bob", "cli", "aws-cli"),
    (iam_user("bob"), "Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux", "IAM user bob", "sdk",
     "Boto3"),
    ({"type": "Root", "principalId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:root"},
     "signin.amazonaws.com", "the account's root user", "console", None),
    ({"type": "AWSService", "invokedBy": "autoscaling.amazonaws.com"},
     "autoscaling.amazonaws.com", "AWS service autoscaling.amazonaws.com", "service",
     "autoscaling.amazonaws.com"),
    (assumed("AWSServiceRoleForAutoScaling", "AutoScaling"), "autoscaling.amazonaws.com",
     "role AWSServiceRoleForAutoScaling (session AutoScaling)", "service",
     "autoscaling.amazonaws.com"),
])
def test_who_and_from_where(identity: dict[str, Any], agent: str, who: str, source: str,
                            via: str | None) -> None:
    a = attribution(record("TerminateInstances", identity=identity, agent=agent),
                    "lookup_events")
    assert (a.principal, a.source, a.via) == (who, source, via)


def test_the_likely_record_per_drift_class() -> None:
    made = record("RunInstances", "2026-11-01T08:00:00Z")
    described = record("DescribeInstances", "2026-12-01T10:00:00Z", read_only=True)
    modified = record("ModifyInstanceAttribute", "2026-11-20T08:00:00Z")
    tagged = record("CreateTags", "2026-11-10T08:00:00Z")
    gone = record("TerminateInstances", "2026-11-25T08:00:00Z")
    records = [described, gone, tagged, modified, made]
    assert pick(records, "unmanaged") is made
    assert pick(records, "missing") is gone
    assert pick(records, "changed") is modified
    assert pick([described], "changed") is None
    assert pick([made], "changed") is made  # nothing else: the last write


def test_a_record_is_found_by_ids_and_arn_tails() -> None:
    r = record("PutBucketVersioning", source="s3.amazonaws.com",
               params={"bucketName": "acme-data", "VersioningConfiguration": {"Status": "Off"}},
               resources=[{"ARN": "arn:aws:s3:::acme-data", "type": "AWS::S3::Bucket"}])
    assert {"acme-data", "arn:aws:s3:::acme-data", "Off"} <= keys(r)


def test_what_reports_see_is_printable_and_bounded() -> None:
    a = attribution(record("Modify\x1b[31mInstance", identity=iam_user("eve\x07" + "x" * 500),
                           agent="evil\x1b]0;/1"), "trail_logs")
    assert "\x1b" not in a.api_call + a.principal and "\x07" not in a.principal
    assert len(a.principal) <= 220
