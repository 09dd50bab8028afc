# METADATA
# title: Security groups should not allow all outbound traffic to the internet
# description: >-
#   An egress rule to 0.0.0.0/0 or ::/0 for all protocols, or for every tcp or udp port,
#   lets anything running in the group send data anywhere: a compromised notebook or
#   training job can exfiltrate data or reach a command-and-control server unhindered.
#   It is also AWS's default (every new group gets it; Terraform's aws_security_group
#   removes it unless the code declares it again) and most workloads need some internet
#   egress, so this is a low-severity warning: tighten egress where the data is sensitive.
#   trivy's AVD-AWS-0104 is broader (any egress rule to /0, whatever its ports). Egress
#   rules that are unknown until apply are reported as unknown.
# custom:
#   id: DG-NET-006
#   severity: low
#   remediation: >-
#     Allow only the egress the workload needs: VPC endpoints (S3, ECR, STS) through
#     prefix lists or security groups, tcp 443 to a proxy or NAT with an egress firewall,
#     and specific CIDRs for third-party APIs.
#   checkov: CKV_AWS_382
package driftguard.rules.network.sg_open_egress

import data.driftguard.lib
import rego.v1

warn contains lib.finding(r, msg) if {
	some r in lib.resources["aws_security_group"]
	rules := r.attributes.egress
	is_array(rules)
	some rule in rules
	rule.to_port == 65535
	rule.from_port == 0
	cidrs := rule.cidrs
	is_array(cidrs)
	some cidr in cidrs
	cidr in lib.anywhere_cidrs
	described := lib.all_ports_described(rule.protocol)
	msg := sprintf("all outbound traffic is allowed to %s (egress %s)", [cidr, described])
}

warn contains lib.unknown_finding(r, "egress") if {
	some r in lib.resources["aws_security_group"]
	"egress" in r.unknown
}
