from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, Detail, ResourceSpec

NOTEBOOK = "describe_notebook_instance"

SPEC = ResourceSpec(
    tf_type="aws_sagemaker_notebook_instance",
    cfn_type="AWS::SageMaker::NotebookInstance",
    doc=("A SageMaker notebook instance. It reaches the internet directly unless "
         "DirectInternetAccess is Disabled (Terraform's and AWS's default is Enabled), and "
         "its users have root unless RootAccess is Disabled (default Enabled)."),
    tf_id="name",
    attrs=(
        Attr("instance_type", "str", "ML instance type, e.g. ml.g5.xlarge",
             tf=("instance_type",), live=("InstanceType",), cfn=("InstanceType",), show=True),
        Attr("direct_internet_access", "bool",
             "reaches the internet directly, not through the VPC (DirectInternetAccess "
             "Enabled, the default)",
             tf=("direct_internet_access",), convert=c.is_not("Disabled"),
             live=(f"{NOTEBOOK}.DirectInternetAccess",), live_convert=c.is_not("Disabled"),
             cfn=("DirectInternetAccess",)),
        Attr("root_access", "bool", "notebook users have root (RootAccess Enabled, the "
             "default)", tf=("root_access",), convert=c.is_not("Disabled"),
             live=(f"{NOTEBOOK}.RootAccess",), live_convert=c.is_not("Disabled"),
             cfn=("RootAccess",)),
        Attr("kms_key_id", "str|null", "KMS key of its storage volume; null when not set",
             tf=("kms_key_id",), convert=c.non_empty, live=(f"{NOTEBOOK}.KmsKeyId",),
             live_convert=c.non_empty, cfn=("KmsKeyId",), show=True),
        Attr("subnet_id", "str|null", "its VPC subnet; null when not in a VPC",
             tf=("subnet_id",), convert=c.non_empty, live=(f"{NOTEBOOK}.SubnetId",),
             live_convert=c.non_empty, cfn=("SubnetId",), show=True),
        Attr("security_group_ids", "list[str]", "its security groups, sorted",
             tf=("security_groups",), convert=c.sorted_list,
             live=(f"{NOTEBOOK}.SecurityGroups",), live_convert=c.sorted_list,
             cfn=("SecurityGroupIds",), show=True),
        c.tags(live="list_tags.Tags"),
    ),
    cfn_id=c.arn_name,
    links=(c.KMS_KEY,),
    collect=Collect(
        service="sagemaker", operation="list_notebook_instances", items="NotebookInstances",
        id_field="NotebookInstanceName", arn_field="NotebookInstanceArn",
        # No `gone`: SageMaker says "not found" with ValidationException, its code for any
        # bad request too, which must not silently drop resources.
        details=(
            Detail(NOTEBOOK, "NotebookInstanceName"),
            # One page holds every tag: AWS allows 50 per resource, the page's minimum size.
            Detail("list_tags", "ResourceArn", source_field="NotebookInstanceArn",
                   args=(("MaxResults", 50),)),
        ),
    ),
)
