package driftguard.rules.encryption.s3_bucket

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

test_fires_when_not_encrypted if {
	count(deny) == 1 with input as {"resources": [resource("aws_s3_bucket", "bad", {"encrypted": false})]}
	some f in deny with input as {"resources": [resource("aws_s3_bucket", "bad", {"encrypted": false})]}
	f.resource == "aws_s3_bucket.bad"
	f.key == "plan#aws_s3_bucket.bad"
	not f.unknown
}

test_one_finding_per_bad_resource if {
	count(deny) == 2 with input as {"resources": [
		resource("aws_s3_bucket", "a", {"encrypted": false}),
		resource("aws_s3_bucket", "b", {"encrypted": true}),
		resource("aws_s3_bucket", "c", {"encrypted": false}),
	]}
}

test_silent_when_encrypted if {
	count(deny) == 0 with input as {"resources": [resource("aws_s3_bucket", "good", {"encrypted": true})]}
}

test_unknown_is_reported_not_passed if {
	inp := {"resources": [planned("aws_s3_bucket", "new", {}, ["encrypted"])]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	f.unknown == true
	f.attribute == "encrypted"
	f.resource == "aws_s3_bucket.new"
}

test_null_is_not_false if {
	count(deny) == 0 with input as {"resources": [resource("aws_s3_bucket", "unset", {"encrypted": null})]}
}

test_other_types_ignored if {
	count(deny) == 0 with input as {"resources": [
		resource("aws_kms_key", "k", {"encrypted": false}),
		planned("aws_kms_key", "u", {}, ["encrypted"]),
	]}
}

test_empty_input if {
	count(deny) == 0 with input as {"resources": []}
}
