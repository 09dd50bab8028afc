package driftguard.rules.iam.policy_admin

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_doc(statements) := {"Version": "2012-10-17", "Statement": statements}

_policy(name, statements) := resource("aws_iam_policy", name, {"name": name, "path": "/", "policy": _doc(statements)})

_read := {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::data/*"]}

test_fires_on_star_on_star if {
	inp := {"resources": [
		_policy("admin", [_read, {"Effect": "Allow", "Action": ["*"], "Resource": ["*"]}]),
		_policy("named", [{"Sid": "Everything", "Effect": "Allow", "Action": ["*", "s3:GetObject"], "Resource": ["*"]}]),
		_policy("conditioned", [{"Effect": "Allow", "Action": ["*"], "Resource": ["*"], "Condition": {"Bool": {"aws:MultiFactorAuthPresent": ["true"]}}}]),
	]}
	{[f.resource, f.msg] | some f in deny with input as inp} == {
		["aws_iam_policy.admin", "IAM policy allows every action on every resource (statement 2: Action \"*\", Resource \"*\")"],
		["aws_iam_policy.named", "IAM policy allows every action on every resource (statement \"Everything\": Action \"*\", Resource \"*\")"],
		["aws_iam_policy.conditioned", "IAM policy allows every action on every resource (statement 1: Action \"*\", Resource \"*\")"],
	}
}

test_one_finding_per_policy if {
	admin := {"Effect": "Allow", "Action": ["*"], "Resource": ["*"]}
	count(deny) == 1 with input as {"resources": [_policy("twice", [admin, object.union(admin, {"Sid": "Again"})])]}
}

test_narrower_wildcards_and_denies_pass if {
	count(deny) == 0 with input as {"resources": [
		_policy("s3", [{"Effect": "Allow", "Action": ["s3:*"], "Resource": ["*"]}]),
		_policy("one_bucket", [{"Effect": "Allow", "Action": ["*"], "Resource": ["arn:aws:s3:::data"]}]),
		_policy("deny", [{"Effect": "Deny", "Action": ["*"], "Resource": ["*"]}]),
		_policy("not_action", [{"Effect": "Allow", "NotAction": ["iam:*"], "Resource": ["*"]}]),
		_policy("read", [_read]),
	]}
}

test_unknown_is_reported_not_passed if {
	some f in deny with input as {"resources": [planned("aws_iam_policy", "p", {"name": "p"}, ["policy"])]}
	f.unknown == true
	f.attribute == "policy"
}

test_other_policies_are_not_identity_policies if {
	# A VPC endpoint's default policy and a bucket policy allow "*" on "*" to someone.
	full := _doc([{"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["*"], "Resource": ["*"]}])
	count(deny) == 0 with input as {"resources": [
		resource("aws_vpc_endpoint", "s3", {"policy": full}),
		resource("aws_s3_bucket", "b", {"policy": full}),
	]}
}

test_malformed_documents_do_not_break_evaluation if {
	count(deny) == 0 with input as {"resources": [
		resource("aws_iam_policy", "null", {"policy": null}),
		resource("aws_iam_policy", "odd", {"policy": {"Statement": "x"}}),
		_policy("strings", ["not a statement"]),
	]}
}
