from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, Detail, ResourceSpec

SPEC = ResourceSpec(
    tf_type="aws_iam_user",
    cfn_type="AWS::IAM::User",
    doc=("An IAM user. IAM is global: live users are listed once per account, with no "
         "region. AWS makes no users by itself."),
    tf_id="name",
    attrs=(
        Attr("name", "str", "user name", tf=("name",), live=("UserName",), cfn=("UserName",)),
        Attr("path", "str", "path (`/` unless set)", tf=("path",), default="/",
             live=("Path",), cfn=("Path",)),
        Attr("permissions_boundary", "str|null",
             "ARN of the policy bounding its permissions; null when not set",
             tf=("permissions_boundary",), convert=c.non_empty,
             live=("get_user.User.PermissionsBoundary.PermissionsBoundaryArn",),
             live_convert=c.non_empty, cfn=("PermissionsBoundary",)),
        # ListUsers returns neither tags nor the boundary: one GetUser call reads both.
        c.tags(live="get_user.User.Tags"),
    ),
    # The console password (Terraform's aws_iam_user_login_profile is another type).
    cfn_sensitive=("LoginProfile",),
    collect=Collect(
        service="iam", operation="list_users", items="Users", id_field="UserName",
        arn_field="Arn", is_global=True, gone=("NoSuchEntity",),
        args=(("MaxItems", 1000),),  # pages of 1,000, the largest (the default is 100)
        details=(Detail("get_user", "UserName"),),
    ),
)
