from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, Detail, ResourceSpec, TfAlias

SPEC = ResourceSpec(
    tf_type="aws_vpc",
    cfn_type="AWS::EC2::VPC",
    doc="A VPC.",
    # The region's default VPC, which Terraform adopts: AWS makes it resolve DNS names.
    tf_aliases=(TfAlias("aws_default_vpc", defaults=(
        ("enable_dns_support", True), ("enable_dns_hostnames", True), ("is_default", True))),),
    attrs=(
        Attr("cidr_block", "str", "IPv4 range", tf=("cidr_block",), live=("CidrBlock",),
             cfn=("CidrBlock",), show=True),
        Attr("enable_dns_support", "bool", "DNS resolution", tf=("enable_dns_support",),
             live=("dns_support.EnableDnsSupport",), live_convert=c.boolean_value,
             cfn=("EnableDnsSupport",)),
        Attr("enable_dns_hostnames", "bool", "DNS hostnames", tf=("enable_dns_hostnames",),
             live=("dns_hostnames.EnableDnsHostnames",), live_convert=c.boolean_value,
             cfn=("EnableDnsHostnames",)),
        Attr("is_default", "bool", "the region's default VPC", tf=("is_default",),
             convert=c.truthy, live=("IsDefault",), live_convert=c.truthy, drift=False),
        c.tags(live="Tags"),
    ),
    cfn_physical_id=("VpcId",),
    collect=Collect(
        service="ec2", operation="describe_vpcs", items="Vpcs", id_field="VpcId",
        args=(("MaxResults", 1000),),
        details=(
            Detail("describe_vpc_attribute", "VpcId", args=(("Attribute", "enableDnsSupport"),),
                   key="dns_support"),
            Detail("describe_vpc_attribute", "VpcId",
                   args=(("Attribute", "enableDnsHostnames"),), key="dns_hostnames"),
        ),
    ),
    aws_default=lambda a: bool(a.get("is_default")),
)
