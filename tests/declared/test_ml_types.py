"""The EKS, SageMaker and Batch types from every declared source: Terraform state as the
AWS provider v5 writes it (Batch's v6 name too), plans (defaults the provider computes
inside nested blocks are defaults, not unknowns), CloudFormation templates (defaults where
a property is left out) and deployed stacks (physical ids made canonical)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from plans import write

from driftguard.declared import cloudformation
from driftguard.declared.state_writer import TerraformState
from driftguard.declared.terraform import load, load_document
from driftguard.model import Resource

ACCOUNT, REGION = "123456789012", "eu-west-1"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0b1c2d3e-aaaa-bbbb-cccc-1234567890ab"
TAGS = {"team": "ml-platform"}
SUBNETS = ["subnet-0aaa1111", "subnet-0bbb2222"]


def tags(extra: dict[str, str] | None = None) -> dict[str, Any]:
    return {"tags": dict(TAGS), "tags_all": {**TAGS, **(extra or {})}}


def arn(service: str, what: str) -> str:
    return f"arn:aws:{service}:{REGION}:{ACCOUNT}:{what}"


# --- Terraform state, as provider v5 writes it --------------------------------------------

def state() -> TerraformState:
    doc = TerraformState()
    doc.add("aws_eks_cluster", "training", {
        "id": "training", "name": "training", "arn": arn("eks", "cluster/training"),
        "version": "1.30", "role_arn": f"arn:aws:iam::{ACCOUNT}:role/eks",
        "bootstrap_self_managed_addons": True, "enabled_cluster_log_types": [],
        "encryption_config": [{"provider": [{"key_arn": KEY}], "resources": ["secrets"]}],
        "vpc_config": [{"cluster_security_group_id": "sg-0ccc3333",
                        "endpoint_private_access": True, "endpoint_public_access": True,
                        "public_access_cidrs": ["203.0.113.0/24", "198.51.100.0/24"],
                        "security_group_ids": [], "subnet_ids": SUBNETS,
                        "vpc_id": "vpc-0ddd4444"}],
        "access_config": [{"authentication_mode": "API_AND_CONFIG_MAP",
                           "bootstrap_cluster_creator_admin_permissions": True}],
        "kubernetes_network_config": [{"ip_family": "ipv4", "service_ipv4_cidr":
                                       "172.20.0.0/16", "service_ipv6_cidr": ""}],
        "outpost_config": [], "upgrade_policy": [{"support_type": "EXTENDED"}],
        **tags({"env": "prod"})}, schema_version=1)
    doc.add("aws_eks_node_group", "gpu", {
        "id": "training:gpu", "arn": arn("eks", "nodegroup/training/gpu/9c1e"),
        "cluster_name": "training", "node_group_name": "gpu", "node_group_name_prefix": "",
        "ami_type": "AL2_x86_64_GPU", "capacity_type": "SPOT", "disk_size": 0,
        "instance_types": ["g5.2xlarge", "g5.4xlarge"], "labels": {},
        "launch_template": [{"id": "lt-0eee5555", "name": "gpu-nodes", "version": "4"}],
        "node_role_arn": f"arn:aws:iam::{ACCOUNT}:role/nodes", "release_version": "1.30.0",
        "remote_access": [],
        "scaling_config": [{"desired_size": 3, "max_size": 8, "min_size": 1}],
        "subnet_ids": list(reversed(SUBNETS)), "taint": [],
        "update_config": [{"max_unavailable": 1, "max_unavailable_percentage": 0}],
        "version": "1.30", **tags()})
    doc.add("aws_sagemaker_notebook_instance", "research", {
        "id": "research", "name": "research",
        "arn": arn("sagemaker", "notebook-instance/research"), "instance_type": "ml.g5.xlarge",
        "direct_internet_access": "Enabled", "root_access": "Disabled", "kms_key_id": KEY,
        "subnet_id": SUBNETS[0], "security_groups": ["sg-0fff6666"], "volume_size": 50,
        "role_arn": f"arn:aws:iam::{ACCOUNT}:role/sagemaker", "lifecycle_config_name": "",
        "platform_identifier": "notebook-al2-v2", "accelerator_types": [],
        "additional_code_repositories": [], "default_code_repository": "",
        "instance_metadata_service_configuration": [
            {"minimum_instance_metadata_service_version": "2"}],
        "network_interface_id": "eni-0abc", "url": "research.notebook.aws", **tags()})
    doc.add("aws_sagemaker_endpoint_configuration", "llm", {
        "id": "llm", "name": "llm", "name_prefix": "",
        "arn": arn("sagemaker", "endpoint-config/llm"), "kms_key_arn": KEY,
        "production_variants": [
            {"variant_name": "blue", "model_name": "llm", "instance_type": "ml.g5.2xlarge",
             "initial_instance_count": 2, "initial_variant_weight": 1,
             "serverless_config": [], "accelerator_type": "", "volume_size_in_gb": 0},
            {"variant_name": "lite", "model_name": "llm", "instance_type": "",
             "serverless_config": [{"max_concurrency": 5, "memory_size_in_mb": 2048,
                                    "provisioned_concurrency": 0}]}],
        "shadow_production_variants": [
            {"variant_name": "shadow", "model_name": "llm-next", "instance_type": "ml.p4d.24xlarge",
             "initial_instance_count": 1, "serverless_config": []}],
        "async_inference_config": [], "data_capture_config": [], **tags()})
    doc.add("aws_sagemaker_domain", "studio", {
        "id": "d-abc123xyz", "arn": arn("sagemaker", "domain/d-abc123xyz"),
        "domain_name": "studio", "auth_mode": "IAM", "app_network_access_type": "VpcOnly",
        "kms_key_id": KEY, "vpc_id": "vpc-0ddd4444", "subnet_ids": SUBNETS,
        "home_efs_file_system_id": "fs-0123", "url": "https://d-abc123xyz.studio.aws",
        "default_user_settings": [{"execution_role": f"arn:aws:iam::{ACCOUNT}:role/sm"}],
        **tags()})
    doc.add("aws_batch_compute_environment", "gpu", {
        "id": "gpu-training", "compute_environment_name": "gpu-training",
        "compute_environment_name_prefix": "",
        "arn": arn("batch", "compute-environment/gpu-training"),
        "type": "MANAGED", "state": "ENABLED", "service_role": f"arn:aws:iam::{ACCOUNT}:role/b",
        "compute_resources": [{
            "type": "EC2", "allocation_strategy": "BEST_FIT_PROGRESSIVE", "max_vcpus": 256,
            "min_vcpus": 0, "desired_vcpus": 0, "instance_type": ["p4d", "g5.12xlarge"],
            "subnets": SUBNETS, "security_group_ids": ["sg-0fff6666"],
            "launch_template": [{"launch_template_id": "", "launch_template_name": "batch-gpu",
                                 "version": "$Latest"}],
            "ec2_configuration": [{"image_id_override": "", "image_type": "ECS_AL2_NVIDIA"}],
            "tags": {}, "bid_percentage": 0, "ec2_key_pair": "", "image_id": "",
            "instance_role": f"arn:aws:iam::{ACCOUNT}:instance-profile/ecs"}],
        "ecs_cluster_arn": arn("ecs", "cluster/gpu"), "status": "VALID", **tags()})
    # Provider v6 renamed compute_environment_name to name; a Fargate environment.
    doc.add("aws_batch_compute_environment", "fargate", {
        "id": "fargate-etl", "name": "fargate-etl", "name_prefix": "",
        "arn": arn("batch", "compute-environment/fargate-etl"), "type": "MANAGED",
        "compute_resources": [{"type": "FARGATE", "max_vcpus": 16, "instance_type": [],
                               "subnets": SUBNETS[:1], "security_group_ids": [],
                               "launch_template": []}], "tags": {}, "tags_all": {}})
    return doc


@pytest.fixture
def from_state(tmp_path: Path) -> dict[str, Resource]:
    _, resources = load(state().write(tmp_path / "terraform.tfstate"))
    return {r.address: r for r in resources}


STATE_EXPECTED: dict[str, tuple[str, dict[str, Any]]] = {
    "aws_eks_cluster.training": ("training", {
        "version": "1.30", "endpoint_public_access": True,
        "public_access_cidrs": ["198.51.100.0/24", "203.0.113.0/24"],
        "endpoint_private_access": True, "secrets_encrypted": True, "kms_key_id": KEY,
        "subnet_ids": SUBNETS, "tags": {**TAGS, "env": "prod"}}),
    "aws_eks_node_group.gpu": ("training:gpu", {
        "cluster_name": "training", "instance_types": ["g5.2xlarge", "g5.4xlarge"],
        "ami_type": "AL2_x86_64_GPU", "capacity_type": "SPOT", "min_size": 1, "max_size": 8,
        "desired_size": 3, "subnet_ids": SUBNETS, "remote_access_ssh_key": None,
        "remote_access_source_security_group_ids": [], "launch_template": "lt-0eee5555",
        "launch_template_version": "4", "tags": TAGS}),
    "aws_sagemaker_notebook_instance.research": ("research", {
        "instance_type": "ml.g5.xlarge", "direct_internet_access": True, "root_access": False,
        "kms_key_id": KEY, "subnet_id": SUBNETS[0], "security_group_ids": ["sg-0fff6666"],
        "tags": TAGS}),
    "aws_sagemaker_endpoint_configuration.llm": ("llm", {
        "instance_types": ["ml.g5.2xlarge", "ml.p4d.24xlarge"], "kms_key_id": KEY,
        "tags": TAGS}),
    "aws_sagemaker_domain.studio": ("d-abc123xyz", {
        "direct_internet_access": False, "app_network_access_type": "VpcOnly",
        "kms_key_id": KEY, "vpc_id": "vpc-0ddd4444", "subnet_ids": SUBNETS, "tags": TAGS}),
    "aws_batch_compute_environment.gpu": ("gpu-training", {
        "name": "gpu-training", "type": "MANAGED", "compute_type": "EC2",
        "instance_types": ["g5.12xlarge", "p4d"], "max_vcpus": 256, "subnet_ids": SUBNETS,
        "launch_template": "batch-gpu", "tags": TAGS}),
    "aws_batch_compute_environment.fargate": ("fargate-etl", {
        "name": "fargate-etl", "type": "MANAGED", "compute_type": "FARGATE",
        "instance_types": [], "max_vcpus": 16, "subnet_ids": SUBNETS[:1],
        "launch_template": None, "tags": {}}),
}


@pytest.mark.parametrize("address", sorted(STATE_EXPECTED))
def test_state_as_the_provider_writes_it(from_state: dict[str, Resource], address: str) -> None:
    ident, expected = STATE_EXPECTED[address]
    res = from_state[address]
    assert res.id == ident
    assert res.unknown == []
    # No targets here: null.
    linked = {"subnets_map_public_ip_on_launch", "launch_template_key", "kms_key_manager"}
    assert {k: v for k, v in res.attributes.items() if k not in linked} == expected
    assert all(res.attributes.get(name) in (None, [None] * len(expected.get("subnet_ids", [])))
               for name in linked & set(res.attributes))


# --- plans: defaults the provider computes in nested blocks -------------------------------

def plan_of(rtype: str, name: str, after: dict[str, Any], unknown: dict[str, Any],
            expressions: dict[str, Any]) -> dict[str, Any]:
    """A one-resource plan with its configuration's expressions as Terraform writes them:
    attributes as {constant_value} or {references}, nested blocks as lists of objects of
    expressions."""
    return {
        "format_version": "1.2", "terraform_version": "1.9.5",
        "planned_values": {"root_module": {}},
        "resource_changes": [{"address": f"{rtype}.{name}", "mode": "managed", "type": rtype,
                              "name": name, "change": {"actions": ["create"], "after": after,
                                                       "after_unknown": unknown,
                                                       "after_sensitive": {}}}],
        "configuration": {"root_module": {"resources": [{
            "address": f"{rtype}.{name}", "mode": "managed", "type": rtype, "name": name,
            "expressions": expressions}]}},
    }


def planned(tmp_path: Path, doc: dict[str, Any]) -> Resource:
    _, resources = load(write(tmp_path, doc))
    (res,) = resources
    return res


SUBNET_REFS = {"references": ["aws_subnet.a.id", "aws_subnet.a"]}


def eks_plan(vpc_config: dict[str, Any], unknown_vpc: dict[str, Any]) -> dict[str, Any]:
    """A cluster whose vpc_config sets subnet_ids (references) and `vpc_config`."""
    after = {"name": "training", "role_arn": f"arn:aws:iam::{ACCOUNT}:role/eks",
             "encryption_config": [], "tags": None,
             "vpc_config": [{"endpoint_private_access": False, "endpoint_public_access": True,
                             "security_group_ids": None, **vpc_config}]}
    unknown = {"arn": True, "id": True, "version": True, "tags_all": True, "endpoint": True,
               "encryption_config": [], "vpc_config": [{
                   "cluster_security_group_id": True, "public_access_cidrs": True,
                   "subnet_ids": True, "vpc_id": True, **unknown_vpc}]}
    expressions = {"name": {"constant_value": "training"},
                   "role_arn": {"constant_value": after["role_arn"]},
                   "vpc_config": [{"subnet_ids": SUBNET_REFS, **{
                       k: {"constant_value": v} for k, v in vpc_config.items()}}]}
    return plan_of("aws_eks_cluster", "training", after, unknown, expressions)


def test_plan_an_eks_cluster_left_to_its_defaults_is_public_to_the_world(tmp_path: Path
                                                                         ) -> None:
    """The provider computes public_access_cidrs (unknown in the plan) where the code sets
    none: that is AWS's default, 0.0.0.0/0, not a value the code leaves open. The subnets
    the code takes from other resources stay unknown."""
    res = planned(tmp_path, eks_plan({}, {}))
    assert res.attributes["endpoint_public_access"] is True
    assert res.attributes["public_access_cidrs"] == ["0.0.0.0/0"]
    assert res.attributes["secrets_encrypted"] is False
    assert res.attributes["kms_key_id"] is None
    assert res.attributes["version"] is None  # computed: AWS's default version
    assert res.unknown == ["subnet_ids"]


def test_plan_cidrs_the_code_sets_from_other_resources_stay_unknown(tmp_path: Path) -> None:
    doc = eks_plan({}, {})
    block = doc["configuration"]["root_module"]["resources"][0]["expressions"]["vpc_config"][0]
    block["public_access_cidrs"] = {"references": ["aws_eip.nat.public_ip", "aws_eip.nat"]}
    res = planned(tmp_path, doc)
    assert "public_access_cidrs" in res.unknown and "public_access_cidrs" not in res.attributes


def test_plan_cidrs_the_code_sets_are_read(tmp_path: Path) -> None:
    res = planned(tmp_path, eks_plan({"public_access_cidrs": ["203.0.113.0/24"]},
                                     {"public_access_cidrs": False}))
    assert res.attributes["public_access_cidrs"] == ["203.0.113.0/24"]


def test_plan_a_node_group_naming_its_launch_template_by_name(tmp_path: Path) -> None:
    """launch_template { name, version }: the id the provider computes is unknown in the
    plan, the name is the code's."""
    after = {"cluster_name": "training", "node_group_name": "gpu", "instance_types": None,
             "launch_template": [{"name": "gpu-nodes", "version": "4"}],
             "scaling_config": [{"desired_size": 2, "max_size": 4, "min_size": 1}],
             "remote_access": [], "tags": None}
    unknown = {"id": True, "arn": True, "ami_type": True, "capacity_type": True,
               "instance_types": True, "subnet_ids": True, "tags_all": True,
               "launch_template": [{"id": True}], "scaling_config": [{}], "remote_access": []}
    expressions = {
        "cluster_name": {"references": ["aws_eks_cluster.training.name",
                                        "aws_eks_cluster.training"]},
        "node_group_name": {"constant_value": "gpu"}, "subnet_ids": SUBNET_REFS,
        "launch_template": [{"name": {"constant_value": "gpu-nodes"},
                             "version": {"constant_value": "4"}}],
        "scaling_config": [{"desired_size": {"constant_value": 2},
                            "max_size": {"constant_value": 4}, "min_size": {"constant_value": 1}}]}
    res = planned(tmp_path, plan_of("aws_eks_node_group", "gpu", after, unknown, expressions))
    assert res.attributes["launch_template"] == "gpu-nodes"
    assert res.attributes["launch_template_version"] == "4"
    assert res.attributes["instance_types"] == []  # not set here: the template's
    assert (res.attributes["min_size"], res.attributes["max_size"]) == (1, 4)
    assert res.unknown == ["subnet_ids"]


