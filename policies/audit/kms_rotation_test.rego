package driftguard.rules.audit.kms_rotation

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_key(name, rotation, spec) := resource("aws_kms_key", name, {
	"key_rotation_enabled": rotation, "key_spec": spec, "key_usage": "ENCRYPT_DECRYPT",
	"key_manager": "CUSTOMER",
})

test_fires_on_symmetric_keys_that_do_not_rotate if {
	inp := {"resources": [_key("plain", false, "SYMMETRIC_DEFAULT"), _key("rotating", true, "SYMMETRIC_DEFAULT")]}
	{[f.resource, f.msg] | some f in deny with input as inp} == {[
		"aws_kms_key.plain",
		"KMS key does not rotate its key material (enable_key_rotation = false)",
	]}
}

test_keys_that_cannot_rotate_are_not_judged if {
	count(deny) == 0 with input as {"resources": [
		_key("rsa", false, "RSA_2048"),
		_key("hmac", false, "HMAC_256"),
		_key("ecc", false, "ECC_NIST_P256"),
	]}
}

test_aws_managed_keys_rotate_by_themselves if {
	aws_key := object.union(resource("aws_kms_key", "aws_s3", {"key_rotation_enabled": false, "key_spec": "SYMMETRIC_DEFAULT", "key_manager": "AWS"}), {"source": "live"})
	count(deny) == 0 with input as {"resources": [aws_key]}
}

test_unset_spec_is_symmetric if {
	count(deny) == 1 with input as {"resources": [resource("aws_kms_key", "k", {"key_rotation_enabled": false})]}
}

test_unknown_is_reported_where_it_decides if {
	inp := {"resources": [
		planned("aws_kms_key", "rotation", {"key_spec": "SYMMETRIC_DEFAULT"}, ["key_rotation_enabled"]),
		planned("aws_kms_key", "spec", {"key_rotation_enabled": false}, ["key_spec"]),
		planned("aws_kms_key", "spec_rotating", {"key_rotation_enabled": true}, ["key_spec"]),
		planned("aws_kms_key", "rsa", {"key_spec": "RSA_4096"}, ["key_rotation_enabled"]),
	]}
	{[f.resource, f.attribute] | some f in deny with input as inp; f.unknown} == {
		["aws_kms_key.rotation", "key_rotation_enabled"],
		["aws_kms_key.spec", "key_spec"],
	}
	count(deny) == 2 with input as inp
}

test_empty_input if {
	count(deny) == 0 with input as {"resources": []}
}
