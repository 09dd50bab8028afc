from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, CfnFold, Collect, Detail, Fold, ResourceSpec

# A URL on an alias or a version (a qualifier) belongs to that alias, not to the function
# itself: only the function's own URL folds in, the one GetFunctionUrlConfig reads live.
UNQUALIFIED = (None, "")

SPEC = ResourceSpec(
    tf_type="aws_lambda_function",
    cfn_type="AWS::Lambda::Function",
    doc=("A Lambda function (its unpublished $LATEST configuration), with its function URL "
         "folded in (aws_lambda_function_url, AWS::Lambda::Url, without a qualifier). "
         "Environment variables are never read, and masked in Terraform and CloudFormation "
         "documents."),
    tf_id="function_name",
    attrs=(
        Attr("function_name", "str", "function name", tf=("function_name",),
             live=("FunctionName",), cfn=("FunctionName",)),
        Attr("runtime", "str|null", "python3.12, ...; null for container images",
             tf=("runtime",), convert=c.non_empty, live=("Runtime",), live_convert=c.non_empty,
             cfn=("Runtime",), show=True),
        Attr("handler", "str|null", "entry point; null for container images",
             tf=("handler",), convert=c.non_empty, live=("Handler",), live_convert=c.non_empty,
             cfn=("Handler",)),
        Attr("role", "str", "ARN of its execution role", tf=("role",), live=("Role",),
             cfn=("Role",)),
        Attr("package_type", "str", "Zip or Image", tf=("package_type",), default="Zip",
             live=("PackageType",), cfn=("PackageType",), show=True),
        Attr("memory_size", "int", "memory in MB", tf=("memory_size",), default=128,
             live=("MemorySize",), cfn=("MemorySize",)),
        Attr("timeout", "int", "timeout in seconds", tf=("timeout",), default=3,
             live=("Timeout",), cfn=("Timeout",)),
        Attr("architectures", "list[str]", "x86_64 or arm64", tf=("architectures",),
             default=["x86_64"], live=("Architectures",), cfn=("Architectures",), show=True),
        Attr("kms_key_id", "str|null",
             "the customer-managed KMS key encrypting its environment variables; null: "
             "Lambda's AWS-managed key", tf=("kms_key_arn",), convert=c.non_empty,
             live=("KMSKeyArn",), live_convert=c.non_empty, cfn=("KmsKeyArn",), show=True),
        Attr("subnet_ids", "list[str]", "VPC subnets it runs in, sorted; [] outside a VPC",
             tf=("vpc_config.0.subnet_ids",), convert=c.sorted_list,
             live=("VpcConfig.SubnetIds",), live_convert=c.sorted_list,
             cfn=("VpcConfig.SubnetIds",)),
        Attr("security_group_ids", "list[str]", "its VPC security groups, sorted",
             tf=("vpc_config.0.security_group_ids",), convert=c.sorted_list,
             live=("VpcConfig.SecurityGroupIds",), live_convert=c.sorted_list,
             cfn=("VpcConfig.SecurityGroupIds",)),
        Attr("authorization_type", "str|null",
             "auth of its function URL: NONE (public) or AWS_IAM; null: no URL",
             live=("get_function_url_config.AuthType",), show=True),
        c.tags(live="list_tags.Tags"),
    ),
    folds=(
        Fold("aws_lambda_function_url", parent_ref="function_name", attrs=(
            Attr("authorization_type", "str|null", "", tf=("authorization_type",),
                 when=("qualifier", UNQUALIFIED)),
        )),
    ),
    cfn_folds=(
        CfnFold("AWS::Lambda::Url", parent_ref="TargetFunctionArn", attrs=(
            Attr("authorization_type", "str|null", "", cfn=("AuthType",),
                 when=("Qualifier", UNQUALIFIED)),
        )),
    ),
    # Environment variables often hold secrets.
    sensitive=("environment",),
    cfn_sensitive=("Environment",),
    links=(c.KMS_KEY,),
    collect=Collect(
        service="lambda", operation="list_functions", items="Functions",
        id_field="FunctionName", arn_field="FunctionArn", gone=("ResourceNotFoundException",),
        details=(
            # No URL: ResourceNotFoundException, as for a function deleted meanwhile (whose
            # tags call then says it is gone).
            Detail("get_function_url_config", "FunctionName",
                   missing_ok=("ResourceNotFoundException",)),
            Detail("list_tags", "Resource", source_field="FunctionArn"),
        ),
    ),
)
