# Shared helpers for driftguard rules. Not a rule package: it emits no findings.
#
# Input contract: docs/canonical-model.md. An attribute unknown until apply is absent from
# `attributes` and named in `unknown`; a present `null` means "not set".
package driftguard.lib

import rego.v1

# The input resources grouped by Terraform type, built in one pass over input.resources:
# `some r in lib.resources["aws_s3_bucket"]`. (Scanning the whole list in every rule body
# costs about 8 ms per 10,000 resources each time in regorus.)
resources[type] contains r if {
	some r in input.resources
	type := r.type
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

# The CIDRs that mean "any address".
anywhere_cidrs := {"0.0.0.0/0", "::/0"}

# A rule covers every port when from_port is 0 and to_port 65535 (the model gives protocol
# "-1" those ports). Test that inline, before calling anything: in regorus a function call
# per rule costs more than the comparisons. This names such a rule in a message.
all_ports_described(protocol) := "all protocols" if protocol == "-1"

all_ports_described(protocol) := sprintf("%s 0-65535", [protocol]) if protocol != "-1"
