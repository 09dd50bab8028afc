# METADATA
# title: IAM policies must not allow every action on every resource
# description: >-
#   A statement that allows Action "*" on Resource "*" is administrator access: whoever has
#   the policy (a training job's role, a CI user) can do anything in the account, read
#   every secret and dataset, and grant themselves or others more. Checks the documents of
#   customer-managed IAM policies (aws_iam_policy; AWS-managed policies such as
#   AdministratorAccess are not resources of the code), parsed as every source gives them:
#   one finding per policy, naming its first such statement. A condition does not make it
#   narrower here. A document that is unknown until apply is reported as unknown. Narrower
#   wildcards (s3:*, a Resource "*" for one action) are not flagged: trivy's AVD-AWS-0057
#   flags every wildcard, checkov's CKV_AWS_63 every Action "*". Severity high, as trivy
#   rates AVD-AWS-0057.
# custom:
#   id: DG-IAM-001
#   severity: high
#   remediation: >-
#     Grant the actions and resources the principal needs (IAM Access Analyzer's policy
#     generation drafts them from CloudTrail); for a break-glass administrator, attach the
#     AWS-managed AdministratorAccess to a role that only a few can assume, with MFA.
#   checkov: CKV_AWS_62
package driftguard.rules.iam.policy_admin

import data.driftguard.lib
import rego.v1

deny contains lib.finding(r, msg) if {
	some r in lib.resources["aws_iam_policy"]
	statements := r.attributes.policy.Statement
	is_array(statements)
	admin := [i | some i, s in statements; _admin(s)]
	count(admin) > 0
	msg := sprintf("IAM policy allows every action on every resource (statement %s: Action \"*\", Resource \"*\")", [lib.statement_name(statements[admin[0]], admin[0])])
}

deny contains lib.unknown_finding(r, "policy") if {
	some r in lib.resources["aws_iam_policy"]
	"policy" in r.unknown
}

_admin(s) if {
	s.Effect == "Allow"
	"*" in s.Action
	"*" in s.Resource
}
