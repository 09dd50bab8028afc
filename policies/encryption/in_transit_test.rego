package driftguard.rules.encryption.in_transit

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_group(name, transit) := resource("aws_elasticache_replication_group", name, {
	"engine": "valkey", "encrypted": true, "encrypted_in_transit": transit,
})

test_fires_without_transit_encryption if {
	inp := {"resources": [_group("plain", false), _group("tls", true)]}
	{[f.resource, f.msg] | some f in deny with input as inp} == {[
		"aws_elasticache_replication_group.plain",
		"ElastiCache replication group does not encrypt traffic in transit (transit encryption off)",
	]}
}

test_unknown_is_reported_not_passed if {
	inp := {"resources": [planned("aws_elasticache_replication_group", "new", {"encrypted": true}, ["encrypted_in_transit"])]}
	some f in deny with input as inp
	f.unknown == true
	f.attribute == "encrypted_in_transit"
}

test_absent_or_null_is_not_judged if {
	count(deny) == 0 with input as {"resources": [
		resource("aws_elasticache_replication_group", "absent", {"encrypted": true}),
		_group("null", null),
	]}
}

test_empty_input if {
	count(deny) == 0 with input as {"resources": []}
}
