package driftguard.rules.encryption.ebs_default_encryption

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_setting(name, enabled) := resource("aws_ebs_encryption_by_default", name, {"enabled": enabled})

test_fires_when_disabled if {
	inp := {"resources": [_setting("off", false)]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	f.resource == "aws_ebs_encryption_by_default.off"
	f.key == "plan#aws_ebs_encryption_by_default.off"
	f.msg == "EBS encryption by default is disabled"
	not f.unknown
}

test_names_the_region_when_known if {
	live := object.union(_setting("off", false), {"source": "live", "region": "eu-west-1", "id": "eu-west-1"})
	some f in deny with input as {"resources": [live]}
	f.msg == "EBS encryption by default is disabled in eu-west-1"
}

test_one_finding_per_region if {
	count(deny) == 2 with input as {"resources": [
		object.union(_setting("a", false), {"region": "eu-west-1"}),
		object.union(_setting("b", true), {"region": "eu-central-1"}),
		object.union(_setting("c", false), {"region": "us-east-1"}),
	]}
}

test_silent_when_enabled if {
	count(deny) == 0 with input as {"resources": [_setting("on", true)]}
}

test_null_is_not_false if {
	# The catalog maps an unset `enabled` to Terraform's default, true.
	count(deny) == 0 with input as {"resources": [_setting("unset", null)]}
}

test_unknown_is_reported_not_passed if {
	inp := {"resources": [planned("aws_ebs_encryption_by_default", "new", {}, ["enabled"])]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	f.unknown == true
	f.attribute == "enabled"
}

test_settings_do_not_matter if {
	inp := {"resources": [_setting("off", false)]}
	count(deny) == 1 with input as inp with data.driftguard.config as {}
	count(deny) == 1 with input as inp with data.driftguard.config as {"required_tags": ["owner"]}
}

test_other_types_ignored if {
	count(deny) == 0 with input as {"resources": [
		resource("aws_ebs_volume", "v", {"enabled": false, "encrypted": true}),
		resource("aws_ebs_default_kms_key", "k", {"enabled": false}),
		planned("aws_kms_key", "u", {}, ["enabled"]),
	]}
}

test_empty_input if {
	count(deny) == 0 with input as {"resources": []}
}
