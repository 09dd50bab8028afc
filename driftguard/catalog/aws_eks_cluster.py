from typing import Any

from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, Detail, ResourceSpec

CLUSTER = "describe_cluster.cluster"
VPC = f"{CLUSTER}.resourcesVpcConfig"
# EKS takes one encryption config; "secrets" is the only resource it encrypts.
ENCRYPTION = f"{CLUSTER}.encryptionConfig.0"


def _secrets(resources: Any) -> bool:
    return "secrets" in (resources or [])


SPEC = ResourceSpec(
    tf_type="aws_eks_cluster",
    cfn_type="AWS::EKS::Cluster",
    doc=("An EKS cluster (its control plane). Its Kubernetes API endpoint is public unless "
         "endpoint_public_access is false, and then reachable from public_access_cidrs "
         "(0.0.0.0/0 unless set), as Terraform, CloudFormation and AWS default them."),
    tf_id="name",
    attrs=(
        Attr("version", "str|null", "Kubernetes version, e.g. 1.30; null when not set",
             tf=("version",), live=(f"{CLUSTER}.version",), cfn=("Version",), show=True),
        Attr("endpoint_public_access", "bool",
             "the API endpoint is reachable from the internet (default true)",
             tf=("vpc_config.0.endpoint_public_access",), default=True,
             live=(f"{VPC}.endpointPublicAccess",),
             cfn=("ResourcesVpcConfig.EndpointPublicAccess",)),
        Attr("public_access_cidrs", "list[str]",
             "CIDRs the public endpoint admits, canonical (any /0 is 0.0.0.0/0 or ::/0) and "
             "sorted (default [\"0.0.0.0/0\"])",
             tf=("vpc_config.0.public_access_cidrs",), convert=c.cidrs_or(("0.0.0.0/0",)),
             default=["0.0.0.0/0"], live=(f"{VPC}.publicAccessCidrs",),
             live_convert=c.cidrs_or(("0.0.0.0/0",)),
             cfn=("ResourcesVpcConfig.PublicAccessCidrs",), show=True),
        Attr("endpoint_private_access", "bool",
             "the API endpoint is reachable from inside the VPC (default false)",
             tf=("vpc_config.0.endpoint_private_access",), convert=c.truthy,
             live=(f"{VPC}.endpointPrivateAccess",), live_convert=c.truthy,
             cfn=("ResourcesVpcConfig.EndpointPrivateAccess",)),
        Attr("secrets_encrypted", "bool",
             "Kubernetes secrets are envelope-encrypted with a KMS key",
             tf=("encryption_config.0.resources",), convert=_secrets,
             live=(f"{ENCRYPTION}.resources",), live_convert=_secrets,
             cfn=("EncryptionConfig.0.Resources",)),
        Attr("kms_key_id", "str|null", "the KMS key encrypting secrets; null when not set",
             tf=("encryption_config.0.provider.0.key_arn",), convert=c.non_empty,
             live=(f"{ENCRYPTION}.provider.keyArn",), live_convert=c.non_empty,
             cfn=("EncryptionConfig.0.Provider.KeyArn",), show=True),
        Attr("subnet_ids", "list[str]", "subnets of the control plane's interfaces, sorted",
             tf=("vpc_config.0.subnet_ids",), convert=c.sorted_list,
             live=(f"{VPC}.subnetIds",), live_convert=c.sorted_list,
             cfn=("ResourcesVpcConfig.SubnetIds",), show=True),
        c.tags(live=f"{CLUSTER}.tags"),
    ),
    links=(c.KMS_KEY,),
    collect=Collect(
        service="eks", operation="list_clusters", items="clusters[].{name: @}",
        id_field="name", arn_field=f"{CLUSTER}.arn",
        details=(Detail("describe_cluster", "name"),),
        gone=("ResourceNotFoundException",),
    ),
)
