from typing import Any

from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, Detail, ResourceSpec


def _internet_facing_tf(internal: Any) -> bool:
    """Terraform's `internal` (false unless set) as its opposite."""
    return not internal


def _zone_subnets(zones: Any) -> list[str]:
    return sorted(z["SubnetId"] for z in zones or [] if z.get("SubnetId"))


def _cfn_subnets(subnets: Any, mappings: Any) -> list[str]:
    """Subnets, or SubnetMappings (with an Elastic IP per zone, NLBs)."""
    return sorted([*(subnets or []), *(m.get("SubnetId") for m in mappings or []
                                       if isinstance(m, dict) and m.get("SubnetId"))])


SPEC = ResourceSpec(
    tf_type="aws_lb",
    cfn_type="AWS::ElasticLoadBalancingV2::LoadBalancer",
    doc="An Application, Network or Gateway Load Balancer (ELBv2). Its id is its ARN.",
    tf_id="arn",
    attrs=(
        Attr("name", "str", "load balancer name", tf=("name",), live=("LoadBalancerName",),
             cfn=("Name",)),
        Attr("internet_facing", "bool",
             "scheme internet-facing (reachable from the internet), not internal",
             tf=("internal",), convert=_internet_facing_tf,
             # CloudFormation's and AWS's Scheme: internet-facing unless `internal`.
             live=("Scheme",), live_convert=c.is_not("internal"), cfn=("Scheme",),
             cfn_convert=c.is_not("internal")),
        Attr("load_balancer_type", "str", "application, network or gateway",
             tf=("load_balancer_type",), default="application", live=("Type",),
             cfn=("Type",), show=True),
        Attr("subnet_ids", "list[str]", "subnets it has nodes in, sorted", tf=("subnets",),
             convert=c.sorted_list, live=("AvailabilityZones",), live_convert=_zone_subnets,
             cfn=("Subnets", "SubnetMappings"), cfn_convert=_cfn_subnets),
        Attr("security_group_ids", "list[str]", "its security groups, sorted",
             tf=("security_groups",), convert=c.sorted_list, live=("SecurityGroups",),
             live_convert=c.sorted_list, cfn=("SecurityGroups",), cfn_convert=c.sorted_list),
        Attr("ip_address_type", "str", "ipv4 or dualstack", tf=("ip_address_type",),
             default="ipv4", live=("IpAddressType",), cfn=("IpAddressType",), show=True),
        c.tags(live="describe_tags.TagDescriptions.0.Tags"),
    ),
    cfn_physical_id=("LoadBalancerArn",),
    collect=Collect(
        service="elbv2", operation="describe_load_balancers", items="LoadBalancers",
        id_field="LoadBalancerArn", arn_field="LoadBalancerArn",
        gone=("LoadBalancerNotFound",),
        # DescribeLoadBalancers returns no tags.
        details=(Detail("describe_tags", "ResourceArns", id_list=True),),
    ),
)
