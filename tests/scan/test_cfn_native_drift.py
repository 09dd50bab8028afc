"""CloudFormation's native drift detection (`--cfn-native-drift`). moto does not implement
DetectStackDrift and its companions, so botocore's Stubber plays AWS: it checks every
request and every response below against the CloudFormation service model, so the
responses are shaped as the API reference says (required members, enums, types)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto_estate import REGION

from driftguard.collect.stack_drift import native_drift
from driftguard.drift.native import merge
from driftguard.model import AttributeChange, Drift, Stack

ACCOUNT = "123456789012"
STACK_ID = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/ml-dev/5b9-4a1"
DETECTION = "b78ac9b0-dec1-11e7-a451-503a3e8a2e1a"
NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
STACK = Stack(name="ml-dev", stack_id=STACK_ID, region=REGION, account=ACCOUNT,
              origin=f"cloudformation://{REGION}/ml-dev")


class Clients:
    """The one client the code asks for, stubbed (the factory is injected)."""

    def __init__(self) -> None:
        self.cfn = boto3.client("cloudformation", region_name=REGION,
                                aws_access_key_id="x", aws_secret_access_key="x")
        self.stub = Stubber(self.cfn)

    def client(self, service: str, region: str | None = None) -> Any:
        assert (service, region) == ("cloudformation", REGION)
        return self.cfn


def status(state: str, reason: str | None = None) -> dict[str, Any]:
    """A DescribeStackDriftDetectionStatus response (the reference's example's shape)."""
    out = {"StackId": STACK_ID, "StackDriftDetectionId": DETECTION, "DetectionStatus": state,
           "Timestamp": NOW}
    if state != "DETECTION_IN_PROGRESS":
        out["StackDriftStatus"] = "DRIFTED"
    if state == "DETECTION_FAILED":
        out["DetectionStatusReason"] = reason or "Failed to detect drift on some resources"
    return out


def resource_drift(logical: str, cfn_type: str, physical: str, verdict: str,
                   **extra: Any) -> dict[str, Any]:
    return {"StackId": STACK_ID, "LogicalResourceId": logical, "PhysicalResourceId": physical,
            "ResourceType": cfn_type, "StackResourceDriftStatus": verdict, "Timestamp": NOW,
            **extra}


BUCKET_MODIFIED = resource_drift(
    "Data", "AWS::S3::Bucket", "acme-dev-training-data", "MODIFIED",
    ExpectedProperties='{"VersioningConfiguration":{"Status":"Enabled"}}',
    ActualProperties='{"VersioningConfiguration":{"Status":"Suspended"}}',
    PropertyDifferences=[{"PropertyPath": "/VersioningConfiguration/Status",
                          "ExpectedValue": "Enabled", "ActualValue": "Suspended",
                          "DifferenceType": "NOT_EQUAL"}])
# A type outside the catalog keeps its CloudFormation name.
SUBSCRIPTION = f"arn:aws:sns:{REGION}:{ACCOUNT}:alerts:1f2e3d4c"
TOPIC_DELETED = resource_drift("Alerts", "AWS::SNS::Subscription", SUBSCRIPTION, "DELETED")
INSTANCE_UNKNOWN = resource_drift("Trainer", "AWS::EC2::Instance", "i-0abc", "UNKNOWN",
                                  DriftStatusReason="Internal failure.")
REQUEST = {"StackName": STACK_ID,
           "StackResourceDriftStatusFilters": ["MODIFIED", "DELETED", "UNKNOWN", "NOT_CHECKED"]}


def expect_detection(clients: Clients, *states: str) -> None:
    clients.stub.add_response("detect_stack_drift", {"StackDriftDetectionId": DETECTION},
                              {"StackName": STACK_ID})
    for state in states:
        clients.stub.add_response("describe_stack_drift_detection_status", status(state),
                                  {"StackDriftDetectionId": DETECTION})


def run(clients: Clients, drifts: list[Drift], **kwargs: Any) -> tuple[Any, Any, list[float]]:
    sleeps: list[float] = []
    with clients.stub:
        verdicts, gaps = native_drift(clients, [STACK], sleep=sleeps.append, **kwargs)
        merged = merge(drifts, verdicts)
        clients.stub.assert_no_pending_responses()
    return merged, gaps, sleeps


def test_verdicts_merge_into_the_drift_report() -> None:
    clients = Clients()
    expect_detection(clients, "DETECTION_IN_PROGRESS", "DETECTION_IN_PROGRESS",
                     "DETECTION_IN_PROGRESS", "DETECTION_COMPLETE")
    clients.stub.add_response("describe_stack_resource_drifts", {
        "StackResourceDrifts": [BUCKET_MODIFIED, TOPIC_DELETED], "NextToken": "page-2"},
        REQUEST)
    clients.stub.add_response("describe_stack_resource_drifts", {
        "StackResourceDrifts": [INSTANCE_UNKNOWN]}, {**REQUEST, "NextToken": "page-2"})
    ours = Drift(kind="changed", type="aws_s3_bucket", id="acme-dev-training-data",
                 address="ml-dev/Data", origin=STACK.origin, account=ACCOUNT, region=REGION,
                 changes=[AttributeChange(attribute="versioning", declared=True, live=False)])

    merged, gaps, sleeps = run(clients, [ours])

    assert sleeps == [1.0, 2.0, 4.0]  # exponential backoff while in progress
    assert [(d.kind, d.type, d.id, d.address) for d in merged] == [
        ("missing", "AWS::SNS::Subscription", SUBSCRIPTION, "ml-dev/Alerts"),
        ("changed", "aws_s3_bucket", "acme-dev-training-data", "ml-dev/Data"),
    ]
    assert [(c.attribute, c.declared, c.live) for c in merged[1].changes] == [
        ("versioning", True, False),
        ("/VersioningConfiguration/Status", "Enabled", "Suspended"),
    ]
    assert [(g.type, g.operation, g.reason) for g in gaps] == [
        ("aws_instance", "DetectStackDrift", "ml-dev/Trainer: Internal failure.")]


def test_throttling_is_not_checked() -> None:
    clients = Clients()
    clients.stub.add_client_error("detect_stack_drift", service_error_code="Throttling",
                                  service_message="Rate exceeded", http_status_code=400)
    merged, gaps, _ = run(clients, [])
    assert merged == []
    assert [(g.type, g.region, g.operation) for g in gaps] == [
        ("aws_cloudformation_stack", REGION, "DetectStackDrift")]
    assert gaps[0].reason == ("stack ml-dev: throttled past retries: Throttling: "
                              "Rate exceeded")


def test_failed_detection_is_not_checked_but_its_results_are_read() -> None:
    clients = Clients()
    expect_detection(clients, "DETECTION_FAILED")
    clients.stub.add_response("describe_stack_resource_drifts",
                              {"StackResourceDrifts": [TOPIC_DELETED]}, REQUEST)
    merged, gaps, sleeps = run(clients, [])
    assert sleeps == []
    assert [d.kind for d in merged] == ["missing"]
    assert [(g.operation, g.reason) for g in gaps] == [
        ("DescribeStackDriftDetectionStatus",
         "stack ml-dev: drift detection failed: Failed to detect drift on some resources")]


def test_a_detection_that_never_ends_times_out() -> None:
    clients = Clients()
    expect_detection(clients, *["DETECTION_IN_PROGRESS"] * 4)
    now = [0.0]

    def clock() -> float:
        return now[0]

    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    with clients.stub:
        verdicts, gaps = native_drift(clients, [STACK], sleep=sleep, clock=clock,
                                      max_wait=10)
        merged = merge([], verdicts)
    assert sleeps == [1.0, 2.0, 4.0]
    assert merged == []
    assert [g.reason for g in gaps] == [
        "stack ml-dev: timed out after 10s waiting for drift detection"]


# --- end to end: moto serves the stacks, the drift calls get AWS-shaped answers -------------


class DriftCalls:
    """Answers only the three drift operations (moto has none); every other call goes to
    moto's server. Each answer is validated against the service model as Stubber does."""

    def __init__(self, drifts: list[dict[str, Any]]) -> None:
        self.drifts = drifts
        self.calls: list[str] = []

    def __call__(self, model: Any, params: dict[str, Any], **_: Any) -> Any:
        from botocore.awsrequest import AWSResponse
        from botocore.validate import validate_parameters

        stack_id = params.get("StackName", STACK_ID)
        answers = {
            "DetectStackDrift": {"StackDriftDetectionId": DETECTION},
            "DescribeStackDriftDetectionStatus": {**status("DETECTION_COMPLETE"),
                                                  "StackId": stack_id},
            "DescribeStackResourceDrifts": {"StackResourceDrifts": [
                {**d, "StackId": stack_id} for d in self.drifts]},
        }
        if model.name not in answers:
            return None
        self.calls.append(model.name)
        validate_parameters(answers[model.name], model.output_shape)
        return AWSResponse(None, 200, {}, None), answers[model.name]


