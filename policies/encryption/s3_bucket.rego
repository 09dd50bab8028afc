# METADATA
# title: S3 buckets must be encrypted at rest
# description: >-
#   An S3 bucket without a default server-side encryption configuration stores
#   objects unencrypted unless every writer asks for encryption. An `encrypted` value that
#   is unknown until apply is reported as unknown, never passed.
# custom:
#   id: DG-ENC-001
#   severity: high
#   remediation: >-
#     Configure default server-side encryption on the bucket
#     (aws_s3_bucket_server_side_encryption_configuration with AES256 or aws:kms).
#   checkov: CKV_AWS_19
#   trivy: AVD-AWS-0088
package driftguard.rules.encryption.s3_bucket

import data.driftguard.lib
import rego.v1

deny contains lib.finding(r, "S3 bucket is not encrypted at rest") if {
	some r in lib.resources["aws_s3_bucket"]
	r.attributes.encrypted == false
}

deny contains lib.unknown_finding(r, "encrypted") if {
	some r in lib.resources["aws_s3_bucket"]
	"encrypted" in r.unknown
}
