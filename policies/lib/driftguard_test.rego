package driftguard.lib

import rego.v1

_r := {
	"key": "plan#aws_s3_bucket.b",
	"type": "aws_s3_bucket",
	"address": "aws_s3_bucket.b",
	"attributes": {"bucket": "b", "acl": null},
	"unknown": ["encrypted"],
}

test_finding_shape if {
	finding(_r, "m") == {"resource": "aws_s3_bucket.b", "key": "plan#aws_s3_bucket.b", "msg": "m"}
}

test_unknown_finding_shape if {
	unknown_finding(_r, "encrypted") == {
		"resource": "aws_s3_bucket.b",
		"key": "plan#aws_s3_bucket.b",
		"msg": "encrypted is unknown until apply",
		"unknown": true,
		"attribute": "encrypted",
	}
}

test_is_unknown if {
	is_unknown(_r, "encrypted")
	not is_unknown(_r, "bucket")
	not is_unknown(object.remove(_r, ["unknown"]), "encrypted")
}

test_attr_known_values if {
	attr(_r, "bucket") == "b"
	attr(_r, "acl") == null
	attr(_r, "versioning") == null
}

# Negate whole calls only: `not attr(r, x) == null` with attr undefined is true in regorus
# but undefined in OPA, which evaluates the call outside the negation.
test_attr_unknown_is_undefined if {
	not attr(_r, "encrypted")
	not is_unset(_r, "encrypted") # attr(...) == null
	not _attr_is_false(_r, "encrypted")
}

_attr_is_false(r, name) if attr(r, name) == false

test_resources_by_type if {
	vpc := {"type": "aws_vpc", "key": "v"}
	rs := resources with input as {"resources": [_r, vpc]}
	rs == {"aws_s3_bucket": {_r}, "aws_vpc": {vpc}}
}

test_is_unset if {
	is_unset(_r, "acl")
	is_unset(_r, "versioning")
	not is_unset(_r, "bucket")
	not is_unset(_r, "encrypted")
}

test_anywhere_cidrs if {
	"0.0.0.0/0" in anywhere_cidrs
	"::/0" in anywhere_cidrs
	not "10.0.0.0/8" in anywhere_cidrs
}

test_all_ports_described if {
	all_ports_described("-1") == "all protocols"
	all_ports_described("tcp") == "tcp 0-65535"
	all_ports_described("udp") == "udp 0-65535"
}

_lt := {
	"key": "plan#aws_launch_template.gpu",
	"type": "aws_launch_template",
	"address": "aws_launch_template.gpu",
	"attributes": {"instance_type": "g5.xlarge", "metadata_http_tokens": null, "name": "gpu"},
	"unknown": ["block_devices_encrypted"],
}

_asg(name, template_key) := {
	"key": sprintf("plan#aws_autoscaling_group.%s", [name]),
	"type": "aws_autoscaling_group",
	"address": sprintf("aws_autoscaling_group.%s", [name]),
	"attributes": {"instance_types": [], "launch_template_key": template_key},
	"unknown": [],
}

test_with_attribute_by_set_null_and_unknown_attributes if {
	a := _asg("a", _lt.key)
	idx := with_attribute with input as {"resources": [_r, _lt, a]}
	idx.instance_type == {_lt}
	idx.metadata_http_tokens == {_lt} # null: not set, but the type has it
	idx.block_devices_encrypted == {_lt} # unknown until apply
	idx.instance_types == {a}
	idx.launch_template_key == {a}
	not idx.name # not an indexed attribute
	not idx.versioning
}

test_with_attribute_skips_resources_without_attributes if {
	idx := with_attribute with input as {"resources": [{"type": "x", "key": "k"}, _lt]}
	idx.instance_type == {_lt}
}

test_launched_by_note_names_the_groups if {
	inp := {"resources": [_lt, _asg("b", _lt.key), _asg("a", _lt.key), _asg("other", "plan#x")]}
	launched_by_note(_lt) == " (launched by aws_autoscaling_group.a, aws_autoscaling_group.b)" with input as inp
	launched_by_note(_r) == "" with input as inp
}

test_launched_by_note_via_launch_configuration if {
	lc := object.union(_lt, {"key": "plan#aws_launch_configuration.c", "address": "aws_launch_configuration.c"})
	asg := object.union(_asg("g", null), {"attributes": {"launch_configuration_key": lc.key}})
	launched_by_note(lc) == " (launched by aws_autoscaling_group.g)" with input as {"resources": [lc, asg]}
}

