"""The collector case of aws_vpc_endpoint. moto cannot make a requester-managed endpoint
(one a service makes for you, AWS's own): botocore's Stubber plays one in
tests/collect/test_collect_stubbed.py. (moto leaves a gateway endpoint's VpcEndpointType
out, where AWS writes Gateway: the default reads the same.)"""

from __future__ import annotations

import json

import boto3

from cases import REGION, TEAM, Built, tag_list

FULL_ACCESS = {"Version": "2008-10-17", "Statement": [
    {"Action": ["*"], "Effect": "Allow", "Principal": {"AWS": ["*"]}, "Resource": ["*"]}]}


def build() -> Built:
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.120.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.120.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="endpoints", Description="endpoints",
                                      VpcId=vpc)["GroupId"]
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    data_only = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::acme-data/*"}]}
    s3 = ec2.create_vpc_endpoint(
        VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.s3", RouteTableIds=[table],
        PolicyDocument=json.dumps(data_only), TagSpecifications=[
            {"ResourceType": "vpc-endpoint", "Tags": tag_list(TEAM)}],
    )["VpcEndpoint"]["VpcEndpointId"]
    api = ec2.create_vpc_endpoint(
        VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.sagemaker.api",
        VpcEndpointType="Interface", SubnetIds=[subnet], SecurityGroupIds=[group],
        PrivateDnsEnabled=True)["VpcEndpoint"]["VpcEndpointId"]
    return Built({
        s3: {"vpc_id": vpc, "service_name": f"com.amazonaws.{REGION}.s3",
             "vpc_endpoint_type": "Gateway", "subnet_ids": [], "security_group_ids": [],
             "route_table_ids": [table], "private_dns_enabled": False,
             "policy": {"Version": "2012-10-17", "Statement": [{
                 "Action": ["s3:GetObject"], "Effect": "Allow",
                 "Principal": {"AWS": ["*"]}, "Resource": ["arn:aws:s3:::acme-data/*"]}]},
             "requester_managed": False, "tags": TEAM},
        api: {"vpc_id": vpc, "service_name": f"com.amazonaws.{REGION}.sagemaker.api",
              "vpc_endpoint_type": "Interface", "subnet_ids": [subnet],
              "security_group_ids": [group], "route_table_ids": [],
              "private_dns_enabled": True, "policy": FULL_ACCESS,
              "requester_managed": False, "tags": {}},
    })
