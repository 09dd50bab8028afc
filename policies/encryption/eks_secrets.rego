# METADATA
# title: EKS clusters must encrypt Kubernetes secrets with a KMS key
# description: >-
#   Without envelope encryption, Kubernetes secrets (service account tokens, registry and
#   database credentials) sit in etcd encrypted only by EBS, readable by anyone who gets
#   at etcd or its backups. Checks every resource with secrets_encrypted (EKS clusters):
#   flags an encryption_config that does not cover "secrets" with a KMS key. A value that
#   is unknown until apply is reported as unknown. Severity high, as trivy rates
#   AVD-AWS-0039.
# custom:
#   id: DG-ENC-007
#   severity: high
#   remediation: >-
#     Add encryption_config { resources = ["secrets"], provider { key_arn = <a KMS key> } }
#     to the cluster (for an existing cluster: aws eks associate-encryption-config); it
#     cannot be turned off again.
#   checkov: CKV_AWS_58
#   trivy: AVD-AWS-0039
package driftguard.rules.encryption.eks_secrets

import data.driftguard.lib
import rego.v1

deny contains lib.finding(r, msg) if {
	some r in lib.with_attribute["secrets_encrypted"]
	r.attributes.secrets_encrypted == false
	msg := sprintf("%s does not encrypt Kubernetes secrets with a KMS key (no encryption_config for secrets)", [lib.noun(r.type)])
}

deny contains lib.unknown_finding(r, "secrets_encrypted") if {
	some r in lib.with_attribute["secrets_encrypted"]
	"secrets_encrypted" in r.unknown
}
