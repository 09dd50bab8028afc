"""Which live resources the data types count as AWS's own (not unmanaged unless --strict),
on canonical attributes as the collector reads them. The collector cases exercise them
against moto where moto can make such resources; these cover the rest."""

from __future__ import annotations

from typing import Any

import pytest

from driftguard.catalog import spec_for


def aws_own(tf_type: str, **attributes: Any) -> bool:
    spec = spec_for(tf_type)
    assert spec is not None and spec.aws_default is not None
    return spec.aws_default(attributes)


@pytest.mark.parametrize(("name", "own"), [
    ("/aws/lambda/score", True), ("/aws/sagemaker/TrainingJobs", True),
    ("/aws/sagemaker/Endpoints/churn", True), ("/aws/batch/job", True),
    ("/aws/eks/training/cluster", True), ("/aws/codebuild/images", True),
    ("/aws-glue/jobs/output", True), ("API-Gateway-Execution-Logs_a1b2c3/prod", True),
    ("RDSOSMetrics", True),
    ("/aws/vendedlogs/states/pipeline", False),  # AWS's advice for names people choose
    ("/ml/training", False), ("aws/lambda/not-the-prefix", False), ("", False),
])
def test_log_groups_aws_services_write_by_themselves(name: str, own: bool) -> None:
    assert aws_own("aws_cloudwatch_log_group", name=name) is own


@pytest.mark.parametrize(("description", "tags", "own"), [
    ("Created by CreateImage(i-0abc) for ami-0def", {}, True),
    ("Copied for DestinationAmi ami-0def from SourceAmi ami-0abc for SourceSnapshot "
     "snap-0123. Task created on 1,700,000,000.", {}, True),
    ("This snapshot is created by the AWS Backup service.", {}, True),
    ("Created for policy: policy-0123 schedule: daily",
     {"aws:dlm:lifecycle-policy-id": "policy-0123"}, True),
    (None, {"aws:backup:source-resource": "vol-0123"}, True),
    ("nightly features", {"team": "ml"}, False),
    (None, {}, False),
])
def test_snapshots_aws_takes(description: str | None, tags: dict[str, str], own: bool) -> None:
    assert aws_own("aws_ebs_snapshot", description=description, tags=tags) is own


def test_secrets_a_service_manages() -> None:
    assert aws_own("aws_secretsmanager_secret", owning_service="rds")
    assert not aws_own("aws_secretsmanager_secret", owning_service=None)


def test_multi_az_db_cluster_members_come_with_their_cluster() -> None:
    assert aws_own("aws_rds_cluster_instance", engine="postgres")
    assert aws_own("aws_rds_cluster_instance", engine="mysql")
    assert not aws_own("aws_rds_cluster_instance", engine="aurora-postgresql")
    assert not aws_own("aws_rds_cluster_instance", engine=None)
