# METADATA
# title: Caches must encrypt traffic in transit
# description: >-
#   Without TLS between clients and nodes, everything a cache holds (features, sessions,
#   tokens) and every AUTH password crosses the network in the clear, readable by anything
#   that can see the VPC's traffic. Checks every resource with encrypted_in_transit
#   (ElastiCache replication groups). A value that is unknown until apply is reported as
#   unknown. Severity high, as trivy rates AVD-AWS-0051.
# custom:
#   id: DG-ENC-010
#   severity: high
#   remediation: >-
#     Set transit_encryption_enabled = true on the replication group (for an existing
#     Redis OSS 7+ or Valkey group, with transit_encryption_mode = "preferred" first, then
#     "required" once every client speaks TLS) and connect with TLS.
#   checkov: CKV_AWS_30
#   trivy: AVD-AWS-0051
package driftguard.rules.encryption.in_transit

import data.driftguard.lib
import rego.v1

deny contains lib.finding(r, msg) if {
	some r in lib.with_attribute["encrypted_in_transit"]
	r.attributes.encrypted_in_transit == false
	msg := sprintf("%s does not encrypt traffic in transit (transit encryption off)", [lib.noun(r.type)])
}

deny contains lib.unknown_finding(r, "encrypted_in_transit") if {
	some r in lib.with_attribute["encrypted_in_transit"]
	"encrypted_in_transit" in r.unknown
}
