package driftguard.rules.network.sg_open_egress

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_rule(protocol, from, to, cidrs) := {"protocol": protocol, "from_port": from, "to_port": to, "cidrs": cidrs}

_sg(name, egress) := resource("aws_security_group", name, {"name": name, "ingress": [], "egress": egress})

_warn(resources) := findings if {
	findings := warn with input as {"resources": resources}
}

test_warns_on_the_default_allow_all_egress if {
	findings := _warn([_sg("default", [_rule("-1", 0, 65535, ["0.0.0.0/0"])])])
	count(findings) == 1
	some f in findings
	f.resource == "aws_security_group.default"
	f.key == "plan#aws_security_group.default"
	f.msg == "all outbound traffic is allowed to 0.0.0.0/0 (egress all protocols)"
	not f.unknown
}

test_warns_on_every_tcp_or_udp_port if {
	findings := _warn([_sg("wide", [_rule("tcp", 0, 65535, ["::/0"]), _rule("udp", 0, 65535, ["0.0.0.0/0"])])])
	count(findings) == 2
	some f in findings
	f.msg == "all outbound traffic is allowed to ::/0 (egress tcp 0-65535)"
}

test_one_finding_per_rule_and_cidr if {
	count(_warn([_sg("dual_stack", [_rule("-1", 0, 65535, ["0.0.0.0/0", "::/0"])])])) == 2
}

test_silent_on_restricted_egress if {
	count(_warn([
		_sg("https_out", [_rule("tcp", 443, 443, ["0.0.0.0/0", "::/0"])]),
		_sg("vpc_only", [_rule("-1", 0, 65535, ["10.0.0.0/16"])]),
		_sg("dns", [_rule("udp", 53, 53, ["0.0.0.0/0"])]),
		_sg("no_egress", []),
		resource("aws_security_group", "null_egress", {"egress": null}),
		_sg("null_cidrs", [_rule("-1", 0, 65535, null)]),
	])) == 0
}

test_ingress_ignored if {
	sg := resource("aws_security_group", "i", {"ingress": [_rule("-1", 0, 65535, ["0.0.0.0/0"])], "egress": []})
	count(_warn([sg])) == 0
}

test_unknown_egress_is_reported if {
	findings := _warn([planned("aws_security_group", "new", {"name": "new", "ingress": []}, ["egress"])])
	count(findings) == 1
	some f in findings
	f.unknown == true
	f.attribute == "egress"
}

test_settings_do_not_matter if {
	inp := {"resources": [_sg("default", [_rule("-1", 0, 65535, ["0.0.0.0/0"])])]}
	count(warn) == 1 with input as inp with data.driftguard.config as {}
	count(warn) == 1 with input as inp with data.driftguard.config as {"admin_ports": []}
}

test_other_types_ignored if {
	count(_warn([
		resource("aws_security_group_rule", "r", {"egress": [_rule("-1", 0, 65535, ["0.0.0.0/0"])]}),
		resource("aws_network_acl", "n", {"egress": [_rule("-1", 0, 65535, ["0.0.0.0/0"])]}),
		planned("aws_vpc", "v", {}, ["egress"]),
	])) == 0
}

test_empty_input if {
	count(_warn([])) == 0
}
