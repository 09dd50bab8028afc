# The indexes of data.driftguard.lib.with_attribute and lib.resources, built in Rego for an
# input that comes without input.attribute_index and input.type_index (driftguard sends
# them). Not under driftguard.lib: see the comment on lib.with_attribute.
package driftguard.index

import rego.v1

# One pass over input.resources for the set attributes, one over their unknown lists.
with_attribute[name] contains r if {
	some r in input.resources
	names := object.keys(r.attributes) & data.driftguard.lib.indexed_attributes
	some name in names
}

with_attribute[name] contains r if {
	some r in input.resources
	some name in r.unknown
	name in data.driftguard.lib.indexed_attributes
}

# One pass over input.resources, by type.
resources[type] contains r if {
	some r in input.resources
	type := r.type
}
