package driftguard.rules.compute.instance_imdsv2

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_instance(name, tokens, endpoint) := resource("aws_instance", name, {
	"instance_type": "g5.xlarge",
	"metadata_http_tokens": tokens,
	"metadata_http_endpoint": endpoint,
})

test_fires_on_optional_tokens if {
	inp := {"resources": [_instance("v1", "optional", "enabled")]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	f.resource == "aws_instance.v1"
	f.key == "plan#aws_instance.v1"
	f.msg == `instance allows IMDSv1 (metadata_options http_tokens = "optional")`
	not f.unknown
}

test_fires_when_tokens_not_set if {
	inp := {"resources": [_instance("unset", null, null)]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	contains(f.msg, "not set")
	not f.unknown
}

test_absent_endpoint_reads_as_not_set if {
	count(deny) == 1 with input as {"resources": [resource("aws_instance", "bare", {"metadata_http_tokens": null})]}
}

# A resource without the attribute (a source that does not read it) is not judged.
test_absent_tokens_are_not_judged if {
	count(deny) == 0 with input as {"resources": [resource("aws_instance", "bare", {"instance_type": "t3.micro"})]}
}

test_silent_when_required if {
	count(deny) == 0 with input as {"resources": [
		_instance("a", "required", "enabled"),
		_instance("b", "required", null),
		_instance("c", "required", "disabled"),
	]}
}

test_silent_when_metadata_endpoint_disabled if {
	count(deny) == 0 with input as {"resources": [_instance("off", "optional", "disabled"), _instance("off2", null, "disabled")]}
}

test_one_finding_per_bad_instance if {
	count(deny) == 2 with input as {"resources": [
		_instance("a", "optional", null),
		_instance("b", "required", null),
		_instance("c", null, "enabled"),
	]}
}

test_unknown_tokens_are_reported if {
	inp := {"resources": [planned("aws_instance", "new", {"instance_type": "t3.micro"}, ["metadata_http_tokens", "metadata_http_endpoint"])]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	f.unknown == true
	f.attribute == "metadata_http_tokens"
	f.resource == "aws_instance.new"
}

test_unknown_tokens_are_irrelevant_when_endpoint_disabled if {
	inp := {"resources": [planned("aws_instance", "new", {"metadata_http_endpoint": "disabled"}, ["metadata_http_tokens"])]}
	count(deny) == 0 with input as inp
}

test_unknown_endpoint_matters_only_when_tokens_fail if {
	failing := {"resources": [planned("aws_instance", "n", {"metadata_http_tokens": "optional"}, ["metadata_http_endpoint"])]}
	count(deny) == 1 with input as failing
	some f in deny with input as failing
	f.unknown == true
	f.attribute == "metadata_http_endpoint"
	passing := {"resources": [planned("aws_instance", "p", {"metadata_http_tokens": "required"}, ["metadata_http_endpoint"])]}
	count(deny) == 0 with input as passing
}

test_settings_do_not_matter if {
	inp := {"resources": [_instance("v1", "optional", "enabled")]}
	count(deny) == 1 with input as inp with data.driftguard.config as {}
	count(deny) == 1 with input as inp with data.driftguard.config as {"allowed_instance_types": []}
}

test_every_type_with_metadata_http_tokens_is_judged if {
	inp := {"resources": [
		resource("aws_launch_template", "lt", {"metadata_http_tokens": "optional", "metadata_http_endpoint": "enabled"}),
		resource("aws_launch_configuration", "lc", {"metadata_http_tokens": null}),
		resource("aws_launch_template", "ok", {"metadata_http_tokens": "required"}),
		resource("aws_launch_template", "off", {"metadata_http_tokens": null, "metadata_http_endpoint": "disabled"}),
	]}
	findings := deny with input as inp
	{f.resource: f.msg | some f in findings} == {
		"aws_launch_template.lt": `launch template allows IMDSv1 (metadata_options http_tokens = "optional")`,
		"aws_launch_configuration.lc": "launch configuration does not require IMDSv2 (metadata_options http_tokens not set: the AMI or account default decides, often optional)",
	}
}

test_a_template_names_the_groups_that_launch_it if {
	lt := resource("aws_launch_template", "gpu", {"metadata_http_tokens": "optional"})
	a := resource("aws_autoscaling_group", "a", {"launch_template_key": lt.key})
	b := resource("aws_autoscaling_group", "b", {"launch_template_key": lt.key})
	findings := deny with input as {"resources": [lt, a, b]}
	count(findings) == 1
	some f in findings
	f.resource == "aws_launch_template.gpu"
	f.msg == `launch template allows IMDSv1 (metadata_options http_tokens = "optional") (launched by aws_autoscaling_group.a, aws_autoscaling_group.b)`
}

test_unknown_tokens_of_a_template_are_reported if {
	inp := {"resources": [planned("aws_launch_template", "lt", {"metadata_http_endpoint": null}, ["metadata_http_tokens"])]}
	some f in deny with input as inp
	f.unknown == true
	f.resource == "aws_launch_template.lt"
}

test_other_types_ignored if {
	count(deny) == 0 with input as {"resources": [
		resource("aws_ebs_volume", "v", {"encrypted": true}),
		planned("aws_db_instance", "u", {}, ["publicly_accessible"]),
	]}
}

test_empty_input if {
	count(deny) == 0 with input as {"resources": []}
}
