# METADATA
# title: S3 buckets must have versioning enabled
# description: >-
#   Without versioning, an overwrite or a delete (by mistake, by a broken job or by an
#   attacker) destroys the only copy of an object: training data, model artifacts and
#   state files cannot be recovered. Flags buckets whose versioning is not enabled
#   (never configured, or suspended), whether it is set inline or through
#   aws_s3_bucket_versioning. A versioning value that is unknown until apply is reported
#   as unknown.
# custom:
#   id: DG-STO-001
#   severity: medium
#   remediation: >-
#     Enable versioning (aws_s3_bucket_versioning with status = "Enabled") and add a
#     lifecycle rule that expires noncurrent versions to bound the storage cost.
#   checkov: CKV_AWS_21
#   trivy: AVD-AWS-0090
package driftguard.rules.storage.s3_versioning

import data.driftguard.lib
import rego.v1

deny contains lib.finding(r, "S3 bucket versioning is not enabled") if {
	some r in lib.resources["aws_s3_bucket"]
	r.attributes.versioning == false
}

deny contains lib.unknown_finding(r, "versioning") if {
	some r in lib.resources["aws_s3_bucket"]
	"versioning" in r.unknown
}
