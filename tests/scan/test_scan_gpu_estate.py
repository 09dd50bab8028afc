"""`driftguard scan` of issue 14's ML estate (tests/cfn/gpu-estate.yaml, and its Terraform
plan twin in tests/gpu_estate.py) built in moto with boto3, declared by the state the AWS
provider v5 writes for it (resource names as in the plan). Freshly applied, nothing
drifts, and the live resources break the rules the plan breaks, rule by rule and resource
by resource, but for what only live AWS knows. Then three changes behind the code's back
(a launch template's new default version, a node group replaced by one of another
instance type, a notebook remade without direct internet access) are drift, each with its
attribute, and the rest stays in sync."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import builders
import pytest
from builders import arn
from gpu_estate import CLUSTER_ROLE, NODE_ROLE, estate
from moto_estate import AMI, State, drift_of, scan_json
from plans import write

from driftguard import pipeline
from driftguard.config import Config

SAGEMAKER_ROLE = "arn:aws:iam::123456789012:role/sagemaker"
# The template's data as gpu-estate.yaml writes it (moto's AMI for the template's).
GPU = {"InstanceType": "dl1.24xlarge", "ImageId": AMI,
       "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": True}],
       "BlockDeviceMappings": [{"DeviceName": "/dev/sda1", "Ebs": {
           "VolumeSize": 500, "VolumeType": "gp3", "Encrypted": False}}],
       "MetadataOptions": {"HttpTokens": "optional"}}
# moto knows only the notebook instance types of 2021 (no ml.p3dn.24xlarge): ml.p2.xlarge
# is outside the allow-list too, so the rule judges the notebook alike.
NOTEBOOK_TYPE = "ml.p2.xlarge"


@dataclass
class GpuEstate:
    state: State = field(default_factory=State)
    ids: dict[str, str] = field(default_factory=dict)
    # Live address (an ARN, or the id where the type has none) -> the plan's name.
    names: dict[str, str] = field(default_factory=dict)

    def named(self, name: str, ident: str, *addresses: str) -> str:
        self.ids[name] = ident
        for address in (ident, *addresses):
            self.names[address] = name
        return ident

    def build(self) -> GpuEstate:
        s = self.state
        vpc = self.named("Main", builders.vpc(s, "Main", "10.20.0.0/16"))
        public = builders.subnet(s, "Public", vpc, "10.20.0.0/24", public=True)
        private = builders.subnet(s, "Private", vpc, "10.20.1.0/24")
        for name, subnet in (("Public", public), ("Private", private)):
            self.named(name, subnet, arn("ec2", f"subnet/{subnet}"))
        template = self.named("Gpu", builders.launch_template(s, "Gpu", "gpu", GPU))
        for name, group, subnet, high, overrides in (
                ("Trainers", "trainers", public, 8, ()),
                ("Spot", "spot", private, 4, ("p3dn.24xlarge", "g5.12xlarge"))):
            self.named(name, group, builders.autoscaling_group(
                s, name, group, subnets=[subnet], min_size=0, max_size=high,
                template=(template, "gpu", "$Latest"), overrides=overrides))
        bastion = builders.instance(s, "Bastion", subnet_id=private, instance_type="t3.micro",
                                    tokens="required", root={"VolumeSize": 20,
                                                             "Encrypted": True})
        self.named("Bastion", bastion["id"])
        self.named("BastionIp", builders.eip(s, "BastionIp", bastion))
        self.named("Training", "training", builders.eks_cluster(
            s, "Training", "training", role=CLUSTER_ROLE, subnets=[private], vpc_id=vpc))
        # moto gives a node group without remote access an SSH key of its own (AWS none):
        # the state says none, which drift does not compare, and no rule reads it.
        self.named("Nodes", "training:gpu", self.node_group("x2iedn.24xlarge", declare=True))
        self.named("Notebook", "notebook", self.notebook("Enabled", declare=True))
        builders.model("llm", SAGEMAKER_ROLE)
        self.named("Serving", "serving", builders.endpoint_config(
            s, "Serving", "serving", variants=[("main", "llm", "ml.inf1.xlarge")]))
        # moto requires a service role and security groups, optional in AWS (see the
        # builder): the state declares them as the code would have to.
        self.named("Batch", "gpu-batch", builders.batch_environment(
            s, "Batch", "gpu-batch", instance_types=["optimal"], subnets=[private],
            security_groups=[builders.default_security_group(vpc)],
            roles=builders.batch_roles("batch"), max_vcpus=256))
        return self

    def node_group(self, instance_type: str, declare: bool = False) -> str:
        return builders.node_group(self.state if declare else None, "Nodes", "training", "gpu",
                                   role=NODE_ROLE, subnets=[self.ids["Private"]],
                                   instance_types=[instance_type], scaling=(0, 4, 1))

    def notebook(self, internet: str, declare: bool = False) -> str:
        return builders.notebook(self.state if declare else None, "Notebook", "notebook",
                                 instance_type=NOTEBOOK_TYPE, role=SAGEMAKER_ROLE,
                                 internet=internet, root="Enabled")


TYPES = ("aws_autoscaling_group", "aws_batch_compute_environment", "aws_eip",
         "aws_eks_cluster", "aws_eks_node_group", "aws_instance", "aws_launch_template",
         "aws_sagemaker_endpoint_configuration", "aws_sagemaker_notebook_instance",
         "aws_subnet", "aws_vpc")


@pytest.fixture(scope="module")
def plan_verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """Rule -> the names of the resources the plan's findings name."""
    result = pipeline.check([write(tmp_path_factory.mktemp("tf"), estate(False))], Config())
    out: dict[str, set[str]] = defaultdict(set)
    for f in result.findings:
        out[f.rule_id].add(f.resource_address.split(".")[-1])
    return dict(out)


