from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, ResourceSpec

SPEC = ResourceSpec(
    tf_type="aws_ebs_volume",
    cfn_type="AWS::EC2::Volume",
    doc="An EBS volume.",
    attrs=(
        Attr("encrypted", "bool", "encrypted at rest", tf=("encrypted",), convert=c.truthy,
             live=("Encrypted",), live_convert=c.truthy, cfn=("Encrypted",)),
        Attr("kms_key_id", "str|null", "KMS key; null when not set", tf=("kms_key_id",),
             convert=c.non_empty,
             live=("KmsKeyId",), live_convert=c.non_empty, cfn=("KmsKeyId",), show=True),
        Attr("size", "int", "size in GiB", tf=("size",), live=("Size",), cfn=("Size",)),
        Attr("volume_type", "str", "gp3, io2, ...", tf=("type",), live=("VolumeType",),
             cfn=("VolumeType",), show=True),
        Attr("availability_zone", "str", "availability zone", tf=("availability_zone",),
             live=("AvailabilityZone",), cfn=("AvailabilityZone",), show=True),
        Attr("created_with_instance", "bool",
             "made by an instance's block device mapping (a root volume), not on its own",
             live=("Attachments",), live_convert=c.created_with_instance, drift=False),
        c.tags(live="Tags"),
    ),
    cfn_physical_id=("VolumeId",),
    links=(c.KMS_KEY,),
    collect=Collect(service="ec2", operation="describe_volumes", items="Volumes",
                    id_field="VolumeId", args=(("MaxResults", 1000),)),
    # Root volumes come with their instance: Terraform declares them inside aws_instance.
    aws_default=lambda a: bool(a.get("created_with_instance")),
    zone="availability_zone",
)
