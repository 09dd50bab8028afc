package driftguard.rules.containers.ecr_immutable_tags

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_repo(name, mutability) := resource("aws_ecr_repository", name, {"name": name, "image_tag_mutability": mutability, "scan_on_push": true})

test_fires_on_mutable_tags if {
	inp := {"resources": [_repo("models", "MUTABLE")]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	f.resource == "aws_ecr_repository.models"
	f.key == "plan#aws_ecr_repository.models"
	f.msg == "ECR repository image tags are mutable (image_tag_mutability = MUTABLE)"
	not f.unknown
}

test_fires_on_exclusion_modes if {
	count(deny) == 2 with input as {"resources": [
		_repo("a", "IMMUTABLE_WITH_EXCLUSION"),
		_repo("b", "MUTABLE_WITH_EXCLUSION"),
	]}
}

test_unset_means_the_mutable_default if {
	inp := {"resources": [_repo("unset", null)]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	contains(f.msg, "MUTABLE by default")
	count(deny) == 1 with input as {"resources": [resource("aws_ecr_repository", "absent", {"name": "absent"})]}
}

test_silent_when_immutable if {
	count(deny) == 0 with input as {"resources": [_repo("good", "IMMUTABLE")]}
}

test_one_finding_per_bad_repository if {
	count(deny) == 2 with input as {"resources": [_repo("a", "MUTABLE"), _repo("b", "IMMUTABLE"), _repo("c", "MUTABLE")]}
}

test_unknown_is_reported_not_passed if {
	inp := {"resources": [planned("aws_ecr_repository", "new", {"name": "new"}, ["image_tag_mutability"])]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	f.unknown == true
	f.attribute == "image_tag_mutability"
}

test_settings_do_not_matter if {
	inp := {"resources": [_repo("models", "MUTABLE")]}
	count(deny) == 1 with input as inp with data.driftguard.config as {}
	count(deny) == 1 with input as inp with data.driftguard.config as {"required_tags": ["owner"]}
}

test_other_types_ignored if {
	count(deny) == 0 with input as {"resources": [
		resource("aws_ecrpublic_repository", "p", {"image_tag_mutability": "MUTABLE"}),
		resource("aws_s3_bucket", "b", {"bucket": "b"}),
		planned("aws_instance", "u", {}, ["image_tag_mutability"]),
	]}
}

test_empty_input if {
	count(deny) == 0 with input as {"resources": []}
}
