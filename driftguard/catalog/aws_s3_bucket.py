from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, CfnFold, Collect, Detail, Fold, ResourceSpec

SSE_DEFAULT = "rule.0.apply_server_side_encryption_by_default.0"
INLINE_SSE = f"server_side_encryption_configuration.0.{SSE_DEFAULT}"
CFN_SSE = ("BucketEncryption.ServerSideEncryptionConfiguration.0."
           "ServerSideEncryptionByDefault")
LIVE_SSE = ("get_bucket_encryption.ServerSideEncryptionConfiguration.Rules.0."
            "ApplyServerSideEncryptionByDefault")

SPEC = ResourceSpec(
    tf_type="aws_s3_bucket",
    cfn_type="AWS::S3::Bucket",
    doc=("An S3 bucket, with the settings that provider v4+ splits into their own resources. "
         "S3 is global: live buckets are listed once per account, with no region."),
    tf_id="bucket",
    attrs=(
        Attr("bucket", "str", "bucket name", tf=("bucket",), live=("Name",),
             cfn=("BucketName",), show=True),
        Attr("encrypted", "bool", "default server-side encryption configured",
             tf=(f"{INLINE_SSE}.sse_algorithm",), convert=c.truthy,
             live=(f"{LIVE_SSE}.SSEAlgorithm",), live_convert=c.truthy,
             cfn=(f"{CFN_SSE}.SSEAlgorithm",),
             # Code that configures nothing reads False here, while AWS encrypts every
             # bucket with AES256 since 2023: drift compares sse_algorithm, set or not.
             drift=False),
        Attr("sse_algorithm", "str|null",
             "AES256, aws:kms or aws:kms:dsse; null when no default encryption is configured",
             tf=(f"{INLINE_SSE}.sse_algorithm",), convert=c.non_empty,
             live=(f"{LIVE_SSE}.SSEAlgorithm",), live_convert=c.non_empty,
             cfn=(f"{CFN_SSE}.SSEAlgorithm",), show=True),
        Attr("kms_key_id", "str|null",
             "KMS key of the default encryption; null when not set (aws:kms then uses the "
             "AWS-managed key aws/s3)",
             tf=(f"{INLINE_SSE}.kms_master_key_id",), convert=c.non_empty,
             live=(f"{LIVE_SSE}.KMSMasterKeyID",), live_convert=c.non_empty,
             cfn=(f"{CFN_SSE}.KMSMasterKeyID",), show=True),
        Attr("versioning", "bool", "versioning enabled (false: never configured, or suspended)",
             tf=("versioning.0.enabled",), convert=c.truthy,
             live=("get_bucket_versioning.Status",), live_convert=c.enabled,
             cfn=("VersioningConfiguration.Status",), cfn_convert=c.enabled),
        Attr("public_access_block", "object|null",
             "the public access block: bools block_public_acls, block_public_policy, "
             "ignore_public_acls, restrict_public_buckets; null when no block is attached",
             live=("get_public_access_block.PublicAccessBlockConfiguration",),
             live_convert=c.live_public_access_block,
             cfn=("PublicAccessBlockConfiguration",), cfn_convert=c.cfn_public_access_block,
             show=True),
        Attr("acl", "str|null", "canned ACL (private, public-read, ...); null when not set",
             tf=("acl",), convert=c.non_empty,
             cfn=("AccessControl",), cfn_convert=c.canned_acl),
        Attr("policy", "object|null",
             "the bucket policy, parsed and normalized (catalog.convert.policy_document); "
             "null when the bucket has none. Declared by aws_s3_bucket_policy, the bucket's "
             "deprecated inline `policy`, or AWS::S3::BucketPolicy",
             tf=("policy",), convert=c.policy_document,
             live=("get_bucket_policy.Policy",), live_convert=c.policy_document),
        c.tags(live="get_bucket_tagging.TagSet"),
    ),
    folds=(
        Fold("aws_s3_bucket_server_side_encryption_configuration", parent_ref="bucket", attrs=(
            Attr("encrypted", "bool", "", tf=(f"{SSE_DEFAULT}.sse_algorithm",),
                 convert=c.truthy),
            Attr("sse_algorithm", "str|null", "", tf=(f"{SSE_DEFAULT}.sse_algorithm",),
                 convert=c.non_empty),
            Attr("kms_key_id", "str|null", "", tf=(f"{SSE_DEFAULT}.kms_master_key_id",),
                 convert=c.non_empty),
        )),
        Fold("aws_s3_bucket_versioning", parent_ref="bucket", attrs=(
            Attr("versioning", "bool", "", tf=("versioning_configuration.0.status",),
                 convert=c.enabled),
        )),
        Fold("aws_s3_bucket_public_access_block", parent_ref="bucket", attrs=(
            Attr("public_access_block", "object", "",
                 tf=("block_public_acls", "block_public_policy", "ignore_public_acls",
                     "restrict_public_buckets"),
                 convert=c.public_access_block),
        )),
        Fold("aws_s3_bucket_acl", parent_ref="bucket", attrs=(
            Attr("acl", "str|null", "", tf=("acl",), convert=c.non_empty),
        )),
        Fold("aws_s3_bucket_policy", parent_ref="bucket", attrs=(
            Attr("policy", "object|null", "", tf=("policy",), convert=c.policy_document),
        )),
    ),
    cfn_folds=(
        CfnFold("AWS::S3::BucketPolicy", parent_ref="Bucket", attrs=(
            Attr("policy", "object|null", "", cfn=("PolicyDocument",),
                 cfn_convert=c.policy_document),
        )),
    ),
    links=(c.KMS_KEY,),
    collect=Collect(
        service="s3", operation="list_buckets", items="Buckets", id_field="Name",
        is_global=True, gone=("NoSuchBucket",),
        details=(
            Detail("get_bucket_encryption", "Bucket",
                   missing_ok=("ServerSideEncryptionConfigurationNotFoundError",)),
            Detail("get_bucket_versioning", "Bucket"),
            Detail("get_public_access_block", "Bucket",
                   missing_ok=("NoSuchPublicAccessBlockConfiguration",)),
            Detail("get_bucket_tagging", "Bucket", missing_ok=("NoSuchTagSet",)),
            Detail("get_bucket_policy", "Bucket", missing_ok=("NoSuchBucketPolicy",)),
        ),
    ),
)
