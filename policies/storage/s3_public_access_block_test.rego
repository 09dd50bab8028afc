package driftguard.rules.storage.s3_public_access_block

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_fully_blocked := {
	"block_public_acls": true,
	"block_public_policy": true,
	"ignore_public_acls": true,
	"restrict_public_buckets": true,
}

_bucket(name, block) := resource("aws_s3_bucket", name, {"bucket": name, "public_access_block": block})

test_fires_without_a_block if {
	inp := {"resources": [_bucket("none", null)]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	f.resource == "aws_s3_bucket.none"
	f.msg == "S3 bucket has no public access block"
	not f.unknown
}

test_absent_attribute_reads_as_no_block if {
	count(deny) == 1 with input as {"resources": [resource("aws_s3_bucket", "b", {"bucket": "b"})]}
}

test_fires_when_a_flag_is_off if {
	inp := {"resources": [_bucket("partial", object.union(_fully_blocked, {"restrict_public_buckets": false}))]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	f.msg == "S3 bucket public access block leaves restrict_public_buckets off"
}

test_names_every_flag_that_is_off if {
	block := {"block_public_acls": false, "block_public_policy": true, "ignore_public_acls": false, "restrict_public_buckets": true}
	inp := {"resources": [_bucket("two", block)]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	f.msg == "S3 bucket public access block leaves block_public_acls, ignore_public_acls off"
}

test_each_flag_alone_fires if {
	every flag in _flags {
		count(deny) == 1 with input as {"resources": [_bucket("b", object.union(_fully_blocked, {flag: false}))]}
	}
}

test_missing_or_null_flag_counts_as_off if {
	count(deny) == 1 with input as {"resources": [_bucket("b", object.remove(_fully_blocked, ["ignore_public_acls"]))]}
	count(deny) == 1 with input as {"resources": [_bucket("b", object.union(_fully_blocked, {"block_public_policy": null}))]}
}

test_silent_when_fully_blocked if {
	count(deny) == 0 with input as {"resources": [_bucket("good", _fully_blocked)]}
}

test_one_finding_per_bad_bucket if {
	count(deny) == 2 with input as {"resources": [
		_bucket("a", null),
		_bucket("b", _fully_blocked),
		_bucket("c", object.union(_fully_blocked, {"block_public_policy": false})),
	]}
}

test_unknown_is_reported_not_passed if {
	inp := {"resources": [planned("aws_s3_bucket", "new", {"bucket": "new"}, ["public_access_block"])]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	f.unknown == true
	f.attribute == "public_access_block"
}

test_settings_do_not_matter if {
	inp := {"resources": [_bucket("none", null)]}
	count(deny) == 1 with input as inp with data.driftguard.config as {}
	count(deny) == 1 with input as inp with data.driftguard.config as {"required_tags": ["owner"]}
}

test_other_types_ignored if {
	count(deny) == 0 with input as {"resources": [
		resource("aws_s3_bucket_public_access_block", "pab", {"public_access_block": null}),
		resource("aws_s3_account_public_access_block", "acct", {}),
		planned("aws_ecr_repository", "u", {}, ["public_access_block"]),
	]}
}

test_empty_input if {
	count(deny) == 0 with input as {"resources": []}
}
