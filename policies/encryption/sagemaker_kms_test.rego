package driftguard.rules.encryption.sagemaker_kms

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_key := "arn:aws:kms:eu-west-1:123456789012:key/1111-2222"

test_fires_without_a_key if {
	inp := {"resources": [
		resource("aws_sagemaker_notebook_instance", "nb", {"kms_key_id": null}),
		resource("aws_sagemaker_endpoint_configuration", "ep", {"kms_key_id": null, "instance_types": ["ml.g5.xlarge"]}),
		resource("aws_sagemaker_notebook_instance", "keyed", {"kms_key_id": _key}),
	]}
	findings := deny with input as inp
	{f.resource: f.msg | some f in findings} == {
		"aws_sagemaker_notebook_instance.nb": "SageMaker notebook instance storage volumes use the AWS-managed key, not a customer-managed KMS key (kms_key_id not set)",
		"aws_sagemaker_endpoint_configuration.ep": "SageMaker endpoint configuration storage volumes use the AWS-managed key, not a customer-managed KMS key (kms_key_id not set)",
	}
}

test_unknown_key_is_reported if {
	inp := {"resources": [planned("aws_sagemaker_endpoint_configuration", "ep", {}, ["kms_key_id"])]}
	findings := deny with input as inp
	count(findings) == 1
	some f in findings
	f.unknown == true
	f.attribute == "kms_key_id"
}

test_other_types_with_kms_key_id_are_not_this_rules if {
	inp := {"resources": [
		resource("aws_s3_bucket", "b", {"kms_key_id": null}),
		resource("aws_sagemaker_domain", "d", {"kms_key_id": null}),
	]}
	count(deny) == 0 with input as inp
}

test_a_source_that_does_not_read_the_key_is_not_judged if {
	count(deny) == 0 with input as {"resources": [resource("aws_sagemaker_notebook_instance", "nb", {"instance_type": "ml.t3.medium"})]}
}
