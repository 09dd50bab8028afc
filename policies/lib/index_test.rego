package driftguard.index

import rego.v1

_a := {"key": "a", "attributes": {"instance_type": "t3.micro", "name": "a"}, "unknown": ["root_access"]}

_b := {"key": "b", "attributes": {"root_access": null}, "unknown": []}

test_indexes_set_null_and_unknown_attributes if {
	idx := with_attribute with input as {"resources": [_a, _b, {"key": "c"}]}
	idx == {"instance_type": {_a}, "root_access": {_a, _b}}
}

# (With nothing indexed the index is empty in OPA and undefined in regorus: test its keys.)
test_only_indexed_attributes if {
	inp := {"resources": [{"key": "x", "attributes": {"name": "x", "versioning": true}, "unknown": ["tags"]}]}
	not with_attribute.name with input as inp
	not with_attribute.versioning with input as inp
	not with_attribute.tags with input as inp
}
