"""The collector case of aws_lb."""

from __future__ import annotations

import boto3

from cases import REGION, TEAM, Built, tag_list


def build() -> Built:
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.90.0.0/16")["Vpc"]["VpcId"]
    subnets = sorted(ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.90.{n}.0/24",
                                       AvailabilityZone=f"{REGION}{zone}")["Subnet"]["SubnetId"]
                     for n, zone in ((1, "a"), (2, "b")))
    group = ec2.create_security_group(GroupName="api-lb", Description="api",
                                      VpcId=vpc)["GroupId"]
    elbv2 = boto3.client("elbv2")
    public = elbv2.create_load_balancer(
        Name="inference-api", Subnets=subnets, SecurityGroups=[group],
        Scheme="internet-facing", Type="application",
        Tags=tag_list(TEAM))["LoadBalancers"][0]["LoadBalancerArn"]
    internal = elbv2.create_load_balancer(
        Name="feature-store", Subnets=subnets[:1], Scheme="internal",
        Type="network")["LoadBalancers"][0]["LoadBalancerArn"]
    return Built({
        public: {"name": "inference-api", "internet_facing": True,
                 "load_balancer_type": "application", "subnet_ids": subnets,
                 "security_group_ids": [group], "ip_address_type": "ipv4", "tags": TEAM},
        internal: {"name": "feature-store", "internet_facing": False,
                   "load_balancer_type": "network", "subnet_ids": subnets[:1],
                   "security_group_ids": [], "ip_address_type": "ipv4", "tags": {}},
    })
