"""The ML estate of issue 14 as a Terraform plan and as CloudFormation declares it
(tests/cfn/gpu-estate.yaml), and their compliant twins: the same canonical resources from
both, so that every rule judges them alike.

The plan is built here the way `terraform show -json` writes it (AWS provider v5): ids
unknown until apply, references in the configuration (nested blocks' too), the provider's
strings for launch templates' booleans."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from plans import change, plan, write

from driftguard import pipeline
from driftguard.catalog import spec_for
from driftguard.config import Config
from driftguard.declared.sources import load_file
from driftguard.model import Resource

CFN = Path(__file__).resolve().parents[1] / "cfn"
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


TWINS = {False: "gpu-estate.yaml", True: "gpu-estate-compliant.yaml"}


def by_name(resources: list[Resource]) -> dict[str, Resource]:
    return {r.address.split(".")[-1]: r for r in resources}


@pytest.fixture(scope="module", params=[False, True], ids=["violating", "compliant"])
def twins(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> tuple[dict[str, Resource], dict[str, Resource]]:
    path = write(tmp_path_factory.mktemp("tf"), estate(request.param))
    _, terraform = load_file(path)
    _, cloudformation = load_file(CFN / TWINS[request.param])
    return by_name(terraform), by_name(cloudformation)


def _comparable(res: Resource) -> dict[str, Any]:
    """Canonical attributes, links to other resources compared by the target's name."""
    return {name: value.rsplit("#", 1)[-1].split(".")[-1]
            if name.endswith("_key") and isinstance(value, str) else value
            for name, value in res.attributes.items()}


def test_the_plan_and_the_template_declare_the_same_resources(twins: Any) -> None:
    terraform, cloudformation = twins
    assert sorted(terraform) == sorted(cloudformation)
    assert {n: r.type for n, r in terraform.items()} == {
        n: r.type for n, r in cloudformation.items()}


def test_the_same_canonical_attributes_from_both(twins: Any) -> None:
    """What both know before apply or deploy is the same; what either leaves unknown
    (ids, references) is unknown, never a value."""
    terraform, cloudformation = twins
    for name, tf in terraform.items():
        cfn = cloudformation[name]
        spec = spec_for(tf.type)
        assert spec is not None
        # Read from both (Terraform-only bookkeeping such as is_default is not), and not
        # the names the two write differently (Terraform's `name` is the resource's own).
        both = {a.name for a in spec.attrs if a.tf and a.cfn} | {
            link.name for link in spec.links}
        shared = (set(tf.attributes) & set(cfn.attributes) & both) - {"name"}
        assert {k: _comparable(tf)[k] for k in shared} == {
            k: _comparable(cfn)[k] for k in shared}, name
        known_one_side = ((set(tf.attributes) ^ set(cfn.attributes)) & both) - {"name"}
        assert known_one_side <= set(tf.unknown) | set(cfn.unknown), (name, known_one_side)


# --- the verdicts: the same from the plan and the template, rule by rule -------------------

# What the issue asks the gate to find in this estate (rule -> resources), and nothing else.
EXPECTED = {
    "DG-CMP-001": {"Gpu", "Spot", "Nodes", "Notebook", "Serving", "Batch"},
    "DG-CMP-002": {"Gpu"},
    "DG-CMP-003": {"Notebook"},
    "DG-ENC-006": {"Gpu"},
    "DG-ENC-007": {"Training"},
    "DG-ENC-008": {"Notebook", "Serving"},
    "DG-NET-001": {"Gpu", "BastionIp"},
    "DG-NET-002": {"Public"},
    "DG-NET-007": {"Training"},
    "DG-NET-008": {"Notebook"},
}


def _verdicts(path: Path) -> dict[str, set[tuple[str, str, bool, str]]]:
    """Rule -> (resource name, level, unknown, message), resources named as in the
    template (a plan's messages name other resources by address: aws_instance.Bastion)."""
    result = pipeline.check([path], Config())
    out: dict[str, set[tuple[str, str, bool, str]]] = defaultdict(set)
    for f in result.findings:
        message = re.sub(r"\baws_[a-z0-9_]+\.", "", f.message)
        out[f.rule_id].add((f.resource_address.split(".")[-1], f.level, f.unknown, message))
    return out


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[bool, str], Any]:
    out = {}
    for compliant, template in TWINS.items():
        path = write(tmp_path_factory.mktemp("tf"), estate(compliant))
        out[(compliant, "terraform")] = _verdicts(path)
        out[(compliant, "cloudformation")] = _verdicts(CFN / template)
    return out


@pytest.mark.parametrize("source", ["terraform", "cloudformation"])
def test_the_estate_breaks_exactly_the_rules_it_should(verdicts: Any, source: str) -> None:
    found = {rule: {name for name, *_ in hits} for rule, hits in verdicts[(False, source)].items()}
    assert found == EXPECTED
    assert not any(unknown for hits in verdicts[(False, source)].values()
                   for _, _, unknown, _ in hits), "nothing here is unknown until apply"


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_the_plan_and_the_template_find_the_same_rule_by_rule(verdicts: Any, rule: str) -> None:
    assert verdicts[(False, "terraform")][rule] == verdicts[(False, "cloudformation")][rule]


@pytest.mark.parametrize("source", ["terraform", "cloudformation"])
def test_the_compliant_twin_passes(verdicts: Any, source: str) -> None:
    assert dict(verdicts[(True, source)]) == {}


def test_the_template_names_the_groups_that_launch_it(tmp_path: Path) -> None:
    """The finding names the resource to edit (the launch template) and who launches it."""
    result = pipeline.check([write(tmp_path, estate(False))], Config())
    [finding] = [f for f in result.findings if f.rule_id == "DG-ENC-006"]
    assert finding.resource_address == "aws_launch_template.Gpu"
    assert finding.message.endswith("(launched by aws_autoscaling_group.Spot, "
                                    "aws_autoscaling_group.Trainers)")
