from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, ResourceSpec

SPEC = ResourceSpec(
    tf_type="aws_efs_file_system",
    cfn_type="AWS::EFS::FileSystem",
    doc=("An EFS file system (shared training data, notebooks' home directories). "
         "DescribeFileSystems gives everything read here, tags included: no detail call."),
    attrs=(
        Attr("encrypted", "bool", "encrypted at rest (fixed at creation)", tf=("encrypted",),
             convert=c.truthy, live=("Encrypted",), live_convert=c.truthy,
             cfn=("Encrypted",)),
        Attr("kms_key_id", "str|null",
             "ARN of the KMS key encrypting it; where the code names none, AWS's own key "
             "(aws/elasticfilesystem) once created (state, live), null in a template",
             tf=("kms_key_id",), convert=c.non_empty, live=("KmsKeyId",),
             live_convert=c.non_empty, cfn=("KmsKeyId",), show=True),
        Attr("performance_mode", "str", "generalPurpose or maxIO", tf=("performance_mode",),
             default="generalPurpose", live=("PerformanceMode",), cfn=("PerformanceMode",),
             show=True),
        Attr("throughput_mode", "str", "bursting, provisioned or elastic",
             tf=("throughput_mode",), default="bursting", live=("ThroughputMode",),
             cfn=("ThroughputMode",), show=True),
        Attr("availability_zone_name", "str|null",
             "the zone of a One Zone file system; null for a Regional one",
             tf=("availability_zone_name",), convert=c.non_empty,
             live=("AvailabilityZoneName",), live_convert=c.non_empty,
             cfn=("AvailabilityZoneName",)),
        c.tags(live="Tags", cfn="FileSystemTags"),
    ),
    cfn_physical_id=("FileSystemId",),
    links=(c.KMS_KEY,),
    collect=Collect(service="efs", operation="describe_file_systems", items="FileSystems",
                    id_field="FileSystemId", arn_field="FileSystemArn",
                    skip=("LifeCycleState", ("deleting", "deleted"))),
    zone="availability_zone_name",
)
