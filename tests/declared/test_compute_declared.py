"""The compute types (launch templates and configurations, auto-scaling groups, EIPs) from
Terraform plans and CloudFormation templates, as the AWS provider v5 and CloudFormation
write them."""

from __future__ import annotations

from pathlib import Path

from plans import change, plan, write

from driftguard.declared.cloudformation import load_bytes
from driftguard.declared.state_writer import TerraformState
from driftguard.declared.terraform import load
from driftguard.model import Resource

KEY = "arn:aws:kms:eu-west-1:123456789012:key/1111-2222"


def planned(tmp_path: Path, *changes: dict) -> dict[str, Resource]:
    _, resources = load(write(tmp_path, plan(*changes)))
    return {r.address: r for r in resources}


def template(resources: str) -> dict[str, Resource]:
    text = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n" + resources
    return {r.address: r for r in load_bytes("t.yaml", text.encode(), {})}


def ebs(encrypted: str | None, key: str | None = None) -> dict:
    return {"ebs": [{"encrypted": encrypted, "kms_key_id": key, "delete_on_termination": None,
                     "iops": None, "snapshot_id": None, "throughput": None,
                     "volume_size": 100, "volume_type": None}],
            "device_name": "/dev/xvda", "no_device": None, "virtual_name": None}


# What a create plan leaves unknown in each ebs block the code does not fully set.
COMPUTED_EBS = {"ebs": [{"iops": True, "throughput": True, "volume_type": True}]}


def test_launch_template_plan_reads_blocks_despite_computed_fields(tmp_path: Path) -> None:
    found = planned(tmp_path, change("aws_launch_template.gpu", {
        "name": "gpu", "instance_type": "g5.xlarge",
        "block_device_mappings": [
            ebs("true", KEY), ebs(None),
            {"device_name": "/dev/sdc", "ebs": [], "no_device": None,
             "virtual_name": "ephemeral0"}],
        "network_interfaces": [{"associate_public_ip_address": "true", "device_index": 0,
                                "security_groups": None}],
        "metadata_options": [{"http_tokens": "required", "http_endpoint": None}],
    }, unknown={"id": True, "arn": True, "latest_version": True,
                "block_device_mappings": [COMPUTED_EBS, COMPUTED_EBS, {}],
                "network_interfaces": [{"security_groups": True}],
                "metadata_options": [{"http_endpoint": True}]}))
    lt = found["aws_launch_template.gpu"]
    assert lt.attributes["block_devices_encrypted"] == [True, False]
    assert lt.attributes["kms_key_id"] == KEY
    assert lt.attributes["associate_public_ip_address"] is True
    assert lt.attributes["metadata_http_tokens"] == "required"
    # The provider computes the endpoint the code leaves out: unknown, honestly.
    assert lt.unknown == ["metadata_http_endpoint"]


def test_launch_template_plan_with_an_unknown_key_or_type(tmp_path: Path) -> None:
    found = planned(tmp_path, change("aws_launch_template.gpu", {
        "name": "gpu", "instance_type": None, "block_device_mappings": [ebs("true")],
    }, unknown={"instance_type": True,
                "block_device_mappings": [{"ebs": [{"kms_key_id": True, "iops": True}]}]}))
    lt = found["aws_launch_template.gpu"]
    assert lt.attributes["block_devices_encrypted"] == [True]
    assert sorted(lt.unknown) == ["instance_type", "kms_key_id"]


def test_launch_template_template_reads_blocks_with_a_key_made_in_the_stack() -> None:
    found = template("""\
  Key: {Type: AWS::KMS::Key, Properties: {Description: data}}
  Gpu:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateName: gpu
      TagSpecifications:
        - {ResourceType: launch-template, Tags: [{Key: team, Value: ml}]}
        - {ResourceType: instance, Tags: [{Key: launched, Value: 'yes'}]}
      LaunchTemplateData:
        InstanceType: g5.xlarge
        NetworkInterfaces: [{DeviceIndex: 0, AssociatePublicIpAddress: 'true'}]
        MetadataOptions: {HttpTokens: required}
        BlockDeviceMappings:
          - {DeviceName: /dev/xvda, Ebs: {Encrypted: 'true', KmsKeyId: !GetAtt Key.Arn}}
          - {DeviceName: /dev/sdb, Ebs: {VolumeSize: 10}}
          - {DeviceName: /dev/sdc, VirtualName: ephemeral0}
          - {DeviceName: /dev/sdd, NoDevice: ''}
""")
    lt = found["Gpu"]
    assert lt.type == "aws_launch_template"
    assert lt.attributes["block_devices_encrypted"] == [True, False]
    assert lt.unknown == ["kms_key_id"]
    assert lt.attributes["instance_type"] == "g5.xlarge"
    assert lt.attributes["associate_public_ip_address"] is True
    assert lt.attributes["metadata_http_tokens"] == "required"
    assert lt.attributes["metadata_http_endpoint"] is None
    assert lt.attributes["tags"] == {"team": "ml"}


