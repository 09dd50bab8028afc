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

# Not a failure, not a pass: a warning that says what is not known.
test_subnet_outside_the_input_is_a_warning_when_unset if {
	outside := object.union(_instance("outside", null, null), {"attributes": object.union(
		_instance("outside", null, null).attributes, {"subnet_id": "subnet-0abc"})})
	inp := {"resources": [
		outside,
		_instance("no_subnet", null, null),
		_instance("decided", false, null),
		_instance("inside", null, false),
	]}
	count(deny) == 0 with input as inp
	count(warn) == 2 with input as inp
	some f in warn with input as inp
	f.resource == "aws_instance.outside"
	contains(f.msg, "its subnet subnet-0abc is not in the input")
	some g in warn with input as inp
	g.resource == "aws_instance.no_subnet"
	contains(g.msg, "default subnet")
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
		resource("aws_subnet", "s", {"map_public_ip_on_launch": true}),
		resource("aws_db_instance", "db", {"publicly_accessible": true}),
	]}
	count(deny) == 0 with input as inp
}

# --- launch templates and configurations --------------------------------------------------

test_templates_and_configurations_that_ask_for_public_ips if {
	inp := {"resources": [
		resource("aws_launch_template", "lt", {"associate_public_ip_address": true}),
		resource("aws_launch_configuration", "lc", {"associate_public_ip_address": true}),
		resource("aws_launch_template", "private", {"associate_public_ip_address": false}),
		resource("aws_launch_template", "unset", {"associate_public_ip_address": null}),
	]}
	findings := deny with input as inp
	{f.resource: f.msg | some f in findings} == {
		"aws_launch_template.lt": "launch template gives its instances a public IP address (associate_public_ip_address = true)",
		"aws_launch_configuration.lc": "launch configuration gives its instances a public IP address (associate_public_ip_address = true)",
	}
}

test_a_template_names_the_groups_that_launch_it if {
	lt := resource("aws_launch_template", "gpu", {"associate_public_ip_address": true})
	asg := _group("train", {"launch_template_key": lt.key, "launch_template_associate_public_ip_address": true, "subnets_map_public_ip_on_launch": [true]})
	findings := deny with input as {"resources": [lt, asg]}
	count(findings) == 1 # the template is what to edit; the group is named there
	some f in findings
	f.resource == "aws_launch_template.gpu"
	f.msg == "launch template gives its instances a public IP address (associate_public_ip_address = true) (launched by aws_autoscaling_group.train)"
}

test_unknown_association_of_a_template_is_reported if {
	inp := {"resources": [planned("aws_launch_template", "lt", {}, ["associate_public_ip_address"])]}
	some f in deny with input as inp
	f.unknown == true
	f.attribute == "associate_public_ip_address"
}

# --- auto-scaling groups in subnets that map public IPs ----------------------------------

_group(name, attributes) := resource("aws_autoscaling_group", name, object.union(
	{"launch_template_key": null, "launch_configuration_key": null, "subnets_map_public_ip_on_launch": [], "launch_template_associate_public_ip_address": null},
	attributes,
))

_lt := resource("aws_launch_template", "gpu", {"associate_public_ip_address": null})

test_a_group_in_public_subnets_whose_template_leaves_it_unset if {
	asg := _group("train", {"launch_template_key": _lt.key, "subnets_map_public_ip_on_launch": [false, true]})
	findings := deny with input as {"resources": [_lt, asg]}
	count(findings) == 1
	some f in findings
	f.resource == "aws_autoscaling_group.train"
	f.msg == "auto-scaling group's instances get public IP addresses from its subnets (map_public_ip_on_launch = true; aws_launch_template.gpu leaves associate_public_ip_address unset)"
}

test_a_group_is_silent_when_its_template_decides_or_its_subnets_are_private if {
	inp := {"resources": [
		_lt,
		_group("private_ip", {"launch_template_key": _lt.key, "launch_template_associate_public_ip_address": false, "subnets_map_public_ip_on_launch": [true]}),
		_group("private_subnets", {"launch_template_key": _lt.key, "subnets_map_public_ip_on_launch": [false, null]}),
		_group("template_elsewhere", {"subnets_map_public_ip_on_launch": [true]}),
		_group("no_subnets", {"launch_template_key": _lt.key}),
	]}
	count(deny) == 0 with input as inp
}

