# Shared helpers for driftguard rules. Not a rule package: it emits no findings.
#
# Input contract: docs/canonical-model.md. An attribute unknown until apply is absent from
# `attributes` and named in `unknown`; a present `null` means "not set".
package driftguard.lib

import rego.v1

# The input resources grouped by Terraform type: `some r in lib.resources["aws_s3_bucket"]`.
# (Scanning the whole list in every rule body costs about 8 ms per 10,000 resources each
# time in regorus.) driftguard sends the grouping with the input (input.type_index: each
# type's positions in input.resources); an input without one is grouped by
# data.driftguard.index (a set per type, which costs 30 ms per 10,000 resources in
# regorus: it hashes each resource whole).
resources := {type: [input.resources[i] | some i in positions] |
	some type, positions in input.type_index
} if {
	input.type_index
} else := data.driftguard.index.resources

# The canonical attributes that rules select resources by, whatever their type
# (docs/canonical-model.md, "Attributes that rules read"): a type is covered by a rule as
# soon as it has the attribute, with no rule edit.
indexed_attributes := {
	"instance_type",
	"instance_types",
	"metadata_http_tokens",
	"associate_public_ip_address",
	"subnet_map_public_ip_on_launch",
	"subnets_map_public_ip_on_launch",
	"root_volume_encrypted",
	"block_devices_encrypted",
	"endpoint_public_access",
	"secrets_encrypted",
	"direct_internet_access",
	"root_access",
	"launch_template_key",
	"launch_configuration_key",
	"encrypted",
	"encrypted_in_transit",
	"publicly_accessible",
	"authorization_type",
	"internet_facing",
	"assume_role_policy",
}

# The input resources that have attribute `name` (set, null, or unknown until apply), for
# each name in indexed_attributes: `some r in lib.with_attribute["instance_type"]`.
# driftguard sends the index with the input (input.attribute_index: each name's positions
# in input.resources, a few ms per 10,000 resources in Python); an input without one
# (a Rego unit test, your own OPA query) is indexed by data.driftguard.index, about 35 ms
# per 10,000 resources in regorus: object.keys per resource. That fallback lives outside
# this package on purpose: regorus evaluates all of data.driftguard.lib, sub-packages
# included, for every rule module that imports it, so a fallback here would always run.
# A name outside indexed_attributes is not indexed: policy loading refuses a rule that
# selects by it (add it above).
with_attribute := {name: [input.resources[i] | some i in positions] |
	some name, positions in input.attribute_index
} if {
	input.attribute_index
} else := data.driftguard.index.with_attribute

# The addresses of the groups (auto-scaling groups, ...) that launch a launch template or
# configuration, by the template's key: the resources whose launch_template_key or
# launch_configuration_key names it.
launched_by[key] contains r.address if {
	some r in with_attribute["launch_template_key"]
	key := r.attributes.launch_template_key
	is_string(key)
}

launched_by[key] contains r.address if {
	some r in with_attribute["launch_configuration_key"]
	key := r.attributes.launch_configuration_key
	is_string(key)
}

# ` (launched by aws_autoscaling_group.gpu)` for a resource that groups in the input
# launch, else "": a template's finding names the template (what a user edits) and says
# which groups it reaches. Call it for findings only, not for every resource.
launched_by_note(r) := sprintf(" (launched by %s)", [few(launched_by[r.key])]) if {
	launched_by[r.key]
} else := ""

# Up to three of a set's strings, sorted, then how many more: `a, b, c and 2 more`.
few(items) := concat(", ", names) if {
	names := sort(items)
	count(names) <= 3
} else := sprintf("%s and %d more", [concat(", ", array.slice(sort(items), 0, 3)), count(items) - 3])

# The address that a link's key (origin#address, from a link to KEY) names: the part after
# r's own origin, as every link target shares its source's origin; else the key whole.
key_address(r, key) := substring(key, count(origin), -1) if {
	origin := substring(r.key, 0, count(r.key) - count(r.address))
	startswith(key, origin)
} else := key

# How a message names a resource type: aws_launch_template -> "launch template",
# aws_sagemaker_notebook_instance -> "SageMaker notebook instance". For messages only.
noun(type) := concat(" ", [object.get(_words, w, w) | some w in split(trim_prefix(type, "aws_"), "_")])

# A policy statement by its Sid, else its position (1 for the first). The field is read
# with object.get: OPA evaluates a call on a missing field (`not is_string(s.Sid)`)
# outside the negation, undefined where regorus says true.
statement_name(s, _) := sprintf("%q", [s.Sid]) if is_string(object.get(s, "Sid", null))

statement_name(s, i) := sprintf("%d", [i + 1]) if not is_string(object.get(s, "Sid", null))

