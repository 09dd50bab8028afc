package driftguard.rules.compute.instance_types

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_config := {"allowed_instance_types": ["t3.*", "g5.*"], "admin_ports": [22], "required_tags": []}

_instance(name, type) := resource("aws_instance", name, {"instance_type": type})

test_fires_on_disallowed_type if {
	inp := {"resources": [_instance("big", "p4d.24xlarge")]}
	count(deny) == 1 with input as inp with data.driftguard.config as _config
	some f in deny with input as inp with data.driftguard.config as _config
	f.resource == "aws_instance.big"
	contains(f.msg, `"p4d.24xlarge"`)
}

test_silent_on_allowed_types if {
	inp := {"resources": [_instance("a", "t3.micro"), _instance("b", "g5.xlarge"), _instance("c", "g5.48xlarge")]}
	count(deny) == 0 with input as inp with data.driftguard.config as _config
}

test_pattern_is_not_a_prefix_match if {
	# "t3.*" allows the t3 family only: not t3a, not t3 without a size.
	inp := {"resources": [_instance("a", "t3a.large"), _instance("b", "t3"), _instance("c", "xt3.large")]}
	count(deny) == 3 with input as inp with data.driftguard.config as _config
}

test_star_crosses_dots if {
	cfg := object.union(_config, {"allowed_instance_types": ["t3*"]})
	inp := {"resources": [_instance("a", "t3.micro"), _instance("b", "t3a.large"), _instance("c", "m5.large")]}
	count(deny) == 1 with input as inp with data.driftguard.config as cfg
}

test_wildcards_anywhere_in_the_pattern if {
	cfg := object.union(_config, {"allowed_instance_types": ["*.metal", "c?.large"]})
	inp := {"resources": [
		_instance("a", "m5.metal"),
		_instance("b", "c5.large"),
		_instance("c", "c5a.large"),
		_instance("d", "c5.xlarge"),
	]}
	count(deny) == 2 with input as inp with data.driftguard.config as cfg
}

test_config_is_respected if {
	inp := {"resources": [_instance("a", "t3.micro"), _instance("b", "m5.large")]}
	count(deny) == 1 with input as inp with data.driftguard.config as _config
	count(deny) == 1 with input as inp with data.driftguard.config as {"allowed_instance_types": ["m5.*"]}
	count(deny) == 0 with input as inp with data.driftguard.config as {"allowed_instance_types": ["m5.*", "t3.micro"]}
	count(deny) == 2 with input as inp with data.driftguard.config as {"allowed_instance_types": []}
}

test_silent_without_setting if {
	inp := {"resources": [_instance("a", "p4d.24xlarge")]}
	count(deny) == 0 with input as inp with data.driftguard.config as {"admin_ports": [22]}
}

test_unknown_type_is_reported if {
	inp := {"resources": [planned("aws_instance", "new", {}, ["instance_type"])]}
	count(deny) == 1 with input as inp with data.driftguard.config as _config
	some f in deny with input as inp with data.driftguard.config as _config
	f.unknown == true
	f.attribute == "instance_type"
}

test_other_types_ignored if {
	inp := {"resources": [
		resource("aws_db_instance", "db", {"instance_type": "p4d.24xlarge", "instance_class": "db.r5.large"}),
		resource("aws_launch_template", "lt", {"instance_type": "p4d.24xlarge"}),
	]}
	count(deny) == 0 with input as inp with data.driftguard.config as _config
}
