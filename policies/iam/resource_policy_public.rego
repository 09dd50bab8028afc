# METADATA
# title: Bucket, queue and topic policies must not allow anyone
# description: >-
#   A resource policy statement that allows Principal "*" (or {"AWS": "*"}) with no
#   condition grants its actions to everyone, signed in or not: a bucket's objects are
#   public, a queue takes and hands out anyone's messages, a topic lets anyone publish or
#   subscribe. Checks the policies of S3 buckets (aws_s3_bucket_policy folds in), SQS
#   queues and SNS topics, parsed as every source gives them: one finding per such
#   statement. A statement with a Condition is left to review: the condition decides who
#   (aws:SourceArn, aws:SourceVpce, aws:PrincipalOrgID; SNS's default policy pins
#   AWS:SourceOwner), where checkov's checks accept only some condition keys. Deny
#   statements are fine. VPC endpoint policies, whose default allows "*", are not judged
#   here: an endpoint is reached from its VPC only. A policy that is unknown until apply
#   is reported as unknown. Severity high, as DG-STO-002's public buckets (checkov's open
#   checks carry no severity; trivy has no such check).
# custom:
#   id: DG-IAM-003
#   severity: high
#   remediation: >-
#     Name the principals (accounts, roles, services) the statement is for, or add a
#     condition that pins them (aws:SourceArn for a service that delivers, aws:SourceVpce
#     for traffic from your VPC endpoint, aws:PrincipalOrgID for the organization). Serve
#     public objects through CloudFront with origin access control instead.
#   checkov: [CKV_AWS_70, CKV_AWS_168, CKV_AWS_169]
package driftguard.rules.iam.resource_policy_public

import data.driftguard.lib
import rego.v1

# The types whose `policy` is a resource policy that may grant to anyone. (Elsewhere it
# means otherwise: an IAM policy's document has no principal, a VPC endpoint's is a
# filter on traffic from its VPC.) One body per type, one pass over its resources.
deny contains f if {
	some r in lib.resources["aws_s3_bucket"]
	some f in _findings(r)
}

deny contains f if {
	some r in lib.resources["aws_sqs_queue"]
	some f in _findings(r)
}

deny contains f if {
	some r in lib.resources["aws_sns_topic"]
	some f in _findings(r)
}

# Unknown until apply; else a finding for each statement that allows anyone with no
# condition (none without a policy).
_findings(r) := {lib.unknown_finding(r, "policy")} if {
	"policy" in r.unknown
} else := {lib.finding(r, msg) |
	some i, s in r.attributes.policy.Statement
	lib.allows_anyone(s)
	msg := sprintf("%s policy allows anyone %s (statement %s: Principal \"*\", no condition)", [
		lib.noun(r.type), _actions(s), lib.statement_name(s, i),
	])
}

# Fields read with object.get: see lib.statement_name.
_actions(s) := concat(", ", s.Action) if is_array(object.get(s, "Action", null))

_actions(s) := sprintf("every action but %s", [concat(", ", s.NotAction)]) if {
	not is_array(object.get(s, "Action", null))
	is_array(object.get(s, "NotAction", null))
}

_actions(s) := "every action" if {
	not is_array(object.get(s, "Action", null))
	not is_array(object.get(s, "NotAction", null))
}
