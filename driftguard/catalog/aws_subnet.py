from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, ResourceSpec

SPEC = ResourceSpec(
    tf_type="aws_subnet",
    cfn_type="AWS::EC2::Subnet",
    doc="A VPC subnet.",
    attrs=(
        Attr("vpc_id", "str", "VPC id", tf=("vpc_id",)),
        Attr("cidr_block", "str", "IPv4 range", tf=("cidr_block",)),
        Attr("availability_zone", "str", "availability zone", tf=("availability_zone",)),
        Attr("map_public_ip_on_launch", "bool", "instances get a public IP by default",
             tf=("map_public_ip_on_launch",), convert=c.truthy),
        Attr("tags", "map", "effective tags", tf=("tags_all", "tags"), default={}),
    ),
    collect=Collect(service="ec2", operation="describe_subnets", items="Subnets",
                    id_field="SubnetId"),
    iam_permissions=("ec2:DescribeSubnets",),
)
