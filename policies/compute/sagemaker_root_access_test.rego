package driftguard.rules.compute.sagemaker_root_access

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

test_warns_on_root_access if {
	inp := {"resources": [
		resource("aws_sagemaker_notebook_instance", "nb", {"root_access": true}),
		resource("aws_sagemaker_notebook_instance", "locked", {"root_access": false}),
	]}
	findings := warn with input as inp
	{f.resource: f.msg | some f in findings} == {"aws_sagemaker_notebook_instance.nb": "SageMaker notebook instance gives its users root access (root_access)"}
}

test_unknown_is_reported if {
	inp := {"resources": [planned("aws_sagemaker_notebook_instance", "nb", {}, ["root_access"])]}
	some f in warn with input as inp
	f.unknown == true
	f.attribute == "root_access"
}

test_other_types_ignored if {
	count(warn) == 0 with input as {"resources": [resource("aws_instance", "i", {"instance_type": "t3.micro"})]}
}
