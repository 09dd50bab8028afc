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

deny contains lib.finding(r, msg) if {
	admin_ports := data.driftguard.config.admin_ports
	some r in lib.resources["aws_security_group"]
	ingress := r.attributes.ingress
	is_array(ingress)
	some rule in ingress
	cidrs := rule.cidrs
	is_array(cidrs)
	some cidr in cidrs
	cidr in {"0.0.0.0/0", "::/0"}
	[from, to, described] := _ports(rule)
	some port in admin_ports
	from <= port
	port <= to
	msg := sprintf("admin port %v is open to %s (ingress %s)", [port, cidr, described])
}

deny contains lib.unknown_finding(r, "ingress") if {
	some r in lib.resources["aws_security_group"]
	lib.is_unknown(r, "ingress")
}

# [from, to, description] of the ports a rule opens, for tcp and all-protocol rules.
# "-1" is every protocol and port, whatever from_port/to_port say.
_ports(rule) := [0, 65535, "all protocols"] if rule.protocol == "-1"

_ports(rule) := [rule.from_port, rule.to_port, described] if {
	rule.protocol == "tcp"
	is_number(rule.from_port)
	is_number(rule.to_port)
	described := _tcp_ports(rule.from_port, rule.to_port)
}

_tcp_ports(from, to) := sprintf("tcp %v", [from]) if from == to

_tcp_ports(from, to) := sprintf("tcp %v-%v", [from, to]) if from != to
