from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, Detail, ResourceSpec

SPEC = ResourceSpec(
    tf_type="aws_kms_key",
    cfn_type="AWS::KMS::Key",
    doc="A customer-managed KMS key.",
    attrs=(
        Attr("description", "str", "description", tf=("description",)),
        Attr("key_usage", "str", "ENCRYPT_DECRYPT, SIGN_VERIFY, ...", tf=("key_usage",),
             default="ENCRYPT_DECRYPT"),
        Attr("key_rotation_enabled", "bool", "automatic rotation", tf=("enable_key_rotation",),
             convert=c.truthy),
        Attr("multi_region", "bool", "multi-Region key", tf=("multi_region",),
             convert=c.truthy),
        Attr("tags", "map", "effective tags", tf=("tags_all", "tags"), default={}),
    ),
    collect=Collect(
        service="kms", operation="list_keys", items="Keys", id_field="KeyId",
        details=(
            Detail("describe_key", "KeyId"),
            Detail("get_key_rotation_status", "KeyId"),
            Detail("list_resource_tags", "KeyId"),
        ),
    ),
    iam_permissions=("kms:ListKeys", "kms:DescribeKey", "kms:GetKeyRotationStatus",
                     "kms:ListResourceTags"),
)
