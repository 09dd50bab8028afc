"""The collector case of aws_nat_gateway. (moto leaves ConnectivityType out of a public
gateway's description, where AWS writes `public`: the default reads the same.)"""

from __future__ import annotations

import boto3

from cases import TEAM, Built, tag_list


def build() -> Built:
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.100.0.0/16")["Vpc"]["VpcId"]
    public_subnet, private_subnet = (
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.100.{n}.0/24")["Subnet"]["SubnetId"]
        for n in (1, 2))
    address = ec2.allocate_address(Domain="vpc")["AllocationId"]
    egress = ec2.create_nat_gateway(SubnetId=public_subnet, AllocationId=address,
                                    TagSpecifications=[{"ResourceType": "natgateway",
                                                        "Tags": tag_list(TEAM)}],
                                    )["NatGateway"]["NatGatewayId"]
    private = ec2.create_nat_gateway(SubnetId=private_subnet,
                                     ConnectivityType="private")["NatGateway"]["NatGatewayId"]
    gone = ec2.create_nat_gateway(SubnetId=private_subnet,
                                  ConnectivityType="private")["NatGateway"]["NatGatewayId"]
    ec2.delete_nat_gateway(NatGatewayId=gone)
    return Built({
        egress: {"subnet_id": public_subnet, "connectivity_type": "public",
                 "allocation_id": address, "tags": TEAM},
        private: {"subnet_id": private_subnet, "connectivity_type": "private",
                  "allocation_id": None, "tags": {}},
    }, absent={gone})
