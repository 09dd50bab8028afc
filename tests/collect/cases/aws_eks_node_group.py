"""The collector case of aws_eks_node_group: node groups are listed per cluster
(Collect.parent), described with both names (Detail.fields), and named
`cluster:nodegroup` (an id expression). Two clusters hold a node group of the same name:
their ids differ by the cluster."""

from __future__ import annotations

import boto3

from cases import ACCOUNT, TEAM, Built
from cases.aws_eks_cluster import ROLE, subnets

NODE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/eks-nodes"


def build() -> Built:
    eks, ec2 = boto3.client("eks"), boto3.client("ec2")
    net = subnets("10.41.0.0/16")
    group = ec2.create_security_group(GroupName="bastion", Description="bastion",
                                      VpcId=ec2.describe_subnets(SubnetIds=net[:1])[
                                          "Subnets"][0]["VpcId"])["GroupId"]
    for cluster in ("training", "inference", "empty"):
        eks.create_cluster(name=cluster, roleArn=ROLE, resourcesVpcConfig={"subnetIds": net})
    eks.create_nodegroup(
        clusterName="training", nodegroupName="gpu", nodeRole=NODE_ROLE, subnets=net,
        instanceTypes=["g5.2xlarge", "g5.4xlarge"], amiType="AL2_x86_64_GPU",
        capacityType="SPOT", scalingConfig={"minSize": 0, "maxSize": 8, "desiredSize": 2},
        remoteAccess={"ec2SshKey": "ops", "sourceSecurityGroups": [group]}, tags=TEAM)
    eks.create_nodegroup(
        clusterName="inference", nodegroupName="gpu", nodeRole=NODE_ROLE, subnets=net[:1],
        launchTemplate={"name": "inference-nodes", "version": "3"},
        scalingConfig={"minSize": 1, "maxSize": 2, "desiredSize": 1})
    made = eks.describe_nodegroup(clusterName="inference", nodegroupName="gpu")[
        "nodegroup"]
    return Built({
        "training:gpu": {
            "cluster_name": "training", "instance_types": ["g5.2xlarge", "g5.4xlarge"],
            "ami_type": "AL2_x86_64_GPU", "capacity_type": "SPOT", "min_size": 0,
            "max_size": 8, "desired_size": 2, "subnet_ids": net,
            "remote_access_ssh_key": "ops",
            "remote_access_source_security_group_ids": [group], "launch_template": None,
            "launch_template_version": None, "tags": TEAM},
        "inference:gpu": {
            # Without instance types moto, as AWS, launches t3.medium (a launch template
            # naming one would leave them out); moto also fills in a key it calls
            # eksKeypair where AWS sets no remote access.
            "cluster_name": "inference", "instance_types": made["instanceTypes"],
            "ami_type": made["amiType"], "capacity_type": "ON_DEMAND", "min_size": 1,
            "max_size": 2, "desired_size": 1, "subnet_ids": net[:1],
            "remote_access_ssh_key": made["remoteAccess"]["ec2SshKey"],
            "remote_access_source_security_group_ids": [],
            "launch_template": "inference-nodes", "launch_template_version": "3",
            "tags": {}},
    })
