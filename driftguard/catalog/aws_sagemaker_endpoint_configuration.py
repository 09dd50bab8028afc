from typing import Any

from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, Detail, ResourceSpec

CONFIG = "describe_endpoint_config"


def _instance_types(production: Any, shadow: Any) -> list[str]:
    """Every variant's instance type (Terraform's instance_type, the API's and
    CloudFormation's InstanceType), sorted, each once; serverless variants have none."""
    found = set()
    for variant in [*(production or []), *(shadow or [])]:
        if isinstance(variant, dict):
            value = variant.get("instance_type") or variant.get("InstanceType")
            if value:
                found.add(value)
    return sorted(found)


SPEC = ResourceSpec(
    tf_type="aws_sagemaker_endpoint_configuration",
    cfn_type="AWS::SageMaker::EndpointConfig",
    doc=("A SageMaker endpoint configuration: the instances its endpoints run, one type per "
         "production (and shadow) variant, and the KMS key of their storage volumes "
         "(Terraform's kms_key_arn)."),
    tf_id="name",
    attrs=(
        Attr("instance_types", "list[str]",
             "ML instance types of its production and shadow variants, sorted, each once; "
             "[] when all are serverless",
             tf=("production_variants", "shadow_production_variants"),
             convert=_instance_types,
             live=(f"{CONFIG}.ProductionVariants", f"{CONFIG}.ShadowProductionVariants"),
             live_convert=_instance_types,
             cfn=("ProductionVariants", "ShadowProductionVariants"), show=True),
        Attr("kms_key_id", "str|null",
             "KMS key of the variants' storage volumes; null when not set",
             tf=("kms_key_arn",), convert=c.non_empty, live=(f"{CONFIG}.KmsKeyId",),
             live_convert=c.non_empty, cfn=("KmsKeyId",), show=True),
        c.tags(live="list_tags.Tags"),
    ),
    cfn_id=c.arn_name,
    links=(c.KMS_KEY,),
    collect=Collect(
        service="sagemaker", operation="list_endpoint_configs", items="EndpointConfigs",
        id_field="EndpointConfigName", arn_field="EndpointConfigArn",
        details=(
            Detail(CONFIG, "EndpointConfigName"),
            Detail("list_tags", "ResourceArn", source_field="EndpointConfigArn",
                   args=(("MaxResults", 50),)),
        ),
    ),
)
