from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, Detail, ResourceSpec

SPEC = ResourceSpec(
    tf_type="aws_kms_key",
    cfn_type="AWS::KMS::Key",
    doc="A customer-managed KMS key.",
    attrs=(
        Attr("description", "str", "description", tf=("description",),
             live=("describe_key.KeyMetadata.Description",), cfn=("Description",)),
        Attr("key_usage", "str", "ENCRYPT_DECRYPT, SIGN_VERIFY, ...", tf=("key_usage",),
             default="ENCRYPT_DECRYPT", live=("describe_key.KeyMetadata.KeyUsage",),
             cfn=("KeyUsage",), show=True),
        Attr("key_rotation_enabled", "bool", "automatic rotation", tf=("enable_key_rotation",),
             convert=c.truthy, live=("get_key_rotation_status.KeyRotationEnabled",),
             live_convert=c.truthy, cfn=("EnableKeyRotation",)),
        Attr("multi_region", "bool", "multi-Region key", tf=("multi_region",),
             convert=c.truthy, live=("describe_key.KeyMetadata.MultiRegion",),
             live_convert=c.truthy, cfn=("MultiRegion",)),
        Attr("key_manager", "str", "CUSTOMER, or AWS for keys AWS services made",
             default="CUSTOMER", live=("describe_key.KeyMetadata.KeyManager",), drift=False),
        c.tags(live="list_resource_tags.Tags"),
    ),
    cfn_physical_id=("KeyId",),
    collect=Collect(
        service="kms", operation="list_keys", items="Keys", id_field="KeyId",
        arn_field="KeyArn", gone=("NotFoundException",),
        details=(
            Detail("describe_key", "KeyId"),
            # A key pending deletion or disabled cannot report its rotation: not an error.
            Detail("get_key_rotation_status", "KeyId",
                   missing_ok=("KMSInvalidStateException", "DisabledException")),
            Detail("list_resource_tags", "KeyId"),
        ),
    ),
    aws_default=lambda a: a.get("key_manager") == "AWS",
)
