"""The compute types live, beyond what every type's case checks: the links an auto-scaling
group reads along (its subnets and launch template), what its list call leaves out, a
group's instances, and an instance's root volume encryption read from its volume."""

from __future__ import annotations

import json
import urllib.request
from collections import Counter
from typing import Any

import boto3
import cases.aws_autoscaling_group as asg_case
from cases import ACCOUNT, AMI, REGION

from driftguard.catalog import spec_for
from driftguard.collect.clients import ClientFactory
from driftguard.collect.engine import Collector, Inventory


def collect(endpoint: str, types: list[str], factory: ClientFactory | None = None
            ) -> Inventory:
    factory = factory or ClientFactory(endpoint_url=endpoint, default_region=REGION,
                                       session=boto3.Session())
    return Collector(factory, account=ACCOUNT).collect(types, [REGION])


def test_a_group_reads_its_subnets_and_launch_template_along(aws: str) -> None:
    built = asg_case.build()
    factory = ClientFactory(endpoint_url=aws, default_region=REGION, session=boto3.Session())
    sent: list[dict[str, Any]] = []
    factory.client("autoscaling", REGION).meta.events.register(
        "provide-client-params.autoscaling.DescribeAutoScalingGroups",
        lambda params, **_: sent.append(dict(params)))
    inventory = collect(aws, ["aws_autoscaling_group"], factory)
    assert inventory.not_checked == []
    # Only the groups are returned; their subnets and template were read along.
    assert sorted(r.id for r in inventory.resources) == sorted(built.expected)
    groups = {r.id: r.attributes for r in inventory.resources}
    subnets = {s["SubnetId"]: s["MapPublicIpOnLaunch"]
               for s in boto3.client("ec2").describe_subnets()["Subnets"]}
    for name, group in groups.items():
        assert group["subnets_map_public_ip_on_launch"] == [
            subnets[s] for s in group["subnet_ids"]], name
    training = groups["gpu-training"]
    assert True in training["subnets_map_public_ip_on_launch"]
    template = training["launch_template"]
    assert training["launch_template_key"] == f"live#{template}"
    assert training["launch_template_associate_public_ip_address"] is True
    # A mixed instances policy naming the template by name reads it by its id.
    assert groups["gpu-spot"]["launch_template_key"] == f"live#{template}"
    # Launch configurations are not read along (context only): no target, null.
    assert groups["legacy"]["launch_configuration_key"] is None
    assert groups["legacy"]["launch_template_key"] is None
    # The group's instances are not asked for.
    assert sent and all(p.get("IncludeInstances") is False for p in sent)


def test_launch_configuration_key_when_both_are_read(aws: str) -> None:
    asg_case.build()
    inventory = collect(aws, ["aws_autoscaling_group", "aws_launch_configuration"])
    legacy = next(r for r in inventory.resources if r.id == "legacy"
                  and r.type == "aws_autoscaling_group")
    # The key names its live address, the ARN.
    assert legacy.attributes["launch_configuration_key"].endswith(
        ":launchConfigurationName/legacy")


def test_a_groups_instances_are_the_groups(aws: str) -> None:
    """moto launches the group's instances as AWS does, tagged with the group's name: they
    are collected, and AWS's own (not unmanaged unless the scan is strict)."""
    asg_case.build()
    launched = {i["InstanceId"] for g in boto3.client("autoscaling").describe_auto_scaling_groups(
        )["AutoScalingGroups"] for i in g["Instances"]}
    assert len(launched) == 2  # gpu-training's one, legacy's one
    inventory = collect(aws, ["aws_instance"])
    spec = spec_for("aws_instance")
    assert spec is not None and spec.aws_default is not None
    assert {r.id for r in inventory.resources if spec.aws_default(r.attributes)} == launched


def launch(ec2: Any, *, encrypted: bool, count: int = 1) -> list[dict[str, Any]]:
    return list(ec2.run_instances(
        ImageId=AMI, InstanceType="g5.xlarge", MinCount=count, MaxCount=count,
        BlockDeviceMappings=[{"DeviceName": "/dev/sda1",
                              "Ebs": {"VolumeSize": 50, "Encrypted": encrypted}}],
    )["Instances"])


