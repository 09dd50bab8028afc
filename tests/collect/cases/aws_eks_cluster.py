"""The collector case of aws_eks_cluster: list_clusters gives plain names (items
`clusters[].{name: @}`), describe_cluster the rest."""

from __future__ import annotations

import boto3

from cases import ACCOUNT, TEAM, Built, kms_key_arn

ROLE = f"arn:aws:iam::{ACCOUNT}:role/eks-cluster"


def subnets(cidr: str) -> list[str]:
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    base = cidr.rsplit(".", 2)[0]
    return sorted(ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base}.{i}.0/24")["Subnet"]["SubnetId"]
                  for i in (1, 2))


def build() -> Built:
    eks = boto3.client("eks")
    net = subnets("10.40.0.0/16")
    key = kms_key_arn("eks secrets")
    # Private, secrets encrypted.
    eks.create_cluster(name="training", version="1.30", roleArn=ROLE, tags=TEAM,
                       resourcesVpcConfig={"subnetIds": net, "endpointPublicAccess": False,
                                           "endpointPrivateAccess": True,
                                           "publicAccessCidrs": ["10.0.0.0/8", "192.0.2.0/24"]},
                       encryptionConfig=[{"resources": ["secrets"],
                                          "provider": {"keyArn": key}}])
    # Everything left to AWS's defaults: public to the world, secrets not encrypted (moto
    # leaves the defaulted fields out of resourcesVpcConfig; AWS returns them).
    eks.create_cluster(name="sandbox", roleArn=ROLE, resourcesVpcConfig={"subnetIds": net[:1]})
    version = eks.describe_cluster(name="sandbox")["cluster"]["version"]
    return Built({
        "training": {"version": "1.30", "endpoint_public_access": False,
                     "public_access_cidrs": ["10.0.0.0/8", "192.0.2.0/24"],
                     "endpoint_private_access": True, "secrets_encrypted": True,
                     "kms_key_id": key, "subnet_ids": net, "tags": TEAM},
        "sandbox": {"version": version, "endpoint_public_access": True,
                    "public_access_cidrs": ["0.0.0.0/0"], "endpoint_private_access": False,
                    "secrets_encrypted": False, "kms_key_id": None, "subnet_ids": net[:1],
                    "tags": {}},
    })