def test_plan_blocks_of_one_type_count_together(tmp_path: Path) -> None:
    """Set-typed blocks come out of a plan in another order than the code wrote them: an
    attribute any block of the type sets keeps its unknowns in every block."""
    after = {"name": "llm", "production_variants": [
        {"variant_name": "a", "model_name": "m", "instance_type": None},
        {"variant_name": "b", "model_name": "m", "instance_type": "ml.c5.xlarge"}]}
    unknown = {"id": True, "arn": True, "production_variants": [
        {"instance_type": True, "volume_size_in_gb": True}, {"volume_size_in_gb": True}]}
    expressions = {"name": {"constant_value": "llm"}, "production_variants": [
        {"variant_name": {"constant_value": "b"}, "model_name": {"constant_value": "m"},
         "instance_type": {"constant_value": "ml.c5.xlarge"}},
        {"variant_name": {"constant_value": "a"}, "model_name": {"constant_value": "m"},
         "instance_type": {"references": ["var.instance_type"]}}]}
    res = planned(tmp_path, plan_of("aws_sagemaker_endpoint_configuration", "llm", after,
                                    unknown, expressions))
    assert "instance_types" in res.unknown


def test_a_whole_block_the_code_sets_in_one_expression_keeps_its_unknowns() -> None:
    """`vpc_config = local.vpc` style (an attribute-like expression for a block): all the
    block's unknowns are the code's."""
    doc = eks_plan({}, {})
    doc["configuration"]["root_module"]["resources"][0]["expressions"]["vpc_config"] = {
        "references": ["local.vpc"]}
    _, resources = load_document("plan.json", doc)
    assert "public_access_cidrs" in resources[0].unknown


