# METADATA
# title: KMS keys must rotate their key material
# description: >-
#   With automatic rotation, KMS makes new key material every year (or the
#   rotation_period_in_days the code sets) and keeps the old for decrypting, which bounds
#   how much data any one version of the key protects. Flags customer-managed symmetric
#   encryption keys (key_spec SYMMETRIC_DEFAULT) with rotation off, the default. Not
#   judged: asymmetric and HMAC keys, which KMS cannot rotate, and AWS-managed keys
#   (key_manager AWS, read live), which AWS rotates by itself. A symmetric key whose
#   material was imported, or that lives in a custom key store, cannot rotate either, and
#   reads as not rotating: waive it. A value that is unknown until apply is reported as
#   unknown. Severity medium, as trivy rates AVD-AWS-0065.
# custom:
#   id: DG-AUD-002
#   severity: medium
#   remediation: >-
#     Set enable_key_rotation = true on the aws_kms_key (EnableKeyRotation in
#     CloudFormation), optionally with rotation_period_in_days (90 to 2560).
#   checkov: CKV_AWS_7
#   trivy: AVD-AWS-0065
package driftguard.rules.audit.kms_rotation

import data.driftguard.lib
import rego.v1

deny contains lib.finding(r, "KMS key does not rotate its key material (enable_key_rotation = false)") if {
	some r in lib.resources["aws_kms_key"]
	r.attributes.key_rotation_enabled == false
	_can_rotate(r)
}

deny contains lib.unknown_finding(r, "key_rotation_enabled") if {
	some r in lib.resources["aws_kms_key"]
	"key_rotation_enabled" in r.unknown
	_can_rotate(r)
}

deny contains lib.unknown_finding(r, "key_spec") if {
	some r in lib.resources["aws_kms_key"]
	"key_spec" in r.unknown
	r.attributes.key_rotation_enabled == false
}

_can_rotate(r) if {
	object.get(r.attributes, "key_spec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
	not "key_spec" in r.unknown
	object.get(r.attributes, "key_manager", "CUSTOMER") != "AWS"
}
