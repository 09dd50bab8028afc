from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, ResourceSpec

LUSTRE = "LustreConfiguration"
# DescribeFileSystems lists every FSx file system; one being deleted is gone, for the code.
OTHERS_OR_LEAVING = "FileSystemType != 'LUSTRE' || Lifecycle == 'DELETING'"

SPEC = ResourceSpec(
    tf_type="aws_fsx_lustre_file_system",
    cfn_type="AWS::FSx::FileSystem",
    # CloudFormation has one type for every FSx file system: this one is Lustre's.
    cfn_when=("FileSystemType", "LUSTRE"),
    doc=("An FSx for Lustre file system (training data at GPU speed). FSx encrypts every "
         "file system at rest: scratch ones with keys FSx owns, persistent ones with a KMS "
         "key (AWS's aws/fsx where the code names none). Windows, ONTAP and OpenZFS file "
         "systems, which the same FSx call lists, are not this type."),
    attrs=(
        Attr("deployment_type", "str", "SCRATCH_1, SCRATCH_2, PERSISTENT_1 or PERSISTENT_2",
             tf=("deployment_type",), default="SCRATCH_1",
             live=(f"{LUSTRE}.DeploymentType",), cfn=(f"{LUSTRE}.DeploymentType",), show=True),
        Attr("storage_capacity", "int", "capacity in GiB", tf=("storage_capacity",),
             live=("StorageCapacity",), cfn=("StorageCapacity",)),
        Attr("storage_type", "str", "SSD or HDD", tf=("storage_type",), default="SSD",
             live=("StorageType",), cfn=("StorageType",), show=True),
        Attr("per_unit_storage_throughput", "int|null",
             "MB/s per TiB of a persistent file system; null for scratch ones",
             tf=("per_unit_storage_throughput",), live=(f"{LUSTRE}.PerUnitStorageThroughput",),
             cfn=(f"{LUSTRE}.PerUnitStorageThroughput",)),
        Attr("data_compression_type", "str", "NONE or LZ4", tf=("data_compression_type",),
             default="NONE", live=(f"{LUSTRE}.DataCompressionType",),
             cfn=(f"{LUSTRE}.DataCompressionType",), show=True),
        Attr("kms_key_id", "str|null",
             "ARN of the KMS key of a persistent file system; where the code names none, "
             "the AWS-managed aws/fsx key once created (state, live), null in a template; "
             "null for scratch ones",
             tf=("kms_key_id",), convert=c.non_empty, live=("KmsKeyId",),
             live_convert=c.non_empty, cfn=("KmsKeyId",), show=True),
        Attr("subnet_ids", "list[str]", "its subnet (one)", tf=("subnet_ids",),
             convert=c.sorted_list, live=("SubnetIds",), live_convert=c.sorted_list,
             cfn=("SubnetIds",), cfn_convert=c.sorted_list),
        c.tags(live="Tags"),
    ),
    links=(c.KMS_KEY,),
    collect=Collect(service="fsx", operation="describe_file_systems", items="FileSystems",
                    id_field="FileSystemId", arn_field="ResourceARN",
                    skip=(OTHERS_OR_LEAVING, (True,))),
)
