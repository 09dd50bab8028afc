package driftguard.rules.containers.ecr_scan_on_push

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_repo(name, scan) := resource("aws_ecr_repository", name, {"name": name, "image_tag_mutability": "IMMUTABLE", "scan_on_push": scan})

test_fires_without_scan_on_push if {
	inp := {"resources": [_repo("models", false)]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	f.resource == "aws_ecr_repository.models"
	f.key == "plan#aws_ecr_repository.models"
	contains(f.msg, "scan_on_push = false")
	not f.unknown
}

test_one_finding_per_bad_repository if {
	count(deny) == 2 with input as {"resources": [_repo("a", false), _repo("b", true), _repo("c", false)]}
}

test_silent_when_scanning if {
	count(deny) == 0 with input as {"resources": [_repo("good", true)]}
}

test_null_is_not_false if {
	count(deny) == 0 with input as {"resources": [_repo("unset", null)]}
}

test_unknown_is_reported_not_passed if {
	inp := {"resources": [planned("aws_ecr_repository", "new", {"name": "new"}, ["scan_on_push"])]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	f.unknown == true
	f.attribute == "scan_on_push"
}

test_settings_do_not_matter if {
	inp := {"resources": [_repo("models", false)]}
	count(deny) == 1 with input as inp with data.driftguard.config as {}
	count(deny) == 1 with input as inp with data.driftguard.config as {"required_tags": ["owner"]}
}

test_other_types_ignored if {
	count(deny) == 0 with input as {"resources": [
		resource("aws_ecr_registry_scanning_configuration", "r", {"scan_on_push": false}),
		resource("aws_ecrpublic_repository", "p", {"scan_on_push": false}),
		planned("aws_instance", "u", {}, ["scan_on_push"]),
	]}
}

test_empty_input if {
	count(deny) == 0 with input as {"resources": []}
}
