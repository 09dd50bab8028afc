# METADATA
# title: Instances and launch templates must encrypt their EBS volumes
# description: >-
#   An instance's root and data volumes hold the models, datasets and credentials it works
#   with; unencrypted, they stay readable in every snapshot and AMI made from them. Checks
#   every resource with root_volume_encrypted or block_devices_encrypted (EC2 instances,
#   launch templates, launch configurations): flags a root volume that is not encrypted,
#   or whose encryption is not set (Terraform then creates it unencrypted unless the
#   AMI's snapshot is encrypted or EBS encryption by default is on in the region; checkov's
#   CKV_AWS_8 judges it so), and every EBS block device mapping that is not encrypted. A
#   launch template's finding names the groups that launch it. A value that is unknown
#   until apply is reported as unknown. Severity high, as trivy rates AVD-AWS-0008 and
#   AVD-AWS-0131.
# custom:
#   id: DG-ENC-006
#   severity: high
#   remediation: >-
#     Set encrypted = true (optionally with kms_key_id) on root_block_device and every
#     ebs_block_device, or in the launch template's block_device_mappings ebs blocks; turn
#     on EBS encryption by default in every region too (DG-ENC-005), and waive this rule
#     for resources whose volumes it covers. An existing volume must be recreated from an
#     encrypted snapshot copy.
#   checkov: CKV_AWS_8
#   trivy: [AVD-AWS-0008, AVD-AWS-0131]
package driftguard.rules.encryption.launch_volumes

import data.driftguard.lib
import rego.v1

deny contains lib.finding(r, msg) if {
	some r in lib.with_attribute["root_volume_encrypted"]
	r.attributes.root_volume_encrypted == false
	msg := sprintf("%s root volume is not encrypted%s", [lib.noun(r.type), lib.launched_by_note(r)])
}

deny contains lib.finding(r, msg) if {
	some r in lib.with_attribute["root_volume_encrypted"]
	r.attributes.root_volume_encrypted == null
	msg := sprintf("%s root volume encryption is not set (root_block_device encrypted: unencrypted unless the AMI or the region's EBS default encrypts it)%s", [
		lib.noun(r.type), lib.launched_by_note(r),
	])
}

deny contains lib.finding(r, msg) if {
	some r in lib.with_attribute["block_devices_encrypted"]
	devices := r.attributes.block_devices_encrypted
	is_array(devices)
	plain := count([d | some d in devices; d != true])
	plain > 0
	msg := sprintf("%s has %d of %d EBS block devices unencrypted%s", [
		lib.noun(r.type), plain, count(devices), lib.launched_by_note(r),
	])
}

deny contains lib.unknown_finding(r, name) if {
	some name in ["root_volume_encrypted", "block_devices_encrypted"]
	some r in lib.with_attribute[name]
	name in r.unknown
}