_words := {
	"autoscaling": "auto-scaling",
	"batch": "Batch",
	"cloudtrail": "CloudTrail",
	"cloudwatch": "CloudWatch",
	"db": "DB",
	"dynamodb": "DynamoDB",
	"ebs": "EBS",
	"ecr": "ECR",
	"efs": "EFS",
	"eip": "Elastic IP",
	"eks": "EKS",
	"elasticache": "ElastiCache",
	"fsx": "FSx",
	"iam": "IAM",
	"kms": "KMS",
	"lambda": "Lambda",
	"lb": "load balancer",
	"lustre": "for Lustre",
	"rds": "RDS",
	"s3": "S3",
	"sagemaker": "SageMaker",
	"secretsmanager": "Secrets Manager",
	"sns": "SNS",
	"sqs": "SQS",
	"vpc": "VPC",
}

# True when attribute `name` is unknown until apply (listed in r.unknown).
# In a rule body that runs once per resource, write the test inline instead,
# `"encrypted" in r.unknown`, and likewise `object.get(r.attributes, "x", null)` for attr:
# regorus spends about 2-3 us on each function call, several times the cost of the test
# itself, and that adds up to tens of milliseconds per rule over 10,000 resources.
is_unknown(r, name) if name in r.unknown

# The known value of a canonical attribute: null when not set or absent, and *undefined*
# when unknown, so that an unknown value never reads as null, false or true.
# (A plain `r.attributes.x == false` is also safe: an unknown attribute is absent.)
# Negate a call whole, `not is_unset(r, "x")`, never `not attr(r, "x") == null`: with the
# call undefined that is true in regorus but undefined in OPA (it evaluates the call
# outside the negation), and rules rely only on what both engines share.
attr(r, name) := object.get(object.get(r, "attributes", {}), name, null) if {
	not is_unknown(r, name)
}

# True when the attribute is known and not set (null or absent, but not unknown).
is_unset(r, name) if attr(r, name) == null

finding(r, msg) := {"resource": r.address, "key": r.key, "msg": msg}

unknown_finding(r, attribute) := object.union(
	finding(r, sprintf("%s is unknown until apply", [attribute])),
	{"unknown": true, "attribute": attribute},
)

# Security group rules (docs/canonical-model.md): {protocol, from_port, to_port, cidrs}.

# The CIDRs that mean "any address". The model writes every CIDR canonical
# (catalog/convert.py, cidr): any range with prefix length 0 (192.168.1.0/0, 0::/0) is one
# of these two.
anywhere_cidrs := {"0.0.0.0/0", "::/0"}

# A rule covers every port when from_port is 0 and to_port 65535 (the model gives protocol
# "-1" those ports). Test that inline, before calling anything: in regorus a function call
# per rule costs more than the comparisons. This names such a rule in a message.
all_ports_described(protocol) := "all protocols" if protocol == "-1"

all_ports_described(protocol) := sprintf("%s 0-65535", [protocol]) if protocol != "-1"

# Policy documents (IAM, trust and resource policies) as the model holds them, parsed and
# normalized (catalog.convert.policy_document): Statement a list; Action, NotAction,
# Resource and NotResource sorted lists; Principal "*" as {"AWS": ["*"]}.

# An Allow statement for every principal ("*") that no condition narrows. A statement with
# a Condition is left to review: the condition decides who (aws:PrincipalOrgID,
# aws:SourceArn, ...).
allows_anyone(statement) if {
	statement.Effect == "Allow"
	"*" in statement.Principal.AWS
	count(object.get(statement, "Condition", {})) == 0
}

# A customer-managed KMS key, as rules read kms_key_id: not null, and not an alias or
# alias ARN of an AWS-managed key (alias/aws/...), nor a key that a live scan read as
# AWS's own (aws_kms_key key_manager AWS, when in the input: a state and a live resource
# may name the AWS-managed key they were given by its key ARN).
customer_managed_key(key) if {
	is_string(key)
	not startswith(key, "alias/aws/")
	not contains(key, ":alias/aws/")
	not key in aws_managed_keys
}

# True when kms_key_id is unknown until apply and names no KMS key or alias that the same
# input declares (the kms_key_manager link, CUSTOMER for one: a key or alias that the code
# creates is customer-managed by definition). Then, and only then, the key is unknown.
key_unknown(r) if {
	"kms_key_id" in r.unknown
	object.get(r.attributes, "kms_key_manager", null) != "CUSTOMER"
}

# The ids and ARNs of the AWS-managed KMS keys in the input (a live scan reads them).
aws_managed_keys contains key if {
	some k in resources.aws_kms_key
	k.attributes.key_manager == "AWS"
	some key in [k.id, k.address]
	is_string(key)
}
