from typing import Any

from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, ResourceSpec

# Snapshots AWS makes by itself: those of an AMI it registers from an instance (CreateImage)
# or copies (CopyImage), which aws_ami_from_instance / aws_ami_copy declare, and the ones
# Data Lifecycle Manager policies and AWS Backup plans take on schedule.
AWS_DESCRIPTIONS = ("Created by CreateImage(", "Copied for DestinationAmi ",
                    "This snapshot is created by the AWS Backup service")
AWS_TAGS = ("aws:dlm:", "aws:backup:")


def made_by_aws(attributes: dict[str, Any]) -> bool:
    description = str(attributes.get("description") or "")
    tags = attributes.get("tags") or {}
    return description.startswith(AWS_DESCRIPTIONS) or any(
        str(key).startswith(AWS_TAGS) for key in tags)


SPEC = ResourceSpec(
    tf_type="aws_ebs_snapshot",
    cfn_type=None,  # CloudFormation has no EBS snapshot resource
    doc=("An EBS snapshot the account owns (listed with OwnerIds=self: public and shared "
         "snapshots are not the account's). Snapshots of AMIs and those Data Lifecycle "
         "Manager or AWS Backup take are AWS's own."),
    attrs=(
        Attr("volume_id", "str", "the volume it was taken from", tf=("volume_id",),
             live=("VolumeId",)),
        Attr("description", "str|null", "description", tf=("description",),
             convert=c.non_empty, live=("Description",), live_convert=c.non_empty),
        Attr("encrypted", "bool", "encrypted (as its volume)", tf=("encrypted",),
             convert=c.truthy, live=("Encrypted",), live_convert=c.truthy),
        Attr("kms_key_id", "str|null", "ARN of the KMS key encrypting it; null: none",
             tf=("kms_key_id",), convert=c.non_empty, live=("KmsKeyId",),
             live_convert=c.non_empty, show=True),
        Attr("storage_tier", "str", "standard or archive", tf=("storage_tier",),
             default="standard", live=("StorageTier",), show=True),
        Attr("tags", "map", "effective tags", tf=("tags_all", "tags"), default={},
             live=("Tags",), live_convert=c.tag_map),
    ),
    tf_computed=("encrypted", "kms_key_id"),
    links=(c.KMS_KEY,),
    collect=Collect(service="ec2", operation="describe_snapshots", items="Snapshots",
                    id_field="SnapshotId", args=(("OwnerIds", ["self"]), ("MaxResults", 1000)),
                    owner_field="OwnerId"),
    aws_default=made_by_aws,
)
