from typing import Any

from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, Detail, ResourceSpec

# Log groups that AWS services create by themselves the first time they write, where no
# code declared one: every service writing under /aws/ (Lambda's /aws/lambda/<function>,
# SageMaker's /aws/sagemaker/TrainingJobs, Batch's /aws/batch/job, EKS's control plane
# logs, CodeBuild, RDS, ...), Glue's /aws-glue/, API Gateway's execution logs and RDS
# Enhanced Monitoring's RDSOSMetrics. /aws/vendedlogs/ is the exception: AWS asks people to
# name their own log groups there (for services that deliver logs into them), and no
# service creates them. Code that declares such a log group (to set its retention or key)
# manages it as any other; one created by hand under /aws/ is only reported with --strict.
AWS_WRITTEN = ("/aws/", "/aws-glue/", "API-Gateway-Execution-Logs_", "RDSOSMetrics")
PEOPLE_NAMED = ("/aws/vendedlogs/",)


def written_by_aws(attributes: dict[str, Any]) -> bool:
    name = str(attributes.get("name") or "")
    return name.startswith(AWS_WRITTEN) and not name.startswith(PEOPLE_NAMED)


SPEC = ResourceSpec(
    tf_type="aws_cloudwatch_log_group",
    cfn_type="AWS::Logs::LogGroup",
    doc=("A CloudWatch Logs log group; its id is its name. Log groups that AWS services "
         "create by themselves (/aws/lambda/..., /aws/sagemaker/..., ...; not "
         "/aws/vendedlogs/) are AWS's own unless the code declares them."),
    tf_id="name",
    attrs=(
        Attr("name", "str", "log group name", tf=("name",), live=("logGroupName",),
             cfn=("LogGroupName",)),
        Attr("retention_in_days", "int", "days events are kept; 0: never expire",
             tf=("retention_in_days",), default=0, live=("retentionInDays",),
             live_convert=lambda days: days or 0, cfn=("RetentionInDays",)),
        Attr("kms_key_id", "str|null", "ARN of the KMS key encrypting it; null: none",
             tf=("kms_key_id",), convert=c.non_empty, live=("kmsKeyId",),
             live_convert=c.non_empty, cfn=("KmsKeyId",), show=True),
        Attr("log_group_class", "str", "STANDARD or INFREQUENT_ACCESS",
             tf=("log_group_class",), default="STANDARD", live=("logGroupClass",),
             cfn=("LogGroupClass",), show=True),
        c.tags(live="list_tags_for_resource.tags"),
    ),
    links=(c.KMS_KEY,),
    collect=Collect(
        service="logs", operation="describe_log_groups", items="logGroups",
        id_field="logGroupName", arn_field="logGroupArn", gone=("ResourceNotFoundException",),
        details=(Detail("list_tags_for_resource", "resourceArn", source_field="logGroupArn"),),
    ),
    aws_default=written_by_aws,
)
