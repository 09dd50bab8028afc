from typing import Any

from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, CfnFold, Collect, Detail, Fold, ResourceSpec

ATTRIBUTES = "get_queue_attributes.Attributes"


def encrypted(sse_sqs: Any, kms_key: Any) -> bool:
    """Encrypted with SQS's own keys (SSE-SQS) or with KMS. AWS encrypts every queue created
    since October 2022 with SSE-SQS unless told otherwise: unset is encrypted."""
    return bool(kms_key) or c.cfn_bool(sse_sqs) is not False


SPEC = ResourceSpec(
    tf_type="aws_sqs_queue",
    cfn_type="AWS::SQS::Queue",
    doc=("An SQS queue; its id is its URL, as Terraform's and CloudFormation's. "
         "aws_sqs_queue_policy and AWS::SQS::QueuePolicy fold into its policy."),
    tf_id="url",
    attrs=(
        Attr("fifo_queue", "bool", "a FIFO queue", tf=("fifo_queue",), convert=c.flag,
             live=(f"{ATTRIBUTES}.FifoQueue",), live_convert=c.flag, cfn=("FifoQueue",)),
        Attr("encrypted", "bool",
             "encrypted at rest, with SQS-owned keys (SSE-SQS, AWS's default for new queues) "
             "or a KMS key",
             tf=("sqs_managed_sse_enabled", "kms_master_key_id"), convert=encrypted,
             live=(f"{ATTRIBUTES}.SqsManagedSseEnabled", f"{ATTRIBUTES}.KmsMasterKeyId"),
             live_convert=encrypted, cfn=("SqsManagedSseEnabled", "KmsMasterKeyId")),
        Attr("kms_master_key_id", "str|null",
             "the KMS key as named (id, ARN, alias, alias/aws/sqs); null: none",
             tf=("kms_master_key_id",), convert=c.non_empty,
             live=(f"{ATTRIBUTES}.KmsMasterKeyId",), live_convert=c.non_empty,
             cfn=("KmsMasterKeyId",), show=True),
        Attr("kms_key_id", "str|null",
             "the customer-managed KMS key; null: none, or the AWS-managed alias/aws/sqs "
             "(drift compares kms_master_key_id)",
             tf=("kms_master_key_id",), convert=c.customer_kms_key,
             live=(f"{ATTRIBUTES}.KmsMasterKeyId",), live_convert=c.customer_kms_key,
             cfn=("KmsMasterKeyId",), drift=False),
        Attr("visibility_timeout_seconds", "int", "visibility timeout",
             tf=("visibility_timeout_seconds",), default=30,
             live=(f"{ATTRIBUTES}.VisibilityTimeout",), live_convert=c.integer,
             cfn=("VisibilityTimeout",)),
        Attr("message_retention_seconds", "int", "how long messages are kept",
             tf=("message_retention_seconds",), default=345600,
             live=(f"{ATTRIBUTES}.MessageRetentionPeriod",), live_convert=c.integer,
             cfn=("MessageRetentionPeriod",)),
        Attr("policy", "object|null",
             "the queue policy, parsed and normalized; null: none",
             tf=("policy",), convert=c.policy_document,
             live=(f"{ATTRIBUTES}.Policy",), live_convert=c.policy_document),
        c.tags(live="list_queue_tags.Tags"),
    ),
    folds=(
        Fold("aws_sqs_queue_policy", parent_ref="queue_url", attrs=(
            Attr("policy", "object|null", "", tf=("policy",), convert=c.policy_document),
        )),
    ),
    cfn_folds=(
        CfnFold("AWS::SQS::QueuePolicy", parent_ref="Queues", attrs=(
            Attr("policy", "object|null", "", cfn=("PolicyDocument",),
                 cfn_convert=c.policy_document),
        )),
    ),
    links=(c.KMS_KEY,),
    collect=Collect(
        service="sqs", operation="list_queues", items="QueueUrls[].{url: @}", id_field="url",
        # Without MaxResults, ListQueues stops at 1,000 queues and gives no NextToken.
        args=(("MaxResults", 1000),),
        gone=("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"),
        details=(
            Detail("get_queue_attributes", "QueueUrl", args=(("AttributeNames", ["All"]),)),
            Detail("list_queue_tags", "QueueUrl"),
        ),
    ),
)
