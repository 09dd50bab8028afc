"""The ML estate of issue 15 (data, identity, audit, edge and network types) as a Terraform
plan and as CloudFormation declares it (tests/cfn/data-estate.yaml), and their compliant
twins: the same canonical resources from both, so that every rule judges them alike.

The plan is built here the way `terraform show -json` writes it (AWS provider v5): policy
documents as JSON strings (jsonencode's), ids unknown until apply, references in the
configuration, split S3 resources, a function URL and a queue policy apart from what they
fold into. EBS snapshots have no CloudFormation type: their verdicts are the plan's alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from plans import change, plan, write
from twins import assert_same_canonical_attributes, load_twins, twin_verdicts

from driftguard import pipeline
from driftguard.catalog import spec_for
from driftguard.catalog.spec import ResourceSpec
from driftguard.config import Config
from driftguard.model import Resource
from driftguard.policy import evaluate as policy
from driftguard.policy.reads import load_reads

ACCOUNT = "123456789012"
KEY_ARN = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1111-2222"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/predict-fn"


def ref(target: str, attr: str = "id") -> list[str]:
    return [f"{target}.{attr}", target]


def doc(*statements: dict[str, Any]) -> str:
    """A policy document as Terraform's jsonencode writes it."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)},
                      sort_keys=True, separators=(",", ":"))


