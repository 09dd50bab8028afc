package driftguard.rules.audit.cloudtrail_log_validation

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

test_fires_without_log_file_validation if {
	inp := {"resources": [
		resource("aws_cloudtrail", "plain", {"name": "a", "log_file_validation": false}),
		resource("aws_cloudtrail", "validated", {"name": "b", "log_file_validation": true}),
		resource("aws_cloudtrail", "absent", {"name": "c"}),
	]}
	{[f.resource, f.msg] | some f in deny with input as inp} == {[
		"aws_cloudtrail.plain",
		"CloudTrail trail does not validate its log files (enable_log_file_validation = false)",
	]}
}

test_unknown_is_reported_not_passed if {
	some f in deny with input as {"resources": [planned("aws_cloudtrail", "t", {}, ["log_file_validation"])]}
	f.unknown == true
	f.attribute == "log_file_validation"
}

test_empty_input if {
	count(deny) == 0 with input as {"resources": []}
}
