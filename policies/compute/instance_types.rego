# METADATA
# title: EC2 instances must use an allowed instance type
# description: >-
#   Keeps EC2 instances to the instance types the organisation has approved (cost,
#   capacity reservations, supported architectures). The approved list is the
#   allowed_instance_types setting: glob patterns such as "t3.*" or "g5.*", where "*"
#   matches any run of characters (dots included) and "?" a single character. An
#   instance type that is unknown until apply is reported as unknown.
# custom:
#   id: DG-CMP-001
#   severity: medium
#   remediation: >-
#     Change instance_type to a type that matches allowed_instance_types, or add the
#     type's pattern to allowed_instance_types in the driftguard config after review.
package driftguard.rules.compute.instance_types

import data.driftguard.lib
import rego.v1

deny contains lib.finding(r, msg) if {
	patterns := data.driftguard.config.allowed_instance_types

	# glob.match once per distinct type, not once per instance
	instances := lib.resources["aws_instance"]
	types := {t | some x in instances; t := x.attributes.instance_type; is_string(t)}
	disallowed := {t | some t in types; not _allowed(t, patterns)}

	some r in instances
	type := r.attributes.instance_type
	type in disallowed
	msg := sprintf("instance type %q matches none of allowed_instance_types %v", [type, patterns])
}

deny contains lib.unknown_finding(r, "instance_type") if {
	some r in lib.resources["aws_instance"]
	"instance_type" in r.unknown
}

# null delimiters: "*" also crosses ".", the same in regorus and OPA.
_allowed(type, patterns) if {
	some pattern in patterns
	glob.match(pattern, null, type)
}
