"""The collector case of aws_batch_compute_environment: EC2 with exact types and a bare
family, Spot with `optimal`, Fargate (no instance types), unmanaged (no compute
resources)."""

from __future__ import annotations

import boto3

from cases import TEAM, Built


def build() -> Built:
    ec2, iam, batch = boto3.client("ec2"), boto3.client("iam"), boto3.client("batch")
    vpc = ec2.create_vpc(CidrBlock="10.44.0.0/16")["Vpc"]["VpcId"]
    subnets = sorted(ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.44.{i}.0/24")["Subnet"][
        "SubnetId"] for i in (1, 2))
    group = ec2.create_security_group(GroupName="batch", Description="batch",
                                      VpcId=vpc)["GroupId"]
    role = iam.create_role(RoleName="batch-service", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    profile = iam.create_instance_profile(InstanceProfileName="batch-ecs")["InstanceProfile"][
        "Arn"]

    def managed(name: str, **resources: object) -> None:
        batch.create_compute_environment(
            computeEnvironmentName=name, type="MANAGED", serviceRole=role,
            computeResources={"subnets": subnets, "securityGroupIds": [group], **resources},
            **({"tags": TEAM} if name == "gpu-training" else {}))

    managed("gpu-training", type="EC2", minvCpus=0, maxvCpus=256, desiredvCpus=0,
            instanceTypes=["g4dn.xlarge", "m5"], instanceRole=profile)
    managed("spot-etl", type="SPOT", minvCpus=0, maxvCpus=64, instanceTypes=["optimal"],
            instanceRole=profile, bidPercentage=60, spotIamFleetRole=role)
    managed("fargate", type="FARGATE", maxvCpus=16)
    batch.create_compute_environment(computeEnvironmentName="onprem", type="UNMANAGED",
                                     serviceRole=role)
    common = {"type": "MANAGED", "subnet_ids": subnets, "launch_template": None, "tags": {}}
    return Built({
        "gpu-training": {**common, "name": "gpu-training", "compute_type": "EC2",
                         "instance_types": ["g4dn.xlarge", "m5"], "max_vcpus": 256,
                         "tags": TEAM},
        "spot-etl": {**common, "name": "spot-etl", "compute_type": "SPOT",
                     "instance_types": ["optimal"], "max_vcpus": 64},
        "fargate": {**common, "name": "fargate", "compute_type": "FARGATE",
                    "instance_types": [], "max_vcpus": 16},
        "onprem": {**common, "name": "onprem", "type": "UNMANAGED", "compute_type": None,
                   "instance_types": [], "max_vcpus": None, "subnet_ids": []},
    })
