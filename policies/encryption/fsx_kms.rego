# METADATA
# title: FSx for Lustre file systems must be encrypted with a customer-managed KMS key
# description: >-
#   A persistent FSx for Lustre file system (the training data it holds outlives any one
#   job) is encrypted with the AWS-managed key aws/fsx unless the code names a KMS key:
#   no key policy then limits who can read it, key use has no audit trail of its own, and
#   access cannot be revoked by disabling the key. Flags persistent file systems without a
#   customer-managed kms_key_id. Scratch file systems take no KMS key (FSx encrypts them
#   with keys it owns) and are not judged. Where a state or a live scan names the aws/fsx
#   key by its ARN, the rule tells it apart only when a live scan reads the account's KMS
#   keys too (aws_kms_key, key_manager AWS). A value that is unknown until apply is
#   reported as unknown. Severity medium, as DG-ENC-008: the data is encrypted, with a key
#   the account does not control (trivy has no FSx for Lustre check).
# custom:
#   id: DG-ENC-012
#   severity: medium
#   remediation: >-
#     Set kms_key_id to a customer-managed KMS key (aws_kms_key) whose key policy grants
#     the file system's users; it is fixed at creation: make a new file system (from a
#     backup, or linked to the same S3 data repository) and move to it.
#   checkov: CKV_AWS_190
package driftguard.rules.encryption.fsx_kms

import data.driftguard.lib
import rego.v1

deny contains lib.finding(r, msg) if {
	some r in lib.resources["aws_fsx_lustre_file_system"]
	key := object.get(r.attributes, "kms_key_id", null)
	not "kms_key_id" in r.unknown
	not lib.customer_managed_key(key)
	startswith(r.attributes.deployment_type, "PERSISTENT")
	msg := sprintf("FSx for Lustre file system is encrypted with the AWS-managed key aws/fsx, not a customer-managed KMS key (%s)", [_shown(key)])
}

deny contains lib.unknown_finding(r, "kms_key_id") if {
	some r in lib.resources["aws_fsx_lustre_file_system"]
	lib.key_unknown(r)
	not startswith(object.get(r.attributes, "deployment_type", ""), "SCRATCH")
}

# Only matters where no customer-managed key is named.
deny contains lib.unknown_finding(r, "deployment_type") if {
	some r in lib.resources["aws_fsx_lustre_file_system"]
	"deployment_type" in r.unknown
	not "kms_key_id" in r.unknown
	not lib.customer_managed_key(object.get(r.attributes, "kms_key_id", null))
}

_shown(null) := "kms_key_id not set"

_shown(key) := sprintf("kms_key_id %s", [key]) if is_string(key)
