"""The collector case of aws_security_group."""

from __future__ import annotations

import boto3

from cases import TEAM, Built, tag_list


def build() -> Built:
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="bastion", Description="admin access",
                                      VpcId=vpc)["GroupId"]
    ec2.create_tags(Resources=[group], Tags=tag_list(TEAM))
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
         "IpRanges": [{"CidrIp": "10.0.0.0/8"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
        {"IpProtocol": "udp", "FromPort": 51820, "ToPort": 51820,
         "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32"}]},
    ])
    return Built({group: {
        "name": "bastion", "vpc_id": vpc, "description": "admin access",
        "ingress": [
            {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidrs": ["0.0.0.0/0"]},
            {"protocol": "tcp", "from_port": 443, "to_port": 443,
             "cidrs": ["10.0.0.0/8", "::/0"]},
            {"protocol": "udp", "from_port": 51820, "to_port": 51820,
             "cidrs": ["2001:db8::/32"]},
        ],
        # AWS's allow-all egress rule, protocol -1 covering every port.
        "egress": [{"protocol": "-1", "from_port": 0, "to_port": 65535,
                    "cidrs": ["0.0.0.0/0"]}],
        "tags": TEAM}})
