"""The compute types (launch templates and configurations, auto-scaling groups, EIPs) from
Terraform plans and CloudFormation templates, as the AWS provider v5 and CloudFormation
write them."""

from __future__ import annotations

from pathlib import Path

from plans import change, plan, write

from driftguard.declared.cloudformation import load_bytes
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
