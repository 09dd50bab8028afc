"""The collector case of aws_subnet."""

from __future__ import annotations

import boto3

from cases import REGION, TEAM, Built, tag_list


def build() -> Built:
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.50.0.0/24",
                               AvailabilityZone=f"{REGION}c")["Subnet"]["SubnetId"]
    ec2.modify_subnet_attribute(SubnetId=public, MapPublicIpOnLaunch={"Value": True})
    ec2.create_tags(Resources=[public], Tags=tag_list(TEAM))
    private = ec2.create_subnet(VpcId=vpc, CidrBlock="10.50.1.0/24",
                                AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]
    return Built({
        public: {"vpc_id": vpc, "cidr_block": "10.50.0.0/24",
                 "availability_zone": f"{REGION}c", "map_public_ip_on_launch": True,
                 "default_for_az": False, "tags": TEAM},
        private: {"vpc_id": vpc, "cidr_block": "10.50.1.0/24",
                  "availability_zone": f"{REGION}a", "map_public_ip_on_launch": False,
                  "default_for_az": False, "tags": {}},
    })
