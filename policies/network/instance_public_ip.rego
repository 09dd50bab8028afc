# METADATA
# title: EC2 instances must not get a public IP address
# description: >-
#   An instance with a public IP address is reachable from the internet whenever its
#   security groups allow it. Flags instances with associate_public_ip_address = true, and
#   instances that leave it unset in a subnet that maps public IPs on launch. An
#   associate_public_ip_address that is unknown until apply, or an unset one whose
#   subnet's setting is unknown, is reported as unknown.
# custom:
#   id: DG-NET-001
#   severity: high
#   remediation: >-
#     Set associate_public_ip_address = false and place the instance in a private subnet;
#     reach it through a load balancer, a bastion or SSM Session Manager.
#   checkov: CKV_AWS_88
package driftguard.rules.network.instance_public_ip

import data.driftguard.lib
import rego.v1

deny contains lib.finding(r, msg) if {
	some r in lib.resources["aws_instance"]
	r.attributes.associate_public_ip_address == true
	msg := "instance has a public IP address (associate_public_ip_address = true)"
}

deny contains lib.finding(r, msg) if {
	some r in lib.resources["aws_instance"]
	r.attributes.subnet_map_public_ip_on_launch == true
	lib.is_unset(r, "associate_public_ip_address")
	msg := "instance gets a public IP address via its subnet (map_public_ip_on_launch = true)"
}

deny contains lib.unknown_finding(r, "associate_public_ip_address") if {
	some r in lib.resources["aws_instance"]
	"associate_public_ip_address" in r.unknown
}

# The subnet decides only when associate_public_ip_address is not set (or not yet known).
deny contains lib.unknown_finding(r, "subnet_map_public_ip_on_launch") if {
	some r in lib.resources["aws_instance"]
	"subnet_map_public_ip_on_launch" in r.unknown
	_subnet_may_decide(r)
}

_subnet_may_decide(r) if lib.is_unset(r, "associate_public_ip_address")

_subnet_may_decide(r) if lib.is_unknown(r, "associate_public_ip_address")
