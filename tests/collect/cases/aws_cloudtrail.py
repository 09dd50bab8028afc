"""The collector case of aws_cloudtrail."""

from __future__ import annotations

import boto3

from cases import REGION, TEAM, Built, kms_key_arn, tag_list


def build() -> Built:
    bucket = "dg-collect-trail-logs"
    boto3.client("s3").create_bucket(Bucket=bucket,
                                     CreateBucketConfiguration={"LocationConstraint": REGION})
    key = kms_key_arn("trail key")
    cloudtrail = boto3.client("cloudtrail")
    cloudtrail.create_trail(Name="audit", S3BucketName=bucket, S3KeyPrefix="audit",
                            EnableLogFileValidation=True, IsMultiRegionTrail=True,
                            KmsKeyId=key, TagsList=tag_list(TEAM))
    cloudtrail.start_logging(Name="audit")
    cloudtrail.create_trail(Name="scratch", S3BucketName=bucket,
                            IncludeGlobalServiceEvents=False)
    # Made in another region: listed there (its home), not here.
    boto3.client("cloudtrail", region_name="us-east-1").create_trail(
        Name="elsewhere", S3BucketName=bucket)
    return Built({
        "audit": {"name": "audit", "s3_bucket_name": bucket, "s3_key_prefix": "audit",
                  "log_file_validation": True, "kms_key_id": key, "multi_region": True,
                  "include_global_service_events": True, "organization_trail": False,
                  "cloud_watch_logs_group_arn": None, "logging": True, "tags": TEAM},
        "scratch": {"name": "scratch", "s3_bucket_name": bucket, "s3_key_prefix": None,
                    "log_file_validation": False, "kms_key_id": None, "multi_region": False,
                    "include_global_service_events": False, "organization_trail": False,
                    "cloud_watch_logs_group_arn": None, "logging": False, "tags": {}},
    }, absent={"elsewhere"})
