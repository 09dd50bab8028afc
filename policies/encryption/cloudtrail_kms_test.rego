package driftguard.rules.encryption.cloudtrail_kms

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

test_fires_without_a_key if {
	inp := {"resources": [
		resource("aws_cloudtrail", "plain", {"name": "audit", "kms_key_id": null}),
		resource("aws_cloudtrail", "keyed", {"name": "audit2", "kms_key_id": "arn:aws:kms:eu-west-1:123456789012:key/1"}),
		resource("aws_cloudtrail", "absent", {"name": "audit3"}),
	]}
	{[f.resource, f.msg] | some f in deny with input as inp} == {[
		"aws_cloudtrail.plain",
		"CloudTrail trail log files are not encrypted with a customer-managed KMS key (kms_key_id not set)",
	]}
}

test_unknown_is_reported_not_passed if {
	some f in deny with input as {"resources": [planned("aws_cloudtrail", "t", {"name": "audit"}, ["kms_key_id"])]}
	f.unknown == true
	f.attribute == "kms_key_id"
}

test_other_types_ignored if {
	count(deny) == 0 with input as {"resources": [resource("aws_cloudwatch_log_group", "g", {"kms_key_id": null})]}
}

# A key the same input declares (kms_key_manager, a link) is customer-managed: not unknown.
test_unknown_key_declared_alongside_passes if {
	t := planned("aws_cloudtrail", "t", {"name": "audit", "kms_key_manager": "CUSTOMER"}, ["kms_key_id"])
	count(deny) == 0 with input as {"resources": [t]}
}

test_unknown_key_not_in_the_input_is_reported if {
	t := planned("aws_cloudtrail", "t", {"name": "audit", "kms_key_manager": null}, ["kms_key_id"])
	some f in deny with input as {"resources": [t]}
	f.unknown == true
}
