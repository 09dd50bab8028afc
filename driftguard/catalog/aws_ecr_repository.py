from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, Detail, ResourceSpec

SPEC = ResourceSpec(
    tf_type="aws_ecr_repository",
    cfn_type="AWS::ECR::Repository",
    doc="An ECR container image repository (a model registry, often).",
    tf_id="name",
    attrs=(
        Attr("name", "str", "repository name", tf=("name",), live=("repositoryName",),
             cfn=("RepositoryName",), show=True),
        Attr("image_tag_mutability", "str", "MUTABLE or IMMUTABLE",
             tf=("image_tag_mutability",), default="MUTABLE", live=("imageTagMutability",),
             cfn=("ImageTagMutability",), show=True),
        Attr("scan_on_push", "bool", "images scanned on push",
             tf=("image_scanning_configuration.0.scan_on_push",), convert=c.truthy,
             live=("imageScanningConfiguration.scanOnPush",), live_convert=c.truthy,
             cfn=("ImageScanningConfiguration.ScanOnPush",)),
        Attr("encryption_type", "str", "AES256 or KMS",
             tf=("encryption_configuration.0.encryption_type",), default="AES256",
             live=("encryptionConfiguration.encryptionType",),
             cfn=("EncryptionConfiguration.EncryptionType",), show=True),
        Attr("kms_key", "str|null", "KMS key; null when not set",
             tf=("encryption_configuration.0.kms_key",),
             convert=c.non_empty, live=("encryptionConfiguration.kmsKey",),
             live_convert=c.non_empty, cfn=("EncryptionConfiguration.KmsKey",), show=True),
        c.tags(live="list_tags_for_resource.tags"),
    ),
    collect=Collect(
        service="ecr", operation="describe_repositories", items="repositories",
        id_field="repositoryName", arn_field="repositoryArn",
        gone=("RepositoryNotFoundException",),
        args=(("maxResults", 1000),),  # pages of 1,000, the largest (the default is 100)
        details=(Detail("list_tags_for_resource", "resourceArn", source_field="repositoryArn"),),
    ),
)
