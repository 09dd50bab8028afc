# METADATA
# title: Load balancers should not face the internet unless they serve it
# description: >-
#   An internet-facing load balancer has public addresses: whatever its listeners and
#   security groups let through reaches the targets behind it (model servers, notebooks,
#   internal APIs) from anywhere. A warning: public APIs need one, but a load balancer for
#   internal callers should be internal. Checks every resource with internet_facing
#   (Application and Network Load Balancers; Gateway Load Balancers, which have no
#   listeners of their own, are not judged). A value that is unknown until apply is
#   reported as unknown. Severity high, as trivy rates AVD-AWS-0053.
# custom:
#   id: DG-NET-010
#   severity: high
#   remediation: >-
#     Set internal = true for load balancers that only the VPC (or peered networks, a VPN)
#     calls. For one that serves the internet, keep it, listen on 443 only, attach a WAF
#     web ACL, and waive this warning for it.
#   trivy: AVD-AWS-0053
package driftguard.rules.network.lb_internet_facing

import data.driftguard.lib
import rego.v1

warn contains lib.finding(r, msg) if {
	some r in lib.with_attribute["internet_facing"]
	r.attributes.internet_facing == true
	object.get(r.attributes, "load_balancer_type", null) != "gateway"
	msg := sprintf("%s is internet-facing (internal = false)", [lib.noun(r.type)])
}

warn contains lib.unknown_finding(r, "internet_facing") if {
	some r in lib.with_attribute["internet_facing"]
	"internet_facing" in r.unknown
	object.get(r.attributes, "load_balancer_type", null) != "gateway"
}
