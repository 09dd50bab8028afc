# METADATA
# title: IAM roles must not be assumable by anyone
# description: >-
#   A trust policy that allows Principal "*" (or {"AWS": "*"}) with no condition lets any
#   AWS account in the world assume the role and act with its permissions. Checks every
#   resource with assume_role_policy (IAM roles): flags each Allow statement for every
#   principal that no Condition narrows (a condition on aws:PrincipalOrgID,
#   aws:PrincipalAccount, sts:ExternalId, ... decides who may; review it). Service-linked
#   roles and the roles AWS makes for services trust a service, never "*". A trust policy
#   that is unknown until apply is reported as unknown. Checkov's CKV_AWS_60 flags such a
#   statement whatever its condition. Severity critical: it is the account's door left
#   open (checkov's open checks carry no severity; trivy has no trust policy check).
# custom:
#   id: DG-IAM-002
#   severity: critical
#   remediation: >-
#     Name the principals that assume the role (an account's root or a role ARN, a
#     Service, a Federated provider), or keep "*" only with conditions that pin who may
#     (aws:PrincipalOrgID for the organization, sts:ExternalId with a named third-party
#     account).
#   checkov: CKV_AWS_60
package driftguard.rules.iam.role_trust_public

import data.driftguard.lib
import rego.v1

deny contains lib.finding(r, msg) if {
	some r in lib.with_attribute["assume_role_policy"]
	statements := r.attributes.assume_role_policy.Statement
	is_array(statements)
	some s in statements
	lib.allows_anyone(s)
	msg := sprintf("%s can be assumed by anyone (its trust policy allows %s to Principal \"*\" with no condition)", [lib.noun(r.type), _actions(s)])
}

deny contains lib.unknown_finding(r, "assume_role_policy") if {
	some r in lib.with_attribute["assume_role_policy"]
	"assume_role_policy" in r.unknown
}

_actions(s) := concat(", ", s.Action) if is_array(s.Action)

_actions(s) := "every action" if not is_array(object.get(s, "Action", null)) # see lib.statement_name
