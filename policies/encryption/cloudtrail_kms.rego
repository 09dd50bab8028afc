# METADATA
# title: CloudTrail logs must be encrypted with a customer-managed KMS key
# description: >-
#   A trail's log files record every API call in the account. Without kms_key_id they are
#   encrypted only by the bucket's own encryption, so whoever can read the bucket reads
#   the account's whole history; with a customer-managed key, reading them also takes
#   kms:Decrypt, which the key policy grants to a few, and every read is itself logged.
#   Flags aws_cloudtrail without kms_key_id. A value that is unknown until apply is
#   reported as unknown. Severity high, as trivy rates AVD-AWS-0015.
# custom:
#   id: DG-ENC-013
#   severity: high
#   remediation: >-
#     Set kms_key_id on the trail to a customer-managed KMS key whose key policy lets
#     cloudtrail.amazonaws.com encrypt (kms:GenerateDataKey*, with the
#     aws:SourceArn / kms:EncryptionContext:aws:cloudtrail:arn conditions) and grants
#     kms:Decrypt only to those who read the logs.
#   checkov: CKV_AWS_35
#   trivy: AVD-AWS-0015
package driftguard.rules.encryption.cloudtrail_kms

import data.driftguard.lib
import rego.v1

deny contains lib.finding(r, msg) if {
	some r in lib.resources["aws_cloudtrail"]
	r.attributes.kms_key_id == null # absent (not read by this source): not judged
	msg := "CloudTrail trail log files are not encrypted with a customer-managed KMS key (kms_key_id not set)"
}

deny contains lib.unknown_finding(r, "kms_key_id") if {
	some r in lib.resources["aws_cloudtrail"]
	lib.key_unknown(r)
}
