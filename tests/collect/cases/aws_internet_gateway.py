"""The collector case of aws_internet_gateway. (moto makes no gateway for its default VPC,
where AWS does: the case attaches one, as AWS would have.)"""

from __future__ import annotations

import boto3

from cases import TEAM, Built, tag_list


def build() -> Built:
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.110.0.0/16")["Vpc"]["VpcId"]
    attached = ec2.create_internet_gateway(TagSpecifications=[
        {"ResourceType": "internet-gateway", "Tags": tag_list(TEAM)}],
    )["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=attached, VpcId=vpc)
    spare = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    default_vpc = next(v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v["IsDefault"])
    aws_made = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=aws_made, VpcId=default_vpc)
    return Built({
        attached: {"vpc_id": vpc, "tags": TEAM},
        spare: {"vpc_id": None, "tags": {}},
        aws_made: {"vpc_id": default_vpc, "tags": {}},
    }, aws_defaults={aws_made})