# --- CloudFormation templates and deployed stacks -----------------------------------------

TEMPLATE: dict[str, Any] = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {
    "Cluster": {"Type": "AWS::EKS::Cluster", "Properties": {
        "Name": "training", "RoleArn": "arn:aws:iam::123456789012:role/eks",
        "ResourcesVpcConfig": {"SubnetIds": list(reversed(SUBNETS))},
        "Tags": [{"Key": "team", "Value": "ml-platform"}]}},
    "Nodes": {"Type": "AWS::EKS::Nodegroup", "Properties": {
        "ClusterName": {"Ref": "Cluster"}, "NodegroupName": "gpu",
        "NodeRole": "arn:aws:iam::123456789012:role/nodes", "Subnets": SUBNETS,
        "InstanceTypes": ["g5.xlarge"], "CapacityType": "SPOT",
        "ScalingConfig": {"MinSize": "1", "MaxSize": 4, "DesiredSize": 2},
        "RemoteAccess": {"Ec2SshKey": "ops"}, "Tags": {"team": "ml-platform"}}},
    "Notebook": {"Type": "AWS::SageMaker::NotebookInstance", "Properties": {
        "InstanceType": "ml.t3.medium", "RoleArn": "arn:aws:iam::123456789012:role/sm"}},
    "Config": {"Type": "AWS::SageMaker::EndpointConfig", "Properties": {
        "KmsKeyId": KEY, "ProductionVariants": [
            {"VariantName": "a", "ModelName": "m", "InstanceType": "ml.g5.xlarge",
             "InitialInstanceCount": 1, "InitialVariantWeight": 1}]}},
    "Studio": {"Type": "AWS::SageMaker::Domain", "Properties": {
        "DomainName": "studio", "AuthMode": "IAM", "VpcId": "vpc-0ddd4444",
        "SubnetIds": SUBNETS, "DefaultUserSettings": {"ExecutionRole": "arn:aws:iam::1:role/x"}}},
    "Batch": {"Type": "AWS::Batch::ComputeEnvironment", "Properties": {
        "Type": "MANAGED", "ComputeEnvironmentName": "gpu-training",
        "ComputeResources": {"Type": "SPOT", "MaxvCpus": 64, "InstanceTypes": ["optimal"],
                             "Subnets": SUBNETS, "SecurityGroupIds": ["sg-0fff6666"]},
        "Tags": {"team": "ml-platform"}}},
}}

