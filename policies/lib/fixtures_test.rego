# Test-only helpers that build canonical resources (docs/canonical-model.md).
# A *_test.rego file, so it is loaded with the tests and never with the rules.
package driftguard.test.fixtures

import rego.v1

# A planned resource named "<type>.<name>" with the given attributes, nothing unknown.
resource(type, name, attributes) := {
	"key": sprintf("plan#%s.%s", [type, name]),
	"type": type,
	"id": null,
	"address": sprintf("%s.%s", [type, name]),
	"source": "plan",
	"action": "create",
	"account": null,
	"region": null,
	"attributes": attributes,
	"unknown": [],
}

# The same, with `unknown` attributes (leave them out of `attributes`, as the model does).
planned(type, name, attributes, unknown) := object.union(
	resource(type, name, attributes),
	{"unknown": unknown},
)
