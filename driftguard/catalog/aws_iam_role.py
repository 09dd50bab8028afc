from typing import Any

from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, Detail, ResourceSpec

# Paths of the roles AWS creates and deletes by itself: service-linked roles, and IAM
# Identity Center's roles for its permission sets.
AWS_PATHS = ("/aws-service-role/", "/aws-reserved/")


def _aws_made(attributes: dict[str, Any]) -> bool:
    """A role AWS made: on an AWS path; or on /service-role/, the path AWS's consoles
    make the roles of services on (a Lambda function's, SageMaker's execution role, ...),
    and trusted by AWS services only. A /service-role/ role that people or accounts can
    assume is not one AWS made for a service: it stays unmanaged."""
    path = attributes.get("path") or "/"
    if path.startswith(AWS_PATHS):
        return True
    if not path.startswith("/service-role/"):
        return False
    trust = attributes.get("assume_role_policy") or {}
    statements = trust.get("Statement") or []
    return bool(statements) and all(
        isinstance(s, dict) and isinstance(s.get("Principal"), dict)
        and set(s["Principal"]) == {"Service"} for s in statements)


SPEC = ResourceSpec(
    tf_type="aws_iam_role",
    cfn_type="AWS::IAM::Role",
    doc=("An IAM role and its trust policy. IAM is global: live roles are listed once per "
         "account, with no region. Service-linked roles (path /aws-service-role/), IAM "
         "Identity Center's (/aws-reserved/) and the roles AWS's consoles make for services "
         "(/service-role/, trusted by AWS services only) are AWS's own: not unmanaged "
         "unless the scan is strict."),
    tf_id="name",
    attrs=(
        Attr("name", "str", "role name", tf=("name",), live=("RoleName",), cfn=("RoleName",)),
        Attr("path", "str", "path (`/` unless set)", tf=("path",), default="/",
             live=("Path",), cfn=("Path",)),
        Attr("description", "str|null", "description; null when not set",
             tf=("description",), convert=c.non_empty, live=("Description",),
             live_convert=c.non_empty, cfn=("Description",)),
        Attr("assume_role_policy", "object",
             "the trust policy (who may assume the role), parsed and normalized",
             tf=("assume_role_policy",), convert=c.policy_document,
             live=("AssumeRolePolicyDocument",), live_convert=c.policy_document,
             cfn=("AssumeRolePolicyDocument",)),
        Attr("max_session_duration", "int", "longest session in seconds",
             tf=("max_session_duration",), default=3600, live=("MaxSessionDuration",),
             cfn=("MaxSessionDuration",)),
        Attr("permissions_boundary", "str|null",
             "ARN of the policy bounding its permissions; null when not set",
             tf=("permissions_boundary",), convert=c.non_empty,
             live=("get_role.Role.PermissionsBoundary.PermissionsBoundaryArn",),
             live_convert=c.non_empty, cfn=("PermissionsBoundary",)),
        # ListRoles returns neither tags nor the boundary: one GetRole call reads both.
        c.tags(live="get_role.Role.Tags"),
    ),
    collect=Collect(
        service="iam", operation="list_roles", items="Roles", id_field="RoleName",
        arn_field="Arn", is_global=True, gone=("NoSuchEntity",),
        args=(("MaxItems", 1000),),  # pages of 1,000, the largest (the default is 100)
        details=(Detail("get_role", "RoleName"),),
    ),
    aws_default=_aws_made,
)
