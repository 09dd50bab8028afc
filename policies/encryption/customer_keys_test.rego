package driftguard.rules.encryption.customer_keys

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_cmk := "arn:aws:kms:eu-west-1:123456789012:key/1111-2222"

_table(name, kms, key) := resource("aws_dynamodb_table", name, {"kms_encryption": kms, "kms_key_id": key})

test_dynamodb_owned_and_aws_managed_keys_warn if {
	inp := {"resources": [
		_table("owned", false, null),
		_table("aws_managed", true, null),
		_table("alias_arn", true, "arn:aws:kms:eu-west-1:123456789012:alias/aws/dynamodb"),
		_table("cmk", true, _cmk),
	]}
	{[f.resource, f.msg] | some f in warn with input as inp} == {
		["aws_dynamodb_table.owned", "DynamoDB table is encrypted with a key DynamoDB owns, not a customer-managed KMS key (server_side_encryption not enabled)"],
		["aws_dynamodb_table.aws_managed", "DynamoDB table is encrypted with the AWS-managed key aws/dynamodb, not a customer-managed KMS key (no kms_key_arn)"],
		["aws_dynamodb_table.alias_arn", "DynamoDB table is encrypted with the AWS-managed key aws/dynamodb, not a customer-managed KMS key (no kms_key_arn)"],
	}
}

test_dynamodb_aws_managed_key_by_arn_in_a_live_scan if {
	# A live table names aws/dynamodb by its key ARN: the live KMS key says it is AWS's.
	key := "arn:aws:kms:eu-west-1:123456789012:key/aaaa"
	aws_key := object.union(resource("aws_kms_key", "aws_dynamodb", {"key_manager": "AWS"}), {"id": "aaaa", "address": key, "source": "live"})
	inp := {"resources": [_table("live", true, key), aws_key]}
	count(warn) == 1 with input as inp
	count(warn) == 0 with input as {"resources": [_table("live", true, key)]} # a customer's, as far as the input says
}

test_dynamodb_unknown_key_is_reported if {
	t := planned("aws_dynamodb_table", "new", {"kms_encryption": true}, ["kms_key_id"])
	some f in warn with input as {"resources": [t]}
	f.unknown == true
	f.attribute == "kms_key_id"
	# A key DynamoDB owns is known to be no customer's, whatever kms_key_id.
	owned := planned("aws_dynamodb_table", "owned", {"kms_encryption": false}, ["kms_key_id"])
	findings := warn with input as {"resources": [owned]}
	count(findings) == 1
	every f in findings {
		not f.unknown
	}
}

test_secrets_with_the_aws_managed_key_warn if {
	inp := {"resources": [
		resource("aws_secretsmanager_secret", "default", {"name": "a", "kms_key_id": null}),
		resource("aws_secretsmanager_secret", "cmk", {"name": "b", "kms_key_id": _cmk}),
		resource("aws_secretsmanager_secret", "absent", {"name": "c"}),
	]}
	{[f.resource, f.msg] | some f in warn with input as inp} == {[
		"aws_secretsmanager_secret.default",
		"Secrets Manager secret is encrypted with the AWS-managed key aws/secretsmanager, not a customer-managed KMS key (kms_key_id not set)",
	]}
}

test_secrets_an_aws_service_manages_are_its_own if {
	rds := object.union(resource("aws_secretsmanager_secret", "rds", {"name": "rds!cluster-1", "kms_key_id": null, "owning_service": "rds"}), {"source": "live"})
	count(warn) == 0 with input as {"resources": [rds]}
}

test_log_groups_without_a_key_warn if {
	inp := {"resources": [
		resource("aws_cloudwatch_log_group", "plain", {"name": "/ml/training", "kms_key_id": null}),
		resource("aws_cloudwatch_log_group", "keyed", {"name": "/ml/serving", "kms_key_id": _cmk}),
	]}
	{[f.resource, f.msg] | some f in warn with input as inp} == {[
		"aws_cloudwatch_log_group.plain",
		"CloudWatch log group is not encrypted with a customer-managed KMS key (kms_key_id not set: CloudWatch Logs' own encryption)",
	]}
}

_live_group(name) := object.union(resource("aws_cloudwatch_log_group", name, {"name": name, "kms_key_id": null}), {"source": "live", "address": name})

test_live_log_groups_aws_writes_by_itself_are_its_own if {
	count(warn) == 0 with input as {"resources": [
		_live_group("/aws/lambda/score"),
		_live_group("/aws/sagemaker/TrainingJobs"),
		_live_group("/aws-glue/jobs/output"),
		_live_group("API-Gateway-Execution-Logs_abc/prod"),
		_live_group("RDSOSMetrics"),
	]}
	# People name their own under /aws/vendedlogs/; and elsewhere.
	count(warn) == 2 with input as {"resources": [_live_group("/aws/vendedlogs/states/x"), _live_group("/ml/adhoc")]}
}

test_declared_log_groups_under_aws_are_judged if {
	# The code that declares /aws/lambda/score chose its key.
	count(warn) == 1 with input as {"resources": [resource("aws_cloudwatch_log_group", "fn", {"name": "/aws/lambda/score", "kms_key_id": null})]}
}

test_unknown_keys_are_reported if {
	inp := {"resources": [
		planned("aws_cloudwatch_log_group", "g", {"name": "/ml/x"}, ["kms_key_id"]),
		planned("aws_secretsmanager_secret", "s", {"name": "x"}, ["kms_key_id"]),
	]}
	{[f.resource, f.attribute] | some f in warn with input as inp; f.unknown} == {
		["aws_cloudwatch_log_group.g", "kms_key_id"],
		["aws_secretsmanager_secret.s", "kms_key_id"],
	}
}

test_other_types_ignored if {
	count(warn) == 0 with input as {"resources": [
		resource("aws_ebs_volume", "v", {"encrypted": true, "kms_key_id": null}),
		resource("aws_sqs_queue", "q", {"encrypted": true, "kms_key_id": null}),
	]}
}

test_empty_input if {
	count(warn) == 0 with input as {"resources": []}
}
