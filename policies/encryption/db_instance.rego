# METADATA
# title: RDS DB instances must be encrypted at rest
# description: >-
#   An RDS DB instance without storage encryption leaves its storage, automated
#   backups, read replicas and snapshots unencrypted. An `encrypted` value that is unknown
#   until apply is reported as unknown, never passed.
# custom:
#   id: DG-ENC-003
#   severity: high
#   remediation: >-
#     Set storage_encrypted = true (optionally with kms_key_id). An existing instance
#     cannot be encrypted in place: restore it from an encrypted snapshot copy.
#   checkov: CKV_AWS_16
#   trivy: AVD-AWS-0080
package driftguard.rules.encryption.db_instance

import data.driftguard.lib
import rego.v1

deny contains lib.finding(r, "RDS DB instance storage is not encrypted at rest") if {
	some r in lib.resources["aws_db_instance"]
	r.attributes.encrypted == false
}

deny contains lib.unknown_finding(r, "encrypted") if {
	some r in lib.resources["aws_db_instance"]
	"encrypted" in r.unknown
}
