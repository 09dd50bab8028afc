from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, Detail, ResourceSpec

DOMAIN = "describe_domain"
PUBLIC = "PublicInternetOnly"

SPEC = ResourceSpec(
    tf_type="aws_sagemaker_domain",
    cfn_type="AWS::SageMaker::Domain",
    doc=("A SageMaker (Studio) domain. Its apps reach the internet directly unless "
         "app_network_access_type is VpcOnly (Terraform's and AWS's default is "
         "PublicInternetOnly)."),
    attrs=(
        Attr("direct_internet_access", "bool",
             "its apps reach the internet directly (app_network_access_type "
             "PublicInternetOnly, the default)",
             tf=("app_network_access_type",), convert=c.is_not("VpcOnly"),
             live=(f"{DOMAIN}.AppNetworkAccessType",), live_convert=c.is_not("VpcOnly"),
             cfn=("AppNetworkAccessType",)),
        Attr("app_network_access_type", "str", "PublicInternetOnly or VpcOnly",
             tf=("app_network_access_type",), default=PUBLIC,
             live=(f"{DOMAIN}.AppNetworkAccessType",), cfn=("AppNetworkAccessType",), show=True),
        Attr("kms_key_id", "str|null", "KMS key of its EFS home volume; null when not set",
             tf=("kms_key_id",), convert=c.non_empty, live=(f"{DOMAIN}.KmsKeyId",),
             live_convert=c.non_empty, cfn=("KmsKeyId",), show=True),
        Attr("vpc_id", "str", "the VPC its apps run in", tf=("vpc_id",),
             live=(f"{DOMAIN}.VpcId",), cfn=("VpcId",), show=True),
        Attr("subnet_ids", "list[str]", "its subnets, sorted", tf=("subnet_ids",),
             convert=c.sorted_list, live=(f"{DOMAIN}.SubnetIds",), live_convert=c.sorted_list,
             cfn=("SubnetIds",), show=True),
        c.tags(live="list_tags.Tags"),
    ),
    links=(c.KMS_KEY,),
    collect=Collect(
        service="sagemaker", operation="list_domains", items="Domains", id_field="DomainId",
        arn_field="DomainArn",
        details=(
            Detail(DOMAIN, "DomainId"),
            Detail("list_tags", "ResourceArn", source_field="DomainArn",
                   args=(("MaxResults", 50),)),
        ),
    ),
)