def estate(compliant: bool) -> dict[str, Any]:
    """The Terraform twin of data-estate.yaml (or of data-estate-compliant.yaml)."""
    key = {"kms_key_id": KEY_ARN} if compliant else {}
    anyone = {"AWS": "*"}
    public_read = {"Sid": "PublicRead", "Effect": "Allow", "Principal": anyone,
                   "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-ml-shared/*"}
    from_endpoint = {**public_read, "Sid": "FromEndpoint", "Condition": {
        "StringEquals": {"aws:SourceVpce": "vpce-0aaa"}}}
    changes = [
        # --- data --------------------------------------------------------------------------
        change("aws_efs_file_system.Datasets", {
            "creation_token": "datasets", "encrypted": compliant, **key}),
        change("aws_fsx_lustre_file_system.Lustre", {
            "deployment_type": "PERSISTENT_2", "storage_capacity": 2400,
            "per_unit_storage_throughput": 250, "subnet_ids": ["subnet-0aaa"], **key}),
        change("aws_rds_cluster.Features", {
            "cluster_identifier": "features", "engine": "aurora-postgresql",
            "master_username": "ml", "master_password": "never-shown-anywhere",
            "storage_encrypted": compliant, **key}),
        change("aws_rds_cluster_instance.Writer", {
            "identifier": "features-1", "cluster_identifier": "features",
            "engine": "aurora-postgresql", "instance_class": "db.r6g.large",
            "publicly_accessible": not compliant},
            refs={"cluster_identifier": ref("aws_rds_cluster.Features")}),
        change("aws_db_instance.Registry", {
            "identifier": "registry", "engine": "postgres", "instance_class": "db.t4g.large",
            "allocated_storage": 50, "storage_encrypted": compliant}),
        # A read replica leaves storage_encrypted unset: it is encrypted as its source is.
        change("aws_db_instance.Replica", {
            "identifier": "registry-replica", "instance_class": "db.t4g.large",
            "replicate_source_db": "registry"},
            refs={"replicate_source_db": ref("aws_db_instance.Registry", "identifier")}),
        change("aws_dynamodb_table.Runs", {
            "name": "runs", "billing_mode": "PAY_PER_REQUEST", "hash_key": "run",
            "attribute": [{"name": "run", "type": "S"}],
            **({"server_side_encryption": [{"enabled": True, "kms_key_arn": KEY_ARN}]}
               if compliant else {})},
            blocks=("attribute", "server_side_encryption") if compliant else ("attribute",)),
        change("aws_elasticache_replication_group.Cache", {
            "replication_group_id": "features", "description": "feature cache",
            "node_type": "cache.r7g.large", "engine": "redis",
            "at_rest_encryption_enabled": compliant,
            "transit_encryption_enabled": compliant}),
        change("aws_sqs_queue.Jobs", {"name": "jobs", "sqs_managed_sse_enabled": compliant},
               unknown={"url": True, "policy": True}),
        change("aws_sqs_queue_policy.JobsPolicy", {"policy": doc({
            "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sqs:SendMessage", "Resource": "*"})},
            unknown={"queue_url": True}, refs={"queue_url": ref("aws_sqs_queue.Jobs", "url")}),
        change("aws_sns_topic.Events", {
            "name": "events", **({"kms_master_key_id": "alias/aws/sns"} if compliant else {})},
            unknown={"arn": True, "policy": True}),
        change("aws_secretsmanager_secret.Token", {"name": "ml/api-token", **key}),
        change("aws_cloudwatch_log_group.TrainingLogs", {
            "name": "/ml/training", "retention_in_days": 90, **key}),
        change("aws_s3_bucket.Shared", {"bucket": "acme-ml-shared"}),
        change("aws_s3_bucket_server_side_encryption_configuration.Shared", {
            "bucket": "acme-ml-shared", "rule": [{"apply_server_side_encryption_by_default": [
                {"sse_algorithm": "aws:kms", "kms_master_key_id": KEY_ARN}]}]}),
        change("aws_s3_bucket_versioning.Shared", {
            "bucket": "acme-ml-shared", "versioning_configuration": [{"status": "Enabled"}]}),
        change("aws_s3_bucket_policy.Shared", {
            "bucket": "acme-ml-shared",
            "policy": doc(from_endpoint if compliant else public_read)}),
        # --- identity and audit ------------------------------------------------------------
        change("aws_iam_role.Trainer", {"name": "trainer", "assume_role_policy": doc({
            "Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"Service": "sagemaker.amazonaws.com"} if compliant else anyone})}),
        # Anyone in the organization: a condition decides who, in both twins.
        change("aws_iam_role.OrgReader", {"name": "org-reader", "assume_role_policy": doc({
            "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": anyone,
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}})}),
        change("aws_iam_policy.ReadData", {"name": "read-data", "policy": doc(
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
             "Resource": ["arn:aws:s3:::acme-ml-shared", "arn:aws:s3:::acme-ml-shared/*"]},
            *([] if compliant else [{"Sid": "Everything", "Effect": "Allow",
                                     "Action": "*", "Resource": "*"}]))}),
        change("aws_iam_user.Deployer", {"name": "ci-deployer", "path": "/automation/"}),
        change("aws_kms_key.AuditKey", {"description": "audit logs",
                                        "enable_key_rotation": compliant}),
        change("aws_cloudtrail.Audit", {
            "name": "audit", "s3_bucket_name": "acme-audit-logs",
            "enable_log_file_validation": compliant, **key}),
        # --- edge and network --------------------------------------------------------------
        change("aws_lambda_function.Predict", {
            "function_name": "predict", "role": ROLE, "runtime": "python3.12",
            "handler": "handler.handle", "filename": "build/predict.zip"}),
        change("aws_lambda_function_url.PredictUrl", {
            "function_name": "predict", "authorization_type": "AWS_IAM" if compliant else "NONE"},
            refs={"function_name": ref("aws_lambda_function.Predict", "function_name")}),
        change("aws_lb.Api", {"name": "inference-api", "internal": compliant,
                              "subnets": ["subnet-0aaa", "subnet-0bbb"],
                              "security_groups": ["sg-0ccc"]}),
        change("aws_nat_gateway.Egress", {"subnet_id": "subnet-0aaa",
                                          "allocation_id": "eipalloc-0bbb"}),
        change("aws_internet_gateway.Gateway", {"vpc_id": "vpc-0ddd"}),
        # The full access AWS gives an endpoint where the code sets none, written out: an
        # endpoint policy is not a resource's, and Principal "*" is fine here.
        change("aws_vpc_endpoint.S3Endpoint", {
            "vpc_id": "vpc-0ddd", "service_name": "com.amazonaws.eu-west-1.s3",
            "route_table_ids": ["rtb-0eee"], "policy": doc({
                "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"})}),
    ]
    if compliant:
        changes.append(change("aws_s3_bucket_public_access_block.Shared", {
            "bucket": "acme-ml-shared", "block_public_acls": True, "block_public_policy": True,
            "ignore_public_acls": True, "restrict_public_buckets": True}))
    return plan(*changes)


TWINS = {False: "data-estate.yaml", True: "data-estate-compliant.yaml"}


def by_name(resources: list[Resource]) -> dict[str, Resource]:
    """The catalog's resources by name (what folds into them, a bucket policy or a
    function URL, is theirs)."""
    return {r.address.split(".")[-1]: r for r in resources if spec_for(r.type)}


@pytest.fixture(scope="module", params=[False, True], ids=["violating", "compliant"])
def twins(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> tuple[dict[str, Resource], dict[str, Resource]]:
    terraform, cloudformation = load_twins(tmp_path_factory, estate, TWINS[request.param],
                                           request.param)
    return by_name(terraform), by_name(cloudformation)


def test_the_plan_and_the_template_declare_the_same_resources(twins: Any) -> None:
    terraform, cloudformation = twins
    assert sorted(terraform) == sorted(cloudformation)
    assert {n: r.type for n, r in terraform.items()} == {
        n: r.type for n, r in cloudformation.items()}
    issue_15 = {"aws_efs_file_system", "aws_fsx_lustre_file_system", "aws_rds_cluster",
                "aws_rds_cluster_instance", "aws_dynamodb_table",
                "aws_elasticache_replication_group", "aws_sqs_queue", "aws_sns_topic",
                "aws_secretsmanager_secret", "aws_cloudwatch_log_group", "aws_s3_bucket",
                "aws_iam_role", "aws_iam_policy", "aws_iam_user", "aws_cloudtrail",
                "aws_kms_key", "aws_lambda_function", "aws_lb", "aws_nat_gateway",
                "aws_internet_gateway", "aws_vpc_endpoint"}
    assert issue_15 <= {r.type for r in terraform.values()}, "each type (snapshots below)"


def test_the_same_canonical_attributes_from_both(twins: Any) -> None:
    def compared(spec: ResourceSpec) -> set[str]:
        read = {a.name for a in spec.attrs if a.tf and a.cfn}
        # Links that both resolve (an internet gateway's default-VPC link is Terraform's).
        return read | {link.name for link in spec.links if link.via in read}

    assert_same_canonical_attributes(*twins, compared)


# --- the verdicts: the same from the plan and the template, rule by rule -------------------

# What the issue asks the gate to find in this estate (rule -> resources), and nothing else.
EXPECTED = {
    "DG-AUD-001": {"Audit"},
    "DG-AUD-002": {"AuditKey"},
    "DG-ENC-003": {"Registry", "Replica"},  # the replica as its source: not encrypted
    "DG-ENC-009": {"Datasets", "Features", "Cache", "Jobs", "Events"},
    "DG-ENC-010": {"Cache"},
    "DG-ENC-011": {"Runs", "Token", "TrainingLogs"},
    "DG-ENC-012": {"Lustre"},
    "DG-ENC-013": {"Audit"},
    "DG-IAM-001": {"ReadData"},
    "DG-IAM-002": {"Trainer"},
    "DG-IAM-003": {"Shared"},
    "DG-NET-004": {"Writer"},
    "DG-NET-009": {"Predict"},
    "DG-NET-010": {"Api"},
    "DG-STO-002": {"Shared"},  # public: no public access block either
}
WARNINGS = {"DG-ENC-011", "DG-NET-010"}


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[bool, str], Any]:
    return twin_verdicts(tmp_path_factory, estate, TWINS)


@pytest.mark.parametrize("source", ["terraform", "cloudformation"])
def test_the_estate_breaks_exactly_the_rules_it_should(verdicts: Any, source: str) -> None:
    found = {rule: {name for name, *_ in hits} for rule, hits in verdicts[(False, source)].items()}
    assert found == EXPECTED
    assert not any(unknown for hits in verdicts[(False, source)].values()
                   for _, _, unknown, _ in hits), "nothing here is unknown until apply"
    levels = {rule: {level for _, level, _, _ in hits}
              for rule, hits in verdicts[(False, source)].items()}
    assert levels == {rule: {"warn" if rule in WARNINGS else "deny"} for rule in EXPECTED}


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_the_plan_and_the_template_find_the_same_rule_by_rule(verdicts: Any, rule: str) -> None:
    assert verdicts[(False, "terraform")][rule] == verdicts[(False, "cloudformation")][rule]


@pytest.mark.parametrize("source", ["terraform", "cloudformation"])
def test_the_compliant_twin_passes(verdicts: Any, source: str) -> None:
    assert dict(verdicts[(True, source)]) == {}


def test_the_replica_is_judged_by_its_source(verdicts: Any) -> None:
    """Its own storage_encrypted is unset in both twins: the source decides, and the
    finding names the source (the resource to fix)."""
    hits = {name: message for name, _, _, message in verdicts[(False, "terraform")]["DG-ENC-003"]}
    assert hits["Replica"] == ("RDS DB instance storage is not encrypted at rest: it is a read "
                               "replica of Registry, which is not encrypted")
    assert hits["Registry"] == "RDS DB instance storage is not encrypted at rest"


def test_a_replica_whose_source_is_not_declared_is_unknown(tmp_path: Path) -> None:
    path = write(tmp_path, plan(change("aws_db_instance.Replica", {
        "identifier": "registry-replica", "instance_class": "db.t4g.large",
        "replicate_source_db": "registry"})))
    [finding] = pipeline.check([path], Config()).findings
    assert (finding.rule_id, finding.unknown) == ("DG-ENC-003", True)
    assert finding.message.endswith("its source registry is not in the input")


# --- EBS snapshots: Terraform only ---------------------------------------------------------

def _snapshot_verdicts(tmp_path: Path, values: dict[str, Any], **how: Any) -> set[Any]:
    path = write(tmp_path, plan(change("aws_ebs_snapshot.Nightly", {
        "volume_id": "vol-0123", "description": "features, nightly", **values}, **how)))
    return {(f.rule_id, f.unknown, f.message) for f in pipeline.check([path], Config()).findings}


def test_snapshots(tmp_path: Path) -> None:
    # Applied (a state, or a plan of what exists): encrypted as its volume is.
    assert _snapshot_verdicts(tmp_path, {"encrypted": False}, actions=("no-op",)) == {
        ("DG-ENC-009", False, "EBS snapshot is not encrypted at rest")}
    assert _snapshot_verdicts(tmp_path, {"encrypted": True, "kms_key_id": KEY_ARN},
                              actions=("no-op",)) == set()
    # New: its volume decides, after apply.
    assert _snapshot_verdicts(tmp_path, {}, unknown={"encrypted": True, "kms_key_id": True}) == {
        ("DG-ENC-009", True, "encrypted is unknown until apply")}


# --- every rule a template can reach is broken by one of the twin estates -----------------

def test_the_twin_estates_together_break_every_rule_a_template_can_reach() -> None:
    from test_cfn_equivalence import EXERCISED, NOT_IN_CLOUDFORMATION
    from test_gpu_estate import EXPECTED as GPU_EXPECTED

    reads = load_reads([policy.builtin_dir()])
    reachable = {r.id for r in policy.load([policy.builtin_dir()]).rules.values()
                 if r.id not in NOT_IN_CLOUDFORMATION}
    assert reachable <= set(reads)
    assert reachable == set(EXERCISED) | set(GPU_EXPECTED) | set(EXPECTED)
