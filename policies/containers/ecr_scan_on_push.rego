# METADATA
# title: ECR repositories must scan images on push
# description: >-
#   Scanning on push checks every image for known vulnerabilities in its OS packages as
#   it arrives, before anything pulls it. Flags aws_ecr_repository whose
#   image_scanning_configuration leaves scan_on_push off (the default). A registry-level
#   scanning configuration (aws_ecr_registry_scanning_configuration, e.g. Inspector
#   enhanced scanning) overrides the repository setting, and driftguard does not read it
#   yet: where it covers the repositories, waive this rule for them. A value that is
#   unknown until apply is reported as unknown.
# custom:
#   id: DG-CTR-002
#   severity: medium
#   remediation: >-
#     Set image_scanning_configuration { scan_on_push = true }, or turn on scanning for the
#     whole registry (aws_ecr_registry_scanning_configuration with a SCAN_ON_PUSH rule) and
#     waive this rule for the repositories it covers.
#   checkov: CKV_AWS_163
#   trivy: AVD-AWS-0030
package driftguard.rules.containers.ecr_scan_on_push

import data.driftguard.lib
import rego.v1

deny contains lib.finding(r, "ECR repository does not scan images on push (scan_on_push = false)") if {
	some r in lib.resources["aws_ecr_repository"]
	r.attributes.scan_on_push == false
}

deny contains lib.unknown_finding(r, "scan_on_push") if {
	some r in lib.resources["aws_ecr_repository"]
	"scan_on_push" in r.unknown
}
