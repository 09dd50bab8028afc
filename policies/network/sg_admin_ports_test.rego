package driftguard.rules.network.sg_admin_ports

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_config := {"allowed_instance_types": [], "admin_ports": [22, 3389], "required_tags": []}

_rule(protocol, from, to, cidrs) := {"protocol": protocol, "from_port": from, "to_port": to, "cidrs": cidrs}

_sg(name, ingress) := resource("aws_security_group", name, {"name": name, "ingress": ingress, "egress": []})

_deny(resources) := findings if {
	findings := deny with input as {"resources": resources} with data.driftguard.config as _config
}

test_fires_on_ssh_from_anywhere if {
	findings := _deny([_sg("ssh", [_rule("tcp", 22, 22, ["0.0.0.0/0"])])])
	count(findings) == 1
	some f in findings
	f.resource == "aws_security_group.ssh"
	f.msg == "admin port 22 is open to 0.0.0.0/0 (ingress tcp 22)"
}

test_fires_on_ipv6_anywhere if {
	findings := _deny([_sg("rdp", [_rule("tcp", 3389, 3389, ["10.0.0.0/8", "::/0"])])])
	count(findings) == 1
	some f in findings
	contains(f.msg, "3389")
	contains(f.msg, "::/0")
}

test_range_covering_admin_ports if {
	findings := _deny([_sg("wide", [_rule("tcp", 0, 65535, ["0.0.0.0/0"])])])
	count(findings) == 2
	some f in findings
	f.msg == "admin port 3389 is open to 0.0.0.0/0 (ingress tcp 0-65535)"
}

test_all_protocols_covers_every_port if {
	count(_deny([_sg("all", [_rule("-1", 0, 0, ["0.0.0.0/0", "::/0"])])])) == 4
}

test_one_finding_per_port_and_cidr if {
	sg := _sg("dup", [
		_rule("tcp", 22, 22, ["0.0.0.0/0"]),
		_rule("tcp", 20, 25, ["0.0.0.0/0"]),
	])
	count(_deny([sg])) == 2
}

test_silent_on_safe_groups if {
	count(_deny([
		_sg("private_ssh", [_rule("tcp", 22, 22, ["10.0.0.0/8"])]),
		_sg("public_https", [_rule("tcp", 443, 443, ["0.0.0.0/0", "::/0"])]),
		_sg("range_below", [_rule("tcp", 0, 21, ["0.0.0.0/0"])]),
		_sg("range_between", [_rule("tcp", 23, 3388, ["0.0.0.0/0"])]),
		_sg("udp", [_rule("udp", 0, 65535, ["0.0.0.0/0"])]),
		_sg("icmp", [_rule("icmp", -1, -1, ["0.0.0.0/0"])]),
		_sg("no_ingress", []),
		resource("aws_security_group", "null_ingress", {"ingress": null}),
		_sg("null_cidrs", [_rule("tcp", 22, 22, null)]),
	])) == 0
}

test_egress_ignored if {
	sg := resource("aws_security_group", "e", {"ingress": [], "egress": [_rule("-1", 0, 65535, ["0.0.0.0/0"])]})
	count(_deny([sg])) == 0
}

test_config_is_respected if {
	inp := {"resources": [_sg("web", [_rule("tcp", 5432, 5432, ["0.0.0.0/0"])])]}
	count(deny) == 0 with input as inp with data.driftguard.config as _config
	count(deny) == 1 with input as inp with data.driftguard.config as {"admin_ports": [22, 5432]}
	count(deny) == 0 with input as inp with data.driftguard.config as {"admin_ports": []}
	count(deny) == 0 with input as inp with data.driftguard.config as {"allowed_instance_types": []}
}

test_unknown_ingress_is_reported if {
	findings := _deny([planned("aws_security_group", "new", {"name": "new", "egress": []}, ["ingress"])])
	count(findings) == 1
	some f in findings
	f.unknown == true
	f.attribute == "ingress"
}

test_other_types_ignored if {
	count(_deny([
		resource("aws_security_group_rule", "r", {"ingress": [_rule("tcp", 22, 22, ["0.0.0.0/0"])]}),
		resource("aws_network_acl", "n", {"ingress": [_rule("-1", 0, 65535, ["0.0.0.0/0"])]}),
		planned("aws_vpc", "v", {}, ["ingress"]),
	])) == 0
}
