# METADATA
# title: SageMaker notebooks and domains must not reach the internet directly
# description: >-
#   With direct internet access (a notebook instance's default, and a domain's
#   PublicInternetOnly network access type, also its default), SageMaker gives the notebook
#   or the Studio apps a network interface with a route to the internet that the VPC's
#   security groups, NACLs, firewalls and flow logs never see: data can leave, and code can
#   come in, around every control the VPC has. Checks every resource with
#   direct_internet_access. A value that is unknown until apply is reported as unknown.
#   Unlike checkov's CKV_AWS_122, an unset direct_internet_access fails (it means Enabled).
#   Severity high, as DG-NET-001's public IPs (trivy has no SageMaker check; checkov's open
#   checks carry no severity).
# custom:
#   id: DG-NET-008
#   severity: high
#   remediation: >-
#     Set direct_internet_access = "Disabled" on the notebook instance (with a subnet_id and
#     security_groups; it is replaced) or app_network_access_type = "VpcOnly" on the domain,
#     and give the VPC what the notebooks need: VPC endpoints for SageMaker, S3 and ECR, and
#     a NAT gateway or a proxy for package mirrors.
#   checkov: CKV_AWS_122
package driftguard.rules.network.sagemaker_internet_access

import data.driftguard.lib
import rego.v1

deny contains lib.finding(r, msg) if {
	some r in lib.with_attribute["direct_internet_access"]
	r.attributes.direct_internet_access == true
	msg := sprintf("%s has direct internet access, outside the VPC's controls (direct_internet_access)", [lib.noun(r.type)])
}

deny contains lib.unknown_finding(r, "direct_internet_access") if {
	some r in lib.with_attribute["direct_internet_access"]
	"direct_internet_access" in r.unknown
}
