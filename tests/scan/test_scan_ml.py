"""`driftguard scan` of the ML compute estate against moto's server: an EKS cluster and its
GPU node group, a SageMaker notebook, endpoint configuration and domain, and a Batch
environment, built with boto3, declared by the Terraform state the AWS provider would
write for them. Freshly applied it is in sync; then changes behind the code's back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import boto3
import builders
import pytest
from builders import arn
from moto_estate import ACCOUNT, TAGS, State, drift_of, scan_json, tag_list, tags_of

from driftguard.model import HIDDEN

ROLE = f"arn:aws:iam::{ACCOUNT}:role/ml"
CLUSTER_CIDRS = ["198.51.100.0/24", "203.0.113.0/24"]


@dataclass
class MlEstate:
    state: State = field(default_factory=State)
    ids: dict[str, str] = field(default_factory=dict)

    def build(self) -> MlEstate:
        ec2 = boto3.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
        self.ids["vpc"] = vpc
        # Not declared: the scan reads only the types the state declares.
        self.ids["subnets"] = ",".join(sorted(
            builders.subnet(None, "", vpc, f"10.60.{i}.0/24", zone=zone)
            for i, zone in ((1, "a"), (2, "b"))))
        self.ids["sg"] = ec2.create_security_group(GroupName="ml", Description="ml",
                                                   VpcId=vpc)["GroupId"]
        self.ids["key"] = boto3.client("kms").create_key(Description="ml")["KeyMetadata"]["Arn"]
        builders.eks_cluster(self.state, "training", "training", role=ROLE,
                             subnets=self.subnets, vpc_id=vpc, public=True, private=True,
                             cidrs=CLUSTER_CIDRS, key=self.ids["key"], version="1.30",
                             tags=TAGS)
        self.node_group("g5.2xlarge", declare=True)
        self._sagemaker()
        self.ids["batch"] = builders.batch_environment(
            self.state, "gpu", "gpu-training", instance_types=["g4dn"], subnets=self.subnets,
            security_groups=[self.ids["sg"]], roles=builders.batch_roles("batch"),
            max_vcpus=128, tags=TAGS)
        return self

    @property
    def subnets(self) -> list[str]:
        return self.ids["subnets"].split(",")

    def node_group(self, instance_type: str, declare: bool = False) -> None:
        builders.node_group(self.state if declare else None, "gpu", "training", "gpu",
                            role=ROLE, subnets=self.subnets, instance_types=[instance_type],
                            scaling=(1, 4, 2), ami_type="AL2_x86_64_GPU",
                            ssh=("ops", [self.ids["sg"]]), tags=TAGS)

    def notebook(self, internet: str, declare: bool = False) -> None:
        builders.notebook(self.state if declare else None, "research", "research",
                          instance_type="ml.p3.2xlarge", role=ROLE, internet=internet,
                          root="Disabled", subnet_id=self.subnets[0],
                          security_groups=(self.ids["sg"],), key=self.ids["key"], tags=TAGS)

    def _sagemaker(self) -> None:
        sm, key = boto3.client("sagemaker"), self.ids["key"]
        self.notebook("Disabled", declare=True)
        builders.model("llm", ROLE)
        builders.endpoint_config(self.state, "llm", "llm",
                                 variants=[("main", "llm", "ml.g4dn.xlarge")], key=key,
                                 tags=TAGS)
        domain = sm.create_domain(DomainName="studio", AuthMode="IAM", VpcId=self.ids["vpc"],
                                  SubnetIds=self.subnets, AppNetworkAccessType="VpcOnly",
                                  DefaultUserSettings={"ExecutionRole": ROLE}, KmsKeyId=key,
                                  Tags=tag_list(TAGS))["DomainArn"]
        self.ids["domain"] = domain.rsplit("/", 1)[-1]
        self.state.add("aws_sagemaker_domain", "studio", {
            "id": self.ids["domain"], "arn": domain, "domain_name": "studio",
            "auth_mode": "IAM", "app_network_access_type": "VpcOnly", "kms_key_id": key,
            "vpc_id": self.ids["vpc"], "subnet_ids": self.subnets,
            "default_user_settings": [{"execution_role": ROLE}], **tags_of(TAGS)})


@pytest.fixture
def ml(aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[MlEstate, Path]:
    monkeypatch.chdir(tmp_path)
    for key in ("DRIFTGUARD_CONFIG", "DRIFTGUARD_FAIL_ON"):
        monkeypatch.delenv(key, raising=False)
    estate = MlEstate().build()
    config = tmp_path / "driftguard.yaml"  # drift only: the rules are another test's
    config.write_text("builtin_policies: false\n", encoding="utf-8")
    return estate, estate.state.write(tmp_path / "terraform.tfstate")


ML_TYPES = ("aws_batch_compute_environment", "aws_eks_cluster", "aws_eks_node_group",
            "aws_sagemaker_domain", "aws_sagemaker_endpoint_configuration",
            "aws_sagemaker_notebook_instance")


def test_a_freshly_applied_ml_estate_is_in_sync(ml: tuple[MlEstate, Path],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    _, state = ml
    code, report = scan_json(capsys, "--state", str(state))
    assert (code, report["drift"], report["not_checked"]) == (0, [], [])
    coverage = {c["type"]: (c["managed"], c["unmanaged"]) for c in report["coverage"]}
    assert coverage == dict.fromkeys(ML_TYPES, (1, 0))


def test_ml_drift_behind_the_codes_back(ml: tuple[MlEstate, Path],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """The node group recreated with another instance type, the notebook recreated with
    internet access, the cluster's endpoint opened to the world, a tag on the Batch
    environment, an endpoint configuration no code declares: each is drift. The cluster
    autoscaler resizing the node group is not."""
    estate, state = ml
    eks, sm = boto3.client("eks"), boto3.client("sagemaker")
    eks.update_nodegroup_config(clusterName="training", nodegroupName="gpu",
                                scalingConfig={"desiredSize": 4})
    code, report = scan_json(capsys, "--state", str(state))
    assert (code, report["drift"]) == (0, []), "desired size is the autoscaler's"

    eks.delete_nodegroup(clusterName="training", nodegroupName="gpu")
    estate.node_group("p4d.24xlarge")
    sm.stop_notebook_instance(NotebookInstanceName="research")
    sm.delete_notebook_instance(NotebookInstanceName="research")
    estate.notebook("Enabled")
    eks.update_cluster_config(name="training", resourcesVpcConfig={
        "subnetIds": estate.subnets, "endpointPublicAccess": True,
        "endpointPrivateAccess": True, "publicAccessCidrs": ["0.0.0.0/0"]})
    boto3.client("batch").tag_resource(resourceArn=estate.ids["batch"],
                                       tags={"owner": "someone"})
    sm.create_endpoint_config(EndpointConfigName="shadow-it", ProductionVariants=[{
        "VariantName": "x", "ModelName": "llm", "InstanceType": "ml.p3.2xlarge",
        "InitialInstanceCount": 1}], Tags=tag_list({"by": "hand"}))

    code, report = scan_json(capsys, "--state", str(state))
    assert code == 1
    assert drift_of(report) == [
        ("changed", "aws_batch_compute_environment", "gpu-training",
         "aws_batch_compute_environment.gpu", [("tags", HIDDEN, HIDDEN)]),
        ("changed", "aws_eks_cluster", "training", "aws_eks_cluster.training",
         [("public_access_cidrs", CLUSTER_CIDRS, ["0.0.0.0/0"])]),
        ("changed", "aws_eks_node_group", "training:gpu", "aws_eks_node_group.gpu",
         [("instance_types", ["g5.2xlarge"], ["p4d.24xlarge"])]),
        ("changed", "aws_sagemaker_notebook_instance", "research",
         "aws_sagemaker_notebook_instance.research",
         [("direct_internet_access", False, True)]),
        ("unmanaged", "aws_sagemaker_endpoint_configuration", "shadow-it",
         arn("sagemaker", "endpoint-config/shadow-it"), []),
    ]
