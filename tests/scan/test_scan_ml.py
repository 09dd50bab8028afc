"""`driftguard scan` of the ML compute estate against moto's server: an EKS cluster and its
GPU node group, a SageMaker notebook, endpoint configuration and domain, and a Batch
environment, built with boto3, declared by the Terraform state the AWS provider would
write for them. Freshly applied it is in sync; then changes behind the code's back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import boto3
import pytest
from moto_estate import ACCOUNT, REGION, TAGS, State, drift_of, scan_json, tag_list, tags_of

ROLE = f"arn:aws:iam::{ACCOUNT}:role/ml"
CLUSTER_CIDRS = ["198.51.100.0/24", "203.0.113.0/24"]


def arn(service: str, what: str) -> str:
    return f"arn:aws:{service}:{REGION}:{ACCOUNT}:{what}"


@dataclass
class MlEstate:
    state: State = field(default_factory=State)
    ids: dict[str, str] = field(default_factory=dict)

    def build(self) -> MlEstate:
        ec2 = boto3.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
        self.ids["vpc"] = vpc
        self.ids["subnets"] = ",".join(sorted(
            ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.60.{i}.0/24",
                              AvailabilityZone=f"{REGION}{az}")["Subnet"]["SubnetId"]
            for i, az in ((1, "a"), (2, "b"))))
        self.ids["sg"] = ec2.create_security_group(GroupName="ml", Description="ml",
                                                   VpcId=vpc)["GroupId"]
        self.ids["key"] = boto3.client("kms").create_key(Description="ml")["KeyMetadata"]["Arn"]
        self._eks()
        self._sagemaker()
        self._batch()
        return self

    @property
    def subnets(self) -> list[str]:
        return self.ids["subnets"].split(",")

    def _eks(self) -> None:
        eks, key = boto3.client("eks"), self.ids["key"]
        cluster = eks.create_cluster(
            name="training", version="1.30", roleArn=ROLE, tags=TAGS,
            resourcesVpcConfig={"subnetIds": self.subnets, "endpointPublicAccess": True,
                                "endpointPrivateAccess": True,
                                "publicAccessCidrs": CLUSTER_CIDRS},
            encryptionConfig=[{"resources": ["secrets"], "provider": {"keyArn": key}}],
        )["cluster"]
        self.state.add("aws_eks_cluster", "training", {
            "id": "training", "name": "training", "arn": cluster["arn"], "version": "1.30",
            "role_arn": ROLE, "bootstrap_self_managed_addons": True,
            "enabled_cluster_log_types": [],
            "encryption_config": [{"provider": [{"key_arn": key}], "resources": ["secrets"]}],
            "vpc_config": [{"cluster_security_group_id": "", "endpoint_private_access": True,
                            "endpoint_public_access": True,
                            "public_access_cidrs": CLUSTER_CIDRS, "security_group_ids": [],
                            "subnet_ids": self.subnets, "vpc_id": self.ids["vpc"]}],
            **tags_of(TAGS)}, schema_version=1)
        self.node_group("g5.2xlarge", declare=True)

    def node_group(self, instance_type: str, declare: bool = False) -> None:
        group = boto3.client("eks").create_nodegroup(
            clusterName="training", nodegroupName="gpu", nodeRole=ROLE, subnets=self.subnets,
            instanceTypes=[instance_type], amiType="AL2_x86_64_GPU",
            scalingConfig={"minSize": 1, "maxSize": 4, "desiredSize": 2},
            remoteAccess={"ec2SshKey": "ops", "sourceSecurityGroups": [self.ids["sg"]]},
            tags=TAGS)["nodegroup"]
        if declare:
            self.state.add("aws_eks_node_group", "gpu", {
                "id": "training:gpu", "arn": group["nodegroupArn"], "cluster_name": "training",
                "node_group_name": "gpu", "node_group_name_prefix": "",
                "ami_type": "AL2_x86_64_GPU", "capacity_type": "ON_DEMAND", "disk_size": 20,
                "instance_types": [instance_type], "labels": {}, "launch_template": [],
                "node_role_arn": ROLE, "release_version": group["releaseVersion"],
                "remote_access": [{"ec2_ssh_key": "ops",
                                   "source_security_group_ids": [self.ids["sg"]]}],
                "scaling_config": [{"desired_size": 2, "max_size": 4, "min_size": 1}],
                "subnet_ids": self.subnets, "taint": [], "version": group["version"],
                **tags_of(TAGS)})

    def notebook(self, internet: str) -> None:
        boto3.client("sagemaker").create_notebook_instance(
            NotebookInstanceName="research", InstanceType="ml.p3.2xlarge", RoleArn=ROLE,
            SubnetId=self.subnets[0], SecurityGroupIds=[self.ids["sg"]],
            KmsKeyId=self.ids["key"], DirectInternetAccess=internet, RootAccess="Disabled",
            Tags=tag_list(TAGS))

    def _sagemaker(self) -> None:
        sm, key = boto3.client("sagemaker"), self.ids["key"]
        self.notebook("Disabled")
        self.state.add("aws_sagemaker_notebook_instance", "research", {
            "id": "research", "name": "research",
            "arn": arn("sagemaker", "notebook-instance/research"),
            "instance_type": "ml.p3.2xlarge", "direct_internet_access": "Disabled",
            "root_access": "Disabled", "kms_key_id": key, "subnet_id": self.subnets[0],
            "security_groups": [self.ids["sg"]], "role_arn": ROLE, "volume_size": 5,
            "platform_identifier": "notebook-al2-v2", **tags_of(TAGS)})
        sm.create_model(ModelName="llm", ExecutionRoleArn=ROLE,
                        PrimaryContainer={"Image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/llm"})
        sm.create_endpoint_config(EndpointConfigName="llm", KmsKeyId=key, Tags=tag_list(TAGS),
                                  ProductionVariants=[{
                                      "VariantName": "main", "ModelName": "llm",
                                      "InstanceType": "ml.g4dn.xlarge",
                                      "InitialInstanceCount": 1}])
        self.state.add("aws_sagemaker_endpoint_configuration", "llm", {
            "id": "llm", "name": "llm", "name_prefix": "",
            "arn": arn("sagemaker", "endpoint-config/llm"), "kms_key_arn": key,
            "production_variants": [{"variant_name": "main", "model_name": "llm",
                                     "instance_type": "ml.g4dn.xlarge",
                                     "initial_instance_count": 1, "initial_variant_weight": 1,
                                     "serverless_config": []}],
            "shadow_production_variants": [], **tags_of(TAGS)})
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

    def _batch(self) -> None:
        iam = boto3.client("iam")
        role = iam.create_role(RoleName="batch", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        profile = iam.create_instance_profile(InstanceProfileName="ecs")["InstanceProfile"]["Arn"]
        made = boto3.client("batch").create_compute_environment(
            computeEnvironmentName="gpu-training", type="MANAGED", serviceRole=role,
            tags=TAGS, computeResources={
                "type": "EC2", "minvCpus": 0, "maxvCpus": 128, "desiredvCpus": 0,
                "instanceTypes": ["g4dn"], "subnets": self.subnets,
                "securityGroupIds": [self.ids["sg"]], "instanceRole": profile})
        self.ids["batch"] = made["computeEnvironmentArn"]
        self.state.add("aws_batch_compute_environment", "gpu", {
            "id": "gpu-training", "compute_environment_name": "gpu-training",
            "compute_environment_name_prefix": "", "arn": made["computeEnvironmentArn"],
            "type": "MANAGED", "state": "ENABLED", "service_role": role,
            "compute_resources": [{
                "type": "EC2", "max_vcpus": 128, "min_vcpus": 0, "desired_vcpus": 0,
                "instance_type": ["g4dn"], "subnets": self.subnets,
                "security_group_ids": [self.ids["sg"]], "instance_role": profile,
                "launch_template": [], "ec2_configuration": [], "tags": {}}],
            "status": "VALID", **tags_of(TAGS)})


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
         "aws_batch_compute_environment.gpu", [("tags", TAGS, {**TAGS, "owner": "someone"})]),
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
