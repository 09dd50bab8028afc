"""The collector case of aws_ebs_volume."""

from __future__ import annotations

import boto3

from cases import REGION, TEAM, Built, kms_key_arn, tag_list


def build() -> Built:
    ec2 = boto3.client("ec2")
    key = kms_key_arn()
    plain = ec2.create_volume(AvailabilityZone=f"{REGION}b", Size=50, VolumeType="gp3",
                              Encrypted=False, TagSpecifications=[
                                  {"ResourceType": "volume", "Tags": tag_list(TEAM)}])["VolumeId"]
    sealed = ec2.create_volume(AvailabilityZone=f"{REGION}c", Size=500, VolumeType="st1",
                               Encrypted=True, KmsKeyId=key)["VolumeId"]
    return Built({
        plain: {"encrypted": False, "kms_key_id": None, "size": 50, "volume_type": "gp3",
                "availability_zone": f"{REGION}b", "created_with_instance": False,
                "tags": TEAM},
        sealed: {"encrypted": True, "kms_key_id": key, "size": 500, "volume_type": "st1",
                 "availability_zone": f"{REGION}c", "created_with_instance": False,
                 "tags": {}},
    })
