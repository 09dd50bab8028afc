package driftguard.rules.network.sagemaker_internet_access

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

test_notebooks_and_domains_with_direct_internet_access if {
	inp := {"resources": [
		resource("aws_sagemaker_notebook_instance", "nb", {"direct_internet_access": true, "root_access": false}),
		resource("aws_sagemaker_domain", "studio", {"direct_internet_access": true}),
		resource("aws_sagemaker_notebook_instance", "vpc_only", {"direct_internet_access": false}),
	]}
	findings := deny with input as inp
	{f.resource: f.msg | some f in findings} == {
		"aws_sagemaker_notebook_instance.nb": "SageMaker notebook instance has direct internet access, outside the VPC's controls (direct_internet_access)",
		"aws_sagemaker_domain.studio": "SageMaker domain has direct internet access, outside the VPC's controls (direct_internet_access)",
	}
}

test_unknown_is_reported if {
	inp := {"resources": [planned("aws_sagemaker_notebook_instance", "nb", {}, ["direct_internet_access"])]}
	some f in deny with input as inp
	f.unknown == true
	f.attribute == "direct_internet_access"
}

test_other_types_ignored if {
	inp := {"resources": [resource("aws_instance", "i", {"associate_public_ip_address": true})]}
	count(deny) == 0 with input as inp
}
