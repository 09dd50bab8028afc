from typing import Any

from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, Link, ResourceSpec


def _root_volume_id(root_device: Any, mappings: Any) -> str | None:
    """The EBS volume of the block device mapping on the root device name, if any."""
    for mapping in mappings or []:
        if root_device and mapping.get("DeviceName") == root_device:
            return (mapping.get("Ebs") or {}).get("VolumeId") or None
    return None


SPEC = ResourceSpec(
    tf_type="aws_instance",
    cfn_type="AWS::EC2::Instance",
    doc=("An EC2 instance. When the code sets no metadata_options block, metadata_http_tokens "
         "and metadata_http_endpoint are null (not set), although a plan marks the "
         "provider-computed block unknown. Terminated and shutting-down instances are not "
         "collected; those an auto-scaling group launched are the group's, not unmanaged."),
    attrs=(
        Attr("instance_type", "str", "instance type, e.g. g5.xlarge", tf=("instance_type",),
             live=("InstanceType",), cfn=("InstanceType",), show=True),
        Attr("ami", "str", "AMI id", tf=("ami",), live=("ImageId",), cfn=("ImageId",), show=True),
        Attr("subnet_id", "str", "subnet id", tf=("subnet_id",), live=("SubnetId",),
             cfn=("SubnetId", "NetworkInterfaces.0.SubnetId"), show=True),
        Attr("associate_public_ip_address", "bool|null",
             "public IP requested; null when not set (the subnet decides)",
             tf=("associate_public_ip_address",), live=("PublicIpAddress",),
             # A stopped instance has no public IP: what it has now is not drift.
             live_convert=c.has_value, drift=False,
             cfn=("NetworkInterfaces.0.AssociatePublicIpAddress",)),
        Attr("vpc_security_group_ids", "list[str]", "security group ids, sorted",
             tf=("vpc_security_group_ids",), convert=c.sorted_list,
             live=("SecurityGroups",), live_convert=c.group_ids,
             cfn=("SecurityGroupIds", "NetworkInterfaces.0.GroupSet"), cfn_convert=c.merged_sorted,
             show=True),
        Attr("metadata_http_tokens", "str|null",
             "IMDS tokens: required (IMDSv2) or optional; null when not set (the AMI or "
             "account default decides)",
             tf=("metadata_options.0.http_tokens",), live=("MetadataOptions.HttpTokens",),
             cfn=("MetadataOptions.HttpTokens",), show=True),
        Attr("metadata_http_endpoint", "str|null",
             "IMDS endpoint: enabled or disabled; null when not set (enabled)",
             tf=("metadata_options.0.http_endpoint",),
             live=("MetadataOptions.HttpEndpoint",), cfn=("MetadataOptions.HttpEndpoint",),
             show=True),
        Attr("root_volume_encrypted", "bool|null",
             "root EBS volume encrypted; null when not set (in code), or when it has no EBS "
             "root volume (live: read from the volume, see the link)",
             tf=("root_block_device.0.encrypted",), cfn=("BlockDeviceMappings",),
             cfn_convert=c.cfn_root_volume_encrypted),
        Attr("root_volume_id", "str|null",
             "its root EBS volume (the mapping on its root device name); null when none",
             live=("RootDeviceName", "BlockDeviceMappings"), live_convert=_root_volume_id,
             drift=False),
        c.tags(live="Tags"),
    ),
    links=(
        Link("subnet_map_public_ip_on_launch",
             "copied from the instance's subnet when that subnet is in the same input, else null",
             via="subnet_id", target_type="aws_subnet", target_attr="map_public_ip_on_launch"),
        # Live, the instance does not say whether its root volume is encrypted: its volume
        # does (volumes are read along, one list call per page, none per instance).
        Link("root_volume_encrypted", "live: the root volume's encryption",
             via="root_volume_id", target_type="aws_ebs_volume", target_attr="encrypted"),
    ),
    cfn_physical_id=("InstanceId",),
    collect=Collect(service="ec2", operation="describe_instances",
                    items="Reservations[].Instances[]", id_field="InstanceId",
                    args=(("MaxResults", 1000),),
                    skip=("State.Name", ("terminated", "shutting-down")),
                    needs=("aws_ebs_volume",)),
    # An auto-scaling group's instances are the group's (AWS tags them with its name): the
    # code declares the group, so they are not unmanaged.
    aws_default=lambda a: "aws:autoscaling:groupName" in (a.get("tags") or {}),
)