def test_launch_configuration_devices_from_a_plan_and_a_template(tmp_path: Path) -> None:
    found = planned(tmp_path, change("aws_launch_configuration.gpu", {
        "name": "gpu", "instance_type": "p3.2xlarge", "associate_public_ip_address": None,
        "root_block_device": [{"encrypted": True, "volume_size": 100, "iops": None}],
        "ebs_block_device": [{"device_name": "/dev/sdb", "encrypted": False, "iops": None}],
        "metadata_options": [{"http_tokens": "required", "http_endpoint": None}],
    }, unknown={"id": True, "arn": True,
                "root_block_device": [{"iops": True, "throughput": True}],
                "ebs_block_device": [{"iops": True, "snapshot_id": True}],
                "metadata_options": [{"http_endpoint": True}]}))
    lc = found["aws_launch_configuration.gpu"]
    assert lc.id == "gpu"
    assert lc.attributes["block_devices_encrypted"] == [False, True]
    assert lc.attributes["associate_public_ip_address"] is None  # the subnet decides
    assert lc.attributes["metadata_http_tokens"] == "required"
    assert lc.unknown == []

    lc = template("""\
  Gpu:
    Type: AWS::AutoScaling::LaunchConfiguration
    Properties:
      ImageId: ami-0abcdef1234567890
      InstanceType: p3.2xlarge
      AssociatePublicIpAddress: 'true'
      MetadataOptions: {HttpTokens: optional}
      BlockDeviceMappings:
        - {DeviceName: /dev/xvda, Ebs: {Encrypted: 'true', VolumeSize: 100}}
        - {DeviceName: /dev/sdb, Ebs: {VolumeSize: 10}}
        - {DeviceName: /dev/sdc, VirtualName: ephemeral0}
        - {DeviceName: /dev/sdd, NoDevice: true}
""")["Gpu"]
    assert lc.type == "aws_launch_configuration"
    assert lc.attributes["block_devices_encrypted"] == [False, True]
    assert lc.attributes["associate_public_ip_address"] is True
    assert lc.attributes["metadata_http_tokens"] == "optional"


