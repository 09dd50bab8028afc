# METADATA
# title: EBS volumes must be encrypted at rest
# description: >-
#   An unencrypted EBS volume leaves its data, its snapshots and the disk I/O
#   unprotected. An `encrypted` value that is unknown until apply is reported as unknown,
#   never passed.
# custom:
#   id: DG-ENC-002
#   severity: high
#   remediation: >-
#     Set encrypted = true (optionally with kms_key_id), or turn on EBS encryption by
#     default for the account and region. An existing volume must be recreated from an
#     encrypted snapshot copy.
#   checkov: CKV_AWS_3
#   trivy: AVD-AWS-0026
package driftguard.rules.encryption.ebs_volume

import data.driftguard.lib
import rego.v1

deny contains lib.finding(r, "EBS volume is not encrypted at rest") if {
	some r in lib.resources["aws_ebs_volume"]
	r.attributes.encrypted == false
}

deny contains lib.unknown_finding(r, "encrypted") if {
	some r in lib.resources["aws_ebs_volume"]
	"encrypted" in r.unknown
}