CFN_EXPECTED: dict[str, dict[str, Any]] = {
    "Cluster": {"version": None, "endpoint_public_access": True,
                "public_access_cidrs": ["0.0.0.0/0"], "endpoint_private_access": False,
                "secrets_encrypted": False, "kms_key_id": None, "subnet_ids": SUBNETS,
                "tags": TAGS},
    "Nodes": {"instance_types": ["g5.xlarge"], "ami_type": None,
              "capacity_type": "SPOT", "min_size": 1, "max_size": 4, "desired_size": 2,
              "subnet_ids": SUBNETS, "remote_access_ssh_key": "ops",
              "remote_access_source_security_group_ids": [], "launch_template": None,
              "launch_template_version": None, "tags": TAGS,
              "subnets_map_public_ip_on_launch": [None, None], "launch_template_key": None},
    "Notebook": {"instance_type": "ml.t3.medium", "direct_internet_access": True,
                 "root_access": True, "kms_key_id": None, "subnet_id": None,
                 "security_group_ids": [], "tags": {}},
    "Config": {"instance_types": ["ml.g5.xlarge"], "kms_key_id": KEY, "tags": {}},
    "Studio": {"direct_internet_access": True, "app_network_access_type": "PublicInternetOnly",
               "kms_key_id": None, "vpc_id": "vpc-0ddd4444", "subnet_ids": SUBNETS, "tags": {}},
    "Batch": {"name": "gpu-training", "type": "MANAGED", "compute_type": "SPOT",
              "instance_types": ["optimal"], "max_vcpus": 64, "subnet_ids": SUBNETS,
              "launch_template": None, "tags": TAGS,
              "subnets_map_public_ip_on_launch": [None, None], "launch_template_key": None},
}


