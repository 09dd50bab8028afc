# METADATA
# title: CloudTrail trails must validate their log files
# description: >-
#   With log file validation, CloudTrail writes a signed digest of every hour's log files,
#   so a log file that was changed or deleted after delivery (by someone covering their
#   tracks) is detected with aws cloudtrail validate-logs. Without it, the audit trail
#   cannot prove itself. Flags aws_cloudtrail with log file validation off (Terraform's
#   and CloudFormation's default). A value that is unknown until apply is reported as
#   unknown. Severity high, as trivy rates AVD-AWS-0016.
# custom:
#   id: DG-AUD-001
#   severity: high
#   remediation: >-
#     Set enable_log_file_validation = true on the trail (EnableLogFileValidation in
#     CloudFormation); digests start with the next hour's logs.
#   checkov: CKV_AWS_36
#   trivy: AVD-AWS-0016
package driftguard.rules.audit.cloudtrail_log_validation

import data.driftguard.lib
import rego.v1

deny contains lib.finding(r, "CloudTrail trail does not validate its log files (enable_log_file_validation = false)") if {
	some r in lib.resources["aws_cloudtrail"]
	r.attributes.log_file_validation == false
}

deny contains lib.unknown_finding(r, "log_file_validation") if {
	some r in lib.resources["aws_cloudtrail"]
	"log_file_validation" in r.unknown
}
