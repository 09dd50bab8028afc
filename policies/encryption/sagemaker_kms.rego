# METADATA
# title: SageMaker notebook and endpoint volumes must be encrypted with a KMS key
# description: >-
#   Without kms_key_id (kms_key_arn on an endpoint configuration), SageMaker encrypts a
#   notebook instance's or an endpoint's ML storage volumes with an AWS-managed key: no key
#   policy limits who can read the models and data on them, key use has no audit trail of
#   its own, and access cannot be revoked by disabling the key. Flags
#   aws_sagemaker_notebook_instance and aws_sagemaker_endpoint_configuration without a key.
#   Instance types with only local instance storage (NVMe) take no volume key: waive the
#   rule for them. A key that is unknown until apply is reported as unknown. Severity
#   medium: the volumes are encrypted, with a key the account does not control.
# custom:
#   id: DG-ENC-008
#   severity: medium
#   remediation: >-
#     Set kms_key_id on the notebook instance, or kms_key_arn on the endpoint configuration,
#     to a customer-managed KMS key (aws_kms_key) whose key policy grants SageMaker's
#     execution role; an existing notebook or endpoint configuration is replaced.
#   checkov: [CKV_AWS_22, CKV_AWS_98]
package driftguard.rules.encryption.sagemaker_kms

import data.driftguard.lib
import rego.v1

_volumes contains r if some r in lib.resources["aws_sagemaker_notebook_instance"]

_volumes contains r if some r in lib.resources["aws_sagemaker_endpoint_configuration"]

deny contains lib.finding(r, msg) if {
	some r in _volumes
	r.attributes.kms_key_id == null # absent (not read by this source): not judged
	msg := sprintf("%s storage volumes use the AWS-managed key, not a customer-managed KMS key (kms_key_id not set)", [lib.noun(r.type)])
}

deny contains lib.unknown_finding(r, "kms_key_id") if {
	some r in _volumes
	lib.key_unknown(r)
}
