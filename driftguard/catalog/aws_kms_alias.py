from typing import Any

from driftguard.catalog.spec import Attr, Collect, ResourceSpec


def _manager(name: Any) -> str:
    """AWS makes the aliases under alias/aws/ for its services' keys; every other alias is
    a customer's, and names a customer-managed key (AWS lets no alias name its own)."""
    return "AWS" if str(name or "").startswith("alias/aws/") else "CUSTOMER"


SPEC = ResourceSpec(
    tf_type="aws_kms_alias",
    cfn_type="AWS::KMS::Alias",
    doc=("A KMS key alias (alias/...). A customer's alias names a customer-managed key: AWS "
         "lets no alias name the keys it manages, and keeps the names under alias/aws/ for "
         "its own aliases, which are AWS's (not unmanaged unless the scan is strict)."),
    tf_id="name",
    attrs=(
        Attr("name", "str", "the alias, alias/...", tf=("name",), live=("AliasName",),
             cfn=("AliasName",), show=True),
        Attr("target_key_id", "str|null", "the key it names (its id or ARN)",
             tf=("target_key_id",), live=("TargetKeyId",), cfn=("TargetKeyId",), show=True),
        Attr("key_manager", "str",
             "CUSTOMER, or AWS for the aliases AWS made for its services (alias/aws/...)",
             default="CUSTOMER", live=("AliasName",), live_convert=_manager, drift=False),
    ),
    collect=Collect(service="kms", operation="list_aliases", items="Aliases",
                    id_field="AliasName", arn_field="AliasArn", args=(("Limit", 100),)),
    aws_default=lambda a: a.get("key_manager") == "AWS",
)
