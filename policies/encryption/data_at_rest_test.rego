package driftguard.rules.encryption.data_at_rest

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_types := [
	"aws_efs_file_system", "aws_rds_cluster", "aws_elasticache_replication_group",
	"aws_sqs_queue", "aws_sns_topic", "aws_ebs_snapshot",
]

test_fires_on_every_data_type_not_encrypted if {
	inp := {"resources": [resource(t, "plain", {"encrypted": false}) | some t in _types]}
	{f.msg | some f in deny with input as inp} == {
		"EFS file system is not encrypted at rest",
		"RDS cluster is not encrypted at rest",
		"ElastiCache replication group is not encrypted at rest",
		"SQS queue is not encrypted at rest",
		"SNS topic is not encrypted at rest",
		"EBS snapshot is not encrypted at rest",
	}
	count(deny) == count(_types) with input as inp
}

test_silent_when_encrypted if {
	count(deny) == 0 with input as {"resources": [resource(t, "enc", {"encrypted": true}) | some t in _types]}
}

test_a_new_type_with_the_attribute_is_covered if {
	some f in deny with input as {"resources": [resource("aws_neptune_cluster", "n", {"encrypted": false})]}
	f.resource == "aws_neptune_cluster.n"
}

test_types_with_a_rule_of_their_own_are_left_to_it if {
	# DG-ENC-001, -002 and -003: one finding each, not two.
	count(deny) == 0 with input as {"resources": [
		resource("aws_s3_bucket", "b", {"encrypted": false}),
		resource("aws_ebs_volume", "v", {"encrypted": false}),
		resource("aws_db_instance", "d", {"encrypted": false}),
		planned("aws_db_instance", "u", {}, ["encrypted"]),
	]}
}

test_unknown_is_reported_not_passed if {
	# A new snapshot's encryption is its volume's: unknown until apply.
	inp := {"resources": [planned("aws_ebs_snapshot", "nightly", {"volume_id": "vol-1"}, ["encrypted", "kms_key_id"])]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	f.unknown == true
	f.attribute == "encrypted"
}

test_null_and_absent_are_not_false if {
	count(deny) == 0 with input as {"resources": [
		resource("aws_efs_file_system", "unset", {"encrypted": null}),
		resource("aws_sqs_queue", "absent", {"fifo_queue": false}),
	]}
}

test_empty_input if {
	count(deny) == 0 with input as {"resources": []}
}
