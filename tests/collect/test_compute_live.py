"""The compute types live, beyond what every type's case checks: the links an auto-scaling
group reads along (its subnets and launch template), and what its list call leaves out."""

from __future__ import annotations

from typing import Any

import boto3
import cases.aws_autoscaling_group as asg_case
from cases import ACCOUNT, REGION

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
