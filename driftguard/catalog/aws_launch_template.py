from typing import Any

from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, Detail, ResourceSpec

# The default version's data, from the detail call (live) and the template (CloudFormation).
LIVE = "default_version.LaunchTemplateVersions.0.LaunchTemplateData"
CFN = "LaunchTemplateData"


def _nullable_bool(value: Any) -> bool | None:
    """The provider's nullable booleans: "true", "false", or "" (not set) in state."""
    value = c.cfn_bool(value)
    return value if isinstance(value, bool) else None


# Terraform's block_device_mappings, block by block (each only by the fields read, so that
# the provider-computed ones, unknown in a plan, do not make them unknown).
TF_BLOCKS = tuple(f"block_device_mappings.*.{f}" for f in (
    "ebs.0.encrypted", "virtual_name", "no_device"))
CFN_BLOCKS = tuple(f"{CFN}.BlockDeviceMappings.*.{f}" for f in (
    "Ebs.Encrypted", "VirtualName", "NoDevice"))


def _tf_encrypted(encrypted: Any, virtual: Any, no_device: Any) -> list[bool]:
    """Each block that is EBS (neither instance store nor suppressed): encrypted "true"."""
    return [_nullable_bool(e) is True for e, v, n in zip(
        encrypted or [], virtual or [], no_device or [], strict=True) if not v and not n]


def _cfn_encrypted(encrypted: Any, virtual: Any, no_device: Any) -> list[bool]:
    """As _tf_encrypted; NoDevice suppresses the device whatever its value (even "")."""
    return [c.cfn_bool(e) is True for e, v, n in zip(
        encrypted or [], virtual or [], no_device or [], strict=True) if not v and n is None]


def _ebs(mappings: Any) -> list[dict[str, Any]]:
    """The `Ebs` of each live BlockDeviceMappings entry that has one."""
    return [m["Ebs"] for m in mappings or [] if isinstance(m, dict)
            and isinstance(m.get("Ebs"), dict)]


def _encrypted(mappings: Any) -> list[bool]:
    return [ebs.get("Encrypted") is True for ebs in _ebs(mappings)]


def _kms_key(mappings: Any) -> str | None:
    return next((k for k in (e.get("KmsKeyId") for e in _ebs(mappings)) if k), None)


def _first(values: Any) -> str | None:
    """The first value set, of a list of blocks' values."""
    return next((v for v in values or [] if v), None)


def _template_tags(specifications: Any) -> dict[str, str]:
    """CloudFormation tags the template itself (not the instances it launches)."""
    return c.tag_map([t for s in specifications or [] if isinstance(s, dict)
                      and s.get("ResourceType") == "launch-template" for t in s.get("Tags") or []])


SPEC = ResourceSpec(
    tf_type="aws_launch_template",
    cfn_type="AWS::EC2::LaunchTemplate",
    doc=("An EC2 launch template, as its default version launches (live: the template's "
         "default version, so a new default version with other settings is drift). A "
         "setting the template leaves out is null: whoever launches it (an auto-scaling "
         "group, run_instances) or AWS decides. Those EKS makes for managed node groups "
         "are AWS's own, not unmanaged."),
    attrs=(
        Attr("name", "str", "template name", tf=("name",), live=("LaunchTemplateName",),
             cfn=("LaunchTemplateName",)),
        Attr("instance_type", "str|null", "instance type; null when not set (the launcher "
             "decides)", tf=("instance_type",), convert=c.non_empty,
             live=(f"{LIVE}.InstanceType",), live_convert=c.non_empty,
             cfn=(f"{CFN}.InstanceType",), show=True),
        Attr("associate_public_ip_address", "bool|null",
             "public IP requested on the first network interface; null when not set (the "
             "subnet decides)",
             tf=("network_interfaces.0.associate_public_ip_address",), convert=_nullable_bool,
             live=(f"{LIVE}.NetworkInterfaces.0.AssociatePublicIpAddress",),
             cfn=(f"{CFN}.NetworkInterfaces.0.AssociatePublicIpAddress",)),
        Attr("block_devices_encrypted", "list[bool]",
             "each EBS block device mapping's encrypted, in order (unset is false); instance "
             "store and no-device mappings are not listed",
             tf=TF_BLOCKS, convert=_tf_encrypted, default=[],
             live=(f"{LIVE}.BlockDeviceMappings",), live_convert=_encrypted,
             cfn=CFN_BLOCKS, cfn_convert=_cfn_encrypted),
        Attr("kms_key_id", "str|null",
             "KMS key of the first EBS block device mapping that names one; null when none "
             "does (the account's default EBS key applies)",
             tf=("block_device_mappings.*.ebs.0.kms_key_id",), convert=_first,
             live=(f"{LIVE}.BlockDeviceMappings",), live_convert=_kms_key,
             cfn=(f"{CFN}.BlockDeviceMappings.*.Ebs.KmsKeyId",), cfn_convert=_first, show=True),
        Attr("metadata_http_tokens", "str|null",
             "IMDS tokens: required (IMDSv2) or optional; null when not set (the AMI or "
             "account default decides)",
             tf=("metadata_options.0.http_tokens",), convert=c.non_empty,
             live=(f"{LIVE}.MetadataOptions.HttpTokens",), live_convert=c.non_empty,
             cfn=(f"{CFN}.MetadataOptions.HttpTokens",), show=True),
        Attr("metadata_http_endpoint", "str|null",
             "IMDS endpoint: enabled or disabled; null when not set (enabled)",
             tf=("metadata_options.0.http_endpoint",), convert=c.non_empty,
             live=(f"{LIVE}.MetadataOptions.HttpEndpoint",), live_convert=c.non_empty,
             cfn=(f"{CFN}.MetadataOptions.HttpEndpoint",), show=True),
        Attr("tags", "map", "effective tags of the template (not of what it launches)",
             tf=("tags_all", "tags"), default={}, live=("Tags",), live_convert=c.tag_map,
             cfn=("TagSpecifications",), cfn_convert=_template_tags),
    ),
    cfn_physical_id=("LaunchTemplateId",),
    links=(c.KMS_KEY,),
    collect=Collect(
        service="ec2", operation="describe_launch_templates", items="LaunchTemplates",
        id_field="LaunchTemplateId", gone=("InvalidLaunchTemplateId.NotFound",),
        args=(("MaxResults", 200),),
        details=(Detail("describe_launch_template_versions", "LaunchTemplateId",
                        args=(("Versions", ("$Default",)),), key="default_version"),),
    ),
    # EKS makes a template for each managed node group (the code declares the node group): it
    # tags it with the node group's name.
    aws_default=lambda a: "eks:nodegroup-name" in (a.get("tags") or {}),
)
