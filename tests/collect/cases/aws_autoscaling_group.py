"""The collector case of aws_autoscaling_group."""

from __future__ import annotations

import boto3

from cases import AMI, REGION, TEAM, Built


def build() -> Built:
    ec2, autoscaling = boto3.client("ec2"), boto3.client("autoscaling")
    vpc = ec2.create_vpc(CidrBlock="10.80.0.0/16")["Vpc"]["VpcId"]
    public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.80.0.0/24",
                               AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]
    ec2.modify_subnet_attribute(SubnetId=public, MapPublicIpOnLaunch={"Value": True})
    private = ec2.create_subnet(VpcId=vpc, CidrBlock="10.80.1.0/24",
                                AvailabilityZone=f"{REGION}b")["Subnet"]["SubnetId"]
    template = ec2.create_launch_template(LaunchTemplateName="gpu-nodes", LaunchTemplateData={
        "ImageId": AMI, "InstanceType": "g5.xlarge",
        "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": True}],
    })["LaunchTemplate"]["LaunchTemplateId"]
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="gpu-training", MinSize=0, MaxSize=8, DesiredCapacity=1,
        LaunchTemplate={"LaunchTemplateId": template, "Version": "$Default"},
        VPCZoneIdentifier=f"{private},{public}",
        Tags=[{"Key": k, "Value": v, "PropagateAtLaunch": True} for k, v in TEAM.items()])
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="gpu-spot", MinSize=0, MaxSize=4, DesiredCapacity=0,
        MixedInstancesPolicy={"LaunchTemplate": {
            "LaunchTemplateSpecification": {"LaunchTemplateName": "gpu-nodes",
                                            "Version": "$Latest"},
            "Overrides": [{"InstanceType": "g5.2xlarge"}, {"InstanceType": "g4dn.xlarge"}]}},
        VPCZoneIdentifier=private)
    autoscaling.create_launch_configuration(
        LaunchConfigurationName="legacy", ImageId=AMI, InstanceType="t3.micro",
        AssociatePublicIpAddress=False)
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="legacy", LaunchConfigurationName="legacy", MinSize=1,
        MaxSize=2, VPCZoneIdentifier=private)
    # What EKS makes for a managed node group: AWS's own.
    eks = {"eks:cluster-name": "ml", "eks:nodegroup-name": "gpu"}
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="eks-gpu-4ec5a1b2", MinSize=0, MaxSize=1, DesiredCapacity=0,
        LaunchTemplate={"LaunchTemplateId": template}, VPCZoneIdentifier=private,
        Tags=[{"Key": k, "Value": v, "PropagateAtLaunch": True} for k, v in eks.items()])
    return Built({
        "gpu-training": {"name": "gpu-training", "launch_template": template,
                         "launch_configuration": None, "instance_types": [],
                         "subnet_ids": sorted([public, private]), "min_size": 0,
                         "max_size": 8, "desired_capacity": 1, "tags": TEAM},
        "gpu-spot": {"name": "gpu-spot", "launch_template": template,
                     "launch_configuration": None,
                     "instance_types": ["g4dn.xlarge", "g5.2xlarge"],
                     "subnet_ids": [private], "min_size": 0, "max_size": 4,
                     "desired_capacity": 0, "tags": {}},
        "legacy": {"name": "legacy", "launch_template": None, "launch_configuration": "legacy",
                   "instance_types": [], "subnet_ids": [private], "min_size": 1,
                   "max_size": 2, "desired_capacity": 1, "tags": {}},
        "eks-gpu-4ec5a1b2": {"name": "eks-gpu-4ec5a1b2", "launch_template": template,
                             "launch_configuration": None, "instance_types": [],
                             "subnet_ids": [private], "min_size": 0, "max_size": 1,
                             "desired_capacity": 0, "tags": eks},
    }, aws_defaults={"eks-gpu-4ec5a1b2"})
