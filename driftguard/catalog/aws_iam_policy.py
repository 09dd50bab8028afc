from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, Detail, ResourceSpec

SPEC = ResourceSpec(
    tf_type="aws_iam_policy",
    cfn_type="AWS::IAM::ManagedPolicy",
    doc=("A customer-managed IAM policy and its default version's document. IAM is global: "
         "live policies are listed once per account, with no region. AWS-managed policies "
         "(arn:aws:iam::aws:policy/...) are not listed at all; the policies AWS's consoles "
         "make for the roles of services (path /service-role/) are AWS's own: not "
         "unmanaged unless the scan is strict."),
    tf_id="arn",
    attrs=(
        Attr("name", "str", "policy name", tf=("name",), live=("PolicyName",),
             cfn=("ManagedPolicyName",)),
        Attr("path", "str", "path (`/` unless set)", tf=("path",), default="/",
             live=("Path",), cfn=("Path",)),
        Attr("description", "str|null", "description; null when not set",
             tf=("description",), convert=c.non_empty, live=("get_policy.Policy.Description",),
             live_convert=c.non_empty, cfn=("Description",)),
        Attr("policy", "object", "the default version's document, parsed and normalized",
             tf=("policy",), convert=c.policy_document,
             live=("get_policy_version.PolicyVersion.Document",),
             live_convert=c.policy_document, cfn=("PolicyDocument",)),
        # As c.tags() but for CloudFormation, whose AWS::IAM::ManagedPolicy takes no tags.
        Attr("tags", "map", "effective tags (Terraform and live only)",
             tf=("tags_all", "tags"), default={}, live=("get_policy.Policy.Tags",),
             live_convert=c.tag_map),
    ),
    collect=Collect(
        service="iam", operation="list_policies", items="Policies", id_field="Arn",
        arn_field="Arn", is_global=True, gone=("NoSuchEntity",),
        # Customer-managed only: AWS's own policies are over a thousand, the same in every
        # account, and never in the code.
        # Pages of 1,000, the largest (the default is 100).
        args=(("Scope", "Local"), ("MaxItems", 1000)),
        details=(
            # The document of the version in force, named by the list item.
            Detail("get_policy_version", "PolicyArn", fields=(("VersionId", "DefaultVersionId"),)),
            # Description and tags, which ListPolicies leaves out.
            Detail("get_policy", "PolicyArn"),
        ),
    ),
    aws_default=lambda a: str(a.get("path") or "").startswith("/service-role/"),
)
