# METADATA
# title: RDS DB instances must not be publicly accessible
# description: >-
#   A publicly accessible DB instance gets a DNS name that resolves to a public IP address,
#   so the database listens on the internet whenever its subnet routes to an internet
#   gateway and its security groups let traffic in; credentials are then the only
#   defence. Flags aws_db_instance with publicly_accessible = true. A value that is unknown
#   until apply is reported as unknown.
# custom:
#   id: DG-NET-004
#   severity: high
#   remediation: >-
#     Set publicly_accessible = false and keep the instance in private subnets; reach it
#     from inside the VPC, through a VPN, or with SSM port forwarding to a bastion.
#   checkov: CKV_AWS_17
#   trivy: AVD-AWS-0180
package driftguard.rules.network.db_public_access

import data.driftguard.lib
import rego.v1

deny contains lib.finding(r, "RDS DB instance is publicly accessible (publicly_accessible = true)") if {
	some r in lib.resources["aws_db_instance"]
	r.attributes.publicly_accessible == true
}

deny contains lib.unknown_finding(r, "publicly_accessible") if {
	some r in lib.resources["aws_db_instance"]
	"publicly_accessible" in r.unknown
}
