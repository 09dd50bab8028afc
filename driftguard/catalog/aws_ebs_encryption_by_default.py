from driftguard.catalog.spec import Attr, Collect, ResourceSpec

SPEC = ResourceSpec(
    tf_type="aws_ebs_encryption_by_default",
    # CloudFormation has no resource for this account setting.
    cfn_type=None,
    doc=("The account's EBS encryption-by-default setting in one region, one resource per "
         "region: its id is the region. Off, as AWS ships it, it is AWS's own: not "
         "unmanaged unless the scan is strict."),
    attrs=(
        # Terraform's `enabled` defaults to true.
        Attr("enabled", "bool", "new EBS volumes and snapshot copies are encrypted",
             tf=("enabled",), default=True, live=("EbsEncryptionByDefault",)),
    ),
    # A single account-level setting per region, not a list: one unpaginated call whose
    # whole response ({EbsEncryptionByDefault, SseType}) is the only item. It has no id
    # field: the id is the region, as Terraform's `id` is.
    collect=Collect(service="ec2", operation="get_ebs_encryption_by_default", items="[@]",
                    id_field=None),
    # Every region has the setting; off, as AWS ships it, it is AWS's own (not unmanaged).
    aws_default=lambda a: not a.get("enabled"),
    # The provider imports the setting of the provider's region as `default`.
    import_id="default",
)
