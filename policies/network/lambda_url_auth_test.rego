package driftguard.rules.network.lambda_url_auth

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_fn(name, auth) := resource("aws_lambda_function", name, {"function_name": name, "authorization_type": auth})

test_fires_on_a_public_url if {
	inp := {"resources": [_fn("public", "NONE"), _fn("signed", "AWS_IAM"), _fn("no_url", null)]}
	{[f.resource, f.msg] | some f in deny with input as inp} == {[
		"aws_lambda_function.public",
		"Lambda function URL takes requests from anyone (authorization_type = NONE)",
	]}
}

test_unknown_is_reported_not_passed if {
	some f in deny with input as {"resources": [planned("aws_lambda_function", "f", {}, ["authorization_type"])]}
	f.unknown == true
	f.attribute == "authorization_type"
}

test_empty_input if {
	count(deny) == 0 with input as {"resources": []}
}
