from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, ResourceSpec

SPEC = ResourceSpec(
    tf_type="aws_nat_gateway",
    cfn_type="AWS::EC2::NatGateway",
    doc=("A VPC NAT gateway: public (with an Elastic IP, the way out to the internet) or "
         "private. Deleted and failed gateways, which AWS lists for an hour, are left out."),
    attrs=(
        Attr("subnet_id", "str|null", "the subnet it is in", tf=("subnet_id",),
             convert=c.non_empty, live=("SubnetId",), live_convert=c.non_empty,
             cfn=("SubnetId",)),
        Attr("connectivity_type", "str", "public or private", tf=("connectivity_type",),
             default="public", live=("ConnectivityType",), cfn=("ConnectivityType",), show=True),
        Attr("allocation_id", "str|null",
             "the Elastic IP allocation of its public address; null for a private gateway",
             tf=("allocation_id",), convert=c.non_empty,
             live=("NatGatewayAddresses.0.AllocationId",), live_convert=c.non_empty,
             cfn=("AllocationId",)),
        c.tags(live="Tags"),
    ),
    cfn_physical_id=("NatGatewayId",),
    collect=Collect(service="ec2", operation="describe_nat_gateways", items="NatGateways",
                    id_field="NatGatewayId", args=(("MaxResults", 1000),),
                    skip=("State", ("deleted", "deleting", "failed"))),
)
