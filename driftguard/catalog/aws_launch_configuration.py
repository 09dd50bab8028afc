from typing import Any

from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, ResourceSpec

CFN_BLOCKS = tuple(f"BlockDeviceMappings.*.{f}" for f in ("Ebs.Encrypted", "VirtualName",
                                                          "NoDevice"))


def _tf_encrypted(root: Any, ebs: Any) -> list[bool]:
    """root_block_device and ebs_block_device (a set: no order of its own), sorted."""
    return sorted(bool(e) for e in [*(root or []), *(ebs or [])])


def _cfn_encrypted(encrypted: Any, virtual: Any, no_device: Any) -> list[bool]:
    """Each mapping that is EBS (neither instance store nor NoDevice), sorted."""
    return sorted(c.cfn_bool(e) is True for e, v, n in zip(
        encrypted or [], virtual or [], no_device or [], strict=True)
        if not v and c.cfn_bool(n) is not True)


def _live_encrypted(mappings: Any) -> list[bool]:
    return sorted(bool((m.get("Ebs") or {}).get("Encrypted")) for m in mappings or []
                  if not m.get("VirtualName") and not m.get("NoDevice"))


SPEC = ResourceSpec(
    tf_type="aws_launch_configuration",
    cfn_type="AWS::AutoScaling::LaunchConfiguration",
    doc=("An EC2 Auto Scaling launch configuration (AWS's predecessor of launch templates). "
         "AWS cannot change one: any other setting is another configuration. Devices the "
         "AMI maps and the configuration does not are not listed."),
    tf_id="name",
    attrs=(
        Attr("name", "str", "configuration name", tf=("name",),
             live=("LaunchConfigurationName",), cfn=("LaunchConfigurationName",)),
        Attr("instance_type", "str", "instance type, e.g. g5.xlarge", tf=("instance_type",),
             live=("InstanceType",), cfn=("InstanceType",), show=True),
        Attr("associate_public_ip_address", "bool|null",
             "public IP requested; null when not set (the subnet decides). Terraform state "
             "writes false where AWS has none",
             tf=("associate_public_ip_address",), live=("AssociatePublicIpAddress",),
             cfn=("AssociatePublicIpAddress",),
             # State's false for "not set" against live's null: not comparable.
             drift=False),
        Attr("block_devices_encrypted", "list[bool]",
             "each EBS block device mapping's encrypted (the root device's too), sorted; "
             "unset is false",
             tf=("root_block_device.*.encrypted", "ebs_block_device.*.encrypted"),
             convert=_tf_encrypted, default=[],
             live=("BlockDeviceMappings",), live_convert=_live_encrypted,
             cfn=CFN_BLOCKS, cfn_convert=_cfn_encrypted),
        Attr("metadata_http_tokens", "str|null",
             "IMDS tokens: required (IMDSv2) or optional; null when not set (the AMI or "
             "account default decides)",
             tf=("metadata_options.0.http_tokens",), convert=c.non_empty,
             live=("MetadataOptions.HttpTokens",), live_convert=c.non_empty,
             cfn=("MetadataOptions.HttpTokens",), show=True),
    ),
    collect=Collect(service="autoscaling", operation="describe_launch_configurations",
                    items="LaunchConfigurations", id_field="LaunchConfigurationName",
                    arn_field="LaunchConfigurationARN",
                    # Pages of 100, the largest (the default is 50).
                    args=(("MaxRecords", 100),)),
)
