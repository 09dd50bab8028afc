"""The collector case of aws_eip."""

from __future__ import annotations

import boto3

from cases import AMI, REGION, TEAM, Built, tag_list


def build() -> Built:
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.90.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.90.0.0/24",
                               AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]
    instance = ec2.run_instances(ImageId=AMI, InstanceType="g5.xlarge", MinCount=1,
                                 MaxCount=1, SubnetId=subnet)["Instances"][0]
    eni = instance["NetworkInterfaces"][0]["NetworkInterfaceId"]
    on_instance = ec2.allocate_address(Domain="vpc", TagSpecifications=[
        {"ResourceType": "elastic-ip", "Tags": tag_list(TEAM)}])
    ec2.associate_address(AllocationId=on_instance["AllocationId"],
                          InstanceId=instance["InstanceId"])
    interface = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"][
        "NetworkInterfaceId"]
    on_interface = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(AllocationId=on_interface["AllocationId"],
                          NetworkInterfaceId=interface)
    spare = ec2.allocate_address(Domain="vpc")
    return Built({
        on_instance["AllocationId"]: {
            "public_ip": on_instance["PublicIp"], "domain": "vpc",
            "instance": instance["InstanceId"], "network_interface": eni,
            "service_managed": None, "tags": TEAM},
        on_interface["AllocationId"]: {
            "public_ip": on_interface["PublicIp"], "domain": "vpc", "instance": None,
            "network_interface": interface, "service_managed": None, "tags": {}},
        spare["AllocationId"]: {
            "public_ip": spare["PublicIp"], "domain": "vpc", "instance": None,
            "network_interface": None, "service_managed": None, "tags": {}},
    })
