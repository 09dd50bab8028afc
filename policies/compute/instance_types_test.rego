package driftguard.rules.compute.instance_types

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_config := {"allowed_instance_types": ["t3.*", "g5.*"], "admin_ports": [22], "required_tags": []}

_instance(name, type) := resource("aws_instance", name, {"instance_type": type})

test_fires_on_disallowed_type if {
	inp := {"resources": [_instance("big", "p4d.24xlarge")]}
	count(deny) == 1 with input as inp with data.driftguard.config as _config
	some f in deny with input as inp with data.driftguard.config as _config
	f.resource == "aws_instance.big"
	contains(f.msg, `"p4d.24xlarge"`)
}

test_silent_on_allowed_types if {
	inp := {"resources": [_instance("a", "t3.micro"), _instance("b", "g5.xlarge"), _instance("c", "g5.48xlarge")]}
	count(deny) == 0 with input as inp with data.driftguard.config as _config
}

test_pattern_is_not_a_prefix_match if {
	# "t3.*" allows the t3 family only: not t3a, not t3 without a size.
	inp := {"resources": [_instance("a", "t3a.large"), _instance("b", "t3"), _instance("c", "xt3.large")]}
	count(deny) == 3 with input as inp with data.driftguard.config as _config
}

test_star_crosses_dots if {
	cfg := object.union(_config, {"allowed_instance_types": ["t3*"]})
	inp := {"resources": [_instance("a", "t3.micro"), _instance("b", "t3a.large"), _instance("c", "m5.large")]}
	count(deny) == 1 with input as inp with data.driftguard.config as cfg
}

test_wildcards_anywhere_in_the_pattern if {
	cfg := object.union(_config, {"allowed_instance_types": ["*.metal", "c?.large"]})
	inp := {"resources": [
		_instance("a", "m5.metal"),
		_instance("b", "c5.large"),
		_instance("c", "c5a.large"),
		_instance("d", "c5.xlarge"),
	]}
	count(deny) == 2 with input as inp with data.driftguard.config as cfg
}

test_config_is_respected if {
	inp := {"resources": [_instance("a", "t3.micro"), _instance("b", "m5.large")]}
	count(deny) == 1 with input as inp with data.driftguard.config as _config
	count(deny) == 1 with input as inp with data.driftguard.config as {"allowed_instance_types": ["m5.*"]}
	count(deny) == 0 with input as inp with data.driftguard.config as {"allowed_instance_types": ["m5.*", "t3.micro"]}
	count(deny) == 2 with input as inp with data.driftguard.config as {"allowed_instance_types": []}
}

test_silent_without_setting if {
	inp := {"resources": [_instance("a", "p4d.24xlarge")]}
	count(deny) == 0 with input as inp with data.driftguard.config as {"admin_ports": [22]}
}

test_unknown_type_is_reported if {
	inp := {"resources": [planned("aws_instance", "new", {}, ["instance_type"])]}
	count(deny) == 1 with input as inp with data.driftguard.config as _config
	some f in deny with input as inp with data.driftguard.config as _config
	f.unknown == true
	f.attribute == "instance_type"
}

test_resources_without_an_instance_type_attribute_are_ignored if {
	inp := {"resources": [
		resource("aws_db_instance", "db", {"instance_class": "db.r5.large"}),
		resource("aws_vpc", "v", {"cidr_block": "10.0.0.0/16"}),
	]}
	count(deny) == 0 with input as inp with data.driftguard.config as _config
}

# --- every type that launches compute, by its canonical attributes -----------------------

test_any_type_with_instance_type_is_judged if {
	inp := {"resources": [
		resource("aws_launch_template", "lt", {"instance_type": "p4d.24xlarge"}),
		resource("aws_launch_configuration", "lc", {"instance_type": "g5.xlarge"}),
		resource("aws_future_thing", "f", {"instance_type": "x1e.32xlarge"}),
	]}
	findings := deny with input as inp with data.driftguard.config as _config
	{f.resource | some f in findings} == {"aws_launch_template.lt", "aws_future_thing.f"}
	some f in findings
	f.resource == "aws_launch_template.lt"
	f.msg == `launch template launches instance type "p4d.24xlarge", which matches none of allowed_instance_types`
}

