package driftguard.rules.encryption.launch_volumes

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

test_unencrypted_root_volume if {
	inp := {"resources": [resource("aws_instance", "i", {"root_volume_encrypted": false})]}
	findings := deny with input as inp
	{f.resource: f.msg | some f in findings} == {"aws_instance.i": "instance root volume is not encrypted"}
}

test_root_volume_encryption_not_set if {
	inp := {"resources": [resource("aws_launch_configuration", "lc", {"root_volume_encrypted": null})]}
	some f in deny with input as inp
	f.msg == "launch configuration root volume encryption is not set (root_block_device encrypted: unencrypted unless the AMI or the region's EBS default encrypts it)"
	not f.unknown
}

test_block_devices_counted if {
	inp := {"resources": [
		resource("aws_launch_template", "lt", {"root_volume_encrypted": true, "block_devices_encrypted": [true, false, false]}),
		resource("aws_launch_template", "ok", {"root_volume_encrypted": true, "block_devices_encrypted": [true, true]}),
		resource("aws_launch_template", "none", {"root_volume_encrypted": true, "block_devices_encrypted": []}),
	]}
	findings := deny with input as inp
	{f.resource: f.msg | some f in findings} == {"aws_launch_template.lt": "launch template has 2 of 3 EBS block devices unencrypted"}
}

test_root_and_devices_are_two_findings if {
	inp := {"resources": [resource("aws_instance", "i", {"root_volume_encrypted": false, "block_devices_encrypted": [false]})]}
	count(deny) == 2 with input as inp
}

test_silent_when_encrypted if {
	inp := {"resources": [
		resource("aws_instance", "i", {"root_volume_encrypted": true, "block_devices_encrypted": [true]}),
		resource("aws_launch_template", "lt", {"block_devices_encrypted": []}),
	]}
	count(deny) == 0 with input as inp
}

test_a_template_names_the_groups_that_launch_it if {
	lt := resource("aws_launch_template", "gpu", {"root_volume_encrypted": false})
	asg := resource("aws_autoscaling_group", "train", {"launch_template_key": lt.key})
	some f in deny with input as {"resources": [lt, asg]}
	f.resource == "aws_launch_template.gpu"
	f.msg == "launch template root volume is not encrypted (launched by aws_autoscaling_group.train)"
}

test_unknown_values_are_reported if {
	inp := {"resources": [
		planned("aws_instance", "i", {"block_devices_encrypted": [true]}, ["root_volume_encrypted"]),
		planned("aws_launch_template", "lt", {"root_volume_encrypted": true}, ["block_devices_encrypted"]),
	]}
	findings := deny with input as inp
	{[f.resource, f.attribute] | some f in findings; f.unknown} == {
		["aws_instance.i", "root_volume_encrypted"],
		["aws_launch_template.lt", "block_devices_encrypted"],
	}
	count(findings) == 2
}

test_resources_without_the_attributes_are_ignored if {
	inp := {"resources": [
		resource("aws_ebs_volume", "v", {"encrypted": false}),
		resource("aws_instance", "live", {"instance_type": "t3.micro"}), # not read from this source
	]}
	count(deny) == 0 with input as inp
}

test_empty_input if {
	count(deny) == 0 with input as {"resources": []}
}
