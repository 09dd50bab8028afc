from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, Detail, ResourceSpec

SPEC = ResourceSpec(
    tf_type="aws_kms_key",
    cfn_type="AWS::KMS::Key",
    doc=("A customer-managed KMS key. Automatic rotation is read live for every key: only "
         "symmetric encryption keys with AWS-made key material can rotate (`key_spec` "
         "SYMMETRIC_DEFAULT); for the others AWS refuses the question, and rotation reads "
         "false."),
    attrs=(
        Attr("description", "str", "description", tf=("description",),
             live=("describe_key.KeyMetadata.Description",), cfn=("Description",)),
        Attr("key_usage", "str", "ENCRYPT_DECRYPT, SIGN_VERIFY, ...", tf=("key_usage",),
             default="ENCRYPT_DECRYPT", live=("describe_key.KeyMetadata.KeyUsage",),
             cfn=("KeyUsage",), show=True),
        Attr("key_spec", "str",
             "SYMMETRIC_DEFAULT, RSA_2048, HMAC_256, ... (only SYMMETRIC_DEFAULT keys rotate)",
             tf=("customer_master_key_spec",), default="SYMMETRIC_DEFAULT",
             live=("describe_key.KeyMetadata.KeySpec",), cfn=("KeySpec",), show=True),
        Attr("key_rotation_enabled", "bool", "automatic rotation", tf=("enable_key_rotation",),
             convert=c.truthy, live=("get_key_rotation_status.KeyRotationEnabled",),
             live_convert=c.truthy, cfn=("EnableKeyRotation",)),
        # Terraform's state holds 0 where rotation is off (AWS then reports no period).
        Attr("rotation_period_in_days", "int|null",
             "days between automatic rotations (AWS's default 365); null when rotation is off",
             tf=("rotation_period_in_days",), convert=c.non_empty,
             live=("get_key_rotation_status.RotationPeriodInDays",), live_convert=c.non_empty,
             cfn=("RotationPeriodInDays",)),
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
        args=(("Limit", 1000),),  # pages of 1,000, the largest (the default is 100)
        details=(
            Detail("describe_key", "KeyId"),
            # Not errors: a key pending deletion or disabled cannot report its rotation, and
            # one that cannot rotate at all (asymmetric, HMAC, imported key material, a
            # custom key store) is refused with UnsupportedOperationException.
            Detail("get_key_rotation_status", "KeyId",
                   missing_ok=("KMSInvalidStateException", "DisabledException",
                               "UnsupportedOperationException")),
            Detail("list_resource_tags", "KeyId"),
        ),
    ),
    aws_default=lambda a: a.get("key_manager") == "AWS",
)
