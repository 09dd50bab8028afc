from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, ResourceSpec

SPEC = ResourceSpec(
    tf_type="aws_vpc",
    cfn_type="AWS::EC2::VPC",
    doc="A VPC.",
    attrs=(
        Attr("cidr_block", "str", "IPv4 range", tf=("cidr_block",)),
        Attr("enable_dns_support", "bool", "DNS resolution", tf=("enable_dns_support",)),
        Attr("enable_dns_hostnames", "bool", "DNS hostnames", tf=("enable_dns_hostnames",)),
        Attr("is_default", "bool", "the region's default VPC", tf=("is_default",),
             convert=c.truthy, drift=False),
        Attr("tags", "map", "effective tags", tf=("tags_all", "tags"), default={}),
    ),
    collect=Collect(service="ec2", operation="describe_vpcs", items="Vpcs", id_field="VpcId"),
    iam_permissions=("ec2:DescribeVpcs", "ec2:DescribeVpcAttribute"),
)
