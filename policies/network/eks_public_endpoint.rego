# METADATA
# title: EKS API endpoints must not be open to the internet
# description: >-
#   A cluster whose Kubernetes API endpoint is public with public_access_cidrs including
#   0.0.0.0/0 (the default when the endpoint is public) takes API requests from anywhere:
#   credentials are then the only defence of the control plane, and the endpoint is found
#   by every scanner. Checks every resource with endpoint_public_access (EKS clusters). A
#   public endpoint restricted to known CIDRs passes (CKV_AWS_39 and AVD-AWS-0040 would flag
#   it too: turn the endpoint private where nothing outside the VPC needs it). A value
#   that is unknown until apply, where it decides, is reported as unknown. Severity
#   critical, as trivy rates AVD-AWS-0040 and AVD-AWS-0041.
# custom:
#   id: DG-NET-007
#   severity: critical
#   remediation: >-
#     Set vpc_config { endpoint_private_access = true, endpoint_public_access = false } and
#     reach the API from inside the VPC (a VPN, a bastion, CI runners in the VPC), or keep
#     it public with public_access_cidrs limited to the networks that need it.
#   checkov: [CKV_AWS_38, CKV_AWS_39]
#   trivy: [AVD-AWS-0040, AVD-AWS-0041]
package driftguard.rules.network.eks_public_endpoint

import data.driftguard.lib
import rego.v1

deny contains lib.finding(r, msg) if {
	some r in lib.with_attribute["endpoint_public_access"]
	r.attributes.endpoint_public_access == true
	not "public_access_cidrs" in r.unknown
	some cidr in _cidrs(r)
	cidr in lib.anywhere_cidrs
	msg := sprintf("%s API endpoint is public to %s (endpoint_public_access = true, public_access_cidrs)", [lib.noun(r.type), cidr])
}

deny contains lib.unknown_finding(r, "endpoint_public_access") if {
	some r in lib.with_attribute["endpoint_public_access"]
	"endpoint_public_access" in r.unknown
}

deny contains lib.unknown_finding(r, "public_access_cidrs") if {
	some r in lib.with_attribute["endpoint_public_access"]
	r.attributes.endpoint_public_access == true
	"public_access_cidrs" in r.unknown
}

# Not set (null, or a source that does not read it): AWS's default, every address.
_cidrs(r) := cidrs if {
	cidrs := r.attributes.public_access_cidrs
	is_array(cidrs)
} else := ["0.0.0.0/0"]