test_instance_message_is_kept_and_others_do_not_print_the_list if {
	inp := {"resources": [_instance("i", "p4d.24xlarge"), resource("aws_launch_template", "lt", {"instance_type": "p4d.24xlarge"})]}
	msgs := {f.msg | some f in deny} with input as inp with data.driftguard.config as _config
	msgs == {
		`instance type "p4d.24xlarge" matches none of allowed_instance_types ["t3.*", "g5.*"]`,
		`launch template launches instance type "p4d.24xlarge", which matches none of allowed_instance_types`,
	}
}

test_null_instance_type_is_not_set_here if {
	inp := {"resources": [resource("aws_launch_template", "lt", {"instance_type": null})]}
	count(deny) == 0 with input as inp with data.driftguard.config as _config
}

test_instance_types_lists_are_judged_entry_by_entry if {
	inp := {"resources": [
		resource("aws_autoscaling_group", "gpu", {"instance_types": ["g5.xlarge", "p4d.24xlarge", "p5.48xlarge"]}),
		resource("aws_eks_node_group", "ok", {"instance_types": ["t3.large", "g5.2xlarge"]}),
		resource("aws_eks_node_group", "one", {"instance_types": ["m5.large"]}),
		resource("aws_batch_compute_environment", "empty", {"instance_types": []}),
	]}
	findings := deny with input as inp with data.driftguard.config as _config
	{f.resource: f.msg | some f in findings} == {
		"aws_autoscaling_group.gpu": `auto-scaling group launches instance types "p4d.24xlarge", "p5.48xlarge", which match none of allowed_instance_types`,
		"aws_eks_node_group.one": `EKS node group launches instance type "m5.large", which matches none of allowed_instance_types`,
	}
}

test_long_lists_are_cut_short if {
	bad := ["m5.large", "m5.xlarge", "m6i.large", "c5.large", "r5.large"]
	inp := {"resources": [resource("aws_autoscaling_group", "g", {"instance_types": bad})]}
	some f in deny with input as inp with data.driftguard.config as _config
	f.msg == `auto-scaling group launches instance types "c5.large", "m5.large", "m5.xlarge" and 2 more, which match none of allowed_instance_types`
}

test_sagemaker_types_without_their_ml_prefix if {
	inp := {"resources": [
		resource("aws_sagemaker_notebook_instance", "ok", {"instance_type": "ml.g5.xlarge"}),
		resource("aws_sagemaker_notebook_instance", "big", {"instance_type": "ml.p4d.24xlarge"}),
		resource("aws_sagemaker_endpoint_configuration", "ep", {"instance_types": ["ml.t3.medium", "ml.inf2.xlarge"]}),
	]}
	findings := deny with input as inp with data.driftguard.config as _config
	{f.resource: f.msg | some f in findings} == {
		"aws_sagemaker_notebook_instance.big": `SageMaker notebook instance launches instance type "ml.p4d.24xlarge", which matches none of allowed_instance_types`,
		"aws_sagemaker_endpoint_configuration.ep": `SageMaker endpoint configuration launches instance type "ml.inf2.xlarge", which matches none of allowed_instance_types`,
	}
}

test_a_pattern_with_the_ml_prefix_matches_too if {
	cfg := object.union(_config, {"allowed_instance_types": ["ml.p4d.*"]})
	inp := {"resources": [resource("aws_sagemaker_notebook_instance", "n", {"instance_type": "ml.p4d.24xlarge"})]}
	count(deny) == 0 with input as inp with data.driftguard.config as cfg
}

test_ec2_types_never_lose_a_prefix if {
	# only "ml." is SageMaker's; an EC2 instance type is judged as it is
	cfg := object.union(_config, {"allowed_instance_types": ["g5.*"]})
	inp := {"resources": [_instance("a", "ml.g5.xlarge")]}
	count(deny) == 0 with input as inp with data.driftguard.config as cfg
}

