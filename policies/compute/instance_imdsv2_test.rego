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

test_absent_attributes_read_as_not_set if {
	count(deny) == 1 with input as {"resources": [resource("aws_instance", "bare", {"instance_type": "t3.micro"})]}
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

test_other_types_ignored if {
	count(deny) == 0 with input as {"resources": [
		resource("aws_launch_template", "lt", {"metadata_http_tokens": "optional"}),
		resource("aws_ebs_volume", "v", {"metadata_http_tokens": null}),
		planned("aws_db_instance", "u", {}, ["metadata_http_tokens"]),
	]}
}

test_empty_input if {
	count(deny) == 0 with input as {"resources": []}
}
