"""The collector case of aws_sagemaker_endpoint_configuration."""

from __future__ import annotations

import boto3

from cases import TEAM, Built, kms_key_arn, tag_list
from cases.aws_sagemaker_notebook_instance import ROLE


def variant(name: str, instance_type: str) -> dict[str, object]:
    return {"VariantName": name, "ModelName": "llm", "InstanceType": instance_type,
            "InitialInstanceCount": 1}


def build() -> Built:
    sm = boto3.client("sagemaker")
    sm.create_model(ModelName="llm", ExecutionRoleArn=ROLE,
                    PrimaryContainer={"Image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/llm"})
    key = kms_key_arn("endpoint volumes")
    # Two variants of one type, one of another; the type is named once.
    sm.create_endpoint_config(
        EndpointConfigName="llm-prod", KmsKeyId=key, Tags=tag_list(TEAM),
        ProductionVariants=[variant("blue", "ml.g4dn.xlarge"), variant("green", "ml.g4dn.xlarge"),
                            variant("canary", "ml.c5.xlarge")])
    sm.create_endpoint_config(EndpointConfigName="llm-serverless", ProductionVariants=[
        {"VariantName": "all", "ModelName": "llm",
         "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}}])
    return Built({
        "llm-prod": {"instance_types": ["ml.c5.xlarge", "ml.g4dn.xlarge"], "kms_key_id": key,
                     "tags": TEAM},
        "llm-serverless": {"instance_types": [], "kms_key_id": None, "tags": {}},
    })
