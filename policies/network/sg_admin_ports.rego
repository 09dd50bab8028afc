# METADATA
# title: Security groups must not open admin ports to the internet
# description: >-
#   Flags security groups with an ingress rule from 0.0.0.0/0 or ::/0 whose port range,
#   for tcp or all protocols, covers one of the admin_ports setting (SSH, RDP, database
#   and management ports). One finding per open port and CIDR. Ingress rules that are
#   unknown until apply are reported as unknown.
# custom:
#   id: DG-NET-003
#   severity: critical
#   remediation: >-
#     Restrict the rule's source to known CIDRs or a security group (a VPN or bastion),
#     or remove it and use SSM Session Manager for administrative access.
#   checkov: [CKV_AWS_24, CKV_AWS_25]
package driftguard.rules.network.sg_admin_ports

import data.driftguard.lib
import rego.v1

# Cheap tests first, the message last: this runs for every rule of every group.
deny contains lib.finding(r, msg) if {
	admin_ports := data.driftguard.config.admin_ports
	some r in lib.resources["aws_security_group"]
	ingress := r.attributes.ingress
	is_array(ingress)
	some rule in ingress
	rule.protocol == "tcp"
	from := rule.from_port
	to := rule.to_port
	is_number(from)
	is_number(to)
	some port in admin_ports
	from <= port
	port <= to
	cidrs := rule.cidrs
	is_array(cidrs)
	some cidr in cidrs
	cidr in lib.anywhere_cidrs
	msg := sprintf("admin port %v is open to %s (ingress %s)", [port, cidr, _tcp_ports(from, to)])
}

# "-1" is every protocol and port, whatever from_port/to_port say.
deny contains lib.finding(r, msg) if {
	admin_ports := data.driftguard.config.admin_ports
	some r in lib.resources["aws_security_group"]
	ingress := r.attributes.ingress
	is_array(ingress)
	some rule in ingress
	rule.protocol == "-1"
	cidrs := rule.cidrs
	is_array(cidrs)
	some cidr in cidrs
	cidr in lib.anywhere_cidrs
	some port in admin_ports
	msg := sprintf("admin port %v is open to %s (ingress all protocols)", [port, cidr])
}

deny contains lib.unknown_finding(r, "ingress") if {
	some r in lib.resources["aws_security_group"]
	"ingress" in r.unknown
}

_tcp_ports(from, to) := sprintf("tcp %v", [from]) if from == to

_tcp_ports(from, to) := sprintf("tcp %v-%v", [from, to]) if from != to
