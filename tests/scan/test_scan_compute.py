"""`driftguard scan` over the compute types in moto: a GPU auto-scaling group with its
launch template, a launch configuration's group, an EIP on an instance, and the Terraform
state (provider v5 shapes) that declares them. Freshly applied, nothing drifts (the
group's instances are the group's); changed behind the code's back, the launch
template's new default version is drift, the group's desired capacity is not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from moto_estate import ACCOUNT, AMI, REGION, TAGS, State, drift_of, scan_json, tag_list

ARN = f"arn:aws:autoscaling:{REGION}:{ACCOUNT}"


def tf_tags(tags: dict[str, str]) -> list[dict[str, Any]]:
    return [{"key": k, "value": v, "propagate_at_launch": True} for k, v in tags.items()]


def group_state(name: str, **values: Any) -> dict[str, Any]:
    """An aws_autoscaling_group as provider v5 writes it (no tags_all: groups have none)."""
    return {"id": name, "name": name, "name_prefix": "", "arn": f"{ARN}:autoScalingGroup:x:"
            f"autoScalingGroupName/{name}", "launch_configuration": "", "launch_template": [],
            "mixed_instances_policy": [], "health_check_type": "EC2", "force_delete": False,
            "desired_capacity_type": "", "max_instance_lifetime": 0, "tag": [], **values}


def build(state: State) -> dict[str, str]:
    """The estate, and its state; returns the ids."""
    ec2, autoscaling = boto3.client("ec2"), boto3.client("autoscaling")
    key = boto3.client("kms").create_key(Description="ml")["KeyMetadata"]["Arn"]
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24",
                               AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]
    state.add("aws_vpc", "main", {
        "id": vpc, "cidr_block": "10.20.0.0/16", "enable_dns_support": True,
        "enable_dns_hostnames": False, "is_default": False, "tags": None, "tags_all": {}})
    state.add("aws_subnet", "private", {
        "id": subnet, "vpc_id": vpc, "cidr_block": "10.20.1.0/24",
        "availability_zone": f"{REGION}a", "map_public_ip_on_launch": False,
        "default_for_az": False, "tags": None, "tags_all": {}})

    template = ec2.create_launch_template(
        LaunchTemplateName="gpu-nodes",
        LaunchTemplateData={
            "ImageId": AMI, "InstanceType": "g5.xlarge",
            "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": False}],
            "BlockDeviceMappings": [{"DeviceName": "/dev/sda1", "Ebs": {
                "VolumeSize": 200, "VolumeType": "gp3", "Encrypted": True, "KmsKeyId": key}}],
            "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled",
                                "HttpPutResponseHopLimit": 2}},
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": tag_list(TAGS)}],
    )["LaunchTemplate"]["LaunchTemplateId"]
    state.add("aws_launch_template", "gpu", {
        "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:launch-template/{template}", "id": template,
        "name": "gpu-nodes", "name_prefix": "", "default_version": 1, "latest_version": 1,
        "update_default_version": None, "description": "", "image_id": AMI,
        "instance_type": "g5.xlarge", "key_name": "", "user_data": "",
        "ebs_optimized": "", "vpc_security_group_ids": [], "security_group_names": [],
        "block_device_mappings": [{"device_name": "/dev/sda1", "no_device": "",
                                   "virtual_name": "", "ebs": [{
                                       "delete_on_termination": "", "encrypted": "true",
                                       "iops": 0, "kms_key_id": key, "snapshot_id": "",
                                       "throughput": 0, "volume_size": 200,
                                       "volume_type": "gp3"}]}],
        "network_interfaces": [{
            "associate_carrier_ip_address": "", "associate_public_ip_address": "false",
            "delete_on_termination": "", "description": "", "device_index": 0,
            "interface_type": "", "ipv4_address_count": 0, "ipv4_addresses": [],
            "ipv6_address_count": 0, "ipv6_addresses": [], "network_card_index": 0,
            "network_interface_id": "", "private_ip_address": "", "security_groups": [],
            "subnet_id": ""}],
        "metadata_options": [{"http_endpoint": "enabled", "http_protocol_ipv6": "",
                              "http_put_response_hop_limit": 2, "http_tokens": "required",
                              "instance_metadata_tags": ""}],
        "tag_specifications": [], "tags": dict(TAGS), "tags_all": dict(TAGS)})
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="gpu-training", MinSize=0, MaxSize=4, DesiredCapacity=2,
        LaunchTemplate={"LaunchTemplateId": template, "Version": "$Default"},
        VPCZoneIdentifier=subnet,
        Tags=[{"Key": k, "Value": v, "PropagateAtLaunch": True} for k, v in TAGS.items()])
    state.add("aws_autoscaling_group", "gpu", group_state(
        "gpu-training", min_size=0, max_size=4, desired_capacity=2,
        launch_template=[{"id": template, "name": "gpu-nodes", "version": "$Default"}],
        vpc_zone_identifier=[subnet], availability_zones=[f"{REGION}a"],
        tag=tf_tags(TAGS)), schema_version=1)

    autoscaling.create_launch_configuration(
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
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="legacy", LaunchConfigurationName="legacy", MinSize=0,
        MaxSize=1, DesiredCapacity=0, VPCZoneIdentifier=subnet)
    state.add("aws_autoscaling_group", "legacy", group_state(
        "legacy", min_size=0, max_size=1, desired_capacity=0, launch_configuration="legacy",
        vpc_zone_identifier=[subnet], availability_zones=[f"{REGION}a"]), schema_version=1)

    made = ec2.run_instances(ImageId=AMI, InstanceType="t3.large", MinCount=1, MaxCount=1,
                             SubnetId=subnet)["Instances"][0]
    web, eni = made["InstanceId"], made["NetworkInterfaces"][0]["NetworkInterfaceId"]
    root = made["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
    state.add("aws_instance", "web", {
        "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{web}", "id": web, "ami": AMI,
        "instance_type": "t3.large", "subnet_id": subnet, "associate_public_ip_address": False,
        "vpc_security_group_ids": [g["GroupId"] for g in made["SecurityGroups"]],
        "metadata_options": [{"http_endpoint": "enabled", "http_put_response_hop_limit": 1,
                              "http_tokens": "optional", "instance_metadata_tags": ""}],
        "root_block_device": [{"device_name": "/dev/sda1", "encrypted": False,
                               "volume_id": root, "volume_size": 8}],
        "tags": None, "tags_all": {}}, schema_version=1)
    eip = ec2.allocate_address(Domain="vpc", TagSpecifications=[
        {"ResourceType": "elastic-ip", "Tags": tag_list(TAGS)}])
    association = ec2.associate_address(AllocationId=eip["AllocationId"],
                                        InstanceId=web)["AssociationId"]
    state.add("aws_eip", "web", {
        "id": eip["AllocationId"], "allocation_id": eip["AllocationId"],
        "association_id": association, "address": None, "domain": "vpc", "instance": web,
        "network_interface": eni, "public_ip": eip["PublicIp"], "private_ip": "",
        "public_ipv4_pool": "amazon", "tags": dict(TAGS), "tags_all": dict(TAGS)})
    state.add("aws_eip_association", "web", {
        "id": association, "allocation_id": eip["AllocationId"], "instance_id": web,
        "network_interface_id": eni, "allow_reassociation": None, "public_ip": eip["PublicIp"],
        "private_ip_address": ""})
    return {"template": template, "web": web, "eip": eip["AllocationId"]}


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
