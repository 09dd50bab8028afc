# METADATA
# title: EBS encryption by default must be enabled
# description: >-
#   EBS encryption by default is an account setting, one per region: when it is on, every
#   new EBS volume and snapshot copy in the region is encrypted, including volumes that no
#   code declares (launched from the console, an Auto Scaling group or a notebook). Flags
#   an aws_ebs_encryption_by_default with enabled = false. A region where no code declares
#   the setting is not flagged from a plan or a state: that needs a live scan. A value that
#   is unknown until apply is reported as unknown.
# custom:
#   id: DG-ENC-005
#   severity: medium
#   remediation: >-
#     Declare aws_ebs_encryption_by_default with enabled = true in every region you use
#     (optionally aws_ebs_default_kms_key for a customer-managed key). Existing volumes are
#     not changed: DG-ENC-002 checks them one by one.
#   checkov: CKV_AWS_106
package driftguard.rules.encryption.ebs_default_encryption

import data.driftguard.lib
import rego.v1

deny contains lib.finding(r, msg) if {
	some r in lib.resources["aws_ebs_encryption_by_default"]
	r.attributes.enabled == false
	msg := sprintf("EBS encryption by default is disabled%s", [_where(r)])
}

deny contains lib.unknown_finding(r, "enabled") if {
	some r in lib.resources["aws_ebs_encryption_by_default"]
	"enabled" in r.unknown
}

_where(r) := sprintf(" in %s", [r.region]) if is_string(r.region)

_where(r) := "" if not is_string(object.get(r, "region", null)) # see lib.statement_name
