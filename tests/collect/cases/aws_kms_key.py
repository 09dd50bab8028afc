"""The collector case of aws_kms_key.

moto leaves RotationPeriodInDays out of GetKeyRotationStatus and answers it for keys that
cannot rotate, where AWS refuses with UnsupportedOperationException: both are played by
botocore's Stubber in tests/collect/test_collect_stubbed.py."""

from __future__ import annotations

import boto3

from cases import TEAM, Built


def build() -> Built:
    kms = boto3.client("kms")
    data = kms.create_key(Description="ML data key", Tags=[
        {"TagKey": k, "TagValue": v} for k, v in TEAM.items()])["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=data)
    signing = kms.create_key(Description="model signing", KeyUsage="SIGN_VERIFY",
                             KeySpec="RSA_2048", MultiRegion=True)["KeyMetadata"]["KeyId"]
    return Built({
        data: {"description": "ML data key", "key_usage": "ENCRYPT_DECRYPT",
               "key_spec": "SYMMETRIC_DEFAULT", "key_rotation_enabled": True,
               "rotation_period_in_days": None, "multi_region": False, "key_manager": "CUSTOMER",
               "tags": TEAM},
        signing: {"description": "model signing", "key_usage": "SIGN_VERIFY",
                  "key_spec": "RSA_2048", "key_rotation_enabled": False,
                  "rotation_period_in_days": None, "multi_region": True,
                  "key_manager": "CUSTOMER", "tags": {}},
    })
