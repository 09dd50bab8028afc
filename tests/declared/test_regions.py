"""Where a declared resource lives: its region from its own declaration, in every source
(a region attribute, its ARN, its availability zone, its provider's region), so that a
resource that is missing says where (the JSON report, the message, the metrics)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from driftguard.catalog import spec_for, zone_region
from driftguard.declared import cloudformation, terraform
from driftguard.model import Resource

VOLUME = {"id": "vol-1", "size": 10, "type": "gp3", "encrypted": True}


def _state(*instances: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    return {"version": 4, "terraform_version": "1.7.0", "serial": 1, "lineage": "l",
            "resources": [{"mode": "managed", "type": rtype, "name": f"r{n}",
                           "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
                           "instances": [{"attributes": values}]}
                          for n, (rtype, values) in enumerate(instances)]}


def _regions(resources: list[Resource]) -> dict[str, str | None]:
    return {r.address: r.region for r in resources}


@pytest.mark.parametrize(("zone", "region"), [
    ("eu-west-1a", "eu-west-1"), ("us-east-1f", "us-east-1"),
    ("us-west-2-lax-1a", "us-west-2"),  # a Local Zone
    ("us-east-1-wl1-bos-wlz-1", "us-east-1"),  # a Wavelength Zone
    ("us-gov-west-1a", "us-gov-west-1"), ("cn-north-1b", "cn-north-1"),
    ("ap-southeast-4a", "ap-southeast-4"),
    ("use1-az1", None), ("", None), ("eu-west-1", None), ("local", None),
])
def test_a_zone_names_its_region(zone: str, region: str | None) -> None:
    assert zone_region(spec_for("aws_ebs_volume"), {"availability_zone": zone}) == region


def test_a_state_volume_without_arn_lives_in_its_zones_region() -> None:
    """The demo's state (and hand-written ones): no ARN, an availability zone."""
    _, resources = terraform.load_document("s.tfstate", _state(
        ("aws_ebs_volume", {**VOLUME, "availability_zone": "us-east-1b"}),
        ("aws_subnet", {"id": "subnet-1", "availability_zone": "eu-west-1c"}),
        ("aws_efs_file_system", {"id": "fs-1", "availability_zone_name": "eu-north-1a"}),
        ("aws_efs_file_system", {"id": "fs-2"}),  # Regional: nothing says where
    ))
    assert _regions(resources) == {"aws_ebs_volume.r0": "us-east-1",
                                   "aws_subnet.r1": "eu-west-1",
                                   "aws_efs_file_system.r2": "eu-north-1",
                                   "aws_efs_file_system.r3": None}


def test_a_region_attribute_then_the_arn_come_before_the_zone() -> None:
    _, resources = terraform.load_document("s.tfstate", _state(
        ("aws_ebs_volume", {**VOLUME, "availability_zone": "us-east-1b",
                            "arn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"}),
        ("aws_ebs_volume", {**VOLUME, "id": "vol-2", "region": "eu-west-1",  # provider v6
                            "availability_zone": "eu-west-1a"}),
    ))
    assert [(r.account, r.region) for r in resources] == [("123456789012", "us-east-1"),
                                                          (None, "eu-west-1")]


def _plan(providers: dict[str, Any], *resources: tuple[str, str, dict[str, Any], str]
          ) -> dict[str, Any]:
    """(module or "", address within it, after values, provider config key) each."""
    changes, root = [], {"resources": [], "module_calls": {}}
    for module, address, after, key in resources:
        rtype, name = address.split(".")
        changes.append({"address": f"module.{module}.{address}" if module else address,
                        "mode": "managed", "type": rtype, "name": name,
                        "change": {"actions": ["create"], "after": after,
                                   "after_unknown": {"arn": True, "id": True}}})
        node = root if not module else root["module_calls"].setdefault(
            module, {"module": {"resources": []}})["module"]
        node["resources"].append({"address": address, "mode": "managed", "type": rtype,
                                  "name": name, "provider_config_key": key,
                                  "expressions": {}})
    return {"format_version": "1.2", "terraform_version": "1.9.5",
            "planned_values": {"root_module": {}}, "resource_changes": changes,
            "configuration": {"provider_config": providers, "root_module": root}}


def test_a_planned_resource_lives_in_its_providers_region(tmp_path: Path) -> None:
    providers = {
        "aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}},
        "aws.us": {"name": "aws", "alias": "us",
                   "expressions": {"region": {"constant_value": "us-east-1"}}},
        "module.net:aws": {"name": "aws", "module_address": "module.net",
                           "expressions": {"region": {"constant_value": "eu-central-1"}}},
        "aws.var": {"name": "aws", "alias": "var",
                    "expressions": {"region": {"references": ["var.region"]}}},
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_plan(
        providers,
        ("", "aws_ebs_volume.a", {"size": 10}, "aws"),
        ("", "aws_ebs_volume.b", {"size": 10}, "aws.us"),
        ("", "aws_ebs_volume.c", {"size": 10, "availability_zone": "ap-south-1a"}, "aws"),
        ("net", "aws_ebs_volume.d", {"size": 10}, "module.net:aws"),
        ("", "aws_ebs_volume.e", {"size": 10}, "aws.var"),  # a variable: not in the plan
    )))
    _, resources = terraform.load(path)
    assert _regions(resources) == {"aws_ebs_volume.a": "eu-west-1",
                                   "aws_ebs_volume.b": "us-east-1",
                                   "aws_ebs_volume.c": "ap-south-1",  # the zone says
                                   "module.net.aws_ebs_volume.d": "eu-central-1",
                                   "aws_ebs_volume.e": None}


def test_a_templates_volume_lives_in_its_zones_region() -> None:
    doc = {"Resources": {
        "Cache": {"Type": "AWS::EC2::Volume",
                  "Properties": {"AvailabilityZone": "eu-west-2a", "Size": 10}},
        "Anywhere": {"Type": "AWS::EC2::Volume",
                     "Properties": {"AvailabilityZone": {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
                                    "Size": 10}},
    }}
    resources = cloudformation.load_document("t.yaml", doc, {})
    assert _regions(resources) == {"Cache": "eu-west-2", "Anywhere": None}


def test_a_template_given_its_region_and_account_declares_them() -> None:
    """`--cfn-parameter AWS::Region=... AWS::AccountId=...`: where the template deploys."""
    doc = {"Resources": {"Data": {"Type": "AWS::S3::Bucket",
                                  "Properties": {"BucketName": "acme-data"}},
                         "Cache": {"Type": "AWS::EC2::Volume",
                                   "Properties": {"AvailabilityZone": "eu-west-1a",
                                                  "Size": 10}}}}
    resources = cloudformation.load_document(
        "t.yaml", doc, {"AWS::Region": "eu-west-1", "AWS::AccountId": "123456789012"})
    assert [(r.address, r.account, r.region) for r in resources] == [
        ("Data", "123456789012", "eu-west-1"), ("Cache", "123456789012", "eu-west-1")]
