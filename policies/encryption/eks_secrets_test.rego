package driftguard.rules.encryption.eks_secrets

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

test_fires_without_secrets_encryption if {
	inp := {"resources": [resource("aws_eks_cluster", "c", {"secrets_encrypted": false, "endpoint_public_access": false})]}
	findings := deny with input as inp
	{f.resource: f.msg | some f in findings} == {"aws_eks_cluster.c": "EKS cluster does not encrypt Kubernetes secrets with a KMS key (no encryption_config for secrets)"}
}

test_silent_with_secrets_encryption if {
	count(deny) == 0 with input as {"resources": [resource("aws_eks_cluster", "c", {"secrets_encrypted": true})]}
}

test_unknown_is_reported if {
	inp := {"resources": [planned("aws_eks_cluster", "c", {}, ["secrets_encrypted"])]}
	some f in deny with input as inp
	f.unknown == true
	f.attribute == "secrets_encrypted"
}

test_other_types_ignored if {
	inp := {"resources": [
		resource("aws_eks_node_group", "n", {"instance_types": []}),
		resource("aws_ebs_volume", "v", {"encrypted": false}),
	]}
	count(deny) == 0 with input as inp
}
