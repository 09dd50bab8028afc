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

test_attr_unknown_is_undefined if {
	not attr(_r, "encrypted")
	not attr(_r, "encrypted") == null
	not attr(_r, "encrypted") == false
}

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
