package driftguard.rules.network.db_public_access

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_db(name, public) := resource("aws_db_instance", name, {"engine": "postgres", "encrypted": true, "publicly_accessible": public})

test_fires_when_public if {
	inp := {"resources": [_db("pub", true)]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	f.resource == "aws_db_instance.pub"
	f.key == "plan#aws_db_instance.pub"
	contains(f.msg, "publicly accessible")
	not f.unknown
}

test_one_finding_per_public_instance if {
	count(deny) == 2 with input as {"resources": [_db("a", true), _db("b", false), _db("c", true)]}
}

test_silent_when_private if {
	count(deny) == 0 with input as {"resources": [
		_db("private", false),
		_db("unset", null),
		resource("aws_db_instance", "absent", {"engine": "mysql"}),
	]}
}

test_unknown_is_reported_not_passed if {
	inp := {"resources": [planned("aws_db_instance", "new", {"engine": "postgres"}, ["publicly_accessible"])]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	f.unknown == true
	f.attribute == "publicly_accessible"
	f.resource == "aws_db_instance.new"
}

test_settings_do_not_matter if {
	inp := {"resources": [_db("pub", true)]}
	count(deny) == 1 with input as inp with data.driftguard.config as {}
	count(deny) == 1 with input as inp with data.driftguard.config as {"admin_ports": [5432]}
}

test_other_types_ignored if {
	count(deny) == 0 with input as {"resources": [
		resource("aws_rds_cluster", "c", {"publicly_accessible": true}),
		resource("aws_redshift_cluster", "r", {"publicly_accessible": true}),
		planned("aws_instance", "u", {}, ["publicly_accessible"]),
	]}
}

test_empty_input if {
	count(deny) == 0 with input as {"resources": []}
}
