# METADATA
# title: S3 buckets should be encrypted with a customer-managed KMS key
# description: >-
#   Default encryption with S3-managed keys (AES256) or with the AWS-managed key aws/s3
#   protects the disks, but anyone the bucket policy lets read can decrypt: there is no
#   key policy to restrict, no separate audit trail of key use and no way to revoke access
#   by disabling the key. A warning, for buckets that already have default encryption
#   (unencrypted buckets are DG-ENC-001's): flags sse_algorithm AES256, and aws:kms or
#   aws:kms:dsse without a key or with the aws/s3 alias. A key that is unknown until apply
#   is reported as unknown.
# custom:
#   id: DG-ENC-004
#   severity: low
#   remediation: >-
#     Set the default encryption to sse_algorithm = "aws:kms" with kms_master_key_id
#     pointing at a customer-managed key (aws_kms_key) whose key policy grants only the
#     intended readers, and set bucket_key_enabled = true to keep the KMS cost down.
#   checkov: CKV_AWS_145
#   trivy: AVD-AWS-0132
package driftguard.rules.encryption.s3_bucket_cmk

import data.driftguard.lib
import rego.v1

_kms := {"aws:kms", "aws:kms:dsse"}

warn contains lib.finding(r, msg) if {
	some r in lib.resources["aws_s3_bucket"]
	r.attributes.encrypted == true
	algorithm := r.attributes.sse_algorithm
	not algorithm in _kms
	msg := sprintf("S3 bucket default encryption uses %v, not a customer-managed KMS key", [algorithm])
}

# sse_algorithm and encrypted come from the same setting: aws:kms means encrypted.
warn contains lib.finding(r, msg) if {
	some r in lib.resources["aws_s3_bucket"]
	r.attributes.sse_algorithm in _kms
	key := object.get(r.attributes, "kms_key_id", null)
	not "kms_key_id" in r.unknown # lib.attr, inline
	msg := sprintf("S3 bucket default encryption uses the AWS-managed key %s", [_aws_managed(key)])
}

warn contains lib.unknown_finding(r, "kms_key_id") if {
	some r in lib.resources["aws_s3_bucket"]
	lib.key_unknown(r)
	r.attributes.sse_algorithm in _kms
}

# How an AWS-managed key reads in the message; undefined for a customer-managed key.
_aws_managed(null) := "aws/s3 (no kms_master_key_id)"

_aws_managed(key) := key if {
	is_string(key)
	endswith(key, "alias/aws/s3")
}