def test_scan_reports_aws_verdicts_with_the_stack_and_logical_id(
        aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from driftguard import pipeline
    from driftguard.collect.clients import ClientFactory
    from driftguard.config import Config

    monkeypatch.chdir(tmp_path)
    boto3.client("cloudformation").create_stack(StackName="ml-dev", TemplateBody=json.dumps({
        "Resources": {"Data": {"Type": "AWS::S3::Bucket",
                               "Properties": {"BucketName": "acme-dev-training-data"}}}}))
    clients = ClientFactory(default_region=REGION)
    answers = DriftCalls([BUCKET_MODIFIED])
    clients.client("cloudformation", REGION).meta.events.register_first(
        "before-call.cloudformation.*", answers)
    config = Config().with_overrides(aws={"regions": [REGION]},
                                     scan={"stacks": ["ml-*"], "cfn_native_drift": True})

    result = pipeline.scan(config, clients=clients)

    assert answers.calls == ["DetectStackDrift", "DescribeStackDriftDetectionStatus",
                             "DescribeStackResourceDrifts"]
    assert [(d.kind, d.type, d.id, d.address, d.origin,
             [(c.attribute, c.declared, c.live) for c in d.changes]) for d in result.drifts] == [
        ("changed", "aws_s3_bucket", "acme-dev-training-data", "ml-dev/Data",
         f"cloudformation://{REGION}/ml-dev",
         [("/VersioningConfiguration/Status", "Enabled", "Suspended")])]
    assert not result.incomplete


def test_verdicts_on_a_shared_cloudformation_type_name_the_type_the_template_meant() -> None:
    """AWS::RDS::DBInstance is an aws_rds_cluster_instance where the template gives it a
    DBClusterIdentifier (AWS's ExpectedProperties say so), else an aws_db_instance."""
    clients = Clients()
    expect_detection(clients, "DETECTION_COMPLETE")
    member = resource_drift("Writer", "AWS::RDS::DBInstance", "features-1", "DELETED",
                            ExpectedProperties=json.dumps({
                                "DBClusterIdentifier": "features",
                                "DBInstanceClass": "db.r6g.large"}))
    alone = resource_drift("Metadata", "AWS::RDS::DBInstance", "mlflow", "DELETED",
                           ExpectedProperties=json.dumps({"DBInstanceClass": "db.t4g.micro"}))
    clients.stub.add_response("describe_stack_resource_drifts", {
        "StackResourceDrifts": [member, alone]}, REQUEST)
    merged, gaps, _ = run(clients, [])
    assert gaps == []
    assert sorted((d.type, d.id) for d in merged) == [
        ("aws_db_instance", "mlflow"), ("aws_rds_cluster_instance", "features-1")]
