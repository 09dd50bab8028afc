"""`driftguard scan` over the compute types in moto: a GPU auto-scaling group with its
launch template, a launch configuration's group, an EIP on an instance, and the Terraform
state (provider v5 shapes) that declares them. Freshly applied, nothing drifts (the
group's instances are the group's); changed behind the code's back, the launch
template's new default version is drift, the group's desired capacity is not."""

from __future__ import annotations

from pathlib import Path

import boto3
import builders
import pytest
from moto_estate import ACCOUNT, AMI, REGION, TAGS, State, drift_of, scan_json

ARN = f"arn:aws:autoscaling:{REGION}:{ACCOUNT}"


def build(state: State) -> dict[str, str]:
    """The estate, and its state; returns the ids."""
    key = boto3.client("kms").create_key(Description="ml")["KeyMetadata"]["Arn"]
    vpc = builders.vpc(state, "main", "10.20.0.0/16")
    subnet = builders.subnet(state, "private", vpc, "10.20.1.0/24")
    template = builders.launch_template(state, "gpu", "gpu-nodes", {
        "ImageId": AMI, "InstanceType": "g5.xlarge",
        "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": False}],
        "BlockDeviceMappings": [{"DeviceName": "/dev/sda1", "Ebs": {
            "VolumeSize": 200, "VolumeType": "gp3", "Encrypted": True, "KmsKeyId": key}}],
        "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled",
                            "HttpPutResponseHopLimit": 2}}, tags=TAGS)
    builders.autoscaling_group(state, "gpu", "gpu-training", subnets=[subnet], min_size=0,
                               max_size=4, desired=2,
                               template=(template, "gpu-nodes", "$Default"), tags=TAGS)

    boto3.client("autoscaling").create_launch_configuration(
        LaunchConfigurationName="legacy", ImageId=AMI, InstanceType="t3.micro",
        AssociatePublicIpAddress=False)
    state.add("aws_launch_configuration", "legacy", {
        "arn": f"{ARN}:launchConfiguration:x:launchConfigurationName/legacy", "id": "legacy",
        "name": "legacy", "name_prefix": "", "image_id": AMI, "instance_type": "t3.micro",
        "associate_public_ip_address": False, "ebs_optimized": False,
        "enable_monitoring": True, "ebs_block_device": [], "ephemeral_block_device": [],
        "root_block_device": [], "metadata_options": [], "security_groups": [],
        "iam_instance_profile": "", "key_name": "", "placement_tenancy": "",
        "spot_price": "", "user_data": None, "user_data_base64": None})
    builders.autoscaling_group(state, "legacy", "legacy", subnets=[subnet], min_size=0,
                               max_size=1, desired=0, configuration="legacy")

    web = builders.instance(state, "web", subnet_id=subnet, instance_type="t3.large")
    eip = builders.eip(state, "web", web, association=True, tags=TAGS)
    return {"template": template, "web": web["id"], "eip": eip}


@pytest.fixture
def compute(aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
            ) -> tuple[Path, dict[str, str]]:
    monkeypatch.chdir(tmp_path)
    for key in ("DRIFTGUARD_CONFIG", "DRIFTGUARD_FAIL_ON"):
        monkeypatch.delenv(key, raising=False)
    (tmp_path / "driftguard.yaml").write_text("builtin_policies: false\n", encoding="utf-8")
    state = State()
    ids = build(state)
    return state.write(tmp_path / "terraform.tfstate"), ids


def test_freshly_applied_compute_is_in_sync(compute: tuple[Path, dict[str, str]],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    state, _ = compute
    code, report = scan_json(capsys, "--state", str(state))
    assert report["not_checked"] == []
    assert report["drift"] == []
    assert code == 0
    coverage = {c["type"]: (c["managed"], c["unmanaged"]) for c in report["coverage"]}
    # The group's two instances are the group's: not unmanaged.
    assert {t: coverage[t] for t in ("aws_autoscaling_group", "aws_launch_template",
                                     "aws_launch_configuration", "aws_eip",
                                     "aws_instance")} == {
        "aws_autoscaling_group": (2, 0), "aws_launch_template": (1, 0),
        "aws_launch_configuration": (1, 0), "aws_eip": (1, 0), "aws_instance": (1, 0)}


def test_a_new_default_version_is_drift_and_scaling_is_not(
        compute: tuple[Path, dict[str, str]], capsys: pytest.CaptureFixture[str]) -> None:
    state, ids = compute
    ec2, autoscaling = boto3.client("ec2"), boto3.client("autoscaling")
    # Someone makes a version with another instance type the default, in the console.
    # (AWS would copy version 1 with SourceVersion="1"; moto ignores SourceVersion, so the
    # new version's data is given whole: version 1's, but for the instance type.)
    data = ec2.describe_launch_template_versions(
        LaunchTemplateId=ids["template"], Versions=["1"])["LaunchTemplateVersions"][0][
            "LaunchTemplateData"]
    ec2.create_launch_template_version(LaunchTemplateId=ids["template"], LaunchTemplateData={
        **data, "InstanceType": "p4d.24xlarge"})
    ec2.modify_launch_template(LaunchTemplateId=ids["template"], DefaultVersion="2")
    # A scaling policy scales the group out (desired capacity is not the code's), and
    # someone raises its maximum (that is).
    autoscaling.update_auto_scaling_group(AutoScalingGroupName="gpu-training", MaxSize=8)
    autoscaling.set_desired_capacity(AutoScalingGroupName="gpu-training", DesiredCapacity=3)
    # The EIP moves to an instance no code declares.
    stray = ec2.run_instances(ImageId=AMI, InstanceType="g5.xlarge", MinCount=1,
                              MaxCount=1)["Instances"][0]
    ec2.associate_address(AllocationId=ids["eip"], InstanceId=stray["InstanceId"],
                          AllowReassociation=True)

    _, report = scan_json(capsys, "--state", str(state))
    drift = {(kind, rtype): changes for kind, rtype, _, _, changes in drift_of(report)}
    assert drift[("changed", "aws_launch_template")] == [
        ("instance_type", "g5.xlarge", "p4d.24xlarge")]
    assert drift[("changed", "aws_autoscaling_group")] == [("max_size", 4, 8)]
    changes = dict((a, (d, live)) for a, d, live in drift[("changed", "aws_eip")])
    assert changes["instance"] == (ids["web"], stray["InstanceId"])
    assert [d["id"] for d in report["drift"] if d["kind"] == "unmanaged"] == [
        stray["InstanceId"]]
