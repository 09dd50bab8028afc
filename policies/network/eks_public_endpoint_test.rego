package driftguard.rules.network.eks_public_endpoint

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_cluster(name, public, cidrs) := resource("aws_eks_cluster", name, {
	"endpoint_public_access": public,
	"public_access_cidrs": cidrs,
	"secrets_encrypted": true,
})

test_fires_on_a_public_endpoint_open_to_everyone if {
	inp := {"resources": [_cluster("c", true, ["0.0.0.0/0"])]}
	findings := deny with input as inp
	{f.resource: f.msg | some f in findings} == {"aws_eks_cluster.c": "EKS cluster API endpoint is public to 0.0.0.0/0 (endpoint_public_access = true, public_access_cidrs)"}
}

test_unset_cidrs_mean_everyone if {
	inp := {"resources": [_cluster("c", true, null), resource("aws_eks_cluster", "d", {"endpoint_public_access": true})]}
	count(deny) == 2 with input as inp
}

test_silent_when_private_or_restricted if {
	inp := {"resources": [
		_cluster("private", false, ["0.0.0.0/0"]),
		_cluster("office", true, ["203.0.113.0/24", "198.51.100.7/32"]),
	]}
	count(deny) == 0 with input as inp
}

test_ipv6_anywhere_too if {
	inp := {"resources": [_cluster("c", true, ["10.0.0.0/8", "::/0"])]}
	some f in deny with input as inp
	contains(f.msg, "public to ::/0")
}

test_unknown_values_are_reported_where_they_decide if {
	inp := {"resources": [
		planned("aws_eks_cluster", "a", {"public_access_cidrs": ["0.0.0.0/0"]}, ["endpoint_public_access"]),
		planned("aws_eks_cluster", "b", {"endpoint_public_access": true}, ["public_access_cidrs"]),
		planned("aws_eks_cluster", "c", {"endpoint_public_access": false}, ["public_access_cidrs"]),
	]}
	findings := deny with input as inp
	{[f.resource, f.attribute] | some f in findings} == {
		["aws_eks_cluster.a", "endpoint_public_access"],
		["aws_eks_cluster.b", "public_access_cidrs"],
	}
	every f in findings { f.unknown }
}

test_other_types_ignored if {
	inp := {"resources": [resource("aws_eks_node_group", "n", {"instance_types": ["t3.large"]})]}
	count(deny) == 0 with input as inp
}
