"""The read-only IAM policy a scan needs (`driftguard iam-policy`), from the catalog.

The catalog derives the permissions of each type from the calls its spec makes; a scan
also asks STS who it is, reads Terraform state from S3, reads CloudFormation stacks and
their drift, and asks CloudTrail who changed what (scan.attribution).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from driftguard.errors import DriftguardError

# What every scan calls besides the catalog's collectors (sts:GetCallerIdentity needs no
# grant, but an explicit Deny or an SCP can still block it: listing it documents the call).
SCAN_PERMISSIONS = ("sts:GetCallerIdentity",)
# Declared CloudFormation stacks and their drift detection.
CLOUDFORMATION_PERMISSIONS = (
    "cloudformation:ListStacks", "cloudformation:DescribeStacks",
    "cloudformation:GetTemplate", "cloudformation:ListStackResources",
    "cloudformation:DetectStackDrift", "cloudformation:DescribeStackDriftDetectionStatus",
    "cloudformation:DescribeStackResourceDrifts",
)
# Who changed it (scan.attribution): CloudTrail's LookupEvents; a trail's log files are
# read with the S3 permissions below (give the trail's bucket as a --state-bucket too).
ATTRIBUTION_PERMISSIONS = ("cloudtrail:LookupEvents",)
# Terraform state in S3 (s3://bucket/key, s3://bucket/prefix/): scoped by --state-bucket.
STATE_PERMISSIONS = ("s3:GetObject", "s3:ListBucket")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def read_only_policy(state_buckets: Sequence[str] = ()) -> dict[str, Any]:
    """Two statements: the inventory reads on every resource, and the state reads on the
    given buckets (all buckets when none are given)."""
    from driftguard.catalog import specs
    from driftguard.catalog.permissions import permissions

    inventory = {p for spec in specs().values() for p in permissions(spec)}
    inventory.update(SCAN_PERMISSIONS, CLOUDFORMATION_PERMISSIONS, ATTRIBUTION_PERMISSIONS)
    bad = [b for b in state_buckets if not _BUCKET.match(b)]
    if bad:
        raise DriftguardError(f"--state-bucket: not an S3 bucket name: {bad[0]!r}")
    state: list[str] | str = sorted(
        arn for b in dict.fromkeys(state_buckets)
        for arn in (f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*")) or "*"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "DriftguardReadInventory", "Effect": "Allow",
             "Action": sorted(inventory - set(STATE_PERMISSIONS)), "Resource": "*"},
            {"Sid": "DriftguardReadTerraformState", "Effect": "Allow",
             "Action": sorted(STATE_PERMISSIONS), "Resource": state},
        ],
    }


def render(policy: dict[str, Any]) -> str:
    return json.dumps(policy, indent=2) + "\n"
