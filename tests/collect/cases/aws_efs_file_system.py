"""The collector case of aws_efs_file_system (moto)."""

from __future__ import annotations

import boto3

from cases import REGION, TEAM, Built, kms_key_arn, tag_list


def build() -> Built:
    efs = boto3.client("efs")
    key = kms_key_arn()
    shared = efs.create_file_system(
        CreationToken="dg-datasets", PerformanceMode="maxIO", Encrypted=True, KmsKeyId=key,
        ThroughputMode="elastic", Tags=tag_list({**TEAM, "Name": "datasets"}))["FileSystemId"]
    scratch = efs.create_file_system(CreationToken="dg-scratch",
                                     AvailabilityZoneName=f"{REGION}a")["FileSystemId"]
    return Built({
        shared: {"encrypted": True, "kms_key_id": key, "performance_mode": "maxIO",
                 "throughput_mode": "elastic", "availability_zone_name": None,
                 "tags": {**TEAM, "Name": "datasets"}},
        scratch: {"encrypted": False, "kms_key_id": None, "performance_mode": "generalPurpose",
                  "throughput_mode": "bursting", "availability_zone_name": f"{REGION}a",
                  "tags": {}},
    })
