package driftguard.rules.tagging.required_tags

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_config := {"allowed_instance_types": [], "admin_ports": [22], "required_tags": ["owner", "cost-center"]}

_tagged(type, name, tags) := resource(type, name, {"tags": tags})

_deny(resources) := findings if {
	findings := deny with input as {"resources": resources} with data.driftguard.config as _config
}

test_fires_naming_the_missing_tags if {
	findings := _deny([_tagged("aws_instance", "gpu", {"owner": "ml-platform"})])
	count(findings) == 1
	some f in findings
	f.resource == "aws_instance.gpu"
	f.key == "plan#aws_instance.gpu"
	f.msg == "missing required tags: cost-center"
	not f.unknown
}

test_one_finding_per_resource_listing_every_missing_tag if {
	findings := _deny([_tagged("aws_s3_bucket", "data", {"env": "prod"})])
	count(findings) == 1
	some f in findings
	f.msg == "missing required tags: cost-center, owner"
}

test_silent_when_all_tags_present if {
	count(_deny([_tagged("aws_vpc", "main", {"owner": "net", "cost-center": "42", "extra": "x"})])) == 0
}

test_checks_every_type_with_tags if {
	types := [
		"aws_s3_bucket", "aws_instance", "aws_ebs_volume", "aws_db_instance", "aws_security_group",
		"aws_subnet", "aws_vpc", "aws_ecr_repository", "aws_kms_key",
	]
	count(_deny([_tagged(t, "x", {}) | some t in types])) == count(types)
}

test_skips_resources_without_tags_in_the_model if {
	# Types outside the catalog and tagless settings carry no `tags` attribute.
	count(_deny([
		resource("aws_iam_role", "r", {}),
		resource("aws_ebs_encryption_by_default", "d", {"enabled": true}),
		resource("aws_s3_bucket_versioning", "v", {"versioning": true}),
	])) == 0
}

test_empty_values_count_as_present if {
	# As in AWS: the key is there. (Checking values too would cost every resource more.)
	count(_deny([_tagged("aws_instance", "blank", {"owner": "", "cost-center": "42"})])) == 0
}

test_keys_are_case_sensitive if {
	count(_deny([_tagged("aws_instance", "i", {"Owner": "x", "Cost-Center": "y"})])) == 1
}

test_tags_that_are_not_a_map_do_not_break_evaluation if {
	# The model's tags is always a map ({} when none); anything else is skipped, not an error.
	count(_deny([_tagged("aws_instance", "null", null), _tagged("aws_instance", "list", ["owner"])])) == 0
}

test_unknown_tags_are_reported if {
	findings := _deny([planned("aws_instance", "new", {"instance_type": "t3.micro"}, ["tags"])])
	count(findings) == 1
	some f in findings
	f.unknown == true
	f.attribute == "tags"
}

test_silent_by_default if {
	inp := {"resources": [_tagged("aws_instance", "i", {}), planned("aws_vpc", "v", {}, ["tags"])]}
	count(deny) == 0 with input as inp with data.driftguard.config as object.union(_config, {"required_tags": []})
	count(deny) == 0 with input as inp with data.driftguard.config as {"admin_ports": [22]}
}

test_config_is_respected if {
	inp := {"resources": [_tagged("aws_instance", "i", {"owner": "a"}), _tagged("aws_vpc", "v", {"env": "prod"})]}
	count(deny) == 2 with input as inp with data.driftguard.config as _config
	count(deny) == 1 with input as inp with data.driftguard.config as {"required_tags": ["owner"]}
	count(deny) == 1 with input as inp with data.driftguard.config as {"required_tags": ["env"]}
	count(deny) == 0 with input as inp with data.driftguard.config as {"required_tags": []}
}

test_empty_input if {
	count(_deny([])) == 0
}
