from typing import Any

from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, Detail, ResourceSpec

TABLE = "describe_table.Table"


def _key(schema: Any, kind: str) -> str | None:
    return next((k.get("AttributeName") for k in schema or []
                 if isinstance(k, dict) and k.get("KeyType") == kind), None)


def hash_key(schema: Any) -> str | None:
    """The partition key of a KeySchema ([{AttributeName, KeyType: HASH|RANGE}])."""
    return _key(schema, "HASH")


def range_key(schema: Any) -> str | None:
    """The sort key of a KeySchema; None without one."""
    return _key(schema, "RANGE")


def kms_encrypted(status: Any) -> bool:
    """SSEDescription.Status: encrypted with a KMS key (or becoming so)."""
    return str(status or "") in ("ENABLED", "ENABLING", "UPDATING")


def standard(table_class: Any) -> str:
    """The table class; unset (or empty, as the provider may record it) is STANDARD."""
    return str(table_class or "STANDARD")


SPEC = ResourceSpec(
    tf_type="aws_dynamodb_table",
    cfn_type="AWS::DynamoDB::Table",
    doc=("A DynamoDB table. DynamoDB encrypts every table at rest: with a key it owns "
         "unless server-side encryption names a KMS key (AWS's aws/dynamodb or a "
         "customer's). ListTables gives names only: DescribeTable reads the table, then "
         "ListTagsOfResource its tags by the ARN DescribeTable gave. Capacities, which "
         "auto scaling moves, are not read."),
    tf_id="name",
    attrs=(
        Attr("billing_mode", "str", "PROVISIONED or PAY_PER_REQUEST", tf=("billing_mode",),
             default="PROVISIONED", live=(f"{TABLE}.BillingModeSummary.BillingMode",),
             cfn=("BillingMode",), show=True),
        Attr("hash_key", "str", "partition key", tf=("hash_key",),
             live=(f"{TABLE}.KeySchema",), live_convert=hash_key, cfn=("KeySchema",),
             cfn_convert=hash_key),
        Attr("range_key", "str|null", "sort key; null: none", tf=("range_key",),
             convert=c.non_empty, live=(f"{TABLE}.KeySchema",), live_convert=range_key,
             cfn=("KeySchema",), cfn_convert=range_key),
        Attr("kms_encryption", "bool",
             "encrypted with a KMS key (server_side_encryption enabled) rather than with a "
             "key DynamoDB owns",
             tf=("server_side_encryption.0.enabled",), convert=c.flag,
             live=(f"{TABLE}.SSEDescription.Status",), live_convert=kms_encrypted,
             cfn=("SSESpecification.SSEEnabled",), cfn_convert=c.flag),
        Attr("kms_key_id", "str|null",
             "the KMS key's ARN; where the code enables KMS encryption without one, the "
             "AWS-managed aws/dynamodb key once created (state, live), null in a plan or "
             "template; null: a key DynamoDB owns",
             tf=("server_side_encryption.0.kms_key_arn",), convert=c.non_empty,
             live=(f"{TABLE}.SSEDescription.KMSMasterKeyArn",), live_convert=c.non_empty,
             cfn=("SSESpecification.KMSMasterKeyId",), show=True),
        Attr("stream_enabled", "bool", "a DynamoDB stream", tf=("stream_enabled",),
             convert=c.flag, live=(f"{TABLE}.StreamSpecification.StreamEnabled",),
             live_convert=c.flag, cfn=("StreamSpecification.StreamViewType",),
             cfn_convert=c.has_value),
        Attr("deletion_protection_enabled", "bool", "deletion protection",
             tf=("deletion_protection_enabled",), convert=c.flag,
             live=(f"{TABLE}.DeletionProtectionEnabled",), live_convert=c.flag,
             cfn=("DeletionProtectionEnabled",)),
        Attr("table_class", "str", "STANDARD or STANDARD_INFREQUENT_ACCESS",
             tf=("table_class",), convert=standard,
             live=(f"{TABLE}.TableClassSummary.TableClass",), live_convert=standard,
             cfn=("TableClass",), show=True),
        c.tags(live="list_tags_of_resource.Tags"),
    ),
    links=(c.KMS_KEY,),
    collect=Collect(
        service="dynamodb", operation="list_tables", items="TableNames[].{name: @}",
        id_field="name", arn_field=f"{TABLE}.TableArn", gone=("ResourceNotFoundException",),
        details=(
            Detail("describe_table", "TableName"),
            Detail("list_tags_of_resource", "ResourceArn", source_field=f"{TABLE}.TableArn"),
        ),
    ),
)
