from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, ResourceSpec

SPEC = ResourceSpec(
    tf_type="aws_secretsmanager_secret",
    cfn_type="AWS::SecretsManager::Secret",
    doc=("A Secrets Manager secret (its metadata: the value lives in "
         "aws_secretsmanager_secret_version, never read). Its id is its ARN. ListSecrets "
         "gives everything read here: no detail call. Secrets that an AWS service manages "
         "(OwningService: RDS's master user passwords, ...) are AWS's own."),
    tf_id="arn",
    attrs=(
        Attr("name", "str", "secret name", tf=("name",), live=("Name",), cfn=("Name",)),
        Attr("description", "str|null", "description", tf=("description",),
             convert=c.non_empty, live=("Description",), live_convert=c.non_empty,
             cfn=("Description",)),
        Attr("kms_key_id", "str|null",
             "the customer-managed KMS key encrypting it; null: the AWS-managed "
             "aws/secretsmanager key",
             tf=("kms_key_id",), convert=c.customer_kms_key, live=("KmsKeyId",),
             live_convert=c.customer_kms_key, cfn=("KmsKeyId",), show=True),
        Attr("owning_service", "str|null",
             "the AWS service that made and manages it (rds, ...); null: made by its owner",
             live=("OwningService",), live_convert=c.non_empty, drift=False),
        c.tags(live="Tags"),
    ),
    cfn_sensitive=("SecretString",),
    links=(c.KMS_KEY,),
    collect=Collect(service="secretsmanager", operation="list_secrets", items="SecretList",
                    id_field="ARN", arn_field="ARN"),
    aws_default=lambda a: bool(a.get("owning_service")),
)
