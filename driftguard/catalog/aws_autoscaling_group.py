from typing import Any

from driftguard.catalog import convert as c
from driftguard.catalog.spec import KEY, Attr, Collect, Link, ResourceSpec

TF_MIXED = "mixed_instances_policy.0.launch_template.0"
MIXED = "MixedInstancesPolicy.LaunchTemplate"  # live and CloudFormation alike


def _instance_types(types: Any) -> list[str]:
    return sorted(t for t in types or [] if t)


def _subnets(value: Any) -> list[str]:
    """A list of subnet ids, or AWS's comma-separated VPCZoneIdentifier, sorted."""
    ids = value.split(",") if isinstance(value, str) else value or []
    return sorted(i.strip() for i in ids if isinstance(i, str) and i.strip())


def _tf_tags(blocks: Any) -> dict[str, str]:
    """Terraform's `tag` blocks ({key, value, propagate_at_launch}) as a map."""
    return {b["key"]: b.get("value") or "" for b in blocks or [] if b.get("key")}


SPEC = ResourceSpec(
    tf_type="aws_autoscaling_group",
    cfn_type="AWS::AutoScaling::AutoScalingGroup",
    doc=("An EC2 Auto Scaling group: what it launches (a launch template, directly or in a "
         "mixed instances policy, or a launch configuration), where, and how many. Its "
         "desired capacity moves with its scaling policies: not drift. Those EKS makes for "
         "managed node groups are AWS's own, not unmanaged."),
    tf_id="name",
    attrs=(
        Attr("name", "str", "group name", tf=("name",), live=("AutoScalingGroupName",),
             cfn=("AutoScalingGroupName",)),
        Attr("launch_template", "str|null",
             "id (or name where only the name is set) of the launch template it launches, "
             "directly or in its mixed instances policy; null when it uses none",
             tf=("launch_template.0.id", "launch_template.0.name",
                 f"{TF_MIXED}.launch_template_specification.0.launch_template_id",
                 f"{TF_MIXED}.launch_template_specification.0.launch_template_name"),
             convert=c.first,
             live=("LaunchTemplate.LaunchTemplateId", "LaunchTemplate.LaunchTemplateName",
                   f"{MIXED}.LaunchTemplateSpecification.LaunchTemplateId",
                   f"{MIXED}.LaunchTemplateSpecification.LaunchTemplateName"),
             live_convert=c.first,
             cfn=("LaunchTemplate.LaunchTemplateId", "LaunchTemplate.LaunchTemplateName",
                  f"{MIXED}.LaunchTemplateSpecification.LaunchTemplateId",
                  f"{MIXED}.LaunchTemplateSpecification.LaunchTemplateName"), show=True),
        Attr("launch_configuration", "str|null",
             "name of the launch configuration it launches; null when it uses none",
             tf=("launch_configuration",), convert=c.non_empty,
             live=("LaunchConfigurationName",), live_convert=c.non_empty,
             cfn=("LaunchConfigurationName",), show=True),
        Attr("instance_types", "list[str]",
             "the instance types its mixed instances policy overrides the template's with, "
             "sorted (none: the launch template's type applies)",
             tf=(f"{TF_MIXED}.override.*.instance_type",), convert=_instance_types,
             default=[], live=(f"{MIXED}.Overrides.*.InstanceType",),
             live_convert=_instance_types, cfn=(f"{MIXED}.Overrides.*.InstanceType",), show=True),
        Attr("subnet_ids", "list[str]", "subnets it launches into (vpc_zone_identifier), "
             "sorted", tf=("vpc_zone_identifier",), convert=_subnets, default=[],
             live=("VPCZoneIdentifier",), live_convert=_subnets,
             cfn=("VPCZoneIdentifier",), cfn_convert=_subnets),
        Attr("min_size", "int", "fewest instances", tf=("min_size",), live=("MinSize",),
             cfn=("MinSize",)),
        Attr("max_size", "int", "most instances", tf=("max_size",), live=("MaxSize",),
             cfn=("MaxSize",)),
        Attr("desired_capacity", "int|null",
             "instances wanted now; null when not set (min_size at creation)",
             tf=("desired_capacity",), live=("DesiredCapacity",), cfn=("DesiredCapacity",),
             # Scaling policies and scheduled actions move it: not the code's to keep.
             drift=False),
        Attr("tags", "map", "tags of the group (Terraform's tag blocks)", tf=("tag",),
             convert=_tf_tags, default={}, live=("Tags",), live_convert=c.tag_map,
             cfn=("Tags",), cfn_convert=c.tag_map),
    ),
    links=(
        Link("launch_template_key", "the launch template it launches, when in the same input",
             via="launch_template", target_type="aws_launch_template", target_attr=KEY),
        Link("launch_template_associate_public_ip_address",
             "the launch template's associate_public_ip_address",
             via="launch_template", target_type="aws_launch_template",
             target_attr="associate_public_ip_address"),
        Link("launch_configuration_key", "the launch configuration it launches, when in the "
             "same input", via="launch_configuration",
             target_type="aws_launch_configuration", target_attr=KEY),
        Link("subnets_map_public_ip_on_launch",
             "each subnet's map_public_ip_on_launch, in subnet_ids' order (null for a "
             "subnet not in the same input)",
             via="subnet_ids", target_type="aws_subnet", target_attr="map_public_ip_on_launch"),
    ),
    collect=Collect(
        service="autoscaling", operation="describe_auto_scaling_groups",
        items="AutoScalingGroups", id_field="AutoScalingGroupName",
        arn_field="AutoScalingGroupARN",
        # The instances' list makes the response large (AWS throttles it): not read here.
        # Pages of 100, the largest (the default is 50).
        args=(("IncludeInstances", False), ("MaxRecords", 100)),
        needs=("aws_subnet", "aws_launch_template")),
    # EKS makes a group for each managed node group (the code declares the node group): it
    # tags it with the node group's name.
    aws_default=lambda a: "eks:nodegroup-name" in (a.get("tags") or {}),
)
