# METADATA
# title: RDS DB instances must be encrypted at rest
# description: >-
#   An RDS DB instance without storage encryption leaves its storage, automated
#   backups, read replicas and snapshots unencrypted. A read replica is encrypted as its
#   source is, whatever its own storage_encrypted says before it exists: in a plan or a
#   template it is judged by its source when the source is in the same input, and is
#   unknown when it is not; in a state or a live scan, its own value is what AWS reports.
#   An `encrypted` value that is unknown until apply is reported as unknown, never passed.
# custom:
#   id: DG-ENC-003
#   severity: high
#   remediation: >-
#     Set storage_encrypted = true (optionally with kms_key_id). An existing instance
#     cannot be encrypted in place: restore it from an encrypted snapshot copy. A read
#     replica of an unencrypted source is unencrypted too: encrypt the source, then make
#     the replica again.
#   checkov: CKV_AWS_16
#   trivy: AVD-AWS-0080
package driftguard.rules.encryption.db_instance

import data.driftguard.lib
import rego.v1

deny contains lib.finding(r, "RDS DB instance storage is not encrypted at rest") if {
	some r in lib.resources["aws_db_instance"]
	r.attributes.encrypted == false
	not _judged_by_source(r)
}

deny contains lib.unknown_finding(r, "encrypted") if {
	some r in lib.resources["aws_db_instance"]
	"encrypted" in r.unknown
	not _judged_by_source(r)
}

# --- read replicas that do not exist yet: their source decides ---------------------------

deny contains lib.finding(r, msg) if {
	some r in lib.resources["aws_db_instance"]
	r.attributes.replicate_source_encrypted == false
	_judged_by_source(r)
	not r.attributes.encrypted == true
	msg := sprintf("RDS DB instance storage is not encrypted at rest: it is a read replica of %s, which is not encrypted", [_source(r)])
}

deny contains object.union(lib.unknown_finding(r, "encrypted"), {"msg": msg}) if {
	some r in lib.resources["aws_db_instance"]
	not r.attributes.replicate_source_db == null # the common case first: no replica
	_judged_by_source(r)
	not r.attributes.encrypted == true
	not r.attributes.replicate_source_encrypted == true
	not r.attributes.replicate_source_encrypted == false
	msg := sprintf("encrypted is unknown until apply: a read replica is encrypted as its source is, and %s", [_source_unknown(r)])
}

# A read replica (its source named, or known only after apply) in a plan or a template.
_judged_by_source(r) if {
	not r.attributes.replicate_source_db == null # a string, unknown, or not read
	_replica(r)
	r.source != "state"
	r.source != "live"
}

_replica(r) if is_string(r.attributes.replicate_source_db)

_replica(r) if "replicate_source_db" in r.unknown

_replica(r) if is_string(r.attributes.replicate_source_key)

_source(r) := lib.key_address(r, r.attributes.replicate_source_key) if {
	is_string(r.attributes.replicate_source_key)
} else := r.attributes.replicate_source_db

_source_unknown(r) := sprintf("the encryption of its source %s is unknown until apply", [lib.key_address(r, key)]) if {
	key := r.attributes.replicate_source_key
	is_string(key)
} else := sprintf("its source %s is not in the input", [name]) if {
	name := r.attributes.replicate_source_db
	is_string(name)
} else := "its source is not in the input"
