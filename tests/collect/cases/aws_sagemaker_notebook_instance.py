"""The collector case of aws_sagemaker_notebook_instance."""

from __future__ import annotations

import boto3

from cases import ACCOUNT, TEAM, Built, kms_key_arn, tag_list

ROLE = f"arn:aws:iam::{ACCOUNT}:role/sagemaker"


def build() -> Built:
    ec2, sm = boto3.client("ec2"), boto3.client("sagemaker")
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.42.1.0/24")["Subnet"]["SubnetId"]
    groups = sorted(ec2.create_security_group(GroupName=n, Description=n, VpcId=vpc)["GroupId"]
                    for n in ("notebooks", "egress"))
    key = kms_key_arn("notebook volumes")
    sm.create_notebook_instance(
        NotebookInstanceName="research", InstanceType="ml.p3.2xlarge", RoleArn=ROLE,
        SubnetId=subnet, SecurityGroupIds=groups, KmsKeyId=key,
        DirectInternetAccess="Disabled", RootAccess="Disabled", Tags=tag_list(TEAM))
    # Defaults: internet access and root for its users (moto leaves RootAccess out of
    # the response where it was not given; AWS says Enabled).
    sm.create_notebook_instance(NotebookInstanceName="scratch", InstanceType="ml.t3.medium",
                                RoleArn=ROLE)
    return Built({
        "research": {"instance_type": "ml.p3.2xlarge", "direct_internet_access": False,
                     "root_access": False, "kms_key_id": key, "subnet_id": subnet,
                     "security_group_ids": groups, "tags": TEAM},
        "scratch": {"instance_type": "ml.t3.medium", "direct_internet_access": True,
                    "root_access": True, "kms_key_id": None, "subnet_id": None,
                    "security_group_ids": [], "tags": {}},
    })
