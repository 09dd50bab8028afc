from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, ResourceSpec, TfAlias

SPEC = ResourceSpec(
    tf_type="aws_subnet",
    cfn_type="AWS::EC2::Subnet",
    doc="A VPC subnet.",
    # A zone's default subnet, which Terraform adopts: AWS makes it map public IPs.
    tf_aliases=(TfAlias("aws_default_subnet", defaults=(
        ("map_public_ip_on_launch", True), ("default_for_az", True))),),
    attrs=(
        Attr("vpc_id", "str", "VPC id", tf=("vpc_id",), live=("VpcId",), cfn=("VpcId",),
             show=True),
        Attr("cidr_block", "str", "IPv4 range", tf=("cidr_block",), live=("CidrBlock",),
             cfn=("CidrBlock",), show=True),
        Attr("availability_zone", "str", "availability zone", tf=("availability_zone",),
             live=("AvailabilityZone",), cfn=("AvailabilityZone",), show=True),
        Attr("map_public_ip_on_launch", "bool", "instances get a public IP by default",
             tf=("map_public_ip_on_launch",), convert=c.truthy,
             live=("MapPublicIpOnLaunch",), live_convert=c.truthy,
             cfn=("MapPublicIpOnLaunch",)),
        Attr("default_for_az", "bool", "the default subnet AWS made for its zone",
             tf=("default_for_az",), convert=c.truthy, live=("DefaultForAz",),
             live_convert=c.truthy, drift=False),
        c.tags(live="Tags"),
    ),
    cfn_physical_id=("SubnetId",),
    collect=Collect(service="ec2", operation="describe_subnets", items="Subnets",
                    id_field="SubnetId", arn_field="SubnetArn", args=(("MaxResults", 1000),)),
    aws_default=lambda a: bool(a.get("default_for_az")),
    zone="availability_zone",
)
