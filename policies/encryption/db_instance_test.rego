package driftguard.rules.encryption.db_instance

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

test_fires_when_not_encrypted if {
	count(deny) == 1 with input as {"resources": [resource("aws_db_instance", "bad", {"encrypted": false})]}
	some f in deny with input as {"resources": [resource("aws_db_instance", "bad", {"encrypted": false})]}
	f.resource == "aws_db_instance.bad"
	f.key == "plan#aws_db_instance.bad"
	not f.unknown
}

test_one_finding_per_bad_resource if {
	count(deny) == 2 with input as {"resources": [
		resource("aws_db_instance", "a", {"encrypted": false}),
		resource("aws_db_instance", "b", {"encrypted": true}),
		resource("aws_db_instance", "c", {"encrypted": false}),
	]}
}

test_silent_when_encrypted if {
	count(deny) == 0 with input as {"resources": [resource("aws_db_instance", "good", {"encrypted": true})]}
}

test_unknown_is_reported_not_passed if {
	inp := {"resources": [planned("aws_db_instance", "new", {}, ["encrypted"])]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	f.unknown == true
	f.attribute == "encrypted"
	f.resource == "aws_db_instance.new"
}

test_null_is_not_false if {
	count(deny) == 0 with input as {"resources": [resource("aws_db_instance", "unset", {"encrypted": null})]}
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