test_batch_bare_families_need_the_whole_family if {
	# a pattern for a few sizes does not allow the family; a wider one does
	sizes := object.union(_config, {"allowed_instance_types": ["m5.large", "m5.xlarge"]})
	wide := object.union(_config, {"allowed_instance_types": ["m*"]})
	m5 := {"resources": [resource("aws_batch_compute_environment", "m", {"instance_types": ["m5"]})]}
	count(deny) == 1 with input as m5 with data.driftguard.config as sizes
	count(deny) == 0 with input as m5 with data.driftguard.config as wide

	inp := {"resources": [
		resource("aws_batch_compute_environment", "ok", {"instance_types": ["g5", "t3.large"]}),
		resource("aws_batch_compute_environment", "bad", {"instance_types": ["m5", "p4d"]}),
	]}
	findings := deny with input as inp with data.driftguard.config as _config
	{f.resource: f.msg | some f in findings} == {"aws_batch_compute_environment.bad": `Batch compute environment launches instance types "m5", "p4d", which match none of allowed_instance_types`}
}

# (configs are built before the first `with`: regorus 0.13 leaves a later assignment
# undefined after `some x in deny with ...`)
test_batch_optimal_needs_every_family_it_may_pick if {
	families := ["c4.*", "m4.*", "r4.*", "c5.*", "m5.*", "r5.*", "m6i.*", "c6i.*", "r6i.*"]
	most := object.union(_config, {"allowed_instance_types": families})
	each := object.union(_config, {"allowed_instance_types": array.concat(families, ["c7i.*"])})
	inp := {"resources": [resource("aws_batch_compute_environment", "opt", {"instance_types": ["optimal"]})]}
	count(deny) == 1 with input as inp with data.driftguard.config as _config
	count(deny) == 1 with input as inp with data.driftguard.config as most
	count(deny) == 0 with input as inp with data.driftguard.config as each
	some f in deny with input as inp with data.driftguard.config as _config
	f.msg == `Batch compute environment launches instance type "optimal", which matches none of allowed_instance_types`
}

test_batch_default_aliases if {
	x86 := {"resources": [resource("aws_batch_compute_environment", "x", {"instance_types": ["default_x86_64"]})]}
	arm := {"resources": [resource("aws_batch_compute_environment", "a", {"instance_types": ["default_arm64"]})]}
	cfg := object.union(_config, {"allowed_instance_types": ["m6i.*", "c6i.*", "r6i.*", "c7i.*"]})
	count(deny) == 0 with input as x86 with data.driftguard.config as cfg
	count(deny) == 1 with input as arm with data.driftguard.config as cfg
	graviton := object.union(_config, {"allowed_instance_types": ["*g.*"]})
	count(deny) == 0 with input as arm with data.driftguard.config as graviton
}

test_a_bare_family_as_an_instance_type_is_not_a_family if {
	# Only lists (Batch) name families; an instance's "t3" is no instance type.
	inp := {"resources": [resource("aws_launch_template", "lt", {"instance_type": "t3"})]}
	count(deny) == 1 with input as inp with data.driftguard.config as _config
}

test_unknown_instance_types_are_reported if {
	inp := {"resources": [
		planned("aws_autoscaling_group", "g", {}, ["instance_types"]),
		planned("aws_launch_template", "lt", {"instance_types": []}, ["instance_type"]),
	]}
	findings := deny with input as inp with data.driftguard.config as _config
	{[f.resource, f.attribute] | some f in findings; f.unknown} == {
		["aws_autoscaling_group.g", "instance_types"],
		["aws_launch_template.lt", "instance_type"],
	}
	count(findings) == 2
}

test_list_rules_are_silent_without_setting if {
	inp := {"resources": [resource("aws_batch_compute_environment", "b", {"instance_types": ["optimal", "p5.48xlarge"]})]}
	count(deny) == 0 with input as inp with data.driftguard.config as {"admin_ports": [22]}
}

test_a_template_names_the_groups_that_launch_it if {
	lt := resource("aws_launch_template", "gpu", {"instance_type": "p5.48xlarge"})
	asg := resource("aws_autoscaling_group", "train", {"instance_types": [], "launch_template_key": lt.key})
	findings := deny with input as {"resources": [lt, asg]} with data.driftguard.config as _config
	count(findings) == 1
	some f in findings
	f.resource == "aws_launch_template.gpu"
	f.msg == `launch template launches instance type "p5.48xlarge", which matches none of allowed_instance_types (launched by aws_autoscaling_group.train)`
}
