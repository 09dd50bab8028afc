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

test_aws_db_instance_message_unchanged if {
	some f in deny with input as {"resources": [_db("pub", true)]}
	f.msg == "RDS DB instance is publicly accessible (publicly_accessible = true)"
}

test_aurora_cluster_instances_too if {
	inp := {"resources": [
		resource("aws_rds_cluster_instance", "writer", {"cluster_identifier": "c", "publicly_accessible": true}),
		resource("aws_rds_cluster_instance", "reader", {"cluster_identifier": "c", "publicly_accessible": false}),
		planned("aws_rds_cluster_instance", "new", {"cluster_identifier": "c"}, ["publicly_accessible"]),
	]}
	{[f.resource, f.msg] | some f in deny with input as inp} == {
		["aws_rds_cluster_instance.writer", "RDS cluster instance is publicly accessible (publicly_accessible = true)"],
		["aws_rds_cluster_instance.new", "publicly_accessible is unknown until apply"],
	}
}

test_types_without_the_attribute_ignored if {
	count(deny) == 0 with input as {"resources": [
		resource("aws_rds_cluster", "c", {"encrypted": true}),
		resource("aws_instance", "i", {"associate_public_ip_address": true}),
	]}
}

test_empty_input if {
	count(deny) == 0 with input as {"resources": []}
}
