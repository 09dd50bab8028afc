"""The collector case of aws_kms_alias: a customer's alias, and the alias AWS makes for a
service's key (moto lists the alias/aws/... names as AWS does)."""

from __future__ import annotations

import boto3

from cases import Built


def build() -> Built:
    kms = boto3.client("kms")
    key = kms.create_key(Description="ML data key")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/ml-data", TargetKeyId=key)
    expected = {"alias/ml-data": {"name": "alias/ml-data", "target_key_id": key,
                                  "key_manager": "CUSTOMER"}}
    aws_own = {a["AliasName"]: a for a in kms.list_aliases()["Aliases"]
               if a["AliasName"].startswith("alias/aws/")}
    for name, alias in aws_own.items():
        expected[name] = {"name": name, "target_key_id": alias.get("TargetKeyId"),
                          "key_manager": "AWS"}
    return Built(expected, aws_defaults=set(aws_own))
