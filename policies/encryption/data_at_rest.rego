# METADATA
# title: Data stores must be encrypted at rest
# description: >-
#   Unencrypted, a data store's disks, backups, snapshots and replicas hold the data in
#   the clear for anyone who gets at the storage or a copy of it. Checks every resource
#   with an `encrypted` attribute that has no encryption rule of its own (S3 buckets,
#   EBS volumes and RDS DB instances have DG-ENC-001, -002 and -003): EFS file systems,
#   RDS (Aurora and Multi-AZ) clusters, ElastiCache replication groups at rest, SQS queues
#   (SQS-managed keys count, AWS's default), SNS topics (a KMS key, aws/sns included), EBS
#   snapshots, and any type whose spec names the attribute so. A value that is unknown
#   until apply (a new snapshot's, which its volume decides) is reported as unknown, never
#   passed. Severity high, as trivy rates AVD-AWS-0037, -0079, -0045, -0095 and -0096
#   (EBS snapshots have no checkov or trivy equivalent).
# custom:
#   id: DG-ENC-009
#   severity: high
#   remediation: >-
#     Turn encryption on where the resource is made: encrypted = true on an EFS file
#     system, storage_encrypted = true on an RDS cluster, at_rest_encryption_enabled =
#     true on an ElastiCache replication group, sqs_managed_sse_enabled = true or a
#     kms_master_key_id on an SQS queue, kms_master_key_id on an SNS topic; encrypt the
#     volume a snapshot is taken from (or copy the snapshot with encryption). File
#     systems, clusters and replication groups cannot be encrypted in place: restore them
#     from a backup or snapshot into an encrypted one.
#   checkov: [CKV_AWS_42, CKV_AWS_96, CKV_AWS_29, CKV_AWS_27, CKV_AWS_26]
#   trivy: [AVD-AWS-0037, AVD-AWS-0079, AVD-AWS-0045, AVD-AWS-0096, AVD-AWS-0095]
package driftguard.rules.encryption.data_at_rest

import data.driftguard.lib
import rego.v1

# One pass, cheapest test first (most resources are encrypted); the types with a rule of
# their own are left out only then.
deny contains f if {
	some r in lib.with_attribute["encrypted"]
	not r.attributes.encrypted == true
	not r.type in {"aws_s3_bucket", "aws_ebs_volume", "aws_db_instance"}
	f := _finding(r)
}

# Not encrypted; unknown until apply; else (null: not set) no finding.
_finding(r) := lib.finding(r, sprintf("%s is not encrypted at rest", [lib.noun(r.type)])) if {
	r.attributes.encrypted == false
} else := lib.unknown_finding(r, "encrypted") if {
	"encrypted" in r.unknown
}
