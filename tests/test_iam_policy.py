"""`driftguard iam-policy`: the shipped policy is the command's output, and every action in
it is a real IAM action of its service (checked against botocore's service models)."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import botocore.session
import pytest

from driftguard import cli
from driftguard.catalog import specs
from driftguard.catalog.services import SERVICES
from driftguard.iam import CLOUDFORMATION_PERMISSIONS, read_only_policy

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "configs/iam/driftguard-readonly.json"
# IAM actions whose name is not their API operation's: action -> the operation it allows
# (the catalog's reviewed table, from the AWS Service Authorization Reference).
IAM_NAMED_OTHERWISE = {action: operation for service in SERVICES.values()
                       for operation, action in service.iam_actions.items()}
# IAM prefix -> botocore service name, where they differ (elasticloadbalancing: elbv2).
SERVICE_OF_PREFIX = {s.iam_prefix: name for name, s in SERVICES.items() if s.iam_prefix}


@cache
def _operations(service: str) -> frozenset[str]:
    return frozenset(botocore.session.get_session().get_service_model(service).operation_names)


def _is_real_action(action: str) -> bool:
    prefix, _, name = action.partition(":")
    service = SERVICE_OF_PREFIX.get(prefix, prefix)
    if prefix in SERVICES and SERVICES[prefix].iam_prefix:
        return False  # botocore's name, where IAM's prefix is another
    if service not in botocore.session.get_session().get_available_services():
        return False
    renamed = {op for a, op in IAM_NAMED_OTHERWISE.items() if a.startswith(f"{prefix}:")}
    if action not in IAM_NAMED_OTHERWISE and name in renamed:
        return False  # the operation's name, where IAM names the action otherwise
    return IAM_NAMED_OTHERWISE.get(action, name) in _operations(service)


IAM_ACTION = {(a.partition(":")[0], op): a for a, op in IAM_NAMED_OTHERWISE.items()}


def _calls(spec) -> list[str]:  # noqa: ANN001
    """The API operations a spec's collector calls, named by botocore's own client."""
    client = botocore.session.get_session().create_client(
        spec.collect.service, region_name="us-east-1", aws_access_key_id="x",
        aws_secret_access_key="x")
    mapping = client.meta.method_to_api_mapping
    return [mapping[m] for m in (spec.collect.operation,
                                 *(d.operation for d in spec.collect.details))]


def prefix(service: str) -> str:
    """IAM's prefix for a botocore service's actions."""
    return SERVICES[service].iam_prefix or service


def _actions(policy: dict) -> list[str]:
    return [a for statement in policy["Statement"] for a in statement["Action"]]


def test_the_shipped_policy_is_the_commands_output() -> None:
    proc = subprocess.run([sys.executable, "-m", "driftguard", "iam-policy"],
                          capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == SHIPPED.read_text(encoding="utf-8"), \
        "regenerate: driftguard iam-policy > configs/iam/driftguard-readonly.json"


def test_every_action_is_a_real_iam_action() -> None:
    actions = _actions(json.loads(SHIPPED.read_text(encoding="utf-8")))
    assert [a for a in actions if not _is_real_action(a)] == []
    # the check itself tells real from made-up names
    assert not _is_real_action("ec2:DescribeInstancez")
    assert not _is_real_action("s3:GetBucketEncryption")  # the operation, not the action
    assert not _is_real_action("nosuchservice:Describe")
    assert not _is_real_action("elbv2:DescribeLoadBalancers")  # IAM's prefix is another
    assert _is_real_action("elasticfilesystem:DescribeFileSystems")
    assert not _is_real_action("efs:DescribeFileSystems")  # boto3's name, not IAM's


def test_the_policy_is_read_only_sorted_and_complete() -> None:
    policy = read_only_policy()
    assert policy["Version"] == "2012-10-17"
    assert all(s["Effect"] == "Allow" for s in policy["Statement"])
    actions = _actions(policy)
    assert len(actions) == len(set(actions)), "an action in two statements"
    for statement in policy["Statement"]:
        assert statement["Action"] == sorted(statement["Action"])
    needed = {IAM_ACTION.get((spec.collect.service, op), f"{prefix(spec.collect.service)}:{op}")
              for spec in specs().values() for op in _calls(spec)}
    needed |= {*CLOUDFORMATION_PERMISSIONS, "sts:GetCallerIdentity", "s3:GetObject",
               "s3:ListBucket", "cloudtrail:LookupEvents"}
    assert set(actions) == needed
    verbs = ("Describe", "Get", "List", "DetectStackDrift", "LookupEvents")
    assert [a for a in actions if not a.split(":")[1].startswith(verbs)] == []


def test_state_reads_scoped_to_buckets(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["iam-policy", "--state-bucket", "tf-state",
                     "--state-bucket", "tf-state-eu"]) == 0
    state = json.loads(capsys.readouterr().out)["Statement"][1]
    assert state["Resource"] == ["arn:aws:s3:::tf-state", "arn:aws:s3:::tf-state-eu",
                                 "arn:aws:s3:::tf-state-eu/*", "arn:aws:s3:::tf-state/*"]
    assert cli.main(["iam-policy", "--state-bucket", "Not_A_Bucket"]) == cli.EXIT_ERROR
    assert "not an S3 bucket name: 'Not_A_Bucket'" in capsys.readouterr().err
