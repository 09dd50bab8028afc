package driftguard.rules.storage.s3_versioning

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_bucket(name, versioning) := resource("aws_s3_bucket", name, {"bucket": name, "encrypted": true, "versioning": versioning})

test_fires_when_not_versioned if {
	inp := {"resources": [_bucket("bad", false)]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	f.resource == "aws_s3_bucket.bad"
	f.key == "plan#aws_s3_bucket.bad"
	f.msg == "S3 bucket versioning is not enabled"
	not f.unknown
}

test_one_finding_per_bad_bucket if {
	count(deny) == 2 with input as {"resources": [_bucket("a", false), _bucket("b", true), _bucket("c", false)]}
}

test_silent_when_versioned if {
	count(deny) == 0 with input as {"resources": [_bucket("good", true)]}
}

test_null_is_not_false if {
	count(deny) == 0 with input as {"resources": [_bucket("unset", null)]}
}

test_unknown_is_reported_not_passed if {
	inp := {"resources": [planned("aws_s3_bucket", "new", {"bucket": "new"}, ["versioning"])]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	f.unknown == true
	f.attribute == "versioning"
	f.resource == "aws_s3_bucket.new"
}

test_settings_do_not_matter if {
	inp := {"resources": [_bucket("bad", false)]}
	count(deny) == 1 with input as inp with data.driftguard.config as {}
	count(deny) == 1 with input as inp with data.driftguard.config as {"required_tags": ["owner"], "admin_ports": []}
}

test_other_types_ignored if {
	count(deny) == 0 with input as {"resources": [
		resource("aws_s3_bucket_versioning", "v", {"versioning": false}),
		resource("aws_ebs_volume", "e", {"versioning": false}),
		planned("aws_ecr_repository", "u", {}, ["versioning"]),
	]}
}

test_empty_input if {
	count(deny) == 0 with input as {"resources": []}
}
