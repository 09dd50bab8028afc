from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, CfnFold, Collect, Fold, Link, ResourceSpec

SPEC = ResourceSpec(
    tf_type="aws_internet_gateway",
    cfn_type="AWS::EC2::InternetGateway",
    doc=("A VPC internet gateway, with its attachment folded in "
         "(aws_internet_gateway_attachment, AWS::EC2::VPCGatewayAttachment). The default "
         "VPC's gateway, which AWS makes with it, is AWS's own: not unmanaged unless the "
         "scan is strict (the collector reads the VPCs along to know it)."),
    attrs=(
        Attr("vpc_id", "str|null", "the VPC it is attached to; null when detached",
             tf=("vpc_id",), convert=c.non_empty, live=("Attachments.0.VpcId",),
             live_convert=c.non_empty),
        c.tags(live="Tags"),
    ),
    links=(
        Link("vpc_is_default", "whether its VPC is the region's default VPC, when that VPC "
             "is in the same input (live: always); else null",
             via="vpc_id", target_type="aws_vpc", target_attr="is_default"),
    ),
    folds=(
        Fold("aws_internet_gateway_attachment", parent_ref="internet_gateway_id", attrs=(
            Attr("vpc_id", "str|null", "", tf=("vpc_id",), convert=c.non_empty),
        )),
    ),
    cfn_folds=(
        # Also attaches VPN gateways: only those naming an internet gateway fold in.
        CfnFold("AWS::EC2::VPCGatewayAttachment", parent_ref="InternetGatewayId", attrs=(
            Attr("vpc_id", "str|null", "", cfn=("VpcId",)),
        )),
    ),
    cfn_physical_id=("InternetGatewayId",),
    collect=Collect(service="ec2", operation="describe_internet_gateways",
                    items="InternetGateways", id_field="InternetGatewayId",
                    args=(("MaxResults", 1000),),
                    needs=("aws_vpc",)),
    aws_default=lambda a: a.get("vpc_is_default") is True,
)
