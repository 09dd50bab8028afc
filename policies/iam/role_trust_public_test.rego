package driftguard.rules.iam.role_trust_public

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_role(name, statements) := resource("aws_iam_role", name, {
	"name": name, "path": "/",
	"assume_role_policy": {"Version": "2012-10-17", "Statement": statements},
})

_assume(principal) := {"Effect": "Allow", "Action": ["sts:AssumeRole"], "Principal": principal}

test_fires_when_anyone_may_assume if {
	inp := {"resources": [
		_role("anyone", [_assume({"AWS": ["*"]})]),
		_role("mixed", [_assume({"Service": ["ec2.amazonaws.com"]}), _assume({"AWS": ["111122223333", "*"]})]),
	]}
	{[f.resource, f.msg] | some f in deny with input as inp} == {
		["aws_iam_role.anyone", "IAM role can be assumed by anyone (its trust policy allows sts:AssumeRole to Principal \"*\" with no condition)"],
		["aws_iam_role.mixed", "IAM role can be assumed by anyone (its trust policy allows sts:AssumeRole to Principal \"*\" with no condition)"],
	}
}

test_named_principals_conditions_and_denies_pass if {
	count(deny) == 0 with input as {"resources": [
		_role("service", [_assume({"Service": ["lambda.amazonaws.com"]})]),
		_role("account", [_assume({"AWS": ["111122223333"]})]),
		_role("federated", [object.union(_assume({"Federated": ["arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"]}), {"Action": ["sts:AssumeRoleWithWebIdentity"]})]),
		_role("org", [object.union(_assume({"AWS": ["*"]}), {"Condition": {"StringEquals": {"aws:PrincipalOrgID": ["o-abc"]}}})]),
		_role("deny", [{"Effect": "Deny", "Action": ["sts:AssumeRole"], "Principal": {"AWS": ["*"]}}]),
	]}
}

test_service_linked_roles_trust_a_service if {
	# What AWS makes by itself (path /aws-service-role/), as a live scan reads it.
	slr := object.union(_role("AWSServiceRoleForAutoScaling", [_assume({"Service": ["autoscaling.amazonaws.com"]})]), {"source": "live"})
	count(deny) == 0 with input as {"resources": [slr]}
}

test_unknown_is_reported_not_passed if {
	some f in deny with input as {"resources": [planned("aws_iam_role", "r", {"name": "r"}, ["assume_role_policy"])]}
	f.unknown == true
	f.attribute == "assume_role_policy"
}

test_empty_input if {
	count(deny) == 0 with input as {"resources": []}
}
