# METADATA
# title: Compute must use an allowed instance type
# description: >-
#   Keeps everything that launches compute to the instance types the organisation has
#   approved (cost, capacity reservations, supported architectures): every resource with
#   an instance_type (EC2 instances, launch templates and configurations, SageMaker
#   notebooks) or instance_types (auto-scaling group overrides, EKS node groups, Batch
#   compute environments, SageMaker endpoint variants). The approved list is the
#   allowed_instance_types setting: glob patterns such as "t3.*" or "g5.*", where "*"
#   matches any run of characters (dots included) and "?" a single character. SageMaker's
#   types are judged without their "ml." prefix (ml.g5.xlarge as g5.xlarge; a pattern
#   with the prefix matches too). A bare family (Batch's "m5") passes only where a pattern
#   allows every size of it ("m5.*" or wider), and Batch's optimal, default_x86_64 and
#   default_arm64 only where every family AWS may pick for them does (optimal: c4, m4,
#   r4, c5, m5, r5, and since November 2025 m6i, c6i, r6i, c7i). A launch template's
#   finding names the groups that launch it. An instance type that is unknown until
#   apply is reported as unknown, never passed.
# custom:
#   id: DG-CMP-001
#   severity: medium
#   remediation: >-
#     Change the instance type (or the override, node group or variant list) to types
#     that match allowed_instance_types, or add the type's pattern to
#     allowed_instance_types in the driftguard config after review.
package driftguard.rules.compute.instance_types

import data.driftguard.lib
import rego.v1

# Every instance type named anywhere in the input, judged once each (glob.match per
# distinct type, not per resource). Families and Batch's aliases are list entries only.
_single contains t if {
	some r in lib.with_attribute["instance_type"]
	t := r.attributes.instance_type
	is_string(t)
}

_listed contains t if {
	some r in lib.with_attribute["instance_types"]
	types := r.attributes.instance_types
	is_array(types)
	some t in types
	is_string(t)
}

# Silent without the setting (unknown values are still reported).
_disallowed_single := {t | some t in _single; not _matches(t)} if {
	is_array(data.driftguard.config.allowed_instance_types)
}

_disallowed_listed := {t | some t in _listed; not _allowed(t)} if {
	is_array(data.driftguard.config.allowed_instance_types)
}

# An EC2 instance keeps the message it always had (reports and tests compare it).
deny contains lib.finding(r, msg) if {
	patterns := data.driftguard.config.allowed_instance_types
	some r in lib.with_attribute["instance_type"]
	type := r.attributes.instance_type
	type in _disallowed_single
	r.type == "aws_instance"
	msg := sprintf("instance type %q matches none of allowed_instance_types %v", [type, patterns])
}

deny contains lib.finding(r, msg) if {
	some r in lib.with_attribute["instance_type"]
	type := r.attributes.instance_type
	type in _disallowed_single
	r.type != "aws_instance"
	msg := sprintf("%s launches instance type %q, which matches none of allowed_instance_types%s", [
		lib.noun(r.type), type, lib.launched_by_note(r),
	])
}

deny contains lib.finding(r, msg) if {
	some r in lib.with_attribute["instance_types"]
	types := r.attributes.instance_types
	is_array(types)
	bad := {t | some t in types; t in _disallowed_listed}
	count(bad) > 0
	msg := sprintf("%s launches instance %s, which %s none of allowed_instance_types", [
		lib.noun(r.type), _types_phrase(bad), _verb(bad),
	])
}

deny contains lib.unknown_finding(r, "instance_type") if {
	some r in lib.with_attribute["instance_type"]
	"instance_type" in r.unknown
}

deny contains lib.unknown_finding(r, "instance_types") if {
	some r in lib.with_attribute["instance_types"]
	"instance_types" in r.unknown
}

_types_phrase(bad) := sprintf("type %q", [t]) if {
	count(bad) == 1
	some t in bad
}

_types_phrase(bad) := sprintf("types %s", [lib.few({sprintf("%q", [t]) | some t in bad})]) if {
	count(bad) > 1
}

_verb(bad) := "matches" if count(bad) == 1

_verb(bad) := "match" if count(bad) > 1

# Families that AWS Batch may pick for its instance type aliases (AWS Batch API,
# ComputeResource.instanceTypes).
_batch_aliases := {
	"optimal": {"c4", "m4", "r4", "c5", "m5", "r5", "m6i", "c6i", "r6i", "c7i"},
	"default_x86_64": {"m6i", "c6i", "r6i", "c7i"},
	"default_arm64": {"m6g", "c6g", "r6g", "c7g"},
}

# A list entry: an instance type, a bare family, or one of Batch's aliases.
_allowed(type) if {
	not type in object.keys(_batch_aliases)
	contains(type, ".")
	_matches(type)
}

# A bare family: allowed when a pattern allows the family's every size.
_allowed(type) if {
	not type in object.keys(_batch_aliases)
	not contains(type, ".")
	_family_allowed(type)
}

_allowed(type) if {
	families := _batch_aliases[type]
	every family in families {
		_family_allowed(family)
	}
}

# "FAMILY.*" itself matches a pattern that allows every size of FAMILY ("m5.*", "m*").
_family_allowed(family) if _matches(concat("", [family, ".*"]))

# null delimiters: "*" also crosses ".", the same in regorus and OPA. SageMaker's
# "ml." prefix is dropped (a pattern that keeps it matches too).
_matches(type) if {
	some pattern in data.driftguard.config.allowed_instance_types
	glob.match(pattern, null, trim_prefix(type, "ml."))
}

_matches(type) if {
	startswith(type, "ml.")
	some pattern in data.driftguard.config.allowed_instance_types
	glob.match(pattern, null, type)
}