def test_group_links_its_template_and_subnets_in_a_plan(tmp_path: Path) -> None:
    found = planned(
        tmp_path,
        change("aws_subnet.public[0]", {"map_public_ip_on_launch": True}, unknown={"id": True}),
        change("aws_subnet.public[1]", {"map_public_ip_on_launch": True}, unknown={"id": True}),
        change("aws_subnet.private", {"map_public_ip_on_launch": False}, unknown={"id": True}),
        change("aws_launch_template.gpu", {
            "name": "gpu", "instance_type": "g5.xlarge",
            "network_interfaces": [{"associate_public_ip_address": "true"}]},
            unknown={"id": True}),
        change("aws_autoscaling_group.gpu", {
            "name": "gpu", "min_size": 0, "max_size": 8, "desired_capacity": None,
            "launch_template": [{"id": None, "name": None, "version": "$Latest"}],
            "vpc_zone_identifier": None,
            "tag": [{"key": "team", "value": "ml", "propagate_at_launch": True}]},
            unknown={"launch_template": [{"id": True, "name": True}],
                     "vpc_zone_identifier": True},
            refs={"launch_template.0.id": ["aws_launch_template.gpu.id",
                                           "aws_launch_template.gpu"],
                  "vpc_zone_identifier": ["aws_subnet.public", "aws_subnet.private.id",
                                          "aws_subnet.private"]}),
        change("aws_autoscaling_group.spot", {
            "name": "spot", "min_size": 0, "max_size": 2, "launch_template": [],
            "mixed_instances_policy": [{"launch_template": [{
                "launch_template_specification": [{"launch_template_id": None,
                                                   "launch_template_name": "gpu"}],
                "override": [{"instance_type": "g5.2xlarge", "weighted_capacity": None},
                             {"instance_type": "p4d.24xlarge", "weighted_capacity": None}],
            }]}], "vpc_zone_identifier": ["subnet-0abc"]},
            unknown={"mixed_instances_policy": [{"launch_template": [{
                "launch_template_specification": [{"launch_template_id": True}]}]}]},
            refs={"mixed_instances_policy.0.launch_template.0.launch_template_specification.0"
                  ".launch_template_name": ["aws_launch_template.gpu.name",
                                            "aws_launch_template.gpu"]}),
    )
    gpu = found["aws_autoscaling_group.gpu"]
    assert gpu.attributes["launch_template_key"].endswith("#aws_launch_template.gpu")
    assert gpu.attributes["launch_template_associate_public_ip_address"] is True
    assert sorted(gpu.attributes["subnets_map_public_ip_on_launch"]) == [False, True, True]
    assert sorted(gpu.unknown) == ["launch_template", "subnet_ids"]
    assert gpu.attributes["instance_types"] == []
    assert gpu.attributes["desired_capacity"] is None
    assert gpu.attributes["tags"] == {"team": "ml"}
    spot = found["aws_autoscaling_group.spot"]
    assert spot.attributes["instance_types"] == ["g5.2xlarge", "p4d.24xlarge"]
    assert spot.attributes["launch_template_key"].endswith("#aws_launch_template.gpu")
    # A subnet outside the input: no value for it.
    assert spot.attributes["subnets_map_public_ip_on_launch"] == [None]


def test_group_links_its_template_and_subnets_in_a_template() -> None:
    found = template("""\
  Public:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: vpc-1, CidrBlock: 10.0.0.0/24, MapPublicIpOnLaunch: true}
  Private:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: vpc-1, CidrBlock: 10.0.1.0/24}
  Gpu:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        InstanceType: g5.xlarge
        NetworkInterfaces: [{DeviceIndex: 0, AssociatePublicIpAddress: true}]
  Group:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: '0'
      MaxSize: '8'
      DesiredCapacity: '2'
      VPCZoneIdentifier: [!Ref Public, !Ref Private]
      MixedInstancesPolicy:
        LaunchTemplate:
          LaunchTemplateSpecification:
            LaunchTemplateId: !Ref Gpu
            Version: !GetAtt Gpu.LatestVersionNumber
          Overrides: [{InstanceType: g5.2xlarge}, {InstanceType: g5.xlarge}]
      Tags: [{Key: team, Value: ml, PropagateAtLaunch: true}]
""")
    group = found["Group"]
    assert group.type == "aws_autoscaling_group"
    assert group.attributes["launch_template_key"].endswith("#Gpu")
    assert group.attributes["launch_template_associate_public_ip_address"] is True
    assert group.attributes["subnets_map_public_ip_on_launch"] == [True, False]
    assert group.attributes["instance_types"] == ["g5.2xlarge", "g5.xlarge"]
    assert (group.attributes["min_size"], group.attributes["max_size"],
            group.attributes["desired_capacity"]) == (0, 8, 2)
    assert group.attributes["tags"] == {"team": "ml"}
    assert sorted(group.unknown) == ["launch_template", "subnet_ids"]


