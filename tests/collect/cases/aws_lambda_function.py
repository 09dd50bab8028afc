"""The collector case of aws_lambda_function."""

from __future__ import annotations

import io
import json
import zipfile

import boto3

from cases import TEAM, Built, kms_key_arn


def code() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handle(event, context):\n    return event\n")
    return buffer.getvalue()


def build() -> Built:
    role = boto3.client("iam").create_role(
        RoleName="inference-fn", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.80.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.80.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="fn", Description="fn", VpcId=vpc)["GroupId"]
    key = kms_key_arn("env key")
    functions = boto3.client("lambda")
    functions.create_function(
        FunctionName="predict", Runtime="python3.12", Role=role, Handler="handler.handle",
        Code={"ZipFile": code()}, MemorySize=1024, Timeout=60, Architectures=["arm64"],
        KMSKeyArn=key, Environment={"Variables": {"API_TOKEN": "never-read"}},
        VpcConfig={"SubnetIds": [subnet], "SecurityGroupIds": [group]}, Tags=TEAM)
    functions.create_function_url_config(FunctionName="predict", AuthType="NONE")
    functions.create_function(FunctionName="batch-score", Runtime="python3.11", Role=role,
                              Handler="handler.handle", Code={"ZipFile": code()})
    return Built({
        "predict": {"function_name": "predict", "runtime": "python3.12",
                    "handler": "handler.handle", "role": role, "package_type": "Zip",
                    "memory_size": 1024, "timeout": 60, "architectures": ["arm64"],
                    "kms_key_id": key, "subnet_ids": [subnet], "security_group_ids": [group],
                    "authorization_type": "NONE", "tags": TEAM},
        "batch-score": {"function_name": "batch-score", "runtime": "python3.11",
                        "handler": "handler.handle", "role": role, "package_type": "Zip",
                        "memory_size": 128, "timeout": 3, "architectures": ["x86_64"],
                        "kms_key_id": None, "subnet_ids": [], "security_group_ids": [],
                        "authorization_type": None, "tags": {}},
    })
