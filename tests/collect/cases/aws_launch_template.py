"""The collector case of aws_launch_template."""

from __future__ import annotations

import boto3

from cases import AMI, TEAM, Built, kms_key_arn, tag_list

EKS = {"eks:cluster-name": "ml", "eks:nodegroup-name": "gpu"}


def build() -> Built:
    ec2 = boto3.client("ec2")
    key = kms_key_arn()
    gpu = ec2.create_launch_template(
        LaunchTemplateName="gpu-workers",
        LaunchTemplateData={
            "ImageId": AMI, "InstanceType": "g5.xlarge",
            "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": True}],
            "BlockDeviceMappings": [
                {"DeviceName": "/dev/xvda",
                 "Ebs": {"VolumeSize": 200, "Encrypted": True, "KmsKeyId": key}},
                {"DeviceName": "/dev/sdb", "Ebs": {"VolumeSize": 500}},
                {"DeviceName": "/dev/sdc", "VirtualName": "ephemeral0"},
            ],
            "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled"},
        },
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": tag_list(TEAM)}],
    )["LaunchTemplate"]["LaunchTemplateId"]
    # A newer version that is not the default: what launches is still version 1.
    ec2.create_launch_template_version(LaunchTemplateId=gpu, LaunchTemplateData={
        "ImageId": AMI, "InstanceType": "p4d.24xlarge"})
    # A template whose default moved to version 2: that version's settings are read.
    moved = ec2.create_launch_template(LaunchTemplateName="moved", LaunchTemplateData={
        "ImageId": AMI, "InstanceType": "t3.micro",
        "MetadataOptions": {"HttpTokens": "required"}})["LaunchTemplate"]["LaunchTemplateId"]
    ec2.create_launch_template_version(LaunchTemplateId=moved, LaunchTemplateData={
        "ImageId": AMI, "InstanceType": "p3.2xlarge",
        "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": False}],
        "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": False}}],
        "MetadataOptions": {"HttpTokens": "optional", "HttpEndpoint": "disabled"}})
    ec2.modify_launch_template(LaunchTemplateId=moved, DefaultVersion="2")
    # Nothing but an AMI: everything else is left to whoever launches it.
    bare = ec2.create_launch_template(LaunchTemplateName="bare", LaunchTemplateData={
        "ImageId": AMI})["LaunchTemplate"]["LaunchTemplateId"]
    # What EKS makes for a managed node group: AWS's own.
    eks = ec2.create_launch_template(
        LaunchTemplateName="eks-4ec5a1b2-node-group", LaunchTemplateData={
            "InstanceType": "m5.large", "MetadataOptions": {"HttpTokens": "required"}},
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": tag_list(EKS)}],
    )["LaunchTemplate"]["LaunchTemplateId"]
    return Built({
        gpu: {"name": "gpu-workers", "instance_type": "g5.xlarge",
              "associate_public_ip_address": True, "block_devices_encrypted": [True, False],
              "kms_key_id": key, "metadata_http_tokens": "required",
              "metadata_http_endpoint": "enabled", "tags": TEAM},
        moved: {"name": "moved", "instance_type": "p3.2xlarge",
                "associate_public_ip_address": False, "block_devices_encrypted": [False],
                "kms_key_id": None, "metadata_http_tokens": "optional",
                "metadata_http_endpoint": "disabled", "tags": {}},
        bare: {"name": "bare", "instance_type": None, "associate_public_ip_address": None,
               "block_devices_encrypted": [], "kms_key_id": None,
               "metadata_http_tokens": None, "metadata_http_endpoint": None, "tags": {}},
        eks: {"name": "eks-4ec5a1b2-node-group", "instance_type": "m5.large",
              "associate_public_ip_address": None, "block_devices_encrypted": [],
              "kms_key_id": None, "metadata_http_tokens": "required",
              "metadata_http_endpoint": None, "tags": EKS},
    }, aws_defaults={eks})
