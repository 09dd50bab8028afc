"""The collector case of aws_launch_configuration."""

from __future__ import annotations

import boto3

from cases import AMI, Built


def build() -> Built:
    autoscaling = boto3.client("autoscaling")
    autoscaling.create_launch_configuration(
        LaunchConfigurationName="gpu-legacy", ImageId=AMI, InstanceType="p3.2xlarge",
        AssociatePublicIpAddress=True,
        BlockDeviceMappings=[
            {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 100, "Encrypted": True}},
            {"DeviceName": "/dev/sdb", "Ebs": {"VolumeSize": 500}},
            {"DeviceName": "/dev/sdc", "VirtualName": "ephemeral0"},
        ],
        MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"})
    # (moto writes AssociatePublicIpAddress false where the call leaves it out; AWS
    # leaves it out too: set here so that the case reads the same on both.)
    autoscaling.create_launch_configuration(
        LaunchConfigurationName="plain", ImageId=AMI, InstanceType="t3.micro",
        AssociatePublicIpAddress=False)
    return Built({
        "gpu-legacy": {"name": "gpu-legacy", "instance_type": "p3.2xlarge",
                       "associate_public_ip_address": True,
                       "block_devices_encrypted": [False, True],
                       "metadata_http_tokens": "required"},
        "plain": {"name": "plain", "instance_type": "t3.micro",
                  "associate_public_ip_address": False, "block_devices_encrypted": [],
                  "metadata_http_tokens": None},
    })
