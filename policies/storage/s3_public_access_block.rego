# METADATA
# title: S3 buckets must block public access
# description: >-
#   A bucket's public access block is the switch that keeps a public ACL or a public
#   bucket policy from exposing its objects. Flags buckets without a public access block
#   (aws_s3_bucket_public_access_block) and buckets whose block leaves any of its four
#   settings off: block_public_acls, block_public_policy, ignore_public_acls,
#   restrict_public_buckets. A bucket without a block of its own is flagged even though
#   AWS turns the block on for buckets created since April 2023 and an account-level
#   block may cover it: driftguard cannot see either from the code, so the code should
#   say it. A value that is unknown until apply is reported as unknown.
# custom:
#   id: DG-STO-002
#   severity: high
#   remediation: >-
#     Attach an aws_s3_bucket_public_access_block with all four settings true. Serve
#     public content through CloudFront with origin access control instead of a public
#     bucket; for a reviewed exception (a public website bucket), waive the finding.
#   checkov: [CKV2_AWS_6, CKV_AWS_53, CKV_AWS_54, CKV_AWS_55, CKV_AWS_56]
#   trivy: [AVD-AWS-0094, AVD-AWS-0086, AVD-AWS-0087, AVD-AWS-0091, AVD-AWS-0093]
package driftguard.rules.storage.s3_public_access_block

import data.driftguard.lib
import rego.v1

_flags := ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

_all_on := {flag: true | some flag in _flags}

deny contains lib.finding(r, "S3 bucket has no public access block") if {
	some r in lib.resources["aws_s3_bucket"]
	object.get(r.attributes, "public_access_block", null) == null
	not "public_access_block" in r.unknown # lib.is_unset, inline
}

deny contains lib.finding(r, msg) if {
	some r in lib.resources["aws_s3_bucket"]
	block := r.attributes.public_access_block
	block != _all_on # the common case, in one comparison
	is_object(block)
	off := [flag | some flag in _flags; object.get(block, flag, false) != true]
	count(off) > 0
	msg := sprintf("S3 bucket public access block leaves %s off", [concat(", ", off)])
}

deny contains lib.unknown_finding(r, "public_access_block") if {
	some r in lib.resources["aws_s3_bucket"]
	"public_access_block" in r.unknown
}
