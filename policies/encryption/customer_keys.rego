# METADATA
# title: Tables, secrets and log groups should be encrypted with a customer-managed KMS key
# description: >-
#   DynamoDB tables, Secrets Manager secrets and CloudWatch log groups are always
#   encrypted at rest, with keys AWS owns or manages (a DynamoDB-owned key or aws/dynamodb,
#   aws/secretsmanager, CloudWatch Logs' own) unless the code names a customer-managed
#   KMS key: then no key policy limits who can decrypt, key use has no audit trail of its
#   own, and access cannot be revoked by disabling the key. A warning, low as trivy rates
#   AVD-AWS-0025, -0098 and -0017. Not judged: secrets that an AWS service manages
#   (OwningService: their key is the owning resource's setting, RDS's
#   master_user_secret_kms_key_id), and live log groups that AWS services write by
#   themselves (under /aws/ but not /aws/vendedlogs/, /aws-glue/, API Gateway's execution
#   logs, RDSOSMetrics: declare the log group with a key to have it judged). A key that is
#   unknown until apply is reported as unknown.
# custom:
#   id: DG-ENC-011
#   severity: low
#   remediation: >-
#     Create a customer-managed KMS key (aws_kms_key) whose key policy grants only the
#     intended users (and the service: logs.<region>.amazonaws.com for a log group), then
#     set server_side_encryption { enabled = true, kms_key_arn = ... } on the table,
#     kms_key_id on the secret or on the log group (it applies to new log events).
#   checkov: [CKV_AWS_119, CKV_AWS_149, CKV_AWS_158]
#   trivy: [AVD-AWS-0025, AVD-AWS-0098, AVD-AWS-0017]
package driftguard.rules.encryption.customer_keys

import data.driftguard.lib
import rego.v1

# --- DynamoDB tables ---------------------------------------------------------------------

warn contains lib.finding(r, "DynamoDB table is encrypted with a key DynamoDB owns, not a customer-managed KMS key (server_side_encryption not enabled)") if {
	some r in lib.resources["aws_dynamodb_table"]
	r.attributes.kms_encryption == false
}

warn contains lib.finding(r, "DynamoDB table is encrypted with the AWS-managed key aws/dynamodb, not a customer-managed KMS key (no kms_key_arn)") if {
	some r in lib.resources["aws_dynamodb_table"]
	r.attributes.kms_encryption == true
	key := object.get(r.attributes, "kms_key_id", null)
	not "kms_key_id" in r.unknown
	not lib.customer_managed_key(key)
}

warn contains lib.unknown_finding(r, "kms_encryption") if {
	some r in lib.resources["aws_dynamodb_table"]
	"kms_encryption" in r.unknown
}

warn contains lib.unknown_finding(r, "kms_key_id") if {
	some r in lib.resources["aws_dynamodb_table"]
	lib.key_unknown(r)
	not r.attributes.kms_encryption == false
}

# --- Secrets Manager secrets -------------------------------------------------------------

warn contains lib.finding(r, "Secrets Manager secret is encrypted with the AWS-managed key aws/secretsmanager, not a customer-managed KMS key (kms_key_id not set)") if {
	some r in lib.resources["aws_secretsmanager_secret"]
	r.attributes.kms_key_id == null # absent (not read by this source): not judged
	not is_string(object.get(r.attributes, "owning_service", null))
}

warn contains lib.unknown_finding(r, "kms_key_id") if {
	some r in lib.resources["aws_secretsmanager_secret"]
	lib.key_unknown(r)
}

# --- CloudWatch log groups ---------------------------------------------------------------

warn contains lib.finding(r, "CloudWatch log group is not encrypted with a customer-managed KMS key (kms_key_id not set: CloudWatch Logs' own encryption)") if {
	some r in lib.resources["aws_cloudwatch_log_group"]
	r.attributes.kms_key_id == null
	not _written_by_aws(r)
}

warn contains lib.unknown_finding(r, "kms_key_id") if {
	some r in lib.resources["aws_cloudwatch_log_group"]
	lib.key_unknown(r)
}

# A live log group that an AWS service created by itself, as the catalog's aws_default for
# aws_cloudwatch_log_group tells them (driftguard/catalog/aws_cloudwatch_log_group.py).
_written_by_aws(r) if {
	r.source == "live"
	name := r.attributes.name
	is_string(name)
	some prefix in ["/aws/", "/aws-glue/", "API-Gateway-Execution-Logs_", "RDSOSMetrics"]
	startswith(name, prefix)
	not startswith(name, "/aws/vendedlogs/")
}
