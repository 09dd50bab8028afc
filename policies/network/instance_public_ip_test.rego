package driftguard.rules.network.instance_public_ip

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_instance(name, associate, subnet_maps) := resource("aws_instance", name, {
	"instance_type": "t3.micro",
	"associate_public_ip_address": associate,
	"subnet_map_public_ip_on_launch": subnet_maps,
})

test_fires_on_explicit_public_ip if {
	inp := {"resources": [_instance("a", true, false)]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	f.resource == "aws_instance.a"
	contains(f.msg, "associate_public_ip_address = true")
}

test_explicit_public_ip_fires_whatever_the_subnet if {
	inp := {"resources": [_instance("a", true, null), _instance("b", true, true)]}
	count(deny) == 2 with input as inp
}

test_fires_via_subnet_when_unset if {
	inp := {"resources": [_instance("a", null, true)]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	contains(f.msg, "via its subnet")
}

test_absent_attribute_reads_as_unset if {
	inp := {"resources": [resource("aws_instance", "a", {"subnet_map_public_ip_on_launch": true})]}
	count(deny) == 1 with input as inp
}

test_silent_on_private_instances if {
	inp := {"resources": [
		_instance("explicit_false", false, true),
		_instance("unset_private_subnet", null, false),
		_instance("unset_subnet_not_in_input", null, null),
		_instance("all_false", false, false),
	]}
	count(deny) == 0 with input as inp
}

test_unknown_associate_is_reported if {
	inp := {"resources": [planned("aws_instance", "n", {"subnet_map_public_ip_on_launch": false}, ["associate_public_ip_address"])]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	f.unknown == true
	f.attribute == "associate_public_ip_address"
}

test_unknown_subnet_setting_is_reported_when_unset if {
	inp := {"resources": [planned("aws_instance", "n", {"associate_public_ip_address": null}, ["subnet_map_public_ip_on_launch"])]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	f.unknown == true
	f.attribute == "subnet_map_public_ip_on_launch"
}

test_both_unknown_reports_both if {
	inp := {"resources": [planned("aws_instance", "n", {}, ["associate_public_ip_address", "subnet_map_public_ip_on_launch"])]}
	findings := deny with input as inp
	count(findings) == 2
	every f in findings { f.unknown == true }
}

test_unknown_subnet_setting_is_irrelevant_when_associate_is_set if {
	silent := {"resources": [planned("aws_instance", "n", {"associate_public_ip_address": false}, ["subnet_map_public_ip_on_launch"])]}
	count(deny) == 0 with input as silent
	public := {"resources": [planned("aws_instance", "p", {"associate_public_ip_address": true}, ["subnet_map_public_ip_on_launch"])]}
	count(deny) == 1 with input as public
	some f in deny with input as public
	not f.unknown
}

test_other_types_ignored if {
	inp := {"resources": [
		resource("aws_launch_template", "lt", {"associate_public_ip_address": true}),
		resource("aws_subnet", "s", {"map_public_ip_on_launch": true, "subnet_map_public_ip_on_launch": true}),
	]}
	count(deny) == 0 with input as inp
}