def test_eip_association_folds_into_its_address_in_state_and_plan(tmp_path: Path) -> None:
    state = TerraformState()
    state.add("aws_instance", "web", {"id": "i-0abc", "instance_type": "t3.micro"})
    state.add("aws_eip", "web", {
        "id": "eipalloc-1", "allocation_id": "eipalloc-1", "public_ip": "203.0.113.7",
        "domain": "vpc", "instance": "i-0abc", "network_interface": "eni-1",
        "address": None, "tags": {"team": "ml"}, "tags_all": {"team": "ml"}})
    state.add("aws_eip_association", "web", {
        "id": "eipassoc-1", "allocation_id": "eipalloc-1", "instance_id": "i-0abc",
        "network_interface_id": "eni-1", "public_ip": "203.0.113.7"})
    state.add("aws_eip", "spare", {
        "id": "eipalloc-2", "allocation_id": "eipalloc-2", "public_ip": "203.0.113.8",
        "domain": "vpc", "instance": "", "network_interface": "", "tags": None,
        "tags_all": {}})
    _, resources = load(state.write(tmp_path / "terraform.tfstate"))
    found = {r.address: r for r in resources}
    web = found["aws_eip.web"].attributes
    assert (web["public_ip"], web["instance"], web["network_interface"]) == (
        "203.0.113.7", "i-0abc", "eni-1")
    assert web["instance_key"].endswith("#aws_instance.web")
    spare = found["aws_eip.spare"].attributes
    assert (spare["instance"], spare["network_interface"], spare["instance_key"]) == (
        None, None, None)

    found = planned(
        tmp_path,
        change("aws_instance.web", {"instance_type": "t3.micro"}, unknown={"id": True}),
        change("aws_eip.web", {"domain": "vpc"},
               unknown={"id": True, "allocation_id": True, "public_ip": True,
                        "instance": True, "network_interface": True}),
        change("aws_eip_association.web", {},
               unknown={"allocation_id": True, "instance_id": True,
                        "network_interface_id": True},
               refs={"allocation_id": ["aws_eip.web.id", "aws_eip.web"],
                     "instance_id": ["aws_instance.web.id", "aws_instance.web"]}),
    )
    eip = found["aws_eip.web"]
    # On an instance not made yet: unknown until apply, never "on nothing".
    assert eip.unknown == ["instance"]
    assert eip.attributes["network_interface"] is None
    assert eip.attributes["public_ip"] is None


def test_eip_association_folds_into_its_address_in_a_template() -> None:
    found = template("""\
  Box:
    Type: AWS::EC2::Instance
    Properties: {ImageId: ami-0abcdef1234567890, InstanceType: t3.micro}
  Web:
    Type: AWS::EC2::EIP
    Properties: {Domain: vpc, Tags: [{Key: team, Value: ml}]}
  WebOnBox:
    Type: AWS::EC2::EIPAssociation
    Properties: {AllocationId: !GetAtt Web.AllocationId, InstanceId: !Ref Box}
  Direct:
    Type: AWS::EC2::EIP
    Properties: {InstanceId: !Ref Box}
  Spare:
    Type: AWS::EC2::EIP
    Properties: {Domain: vpc}
""")
    assert found["Web"].type == "aws_eip"
    assert found["Web"].unknown == ["instance"]
    assert found["Web"].attributes["tags"] == {"team": "ml"}
    assert found["Direct"].unknown == ["instance"]
    assert found["Direct"].attributes["instance_key"].endswith("#Box")
    assert found["Spare"].attributes["instance"] is None
    assert found["Spare"].attributes["network_interface"] is None


def test_a_group_in_subnets_only_known_after_apply_has_unknown_subnet_mappings(
        tmp_path: Path) -> None:
    """Subnets from a module's output (or a variable) cannot be followed: which subnets,
    and so whether they map public IPs, is unknown, never an empty list (no subnets)."""
    found = planned(
        tmp_path,
        change("aws_autoscaling_group.gpu", {"name": "gpu", "min_size": 0, "max_size": 2,
                                             "vpc_zone_identifier": None},
               unknown={"vpc_zone_identifier": True},
               refs={"vpc_zone_identifier": ["module.vpc.private_subnets", "module.vpc"]}),
    )
    gpu = found["aws_autoscaling_group.gpu"]
    assert "subnets_map_public_ip_on_launch" in gpu.unknown
    assert "subnets_map_public_ip_on_launch" not in gpu.attributes


def test_a_group_in_subnets_imported_from_another_stack_has_unknown_subnet_mappings() -> None:
    found = template("""\
  Public:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: vpc-1, CidrBlock: 10.0.0.0/24, MapPublicIpOnLaunch: true}
  Gpu:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: '0'
      MaxSize: '2'
      LaunchConfigurationName: gpu
      VPCZoneIdentifier: [!Ref Public, !ImportValue network-PrivateSubnet]
  Known:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: '0'
      MaxSize: '2'
      LaunchConfigurationName: gpu
      VPCZoneIdentifier: [!Ref Public]
""")
    assert "subnets_map_public_ip_on_launch" in found["Gpu"].unknown
    assert found["Known"].attributes["subnets_map_public_ip_on_launch"] == [True]
