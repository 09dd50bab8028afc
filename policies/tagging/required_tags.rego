# METADATA
# title: Resources must carry the required tags
# description: >-
#   Tags are how costs, owners, environments and data classifications are traced back to
#   people: an untagged GPU instance or bucket is nobody's to clean up. Checks every
#   resource type that has tags in the canonical model (the effective tags, provider
#   default_tags included) for each key in the required_tags setting. Keys are
#   case-sensitive and a key with an empty value counts as present, as in AWS. One
#   finding per resource, naming the missing keys. The setting is empty by default, so the rule is
#   silent until it is configured. Tags that are unknown until apply are reported as
#   unknown.
# custom:
#   id: DG-TAG-001
#   severity: medium
#   remediation: >-
#     Add the missing tags to the resource, or once for all resources of a provider through
#     its default_tags block; keep required_tags to the few keys that reports and cost
#     allocation actually use.
package driftguard.rules.tagging.required_tags

import data.driftguard.lib
import rego.v1

_required := {key | some key in data.driftguard.config.required_tags}

# This body runs for every resource: each expression costs about 2 us per resource in
# regorus, so it is kept to a set difference (a builtin) and the guard against a non-map.
deny contains lib.finding(r, msg) if {
	count(_required) > 0
	some resources in lib.resources
	some r in resources
	tags := r.attributes.tags
	is_object(tags)
	missing := _required - object.keys(tags)
	count(missing) > 0
	msg := sprintf("missing required tags: %s", [concat(", ", missing)])
}

deny contains lib.unknown_finding(r, "tags") if {
	count(_required) > 0
	some resources in lib.resources
	some r in resources
	"tags" in r.unknown
}