def test_root_volume_encryption_is_read_from_the_volumes_read_along(aws: str) -> None:
    ec2 = boto3.client("ec2")
    sealed, = launch(ec2, encrypted=True)
    plain, = launch(ec2, encrypted=False)
    loose = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=1)["VolumeId"]
    volumes = {v["VolumeId"]: v["Encrypted"] for v in ec2.describe_volumes()["Volumes"]}

    inventory = collect(aws, ["aws_instance"])
    assert inventory.not_checked == []
    # Volumes are read along, not returned: they were not asked for.
    assert {r.type for r in inventory.resources} == {"aws_instance"}
    found = {r.id: r for r in inventory.resources}
    for made, encrypted in ((sealed, True), (plain, False)):
        instance = found[made["InstanceId"]]
        root = instance.attributes["root_volume_id"]
        assert root == made["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
        assert volumes[root] is encrypted
        assert instance.attributes["root_volume_encrypted"] is encrypted
        assert "root_volume_encrypted" not in instance.unknown

    both = collect(aws, ["aws_instance", "aws_ebs_volume"])
    assert loose in {r.id for r in both.resources if r.type == "aws_ebs_volume"}


def test_one_volume_list_call_per_page_and_region_never_one_per_instance(aws: str) -> None:
    regions = [REGION, "us-east-1"]
    for region in regions:
        launch(boto3.client("ec2", region_name=region), encrypted=True, count=6)
    factory = ClientFactory(endpoint_url=aws, default_region=REGION, session=boto3.Session())
    inventory = Collector(factory, account=ACCOUNT).collect(["aws_instance"], regions)
    assert len(inventory.resources) == 12
    assert all(r.attributes["root_volume_encrypted"] is True for r in inventory.resources)
    # 12 instances, 2 regions: one volume list per region. (moto answers DescribeVolumes in
    # one page whatever MaxResults says; the collector follows every page of a list, as
    # test_list_calls_follow_every_page_once shows with instances.)
    assert factory.stats.calls == Counter({("ec2", "DescribeInstances"): 2,
                                           ("ec2", "DescribeVolumes"): 2})


def _moto(endpoint: str, path: str, body: bytes) -> Any:
    request = urllib.request.Request(f"{endpoint}{path}", data=body, method="POST",
                                     headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"{}")


def test_a_failing_volume_list_leaves_root_encryption_unknown_and_says_why(aws: str) -> None:
    """IAM allows the instances, not the volumes (moto enforces IAM when asked; the `aws`
    fixture turns it off again)."""
    ec2 = boto3.client("ec2")
    made, = launch(ec2, encrypted=False)
    iam = boto3.client("iam")
    iam.create_user(UserName="scanner")
    iam.put_user_policy(UserName="scanner", PolicyName="scan", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["ec2:DescribeInstances"], "Resource": "*"}]}))
    key = iam.create_access_key(UserName="scanner")["AccessKey"]
    _moto(aws, "/moto-api/reset-auth", b"0")
    session = boto3.Session(aws_access_key_id=key["AccessKeyId"],
                            aws_secret_access_key=key["SecretAccessKey"])
    factory = ClientFactory(endpoint_url=aws, default_region=REGION, session=session)

    inventory = collect(aws, ["aws_instance"], factory)
    [instance] = inventory.resources
    assert instance.id == made["InstanceId"]
    # Unknown: never null (no root volume) nor false (unencrypted).
    assert "root_volume_encrypted" not in instance.attributes
    assert "root_volume_encrypted" in instance.unknown
    assert instance.attributes["instance_type"] == "g5.xlarge"  # the rest is read
    [gap] = inventory.not_checked
    assert (gap.type, gap.region, gap.operation) == ("aws_ebs_volume", REGION, "DescribeVolumes")
    assert "UnauthorizedOperation" in gap.reason or "denied" in gap.reason.lower()
