"""The collector case of aws_vpc."""

from __future__ import annotations

import boto3

from cases import TEAM, Built, tag_list


def build() -> Built:
    ec2 = boto3.client("ec2")
    named = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=named, EnableDnsHostnames={"Value": True})
    ec2.create_tags(Resources=[named], Tags=tag_list(TEAM))
    isolated = ec2.create_vpc(CidrBlock="192.168.0.0/20")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=isolated, EnableDnsSupport={"Value": False})
    return Built({
        named: {"cidr_block": "10.60.0.0/16", "enable_dns_support": True,
                "enable_dns_hostnames": True, "is_default": False, "tags": TEAM},
        isolated: {"cidr_block": "192.168.0.0/20", "enable_dns_support": False,
                   "enable_dns_hostnames": False, "is_default": False, "tags": {}},
    })
