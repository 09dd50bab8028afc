from typing import Any

from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, ResourceSpec


def _private_dns(enabled: Any, endpoint_type: Any) -> bool:
    """Private DNS exists for interface endpoints only (a gateway endpoint's flag means
    nothing, whatever a source writes there)."""
    return bool(c.cfn_bool(enabled) is True and endpoint_type == "Interface")


SPEC = ResourceSpec(
    tf_type="aws_vpc_endpoint",
    cfn_type="AWS::EC2::VPCEndpoint",
    doc=("A VPC endpoint (gateway, interface, Gateway Load Balancer, ...) and its policy. "
         "Endpoints a service manages for you (requester-managed: made by AWS on your "
         "behalf) are AWS's own: not unmanaged unless the scan is strict. Endpoints being "
         "deleted are left out."),
    attrs=(
        Attr("vpc_id", "str", "its VPC", tf=("vpc_id",), live=("VpcId",), cfn=("VpcId",)),
        Attr("service_name", "str", "com.amazonaws.<region>.s3, ...", tf=("service_name",),
             live=("ServiceName",), cfn=("ServiceName",), show=True),
        Attr("vpc_endpoint_type", "str", "Gateway, Interface, GatewayLoadBalancer, ...",
             tf=("vpc_endpoint_type",), default="Gateway", live=("VpcEndpointType",),
             cfn=("VpcEndpointType",), show=True),
        Attr("subnet_ids", "list[str]", "subnets of its network interfaces, sorted",
             tf=("subnet_ids",), convert=c.sorted_list, live=("SubnetIds",),
             live_convert=c.sorted_list, cfn=("SubnetIds",)),
        Attr("security_group_ids", "list[str]", "security groups of its interfaces, sorted",
             tf=("security_group_ids",), convert=c.sorted_list, live=("Groups",),
             live_convert=c.group_ids, cfn=("SecurityGroupIds",)),
        Attr("route_table_ids", "list[str]", "route tables a gateway endpoint is in, sorted",
             tf=("route_table_ids",), convert=c.sorted_list, live=("RouteTableIds",),
             live_convert=c.sorted_list, cfn=("RouteTableIds",)),
        Attr("private_dns_enabled", "bool", "an interface endpoint's private DNS names",
             tf=("private_dns_enabled", "vpc_endpoint_type"), convert=_private_dns,
             live=("PrivateDnsEnabled", "VpcEndpointType"), live_convert=_private_dns,
             cfn=("PrivateDnsEnabled", "VpcEndpointType")),
        Attr("policy", "object|null",
             "its endpoint policy, parsed and normalized (AWS gives full access where the "
             "code sets none); null where the service takes none",
             tf=("policy",), convert=c.policy_document, live=("PolicyDocument",),
             live_convert=c.policy_document, cfn=("PolicyDocument",)),
        Attr("requester_managed", "bool", "made and managed by an AWS service for you",
             default=False, live=("RequesterManaged",), live_convert=c.truthy, drift=False),
        c.tags(live="Tags"),
    ),
    cfn_physical_id=("Id",),
    collect=Collect(service="ec2", operation="describe_vpc_endpoints", items="VpcEndpoints",
                    id_field="VpcEndpointId", args=(("MaxResults", 1000),),
                    # The API writes its states in lower case, its model capitalized.
                    skip=("State", ("deleting", "deleted", "Deleting", "Deleted"))),
    aws_default=lambda a: bool(a.get("requester_managed")),
)
