"""The collector case of aws_cloudwatch_log_group (moto; it leaves logGroupClass out, which
AWS always gives: the default, STANDARD, is read then)."""

from __future__ import annotations

import boto3

from cases import TEAM, Built, kms_key_arn


def build() -> Built:
    logs = boto3.client("logs")
    key = kms_key_arn()
    logs.create_log_group(logGroupName="/ml/training", kmsKeyId=key, tags=TEAM)
    logs.put_retention_policy(logGroupName="/ml/training", retentionInDays=90)
    for name in ("/aws/lambda/score", "/aws/sagemaker/TrainingJobs", "/aws/vendedlogs/states",
                 "RDSOSMetrics"):
        logs.create_log_group(logGroupName=name)
    bare = {"retention_in_days": 0, "kms_key_id": None, "log_group_class": "STANDARD",
            "tags": {}}
    return Built({
        "/ml/training": {"name": "/ml/training", "retention_in_days": 90, "kms_key_id": key,
                         "log_group_class": "STANDARD", "tags": TEAM},
        # Made by people, under the prefix AWS suggests to them: not AWS's own.
        "/aws/vendedlogs/states": {"name": "/aws/vendedlogs/states", **bare},
        # What Lambda, SageMaker and RDS write by themselves.
        "/aws/lambda/score": {"name": "/aws/lambda/score", **bare},
        "/aws/sagemaker/TrainingJobs": {"name": "/aws/sagemaker/TrainingJobs", **bare},
        "RDSOSMetrics": {"name": "RDSOSMetrics", **bare},
    }, aws_defaults={"/aws/lambda/score", "/aws/sagemaker/TrainingJobs", "RDSOSMetrics"})
