"""The collector's moto cases, one module per catalog type, named after its Terraform type
(`aws_s3_bucket.py`), each defining `build() -> Built`; and what the cases share.

A case builds resources with boto3 (against the `aws` fixture's moto server) with
distinctive settings and returns the canonical attributes the collector must read live.
tests/collect/test_collectors.py finds the case of every catalog type by its name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import boto3

ACCOUNT = "123456789012"
REGION = "eu-west-1"
TEAM = {"team": "ml-platform", "env": "prod"}


def tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


# One of the AMIs moto ships (listing them all takes over a second).
AMI = "ami-03cf127a"


def ami() -> str:
    return str(boto3.client("ec2").describe_images(ImageIds=[AMI])["Images"][0]["ImageId"])


def kms_key_arn(description: str = "data key") -> str:
    return str(boto3.client("kms").create_key(Description=description)["KeyMetadata"]["Arn"])


@dataclass
class Built:
    """What a builder made: expected canonical attributes by id, and the regions to scan."""

    expected: dict[str, dict[str, Any]]
    regions: list[str] = field(default_factory=lambda: [REGION])
    # Ids that exist in the account but must not be collected (terminated instances).
    absent: set[str] = field(default_factory=set)
    # Expected ids that the spec flags as AWS's own (aws_default).
    aws_defaults: set[str] = field(default_factory=set)
