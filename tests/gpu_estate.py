"""The ML estate of issue 14 as a Terraform plan (`terraform show -json`, AWS provider v5),
the twin of tests/cfn/gpu-estate.yaml (or of gpu-estate-compliant.yaml): ids unknown
until apply, references in the configuration (nested blocks' too), the provider's strings
for launch templates' booleans. tests/declared/test_gpu_estate.py proves the two give the
same verdicts; tests/scan/test_scan_gpu_estate.py builds it in moto and scans it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from plans import change, plan

CFN = Path(__file__).resolve().parent / "cfn"
KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1111-2222"
AMI = "ami-0abcdef1234567890"
NODE_ROLE = "arn:aws:iam::123456789012:role/eks-nodes"
CLUSTER_ROLE = "arn:aws:iam::123456789012:role/eks-cluster"


def ref(target: str, attr: str = "id") -> list[str]:
    return [f"{target}.{attr}", target]


def estate(compliant: bool) -> dict[str, Any]:
    """The Terraform twin of gpu-estate.yaml (or of gpu-estate-compliant.yaml)."""
    gpu_type = "p4d.24xlarge" if compliant else "dl1.24xlarge"
    ebs = {"volume_size": 500, "volume_type": "gp3",
           "encrypted": "true" if compliant else "false",
           "kms_key_id": KEY_ARN if compliant else None}
    groups_subnet = "aws_subnet.Private" if compliant else "aws_subnet.Public"
    changes = [
        change("aws_vpc.Main", {"cidr_block": "10.20.0.0/16"}),
        change("aws_subnet.Private", {"cidr_block": "10.20.1.0/24",
                                      "map_public_ip_on_launch": False},
               unknown={"vpc_id": True}, refs={"vpc_id": ref("aws_vpc.Main")}),
        change("aws_launch_template.Gpu", {
            "name": "gpu", "instance_type": gpu_type, "image_id": AMI,
            "network_interfaces": [{"device_index": 0, "associate_public_ip_address":
                                    "false" if compliant else "true"}],
            "block_device_mappings": [{"device_name": "/dev/sda1", "ebs": [ebs]}],
            "metadata_options": [{"http_tokens": "required" if compliant else "optional"}]},
            unknown={"id": True, "block_device_mappings": [{"ebs": [{"iops": True,
                                                                     "throughput": True}]}]},
            blocks=("network_interfaces", "block_device_mappings", "metadata_options")),
        change("aws_autoscaling_group.Trainers", {
            "name": "trainers", "min_size": 0, "max_size": 8,
            "launch_template": [{"id": None, "version": "$Latest"}],
            "vpc_zone_identifier": None},
            unknown={"launch_template": [{"id": True}], "vpc_zone_identifier": True},
            refs={"launch_template.0.id": ref("aws_launch_template.Gpu"),
                  "vpc_zone_identifier": ref(groups_subnet)},
            blocks=("launch_template",)),
        change("aws_autoscaling_group.Spot", {
            "name": "spot", "min_size": 0, "max_size": 4, "vpc_zone_identifier": None,
            "mixed_instances_policy": [{"launch_template": [{
                "launch_template_specification": [{"launch_template_id": None,
                                                   "version": "$Latest"}],
                "override": [{"instance_type": t} for t in
                             ("p4d.24xlarge" if compliant else "p3dn.24xlarge",
                              "g5.12xlarge")]}]}]},
            unknown={"vpc_zone_identifier": True, "mixed_instances_policy": [{
                "launch_template": [{"launch_template_specification": [
                    {"launch_template_id": True}]}]}]},
            refs={"mixed_instances_policy.0.launch_template.0.launch_template_specification.0"
                  ".launch_template_id": ref("aws_launch_template.Gpu"),
                  "vpc_zone_identifier": ref("aws_subnet.Private")},
            blocks=("mixed_instances_policy",)),
        change("aws_instance.Bastion", {
            "instance_type": "t3.micro", "ami": AMI,
            "metadata_options": [{"http_tokens": "required"}],
            "root_block_device": [{"volume_size": 20, "encrypted": True}]},
            unknown={"subnet_id": True}, refs={"subnet_id": ref("aws_subnet.Private")},
            blocks=("metadata_options", "root_block_device")),
        change("aws_eks_cluster.Training", {
            "name": "training", "role_arn": CLUSTER_ROLE,
            "vpc_config": [{"endpoint_public_access": not compliant,
                            "endpoint_private_access": compliant, "subnet_ids": None,
                            "public_access_cidrs": None}],
            **({"encryption_config": [{"resources": ["secrets"],
                                       "provider": [{"key_arn": KEY_ARN}]}]}
               if compliant else {})},
            unknown={"vpc_config": [{"subnet_ids": True, "public_access_cidrs": True}]},
            refs={"vpc_config.0.subnet_ids": ref("aws_subnet.Private")},
            blocks=("vpc_config", "encryption_config") if compliant else ("vpc_config",)),
        change("aws_eks_node_group.Nodes", {
            "node_group_name": "gpu", "node_role_arn": NODE_ROLE,
            "instance_types": ["g5.xlarge" if compliant else "x2iedn.24xlarge"],
            "scaling_config": [{"min_size": 0, "max_size": 4, "desired_size": 1}]},
            unknown={"cluster_name": True, "subnet_ids": True},
            refs={"cluster_name": ref("aws_eks_cluster.Training", "name"),
                  "subnet_ids": ref("aws_subnet.Private")},
            blocks=("scaling_config",)),
        change("aws_sagemaker_notebook_instance.Notebook", {
            "name": "notebook", "role_arn": "arn:aws:iam::123456789012:role/sagemaker",
            "instance_type": "ml.g5.xlarge" if compliant else "ml.p3dn.24xlarge",
            "direct_internet_access": "Disabled" if compliant else "Enabled",
            "root_access": "Disabled" if compliant else "Enabled",
            **({"kms_key_id": KEY_ARN} if compliant else {})},
            **({"unknown": {"subnet_id": True},
                "refs": {"subnet_id": ref("aws_subnet.Private")}} if compliant else {})),
        change("aws_sagemaker_endpoint_configuration.Serving", {
            "name": "serving", "production_variants": [{
                "variant_name": "main", "model_name": "llm", "initial_instance_count": 1,
                "instance_type": "ml.g5.xlarge" if compliant else "ml.inf1.xlarge"}],
            **({"kms_key_arn": KEY_ARN} if compliant else {})},
            blocks=("production_variants",)),
        change("aws_batch_compute_environment.Batch", {
            "compute_environment_name": "gpu-batch", "type": "MANAGED",
            "compute_resources": [{
                "type": "EC2", "min_vcpus": 0, "max_vcpus": 256, "subnets": None,
                "instance_role": "arn:aws:iam::123456789012:instance-profile/batch",
                "instance_type": ["g5", "p4d.24xlarge"] if compliant else ["optimal"]}]},
            unknown={"compute_resources": [{"subnets": True}]},
            refs={"compute_resources.0.subnets": ref("aws_subnet.Private")},
            blocks=("compute_resources",)),
    ]
    if not compliant:
        changes += [
            change("aws_subnet.Public", {"cidr_block": "10.20.0.0/24",
                                         "map_public_ip_on_launch": True},
                   unknown={"vpc_id": True}, refs={"vpc_id": ref("aws_vpc.Main")}),
            change("aws_eip.BastionIp", {"domain": "vpc", "instance": None},
                   unknown={"instance": True, "id": True},
                   refs={"instance": ref("aws_instance.Bastion")}),
        ]
    return plan(*changes)
