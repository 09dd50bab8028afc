# METADATA
# title: Security groups must not open all ports to the internet
# description: >-
#   An ingress rule from 0.0.0.0/0 or ::/0 for all protocols, or for every tcp or udp
#   port (0-65535), exposes every service on every instance, load balancer and database
#   in the group to the internet: admin ports, metrics endpoints, notebooks, model servers.
#   One finding per such rule and CIDR. Ingress rules that are unknown until apply are
#   reported as unknown.
# custom:
#   id: DG-NET-005
#   severity: critical
#   remediation: >-
#     Replace the rule with rules for the ports the service needs, from the CIDRs or
#     security groups that need them; put public services behind a load balancer that
#     listens on 443 only.
#   checkov: CKV_AWS_277
package driftguard.rules.network.sg_all_ports_ingress

import data.driftguard.lib
import rego.v1

deny contains lib.finding(r, msg) if {
	some r in lib.resources["aws_security_group"]
	rules := r.attributes.ingress
	is_array(rules)
	some rule in rules
	rule.to_port == 65535
	rule.from_port == 0
	cidrs := rule.cidrs
	is_array(cidrs)
	some cidr in cidrs
	cidr in lib.anywhere_cidrs
	described := lib.all_ports_described(rule.protocol)
	msg := sprintf("all ports are open to %s (ingress %s)", [cidr, described])
}

deny contains lib.unknown_finding(r, "ingress") if {
	some r in lib.resources["aws_security_group"]
	"ingress" in r.unknown
}
