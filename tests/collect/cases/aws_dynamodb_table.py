"""The collector case of aws_dynamodb_table (moto; it gives the KMS key as created, where
AWS gives its ARN, and leaves TableClassSummary out: the default, STANDARD, is read)."""

from __future__ import annotations

import boto3

from cases import TEAM, Built, kms_key_arn, tag_list


def build() -> Built:
    ddb = boto3.client("dynamodb")
    key = kms_key_arn()
    ddb.create_table(
        TableName="dg-features", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "entity", "AttributeType": "S"},
                              {"AttributeName": "ts", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "entity", "KeyType": "HASH"},
                   {"AttributeName": "ts", "KeyType": "RANGE"}],
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key},
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        DeletionProtectionEnabled=True, Tags=tag_list(TEAM))
    ddb.create_table(
        TableName="dg-runs", AttributeDefinitions=[{"AttributeName": "run",
                                                    "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "run", "KeyType": "HASH"}],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    return Built({
        "dg-features": {"billing_mode": "PAY_PER_REQUEST", "hash_key": "entity",
                        "range_key": "ts", "kms_encryption": True, "kms_key_id": key,
                        "stream_enabled": True, "deletion_protection_enabled": True,
                        "table_class": "STANDARD", "tags": TEAM},
        "dg-runs": {"billing_mode": "PROVISIONED", "hash_key": "run", "range_key": None,
                    "kms_encryption": False, "kms_key_id": None, "stream_enabled": False,
                    "deletion_protection_enabled": False, "table_class": "STANDARD",
                    "tags": {}},
    })
