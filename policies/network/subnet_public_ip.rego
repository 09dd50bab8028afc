# METADATA
# title: Subnets should not assign public IP addresses by default
# description: >-
#   A subnet with map_public_ip_on_launch = true gives every instance launched in it a
#   public IP address unless the instance opts out. A warning: public subnets for load
#   balancers and NAT gateways are legitimate, the instances in them are checked by
#   DG-NET-001. A value unknown until apply is reported as unknown.
# custom:
#   id: DG-NET-002
#   severity: medium
#   remediation: >-
#     Set map_public_ip_on_launch = false and give public IP addresses only to the
#     resources that need them (an Elastic IP, or associate_public_ip_address on the
#     instance).
#   checkov: CKV_AWS_130
#   trivy: AVD-AWS-0164
package driftguard.rules.network.subnet_public_ip

import data.driftguard.lib
import rego.v1

warn contains lib.finding(r, msg) if {
	some r in lib.resources["aws_subnet"]
	r.attributes.map_public_ip_on_launch == true
	msg := "subnet gives instances launched in it a public IP address (map_public_ip_on_launch = true)"
}

warn contains lib.unknown_finding(r, "map_public_ip_on_launch") if {
	some r in lib.resources["aws_subnet"]
	"map_public_ip_on_launch" in r.unknown
}
