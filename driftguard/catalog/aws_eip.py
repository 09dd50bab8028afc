from driftguard.catalog import convert as c
from driftguard.catalog.spec import KEY, Attr, CfnFold, Collect, Fold, Link, ResourceSpec

SPEC = ResourceSpec(
    tf_type="aws_eip",
    cfn_type="AWS::EC2::EIP",
    doc=("An Elastic IP address (its id is the allocation id), with its association "
         "(aws_eip_association, AWS::EC2::EIPAssociation) folded in: a public IP on an "
         "instance or a network interface. instance and network_interface are null while "
         "it is associated with nothing. Those a service manages (ServiceManaged) are "
         "AWS's own."),
    attrs=(
        Attr("public_ip", "str|null",
             "the public IPv4 address; null where it is not known before allocation",
             tf=("public_ip", "address"), convert=c.first, live=("PublicIp",),
             cfn=("Address",), show=True),
        Attr("domain", "str|null", "vpc (or standard, EC2-Classic's); null when not set (vpc)",
             tf=("domain",), convert=c.non_empty, live=("Domain",), cfn=("Domain",), show=True),
        Attr("instance", "str|null", "the instance it is associated with; null when none",
             tf=("instance",), convert=c.non_empty, live=("InstanceId",),
             live_convert=c.non_empty, cfn=("InstanceId",), show=True),
        Attr("network_interface", "str|null",
             "the network interface it is associated with (an instance's too); null when "
             "none", tf=("network_interface",), convert=c.non_empty,
             live=("NetworkInterfaceId",), live_convert=c.non_empty, show=True),
        Attr("service_managed", "str|null",
             "the service that manages it (alb, nlb, rnat, ...); null for yours",
             live=("ServiceManaged",), drift=False),
        c.tags(live="Tags"),
    ),
    folds=(
        Fold("aws_eip_association", parent_ref="allocation_id", attrs=(
            Attr("instance", "str|null", "", tf=("instance_id",), convert=c.non_empty),
            Attr("network_interface", "str|null", "", tf=("network_interface_id",),
                 convert=c.non_empty),
        )),
    ),
    cfn_folds=(
        CfnFold("AWS::EC2::EIPAssociation", parent_ref="AllocationId", attrs=(
            Attr("instance", "str|null", "", cfn=("InstanceId",)),
            Attr("network_interface", "str|null", "", cfn=("NetworkInterfaceId",)),
        )),
    ),
    links=(
        Link("instance_key", "the instance it is associated with, when in the same input",
             via="instance", target_type="aws_instance", target_attr=KEY),
    ),
    cfn_physical_id=("AllocationId",),
    collect=Collect(
        service="ec2", operation="describe_addresses", items="Addresses",
        id_field="AllocationId",
        unpaginated=("DescribeAddresses returns every address of the region at once: it "
                     "takes no MaxResults or NextToken, and an account has few (5 per "
                     "region by default)")),
    aws_default=lambda a: bool(a.get("service_managed")),
)
