"""The collector case of aws_secretsmanager_secret (moto: it reports OwningService from the
aws:secretsmanager:owningService tag, as AWS tags the secrets its services manage)."""

from __future__ import annotations

import boto3

from cases import TEAM, Built, kms_key_arn, tag_list


def build() -> Built:
    sm = boto3.client("secretsmanager")
    key = kms_key_arn()
    api = sm.create_secret(Name="dg/api-token", Description="model API token", KmsKeyId=key,
                           SecretString="never-read", Tags=tag_list(TEAM))["ARN"]
    plain = sm.create_secret(Name="dg/plain", SecretString="never-read")["ARN"]
    owned = {"aws:secretsmanager:owningService": "rds"}
    managed = sm.create_secret(Name="rds!db-1234", SecretString="x",
                               Tags=tag_list(owned))["ARN"]
    return Built({
        api: {"name": "dg/api-token", "description": "model API token", "kms_key_id": key,
              "owning_service": None, "tags": TEAM},
        plain: {"name": "dg/plain", "description": None, "kms_key_id": None,
                "owning_service": None, "tags": {}},
        managed: {"name": "rds!db-1234", "description": None, "kms_key_id": None,
                  "owning_service": "rds", "tags": owned},
    }, aws_defaults={managed})