@pytest.fixture
def gpu(aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[GpuEstate, Path]:
    monkeypatch.chdir(tmp_path)  # no config file: the built-in rules and their defaults
    for key in ("DRIFTGUARD_CONFIG", "DRIFTGUARD_FAIL_ON"):
        monkeypatch.delenv(key, raising=False)
    built = GpuEstate().build()
    return built, built.state.write(tmp_path / "terraform.tfstate")


def live_verdicts(report: dict[str, Any], built: GpuEstate) -> dict[str, set[str]]:
    """Rule -> the plan's names of the live resources its findings name (an address the
    estate did not build keeps its own)."""
    out: dict[str, set[str]] = defaultdict(set)
    for f in report["findings"]:
        address = f["resource"]["address"]
        out[f["rule_id"]].add(built.names.get(address, address))
    return dict(out)


def default_subnets() -> set[str]:
    """The default VPC's subnets, as the scan names them (their ARNs)."""
    return {s["SubnetArn"] for s in boto3.client("ec2").describe_subnets(
        Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]}


def test_the_applied_estate_is_in_sync_and_breaks_the_plans_rules(
        gpu: tuple[GpuEstate, Path], plan_verdicts: dict[str, set[str]],
        capsys: pytest.CaptureFixture[str]) -> None:
    built, state = gpu
    code, report = scan_json(capsys, "--state", str(state))
    assert (report["drift"], report["not_checked"], report["not_collectable"]) == ([], [], {})
    coverage = {c["type"]: (c["managed"], c["unmanaged"]) for c in report["coverage"]}
    assert coverage == {**dict.fromkeys(TYPES, (1, 0)), "aws_autoscaling_group": (2, 0),
                        "aws_subnet": (2, 0)}
    assert code == 1  # the findings

    live = live_verdicts(report, built)
    # What only live AWS knows, beyond the plan:
    expected = {rule: set(names) for rule, names in plan_verdicts.items()}
    # - the bastion has a public IP address: the Elastic IP's. The plan knows only that the
    #   instance asks for none in a private subnet; the EIP's own finding is in both.
    expected["DG-NET-001"].add("Bastion")
    # - AWS's default VPC (every region has one; moto makes it too) has subnets that map
    #   public IPs on launch. No code declares them, so no plan knows them; the scan judges
    #   every live resource of the types it reads.
    expected["DG-NET-002"] |= default_subnets()
    # Nothing live says less: every rule finds what the plan's finds, and nothing else.
    assert live == expected

    # The template's finding names the groups that launch it, by their live ARNs.
    [finding] = [f for f in report["findings"] if f["rule_id"] == "DG-ENC-006"]
    groups = sorted(a for a, n in built.names.items() if n in ("Spot", "Trainers")
                    and a.startswith("arn:"))
    assert finding["message"].endswith(f"(launched by {', '.join(groups)})")


def test_changes_behind_the_codes_back_are_drift(
        gpu: tuple[GpuEstate, Path], capsys: pytest.CaptureFixture[str]) -> None:
    built, state = gpu
    ec2, eks, sm = boto3.client("ec2"), boto3.client("eks"), boto3.client("sagemaker")
    # A new default version of the template with another instance type. (AWS would copy
    # version 1 with SourceVersion="1"; moto ignores SourceVersion: the data is given whole.)
    template = built.ids["Gpu"]
    ec2.create_launch_template_version(LaunchTemplateId=template, LaunchTemplateData={
        **GPU, "InstanceType": "p4d.24xlarge"})
    ec2.modify_launch_template(LaunchTemplateId=template, DefaultVersion="2")
    # A node group's instance types cannot change in place (in AWS as in moto): it is
    # replaced, by hand, with one of another type.
    eks.delete_nodegroup(clusterName="training", nodegroupName="gpu")
    built.node_group("g5.12xlarge")
    # Nor can a notebook's direct internet access: it is remade without.
    sm.stop_notebook_instance(NotebookInstanceName="notebook")
    sm.delete_notebook_instance(NotebookInstanceName="notebook")
    built.notebook("Disabled")

    code, report = scan_json(capsys, "--state", str(state))
    assert code == 1
    assert report["not_checked"] == []
    assert drift_of(report) == [
        ("changed", "aws_eks_node_group", "training:gpu", "aws_eks_node_group.Nodes",
         [("instance_types", ["x2iedn.24xlarge"], ["g5.12xlarge"])]),
        ("changed", "aws_launch_template", template, "aws_launch_template.Gpu",
         [("instance_type", "dl1.24xlarge", "p4d.24xlarge")]),
        ("changed", "aws_sagemaker_notebook_instance", "notebook",
         "aws_sagemaker_notebook_instance.Notebook", [("direct_internet_access", True, False)]),
    ]
    # The rules judge what runs now: the three no longer break what they were changed for.
    live = live_verdicts(report, built)
    assert not {"Gpu", "Nodes"} & live["DG-CMP-001"]
    assert "Notebook" not in live.get("DG-NET-008", set())
