package driftguard.rules.encryption.fsx_kms

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_cmk := "arn:aws:kms:eu-west-1:123456789012:key/1111-2222"

_fs(name, deployment, key) := resource("aws_fsx_lustre_file_system", name, {"deployment_type": deployment, "kms_key_id": key})

test_persistent_without_a_customer_key if {
	inp := {"resources": [
		_fs("p1", "PERSISTENT_1", null),
		_fs("p2", "PERSISTENT_2", "arn:aws:kms:eu-west-1:123456789012:alias/aws/fsx"),
		_fs("keyed", "PERSISTENT_2", _cmk),
	]}
	{[f.resource, f.msg] | some f in deny with input as inp} == {
		["aws_fsx_lustre_file_system.p1", "FSx for Lustre file system is encrypted with the AWS-managed key aws/fsx, not a customer-managed KMS key (kms_key_id not set)"],
		["aws_fsx_lustre_file_system.p2", "FSx for Lustre file system is encrypted with the AWS-managed key aws/fsx, not a customer-managed KMS key (kms_key_id arn:aws:kms:eu-west-1:123456789012:alias/aws/fsx)"],
	}
}

test_scratch_file_systems_take_no_key if {
	count(deny) == 0 with input as {"resources": [
		_fs("s1", "SCRATCH_1", null),
		_fs("s2", "SCRATCH_2", null),
		planned("aws_fsx_lustre_file_system", "s3", {"deployment_type": "SCRATCH_2"}, ["kms_key_id"]),
	]}
}

test_aws_managed_key_read_live if {
	key := "arn:aws:kms:eu-west-1:123456789012:key/ffff"
	aws_key := object.union(resource("aws_kms_key", "aws_fsx", {"key_manager": "AWS"}), {"id": "ffff", "address": key, "source": "live"})
	count(deny) == 1 with input as {"resources": [_fs("live", "PERSISTENT_2", key), aws_key]}
}

test_unknown_is_reported_not_passed if {
	inp := {"resources": [
		planned("aws_fsx_lustre_file_system", "k", {"deployment_type": "PERSISTENT_2"}, ["kms_key_id"]),
		planned("aws_fsx_lustre_file_system", "d", {"kms_key_id": null}, ["deployment_type"]),
		planned("aws_fsx_lustre_file_system", "keyed", {"kms_key_id": _cmk}, ["deployment_type"]),
	]}
	{[f.resource, f.attribute] | some f in deny with input as inp; f.unknown} == {
		["aws_fsx_lustre_file_system.k", "kms_key_id"],
		["aws_fsx_lustre_file_system.d", "deployment_type"],
	}
	count(deny) == 2 with input as inp
}

test_empty_input if {
	count(deny) == 0 with input as {"resources": []}
}
