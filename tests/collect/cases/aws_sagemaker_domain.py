"""The collector case of aws_sagemaker_domain. moto's server supports domains (create,
describe, list, tags); its ListTags fails on a domain created without tags, so both
domains here have some."""

from __future__ import annotations

import boto3

from cases import TEAM, Built, kms_key_arn, tag_list
from cases.aws_sagemaker_notebook_instance import ROLE


def build() -> Built:
    ec2, sm = boto3.client("ec2"), boto3.client("sagemaker")
    vpc = ec2.create_vpc(CidrBlock="10.43.0.0/16")["Vpc"]["VpcId"]
    subnets = sorted(ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.43.{i}.0/24")["Subnet"][
        "SubnetId"] for i in (1, 2))
    key = kms_key_arn("studio home")
    settings = {"ExecutionRole": ROLE}
    private = sm.create_domain(DomainName="studio", AuthMode="IAM", VpcId=vpc,
                               SubnetIds=subnets, DefaultUserSettings=settings,
                               AppNetworkAccessType="VpcOnly", KmsKeyId=key,
                               Tags=tag_list(TEAM))["DomainArn"].rsplit("/", 1)[-1]
    public = sm.create_domain(DomainName="sandbox", AuthMode="IAM", VpcId=vpc,
                              SubnetIds=subnets[:1], DefaultUserSettings=settings,
                              Tags=tag_list({"env": "dev"}))["DomainArn"].rsplit("/", 1)[-1]
    return Built({
        private: {"direct_internet_access": False, "app_network_access_type": "VpcOnly",
                  "kms_key_id": key, "vpc_id": vpc, "subnet_ids": subnets, "tags": TEAM},
        public: {"direct_internet_access": True, "app_network_access_type": "PublicInternetOnly",
                 "kms_key_id": None, "vpc_id": vpc, "subnet_ids": subnets[:1],
                 "tags": {"env": "dev"}},
    })
