# METADATA
# title: SageMaker notebook users should not have root access
# description: >-
#   With root access (a notebook instance's default), every notebook user can change the
#   instance's software and configuration, install what they like and read what any
#   process on it reads, the instance role's credentials included. A warning: some teams
#   need it for system packages, which lifecycle configurations can install instead.
#   Checks every resource with root_access (SageMaker notebook instances). A value that is
#   unknown until apply is reported as unknown. Severity medium (checkov's open checks
#   carry none; trivy has no SageMaker check).
# custom:
#   id: DG-CMP-003
#   severity: medium
#   remediation: >-
#     Set root_access = "Disabled" on the notebook instance and install what its users need
#     with a lifecycle configuration (aws_sagemaker_notebook_instance_lifecycle_configuration).
#   checkov: CKV_AWS_307
package driftguard.rules.compute.sagemaker_root_access

import data.driftguard.lib
import rego.v1

warn contains lib.finding(r, msg) if {
	some r in lib.with_attribute["root_access"]
	r.attributes.root_access == true
	msg := sprintf("%s gives its users root access (root_access)", [lib.noun(r.type)])
}

warn contains lib.unknown_finding(r, "root_access") if {
	some r in lib.with_attribute["root_access"]
	"root_access" in r.unknown
}
