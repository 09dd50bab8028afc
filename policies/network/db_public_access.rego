# METADATA
# title: Databases must not be publicly accessible
# description: >-
#   A publicly accessible DB instance gets a DNS name that resolves to a public IP address,
#   so the database listens on the internet whenever its subnet routes to an internet
#   gateway and its security groups let traffic in; credentials are then the only
#   defence. Checks every resource with publicly_accessible (RDS DB instances, and the
#   instances of Aurora clusters, each of which has its own setting): flags
#   publicly_accessible = true. A value that is unknown until apply is reported as unknown.
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

deny contains lib.finding(r, _message(r)) if {
	some r in lib.with_attribute["publicly_accessible"]
	r.attributes.publicly_accessible == true
}

deny contains lib.unknown_finding(r, "publicly_accessible") if {
	some r in lib.with_attribute["publicly_accessible"]
	"publicly_accessible" in r.unknown
}

# An RDS DB instance keeps the message it always had.
_message(r) := "RDS DB instance is publicly accessible (publicly_accessible = true)" if {
	r.type == "aws_db_instance"
} else := sprintf("%s is publicly accessible (publicly_accessible = true)", [lib.noun(r.type)])
