"""The collector case of aws_ecr_repository."""

from __future__ import annotations

import boto3

from cases import TEAM, Built, kms_key_arn, tag_list


def build() -> Built:
    ecr = boto3.client("ecr")
    key = kms_key_arn()
    ecr.create_repository(repositoryName="models/llm", imageTagMutability="IMMUTABLE",
                          imageScanningConfiguration={"scanOnPush": True},
                          encryptionConfiguration={"encryptionType": "KMS", "kmsKey": key},
                          tags=tag_list(TEAM))
    ecr.create_repository(repositoryName="scratch")
    return Built({
        "models/llm": {"name": "models/llm", "image_tag_mutability": "IMMUTABLE",
                       "scan_on_push": True, "encryption_type": "KMS", "kms_key": key,
                       "tags": TEAM},
        "scratch": {"name": "scratch", "image_tag_mutability": "MUTABLE",
                    "scan_on_push": False, "encryption_type": "AES256", "kms_key": None,
                    "tags": {}},
    })