test_a_group_with_a_launch_configuration_in_the_input if {
	lc := resource("aws_launch_configuration", "lc", {"associate_public_ip_address": null})
	private := resource("aws_launch_configuration", "private", {"associate_public_ip_address": false})
	inp := {"resources": [
		lc, private,
		_group("a", {"launch_configuration_key": lc.key, "subnets_map_public_ip_on_launch": [true]}),
		_group("b", {"launch_configuration_key": private.key, "subnets_map_public_ip_on_launch": [true]}),
	]}
	findings := deny with input as inp
	{f.resource: f.msg | some f in findings} == {"aws_autoscaling_group.a": "auto-scaling group's instances get public IP addresses from its subnets (map_public_ip_on_launch = true; aws_launch_configuration.lc leaves associate_public_ip_address unset)"}
}

test_a_group_with_unknown_subnet_mappings_is_reported_when_its_template_may_leave_it if {
	unknown_subnets := planned("aws_autoscaling_group", "g", {"launch_template_key": _lt.key, "launch_template_associate_public_ip_address": null}, ["subnets_map_public_ip_on_launch"])
	findings := deny with input as {"resources": [_lt, unknown_subnets]}
	{[f.resource, f.attribute] | some f in findings} == {["aws_autoscaling_group.g", "subnets_map_public_ip_on_launch"]}
	decided := planned("aws_autoscaling_group", "d", {"launch_template_key": _lt.key, "launch_template_associate_public_ip_address": false}, ["subnets_map_public_ip_on_launch"])
	count(deny) == 0 with input as {"resources": [_lt, decided]}
}

test_a_group_whose_template_association_is_unknown if {
	g := planned("aws_autoscaling_group", "g", {"launch_template_key": _lt.key, "subnets_map_public_ip_on_launch": [true]}, ["launch_template_associate_public_ip_address"])
	findings := deny with input as {"resources": [_lt, g]}
	{[f.resource, f.attribute] | some f in findings} == {["aws_autoscaling_group.g", "launch_template_associate_public_ip_address"]}
	private := planned("aws_autoscaling_group", "p", {"launch_template_key": _lt.key, "subnets_map_public_ip_on_launch": [false]}, ["launch_template_associate_public_ip_address"])
	count(deny) == 0 with input as {"resources": [_lt, private]}
}

# --- Elastic IPs -------------------------------------------------------------------------

test_an_elastic_ip_on_an_instance_names_the_instance if {
	i := resource("aws_instance", "trainer", {"associate_public_ip_address": null, "subnet_map_public_ip_on_launch": false})
	eip := planned("aws_eip", "ip", {"instance_key": i.key, "network_interface": null}, ["instance"])
	findings := deny with input as {"resources": [i, eip]}
	count(findings) == 1
	some f in findings
	f.resource == "aws_eip.ip"
	f.msg == "Elastic IP gives aws_instance.trainer a public IP address"
}

test_an_elastic_ip_by_id_or_on_an_interface if {
	inp := {"resources": [
		resource("aws_eip", "by_id", {"instance": "i-0abc", "instance_key": null, "network_interface": null}),
		resource("aws_eip", "eni", {"instance": null, "instance_key": null, "network_interface": "eni-0abc"}),
		resource("aws_eip", "spare", {"instance": null, "instance_key": null, "network_interface": null}),
	]}
	findings := deny with input as inp
	{f.resource: f.msg | some f in findings} == {
		"aws_eip.by_id": "Elastic IP gives instance i-0abc a public IP address",
		"aws_eip.eni": "Elastic IP gives network interface eni-0abc a public IP address",
	}
}

test_an_elastic_ip_whose_target_is_unknown if {
	inp := {"resources": [planned("aws_eip", "ip", {"instance_key": null, "network_interface": null}, ["instance"])]}
	findings := deny with input as inp
	{[f.resource, f.attribute] | some f in findings; f.unknown} == {["aws_eip.ip", "instance"]}
	count(findings) == 1
}
