package driftguard.rules.encryption.s3_bucket_cmk

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_cmk := "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

_bucket(name, algorithm, key) := resource("aws_s3_bucket", name, {
	"bucket": name,
	"encrypted": algorithm != null,
	"sse_algorithm": algorithm,
	"kms_key_id": key,
})

test_warns_on_s3_managed_keys if {
	inp := {"resources": [_bucket("sse_s3", "AES256", null)]}
	count(warn) == 1 with input as inp
	some f in warn with input as inp
	f.resource == "aws_s3_bucket.sse_s3"
	f.msg == "S3 bucket default encryption uses AES256, not a customer-managed KMS key"
	not f.unknown
}

test_warns_on_aws_managed_key if {
	inp := {"resources": [_bucket("default_key", "aws:kms", null)]}
	count(warn) == 1 with input as inp
	some f in warn with input as inp
	contains(f.msg, "AWS-managed key aws/s3")
}

test_warns_on_aws_managed_key_alias if {
	inp := {"resources": [
		_bucket("alias", "aws:kms", "alias/aws/s3"),
		_bucket("alias_arn", "aws:kms:dsse", "arn:aws:kms:eu-west-1:111122223333:alias/aws/s3"),
	]}
	count(warn) == 2 with input as inp
}

test_silent_with_customer_managed_key if {
	count(warn) == 0 with input as {"resources": [
		_bucket("kms", "aws:kms", _cmk),
		_bucket("dsse", "aws:kms:dsse", _cmk),
		_bucket("alias", "aws:kms", "alias/ml-data"),
	]}
}

test_silent_when_not_encrypted if {
	# DG-ENC-001 reports these; a second finding would only repeat it.
	count(warn) == 0 with input as {"resources": [
		_bucket("plain", null, null),
		resource("aws_s3_bucket", "absent", {"bucket": "absent"}),
		planned("aws_s3_bucket", "unknown", {"bucket": "unknown", "kms_key_id": null}, ["encrypted", "sse_algorithm"]),
	]}
}

test_unknown_key_is_reported_not_passed if {
	b := planned("aws_s3_bucket", "new", {"bucket": "new", "encrypted": true, "sse_algorithm": "aws:kms"}, ["kms_key_id"])
	count(warn) == 1 with input as {"resources": [b]}
	some f in warn with input as {"resources": [b]}
	f.unknown == true
	f.attribute == "kms_key_id"
}

test_unknown_key_is_irrelevant_with_aes256 if {
	b := planned("aws_s3_bucket", "new", {"bucket": "new", "encrypted": true, "sse_algorithm": "AES256"}, ["kms_key_id"])
	count(warn) == 1 with input as {"resources": [b]}
	some f in warn with input as {"resources": [b]}
	not f.unknown
}

test_settings_do_not_matter if {
	inp := {"resources": [_bucket("sse_s3", "AES256", null)]}
	count(warn) == 1 with input as inp with data.driftguard.config as {}
	count(warn) == 1 with input as inp with data.driftguard.config as {"required_tags": ["owner"]}
}

test_other_types_ignored if {
	count(warn) == 0 with input as {"resources": [
		resource("aws_ebs_volume", "v", {"encrypted": true, "kms_key_id": null}),
		resource("aws_s3_bucket_server_side_encryption_configuration", "c", {"encrypted": true, "sse_algorithm": "AES256"}),
	]}
}

test_empty_input if {
	count(warn) == 0 with input as {"resources": []}
}

test_unknown_key_declared_alongside_passes if {
	b := planned("aws_s3_bucket", "new", {"bucket": "new", "encrypted": true, "sse_algorithm": "aws:kms", "kms_key_manager": "CUSTOMER"}, ["kms_key_id"])
	count(warn) == 0 with input as {"resources": [b]}
}
