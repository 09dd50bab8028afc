"""The collector case of aws_ebs_encryption_by_default."""

from __future__ import annotations

import boto3

from cases import REGION, Built


def build() -> Built:
    boto3.client("ec2").enable_ebs_encryption_by_default()
    # One setting per region, the region as id: on here, off in the other region.
    return Built({REGION: {"enabled": True}, "us-east-1": {"enabled": False}},
                 regions=[REGION, "us-east-1"], aws_defaults={"us-east-1"})
