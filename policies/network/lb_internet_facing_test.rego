package driftguard.rules.network.lb_internet_facing

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

_lb(name, facing, type) := resource("aws_lb", name, {"internet_facing": facing, "load_balancer_type": type})

test_warns_on_internet_facing_load_balancers if {
	inp := {"resources": [
		_lb("api", true, "application"),
		_lb("nlb", true, "network"),
		_lb("internal", false, "application"),
	]}
	{[f.resource, f.msg] | some f in warn with input as inp} == {
		["aws_lb.api", "load balancer is internet-facing (internal = false)"],
		["aws_lb.nlb", "load balancer is internet-facing (internal = false)"],
	}
}

test_gateway_load_balancers_are_not_judged if {
	count(warn) == 0 with input as {"resources": [
		_lb("gwlb", true, "gateway"),
		planned("aws_lb", "gwlb2", {"load_balancer_type": "gateway"}, ["internet_facing"]),
	]}
}

test_unknown_is_reported if {
	some f in warn with input as {"resources": [planned("aws_lb", "lb", {"load_balancer_type": "application"}, ["internet_facing"])]}
	f.unknown == true
	f.attribute == "internet_facing"
}

test_empty_input if {
	count(warn) == 0 with input as {"resources": []}
}