def test_a_template_leaving_properties_out_gets_the_defaults() -> None:
    """A node group's ClusterName is a Ref to the cluster: known once deployed."""
    found = {r.address: r for r in cloudformation.load_document("ml.yaml", TEMPLATE, {})}
    for logical, expected in CFN_EXPECTED.items():
        linked = {"kms_key_manager": None} if "kms_key_id" in expected else {}  # no key here
        assert found[logical].attributes == {**expected, **linked}, logical
        assert found[logical].unknown == (["cluster_name"] if logical == "Nodes" else []), logical


def test_a_deployed_stack_names_its_resources_as_terraform_and_the_api_do() -> None:
    """Physical ids as ListStackResources gives them: CloudFormation's ARNs and
    `cluster/nodegroup` become the names and `cluster:nodegroup` that live resources have."""
    physical = {
        "Cluster": "training", "Nodes": "training/gpu",
        "Notebook": arn("sagemaker", "notebook-instance/notebook-abc"),
        "Config": arn("sagemaker", "endpoint-config/config-abc"),
        "Studio": "d-abc123xyz", "Batch": arn("batch", "compute-environment/gpu-training"),
    }
    context = cloudformation.StackContext(name="ml", region=REGION, account=ACCOUNT,
                                          physical=physical)
    found = {r.address: r for r in cloudformation.load_document("ml", TEMPLATE, {}, context)}
    assert found["ml/Nodes"].attributes["cluster_name"] == "training"
    assert {a.split("/", 1)[1]: r.id for a, r in found.items()} == {
        "Cluster": "training", "Nodes": "training:gpu", "Notebook": "notebook-abc",
        "Config": "config-abc", "Studio": "d-abc123xyz", "Batch": "gpu-training"}
