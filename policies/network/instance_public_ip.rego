# METADATA
# title: Compute must not get public IP addresses
# description: >-
#   An instance with a public IP address is reachable from the internet whenever its
#   security groups allow it. Flags every resource with associate_public_ip_address =
#   true (EC2 instances, launch templates' network interfaces, launch configurations); an
#   instance that leaves it unset in a subnet that maps public IPs on launch; an
#   auto-scaling group in subnets that map public IPs whose launch template or launch
#   configuration (in the same input) leaves it unset; and an Elastic IP associated with an
#   instance or a network interface (an Elastic IP of a NAT gateway is one too: waive it).
#   A default subnet (aws_default_subnet) maps public IPs unless its code says otherwise.
#   A launch template's finding names the groups that launch it. A value that is unknown
#   until apply, where it decides, is reported as unknown; an instance that leaves it
#   unset in a subnet outside the input (or names none) is a warning: it is not known.
# custom:
#   id: DG-NET-001
#   severity: high
#   remediation: >-
#     Set associate_public_ip_address = false (on the instance, or in the launch template's
#     network_interfaces or the launch configuration) and launch into private subnets;
#     release or disassociate Elastic IPs on instances. Reach instances through a load
#     balancer, a bastion or SSM Session Manager.
#   checkov: [CKV_AWS_88, CKV_AWS_389]
#   trivy: AVD-AWS-0009
package driftguard.rules.network.instance_public_ip

import data.driftguard.lib
import rego.v1

# --- the resource asks for a public IP ---------------------------------------------------

deny contains lib.finding(r, msg) if {
	some r in lib.with_attribute["associate_public_ip_address"]
	r.attributes.associate_public_ip_address == true
	msg := _asks(r)
}

# An EC2 instance keeps the message it always had.
_asks(r) := "instance has a public IP address (associate_public_ip_address = true)" if {
	r.type == "aws_instance"
} else := sprintf("%s gives its instances a public IP address (associate_public_ip_address = true)%s", [
	lib.noun(r.type), lib.launched_by_note(r),
])

deny contains lib.unknown_finding(r, "associate_public_ip_address") if {
	some r in lib.with_attribute["associate_public_ip_address"]
	"associate_public_ip_address" in r.unknown
}

# --- its subnet decides ------------------------------------------------------------------

deny contains lib.finding(r, msg) if {
	some r in lib.with_attribute["subnet_map_public_ip_on_launch"]
	r.attributes.subnet_map_public_ip_on_launch == true
	lib.is_unset(r, "associate_public_ip_address")
	msg := sprintf("%s gets a public IP address via its subnet (map_public_ip_on_launch = true)", [lib.noun(r.type)])
}

# The subnet decides only when associate_public_ip_address is not set (or not yet known).
deny contains lib.unknown_finding(r, "subnet_map_public_ip_on_launch") if {
	some r in lib.with_attribute["subnet_map_public_ip_on_launch"]
	"subnet_map_public_ip_on_launch" in r.unknown
	_subnet_may_decide(r)
}

_subnet_may_decide(r) if lib.is_unset(r, "associate_public_ip_address")

_subnet_may_decide(r) if lib.is_unknown(r, "associate_public_ip_address")

# The subnet that decides is not in the input (another configuration's: a module output, a
# data source, a variable; or none named, and AWS picks the default subnet, which maps
# public IPs): not a pass, and not a failure either, since that is most instances of a
# plan whose network lives elsewhere. Setting associate_public_ip_address decides it.
warn contains lib.finding(r, msg) if {
	some r in lib.with_attribute["subnet_map_public_ip_on_launch"]
	r.attributes.subnet_map_public_ip_on_launch == null
	lib.is_unset(r, "associate_public_ip_address")
	msg := sprintf("%s leaves associate_public_ip_address unset and %s: whether it gets a public IP address is not known (the subnet's map_public_ip_on_launch decides)", [lib.noun(r.type), _subnet_outside(r)])
}

_subnet_outside(r) := sprintf("its subnet %s is not in the input", [id]) if {
	id := r.attributes.subnet_id
	is_string(id)
} else := "its subnet is not in the input" if {
	"subnet_id" in r.unknown
} else := "names no subnet (AWS then picks the default subnet, which maps public IPs, unless a network interface or launch template names one)"

# --- a group's subnets decide, where its template leaves it unset ------------------------

deny contains lib.finding(r, msg) if {
	some r in lib.with_attribute["subnets_map_public_ip_on_launch"]
	_subnets_map(r)
	template := _leaves_it_unset(r)
	msg := sprintf("%s's instances get public IP addresses from its subnets (map_public_ip_on_launch = true; %s leaves associate_public_ip_address unset)", [
		lib.noun(r.type), lib.key_address(r, template),
	])
}

deny contains lib.unknown_finding(r, "subnets_map_public_ip_on_launch") if {
	some r in lib.with_attribute["subnets_map_public_ip_on_launch"]
	"subnets_map_public_ip_on_launch" in r.unknown
	_may_leave_it_unset(r)
}

deny contains lib.unknown_finding(r, "launch_template_associate_public_ip_address") if {
	some r in lib.with_attribute["subnets_map_public_ip_on_launch"]
	"launch_template_associate_public_ip_address" in r.unknown
	_subnets_may_map(r)
}

_subnets_map(r) if {
	maps := r.attributes.subnets_map_public_ip_on_launch
	is_array(maps)
	true in maps
}

_subnets_may_map(r) if _subnets_map(r)

_subnets_may_map(r) if "subnets_map_public_ip_on_launch" in r.unknown

# The key of the group's launch template or launch configuration when it is in the input
# and leaves associate_public_ip_address unset. One outside the input is not judged, as a
# subnet outside it is not.
_leaves_it_unset(r) := key if {
	key := r.attributes.launch_template_key
	is_string(key)
	lib.is_unset(r, "launch_template_associate_public_ip_address")
} else := key if {
	key := r.attributes.launch_configuration_key
	is_string(key)
	some config in _configs[key]
	lib.is_unset(config, "associate_public_ip_address")
}

_may_leave_it_unset(r) if _leaves_it_unset(r)

_may_leave_it_unset(r) if {
	is_string(r.attributes.launch_template_key)
	"launch_template_associate_public_ip_address" in r.unknown
}

# Launch configurations (and whatever else sets associate_public_ip_address) by key.
_configs[r.key] contains r if {
	some r in lib.with_attribute["associate_public_ip_address"]
}

# --- an Elastic IP on an instance or a network interface ---------------------------------

deny contains lib.finding(r, msg) if {
	some r in lib.resources["aws_eip"]
	target := _eip_target(r)
	msg := sprintf("Elastic IP gives %s a public IP address", [target])
}

_eip_target(r) := lib.key_address(r, key) if {
	key := r.attributes.instance_key
	is_string(key)
} else := sprintf("instance %s", [id]) if {
	id := r.attributes.instance
	is_string(id)
} else := sprintf("network interface %s", [id]) if {
	id := r.attributes.network_interface
	is_string(id)
}

# Unknown until apply, and no reference says which instance it goes to.
deny contains lib.unknown_finding(r, name) if {
	some r in lib.resources["aws_eip"]
	not _eip_target(r)
	some name in ["instance", "network_interface"]
	name in r.unknown
}