test_few if {
	few({"b", "a"}) == "a, b"
	few({"c", "a", "b"}) == "a, b, c"
	few({"e", "d", "c", "b", "a"}) == "a, b, c and 2 more"
	few(set()) == ""
}

test_key_address if {
	eip := {"key": "envs/prod/plan.json#aws_eip.ip", "address": "aws_eip.ip"}
	key_address(eip, "envs/prod/plan.json#module.m.aws_instance.i[\"a#b\"]") == "module.m.aws_instance.i[\"a#b\"]"
	key_address(eip, "other.json#aws_instance.i") == "other.json#aws_instance.i"
}

test_noun if {
	noun("aws_instance") == "instance"
	noun("aws_launch_template") == "launch template"
	noun("aws_autoscaling_group") == "auto-scaling group"
	noun("aws_sagemaker_notebook_instance") == "SageMaker notebook instance"
	noun("aws_eks_node_group") == "EKS node group"
	noun("aws_eip") == "Elastic IP"
	noun("aws_batch_compute_environment") == "Batch compute environment"
	noun("aws_fsx_lustre_file_system") == "FSx for Lustre file system"
	noun("aws_elasticache_replication_group") == "ElastiCache replication group"
	noun("aws_rds_cluster_instance") == "RDS cluster instance"
	noun("aws_secretsmanager_secret") == "Secrets Manager secret"
	noun("aws_lambda_function") == "Lambda function"
	noun("aws_lb") == "load balancer"
	noun("aws_iam_role") == "IAM role"
	noun("AWS::EC2::Instance") == "AWS::EC2::Instance"
}

test_with_attribute_from_the_index_driftguard_sends if {
	a := _asg("a", _lt.key)
	inp := {"resources": [_r, _lt, a], "attribute_index": {"instance_type": [1], "launch_template_key": [2]}}
	idx := with_attribute with input as inp
	idx == {"instance_type": [_lt], "launch_template_key": [a]}
}

test_with_attribute_from_an_empty_index if {
	idx := with_attribute with input as {"resources": [_r], "attribute_index": {}}
	idx == {}
}

# --- policy documents, as catalog.convert.policy_document normalizes them -----------------

test_allows_anyone if {
	allows_anyone({"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["s3:GetObject"]})
	allows_anyone({"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Condition": {}})
	allows_anyone({"Effect": "Allow", "Principal": {"AWS": ["123456789012", "*"]}})
}

test_allows_anyone_not_when_narrowed_denied_or_named if {
	not allows_anyone({"Effect": "Deny", "Principal": {"AWS": ["*"]}})
	not allows_anyone({"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Condition": {"StringEquals": {"aws:PrincipalOrgID": ["o-1"]}}})
	not allows_anyone({"Effect": "Allow", "Principal": {"AWS": ["123456789012"]}})
	not allows_anyone({"Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com"]}})
	not allows_anyone({"Effect": "Allow", "Action": ["*"], "Resource": ["*"]}) # no principal
	not allows_anyone({"Effect": "Allow", "Principal": "weird"})
	not allows_anyone("not a statement")
}

test_customer_managed_key if {
	customer_managed_key("arn:aws:kms:eu-west-1:123456789012:key/1111-2222")
	customer_managed_key("alias/ml-data")
	not customer_managed_key(null)
	not customer_managed_key("alias/aws/dynamodb")
	not customer_managed_key("arn:aws:kms:eu-west-1:123456789012:alias/aws/fsx")
}

test_customer_managed_key_not_an_aws_managed_key_read_live if {
	aws_key := {
		"key": "live#arn:aws:kms:eu-west-1:123456789012:key/aaaa", "type": "aws_kms_key",
		"id": "aaaa", "address": "arn:aws:kms:eu-west-1:123456789012:key/aaaa",
		"source": "live", "attributes": {"key_manager": "AWS"}, "unknown": [],
	}
	ours := object.union(aws_key, {
		"id": "bbbb", "address": "arn:aws:kms:eu-west-1:123456789012:key/bbbb",
		"attributes": {"key_manager": "CUSTOMER"},
	})
	inp := {"resources": [aws_key, ours]}
	not customer_managed_key("arn:aws:kms:eu-west-1:123456789012:key/aaaa") with input as inp
	not customer_managed_key("aaaa") with input as inp
	customer_managed_key("arn:aws:kms:eu-west-1:123456789012:key/bbbb") with input as inp
	customer_managed_key("arn:aws:kms:eu-west-1:123456789012:key/aaaa") with input as {"resources": [ours]}
}
