from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, CfnFold, Collect, Detail, Fold, ResourceSpec

ATTRIBUTES = "get_topic_attributes.Attributes"

SPEC = ResourceSpec(
    tf_type="aws_sns_topic",
    cfn_type="AWS::SNS::Topic",
    doc=("An SNS topic; its id is its ARN. SNS gives every topic a default policy, which "
         "Terraform's state records; aws_sns_topic_policy and AWS::SNS::TopicPolicy fold "
         "into its policy."),
    tf_id="arn",
    attrs=(
        Attr("fifo_topic", "bool", "a FIFO topic", tf=("fifo_topic",), convert=c.flag,
             live=(f"{ATTRIBUTES}.FifoTopic",), live_convert=c.flag, cfn=("FifoTopic",)),
        Attr("display_name", "str|null", "display name (SMS sender)", tf=("display_name",),
             convert=c.non_empty, live=(f"{ATTRIBUTES}.DisplayName",),
             live_convert=c.non_empty, cfn=("DisplayName",)),
        Attr("encrypted", "bool", "encrypted at rest with a KMS key (SNS does not otherwise)",
             tf=("kms_master_key_id",), convert=c.has_value,
             live=(f"{ATTRIBUTES}.KmsMasterKeyId",), live_convert=c.has_value,
             cfn=("KmsMasterKeyId",)),
        Attr("kms_master_key_id", "str|null",
             "the KMS key as named (id, ARN, alias, alias/aws/sns); null: none",
             tf=("kms_master_key_id",), convert=c.non_empty,
             live=(f"{ATTRIBUTES}.KmsMasterKeyId",), live_convert=c.non_empty,
             cfn=("KmsMasterKeyId",), show=True),
        Attr("kms_key_id", "str|null",
             "the customer-managed KMS key; null: none, or the AWS-managed alias/aws/sns "
             "(drift compares kms_master_key_id)",
             tf=("kms_master_key_id",), convert=c.customer_kms_key,
             live=(f"{ATTRIBUTES}.KmsMasterKeyId",), live_convert=c.customer_kms_key,
             cfn=("KmsMasterKeyId",), drift=False),
        Attr("policy", "object|null",
             "the topic policy, parsed and normalized (SNS's default one unless the code "
             "sets one; null in a plan or template that sets none)",
             tf=("policy",), convert=c.policy_document,
             live=(f"{ATTRIBUTES}.Policy",), live_convert=c.policy_document),
        c.tags(live="list_tags_for_resource.Tags"),
    ),
    folds=(
        Fold("aws_sns_topic_policy", parent_ref="arn", attrs=(
            Attr("policy", "object|null", "", tf=("policy",), convert=c.policy_document),
        )),
    ),
    cfn_folds=(
        CfnFold("AWS::SNS::TopicPolicy", parent_ref="Topics", attrs=(
            Attr("policy", "object|null", "", cfn=("PolicyDocument",),
                 cfn_convert=c.policy_document),
        )),
    ),
    cfn_physical_id=("TopicArn",),
    links=(c.KMS_KEY,),
    collect=Collect(
        service="sns", operation="list_topics", items="Topics", id_field="TopicArn",
        arn_field="TopicArn", gone=("NotFound", "ResourceNotFound"),
        details=(
            Detail("get_topic_attributes", "TopicArn"),
            Detail("list_tags_for_resource", "ResourceArn"),
        ),
    ),
)
