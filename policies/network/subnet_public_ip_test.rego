package driftguard.rules.network.subnet_public_ip

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_subnet(name, maps) := resource("aws_subnet", name, {"cidr_block": "10.0.1.0/24", "map_public_ip_on_launch": maps})

test_warns_on_public_subnet if {
	inp := {"resources": [_subnet("pub", true)]}
	count(warn) == 1 with input as inp
	some f in warn with input as inp
	f.resource == "aws_subnet.pub"
	not f.unknown
}

test_silent_on_private_subnets if {
	count(warn) == 0 with input as {"resources": [_subnet("a", false), _subnet("b", null)]}
}

test_unknown_is_reported if {
	inp := {"resources": [planned("aws_subnet", "n", {"cidr_block": "10.0.2.0/24"}, ["map_public_ip_on_launch"])]}
	count(warn) == 1 with input as inp
	some f in warn with input as inp
	f.unknown == true
	f.attribute == "map_public_ip_on_launch"
}

test_other_types_ignored if {
	inp := {"resources": [
		resource("aws_instance", "i", {"map_public_ip_on_launch": true, "subnet_map_public_ip_on_launch": true}),
		resource("aws_default_subnet", "d", {"map_public_ip_on_launch": true}),
	]}
	count(warn) == 0 with input as inp
}
