from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, Detail, ResourceSpec

SPEC = ResourceSpec(
    tf_type="aws_cloudtrail",
    cfn_type="AWS::CloudTrail::Trail",
    doc=("A CloudTrail trail, collected in its home region only: a multi-region trail's "
         "copies in the other regions, and an organization trail's in member accounts "
         "(shadow trails), are the same trail, not others."),
    tf_id="name",
    # The provider's docs import a trail by its ARN (`id` is the ARN since provider v5).
    import_id="{arn}",
    attrs=(
        Attr("name", "str", "trail name", tf=("name",), live=("Name",), cfn=("TrailName",)),
        Attr("s3_bucket_name", "str", "bucket the log files go to", tf=("s3_bucket_name",),
             live=("S3BucketName",), cfn=("S3BucketName",)),
        Attr("s3_key_prefix", "str|null", "key prefix of the log files; null when not set",
             tf=("s3_key_prefix",), convert=c.non_empty, live=("S3KeyPrefix",),
             live_convert=c.non_empty, cfn=("S3KeyPrefix",)),
        Attr("log_file_validation", "bool", "log file integrity validation (digest files)",
             tf=("enable_log_file_validation",), convert=c.truthy,
             live=("LogFileValidationEnabled",), live_convert=c.truthy,
             cfn=("EnableLogFileValidation",)),
        Attr("kms_key_id", "str|null",
             "the customer-managed KMS key encrypting the log files; null: S3's encryption",
             tf=("kms_key_id",), convert=c.non_empty, live=("KmsKeyId",),
             live_convert=c.non_empty, cfn=("KMSKeyId",), show=True),
        Attr("multi_region", "bool", "the trail logs every region", tf=("is_multi_region_trail",),
             convert=c.truthy, live=("IsMultiRegionTrail",), live_convert=c.truthy,
             cfn=("IsMultiRegionTrail",)),
        Attr("include_global_service_events", "bool", "events of global services (IAM, ...)",
             tf=("include_global_service_events",), default=True,
             live=("IncludeGlobalServiceEvents",), cfn=("IncludeGlobalServiceEvents",)),
        Attr("organization_trail", "bool", "logs every account of the organization",
             tf=("is_organization_trail",), convert=c.truthy, live=("IsOrganizationTrail",),
             live_convert=c.truthy, cfn=("IsOrganizationTrail",)),
        Attr("cloud_watch_logs_group_arn", "str|null",
             "log group the events also go to; null when not set",
             tf=("cloud_watch_logs_group_arn",), convert=c.non_empty,
             live=("CloudWatchLogsLogGroupArn",), live_convert=c.non_empty,
             cfn=("CloudWatchLogsLogGroupArn",)),
        Attr("logging", "bool", "delivering events now (false: logging stopped)",
             tf=("enable_logging",), default=True, live=("get_trail_status.IsLogging",),
             cfn=("IsLogging",)),
        c.tags(live="list_tags.ResourceTagList.0.TagsList"),
    ),
    links=(c.KMS_KEY,),
    collect=Collect(
        service="cloudtrail", operation="describe_trails", items="trailList",
        id_field="Name", arn_field="TrailARN",
        # The region's own trails only (see doc).
        args=(("includeShadowTrails", False),),
        unpaginated="DescribeTrails returns every trail of the region at once (5 at most)",
        gone=("TrailNotFoundException", "ResourceNotFoundException"),
        details=(
            Detail("get_trail_status", "Name", source_field="TrailARN"),
            Detail("list_tags", "ResourceIdList", source_field="TrailARN", id_list=True),
        ),
    ),
)
