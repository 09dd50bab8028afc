package driftguard.rules.network.sg_all_ports_ingress

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_rule(protocol, from, to, cidrs) := {"protocol": protocol, "from_port": from, "to_port": to, "cidrs": cidrs}

_sg(name, ingress) := resource("aws_security_group", name, {"name": name, "ingress": ingress, "egress": []})

_deny(resources) := findings if {
	findings := deny with input as {"resources": resources}
}

test_fires_on_all_protocols_from_anywhere if {
	findings := _deny([_sg("open", [_rule("-1", 0, 65535, ["0.0.0.0/0"])])])
	count(findings) == 1
	some f in findings
	f.resource == "aws_security_group.open"
	f.key == "plan#aws_security_group.open"
	f.msg == "all ports are open to 0.0.0.0/0 (ingress all protocols)"
	not f.unknown
}

test_fires_on_every_tcp_or_udp_port if {
	findings := _deny([_sg("wide", [
		_rule("tcp", 0, 65535, ["0.0.0.0/0"]),
		_rule("udp", 0, 65535, ["::/0"]),
	])])
	count(findings) == 2
	some f in findings
	f.msg == "all ports are open to ::/0 (ingress udp 0-65535)"
}

test_one_finding_per_rule_and_cidr if {
	count(_deny([_sg("both", [_rule("-1", 0, 65535, ["0.0.0.0/0", "10.0.0.0/8", "::/0"])])])) == 2
}

test_one_finding_per_group if {
	count(_deny([
		_sg("a", [_rule("-1", 0, 65535, ["0.0.0.0/0"])]),
		_sg("b", [_rule("tcp", 443, 443, ["0.0.0.0/0"])]),
		_sg("c", [_rule("-1", 0, 65535, ["0.0.0.0/0"])]),
	])) == 2
}

test_silent_on_narrower_rules if {
	count(_deny([
		_sg("https", [_rule("tcp", 443, 443, ["0.0.0.0/0", "::/0"])]),
		_sg("high_ports", [_rule("tcp", 1024, 65535, ["0.0.0.0/0"])]),
		_sg("almost_all", [_rule("tcp", 0, 65534, ["0.0.0.0/0"])]),
		_sg("icmp", [_rule("icmp", -1, -1, ["0.0.0.0/0"])]),
		_sg("private_all", [_rule("-1", 0, 65535, ["10.0.0.0/8", "fd00::/8"])]),
		_sg("no_ingress", []),
		resource("aws_security_group", "null_ingress", {"ingress": null}),
		_sg("null_cidrs", [_rule("-1", 0, 65535, null)]),
		_sg("null_ports", [_rule("tcp", null, null, ["0.0.0.0/0"])]),
	])) == 0
}

test_egress_ignored if {
	sg := resource("aws_security_group", "e", {"ingress": [], "egress": [_rule("-1", 0, 65535, ["0.0.0.0/0"])]})
	count(_deny([sg])) == 0
}

test_unknown_ingress_is_reported if {
	findings := _deny([planned("aws_security_group", "new", {"name": "new", "egress": []}, ["ingress"])])
	count(findings) == 1
	some f in findings
	f.unknown == true
	f.attribute == "ingress"
}

test_settings_do_not_matter if {
	inp := {"resources": [_sg("open", [_rule("-1", 0, 65535, ["0.0.0.0/0"])])]}
	count(deny) == 1 with input as inp with data.driftguard.config as {}
	count(deny) == 1 with input as inp with data.driftguard.config as {"admin_ports": []}
}

test_other_types_ignored if {
	count(_deny([
		resource("aws_security_group_rule", "r", {"ingress": [_rule("-1", 0, 65535, ["0.0.0.0/0"])]}),
		resource("aws_network_acl", "n", {"ingress": [_rule("-1", 0, 65535, ["0.0.0.0/0"])]}),
		planned("aws_vpc", "v", {}, ["ingress"]),
	])) == 0
}

test_empty_input if {
	count(_deny([])) == 0
}
