package driftguard.rules.iam.resource_policy_public

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_doc(statements) := {"Version": "2012-10-17", "Statement": statements}

_public_read := {"Sid": "PublicRead", "Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::data/*"]}

test_fires_on_statements_for_anyone_without_a_condition if {
	inp := {"resources": [
		resource("aws_s3_bucket", "b", {"bucket": "data", "policy": _doc([_public_read])}),
		resource("aws_sqs_queue", "q", {"policy": _doc([{"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["sqs:ReceiveMessage", "sqs:SendMessage"], "Resource": ["*"]}])}),
		resource("aws_sns_topic", "t", {"policy": _doc([{"Effect": "Allow", "Principal": {"AWS": ["*"]}, "NotAction": ["sns:DeleteTopic"], "Resource": ["*"]}])}),
	]}
	{[f.resource, f.msg] | some f in deny with input as inp} == {
		["aws_s3_bucket.b", "S3 bucket policy allows anyone s3:GetObject (statement \"PublicRead\": Principal \"*\", no condition)"],
		["aws_sqs_queue.q", "SQS queue policy allows anyone sqs:ReceiveMessage, sqs:SendMessage (statement 1: Principal \"*\", no condition)"],
		["aws_sns_topic.t", "SNS topic policy allows anyone every action but sns:DeleteTopic (statement 1: Principal \"*\", no condition)"],
	}
}

test_one_finding_per_statement if {
	other := object.union(_public_read, {"Sid": "PublicList", "Action": ["s3:ListBucket"]})
	count(deny) == 2 with input as {"resources": [resource("aws_s3_bucket", "b", {"policy": _doc([_public_read, other])})]}
}

test_conditions_named_principals_and_denies_pass if {
	count(deny) == 0 with input as {"resources": [
		resource("aws_s3_bucket", "vpce", {"policy": _doc([object.union(_public_read, {"Condition": {"StringEquals": {"aws:SourceVpce": ["vpce-1"]}}})])}),
		resource("aws_s3_bucket", "account", {"policy": _doc([object.union(_public_read, {"Principal": {"AWS": ["123456789012"]}})])}),
		resource("aws_s3_bucket", "tls", {"policy": _doc([{"Effect": "Deny", "Principal": {"AWS": ["*"]}, "Action": ["s3:*"], "Resource": ["*"], "Condition": {"Bool": {"aws:SecureTransport": ["false"]}}}])}),
		resource("aws_sqs_queue", "events", {"policy": _doc([{"Effect": "Allow", "Principal": {"Service": ["events.amazonaws.com"]}, "Action": ["sqs:SendMessage"], "Resource": ["*"]}])}),
		resource("aws_s3_bucket", "none", {"policy": null}),
	]}
}

test_sns_default_policy_passes if {
	# The policy SNS gives every topic (Terraform's state records it): anyone, but only the
	# owning account (AWS:SourceOwner).
	sns_default := _doc([{
		"Sid": "__default_statement_ID", "Effect": "Allow", "Principal": {"AWS": ["*"]},
		"Action": ["SNS:GetTopicAttributes", "SNS:Publish", "SNS:Subscribe"],
		"Resource": ["arn:aws:sns:eu-west-1:123456789012:events"],
		"Condition": {"StringEquals": {"AWS:SourceOwner": ["123456789012"]}},
	}])
	count(deny) == 0 with input as {"resources": [resource("aws_sns_topic", "events", {"policy": sns_default})]}
}

test_vpc_endpoint_default_policy_is_not_judged if {
	# AWS gives an endpoint full access where the code sets no policy.
	full := {"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["*"], "Resource": ["*"]}]}
	count(deny) == 0 with input as {"resources": [
		resource("aws_vpc_endpoint", "s3", {"policy": full}),
		resource("aws_iam_policy", "p", {"policy": full}),
	]}
}

test_unknown_is_reported_not_passed if {
	some f in deny with input as {"resources": [planned("aws_s3_bucket", "b", {"bucket": "data"}, ["policy"])]}
	f.unknown == true
	f.attribute == "policy"
}

test_empty_input if {
	count(deny) == 0 with input as {"resources": []}
}
