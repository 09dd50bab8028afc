"""Intrinsic functions, parameters and conditions, as the canonical attributes show them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from driftguard.cli import main
from driftguard.declared.cloudformation import load_bytes, parameters
from driftguard.errors import InputError
from driftguard.model import MASK, Resource

HEADER = """\
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env: {Type: String, Default: dev}
  Size: {Type: Number}
  Zones: {Type: CommaDelimitedList, Default: 'eu-west-1a,eu-west-1b'}
  DbPassword: {Type: String, NoEcho: true, Default: hunter2-db-secret}
  AmiId: {Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>', Default: /aws/ami}
Mappings:
  Sizes:
    dev: {Type: t3.small, Encrypt: 'false'}
    prod: {Type: m5.large, Encrypt: 'true'}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
  SizeGiven: !Not [!Equals [!Ref Size, '']]
  ProdAndSized: !And [!Condition IsProd, !Condition SizeGiven]
  ProdOrDev: !Or [!Condition IsProd, !Equals [!Ref Env, dev]]
Resources:
"""


def load(resources: str, given: dict[str, str] | None = None) -> dict[str, Resource]:
    text = HEADER + resources
    return {r.address: r for r in load_bytes("t.yaml", text.encode(), given or {})}


def test_parameters_defaults_and_given_values() -> None:
    body = """\
  Vol:
    Type: AWS::EC2::Volume
    Properties:
      Size: !Ref Size
      AvailabilityZone: !Select [1, !Ref Zones]
      Encrypted: !FindInMap [Sizes, !Ref Env, Encrypt]
"""
    vol = load(body)["Vol"]
    assert vol.attributes["availability_zone"] == "eu-west-1b"
    assert vol.attributes["encrypted"] is False  # "false" is a boolean to CloudFormation
    assert vol.unknown == ["size"]  # a parameter without a value

    vol = load(body, {"Env": "prod", "Size": "200"})["Vol"]
    assert vol.attributes["encrypted"] is True and vol.attributes["size"] == 200
    assert vol.unknown == []


def test_conditions_decide_which_resources_exist() -> None:
    body = """\
  ProdOnly: {Type: AWS::S3::Bucket, Condition: IsProd}
  DevOnly: {Type: AWS::S3::Bucket, Condition: NotProd}
  Either: {Type: AWS::S3::Bucket, Condition: ProdOrDev}
  NeedsSize: {Type: AWS::S3::Bucket, Condition: ProdAndSized}
"""
    assert sorted(load(body)) == ["DevOnly", "Either"]
    # Size unknown: whether NeedsSize exists is unknown too, so it is checked.
    assert sorted(load(body, {"Env": "prod"})) == ["Either", "NeedsSize", "ProdOnly"]
    assert sorted(load(body, {"Env": "prod", "Size": ""})) == ["Either", "ProdOnly"]


def test_if_sub_join_split_and_no_value() -> None:
    body = """\
  Data:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Join ['-', [!Ref Env, !Select [0, !Split ['/', 'ml/data']], bucket]]
      VersioningConfiguration: !If [IsProd, {Status: Enabled}, !Ref 'AWS::NoValue']
      AccessControl: !If [IsProd, Private, PublicRead]
      Tags:
        - {Key: name, Value: !Sub '${Env}-${!Literal}'}
        - !If [IsProd, {Key: tier, Value: gold}, !Ref 'AWS::NoValue']
"""
    dev = load(body)["Data"]
    assert dev.attributes["bucket"] == "dev-ml-bucket"
    assert dev.attributes["versioning"] is False
    assert dev.attributes["acl"] == "public-read"
    assert dev.attributes["tags"] == {"name": "dev-${Literal}"}
    assert "VersioningConfiguration" not in dev.raw
    prod = load(body, {"Env": "prod"})["Data"]
    assert prod.attributes["versioning"] is True and prod.attributes["acl"] == "private"
    assert prod.attributes["tags"] == {"name": "prod-${Literal}", "tier": "gold"}


def test_what_only_a_deploy_knows_is_unknown() -> None:
    body = """\
  Key: {Type: AWS::KMS::Key, Properties: {Description: !Sub '${AWS::AccountId} key'}}
  Repo:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: !ImportValue shared-repo-name
      EncryptionConfiguration: {EncryptionType: KMS, KmsKey: !GetAtt Key.Arn}
      ImageScanningConfiguration: {ScanOnPush: !Equals [!Select [0, !GetAZs ''], x]}
  Box:
    Type: AWS::EC2::Instance
    Properties: {ImageId: !Ref AmiId, InstanceType: !FindInMap [Sizes, !Ref Env, Type]}
"""
    found = load(body)
    assert found["Key"].unknown == ["description"]
    assert sorted(found["Repo"].unknown) == ["kms_key", "name", "scan_on_push"]
    assert found["Repo"].attributes["encryption_type"] == "KMS"
    assert found["Box"].unknown == ["ami"]  # an SSM parameter's value comes at deploy
    assert found["Box"].attributes["instance_type"] == "t3.small"
    # Pseudo parameters may be given like parameters.
    key = load(body, {"AWS::AccountId": "123456789012"})["Key"]
    assert key.attributes["description"] == "123456789012 key"


def test_a_macro_inside_sub_is_known_only_at_deploy() -> None:
    """Fn::Transform runs before intrinsics: Fn::Sub of its output is unknown here."""
    found = load("""\
  Box:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0abcdef1234567890
      InstanceType: !Sub {'Fn::Transform': {Name: InstanceTypeMacro}}
""")
    assert found["Box"].unknown == ["instance_type"]


def test_cidr_base64_and_unknown_conditions() -> None:
    body = """\
  Net: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
  Sub:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Net
      CidrBlock: !Select [2, !Cidr [10.0.0.0/16, 4, 8]]
      MapPublicIpOnLaunch: !If [SizeGiven, true, false]
      Tags: [{Key: b64, Value: !Base64 abc}]
"""
    sub = load(body)["Sub"]
    assert sub.attributes["cidr_block"] == "10.0.2.0/24"
    assert sub.attributes["tags"] == {"b64": "YWJj"}
    assert sorted(sub.unknown) == ["map_public_ip_on_launch", "vpc_id"]


def test_no_echo_values_never_leave(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    body = """\
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t3.micro
      MasterUserPassword: !Ref DbPassword
      StorageEncrypted: false
      Tags: [{Key: note, Value: !Sub 'pw ${DbPassword}'}]
"""
    db = load(body)["Db"]
    assert db.raw["MasterUserPassword"] == MASK
    assert "tags" in db.unknown  # a masked value is hidden from policies as unknown
    assert "hunter2-db-secret" not in json.dumps(db.model_dump())
    path = tmp_path / "db.yaml"
    path.write_text(HEADER + body)
    for fmt in ("json", "text", "sarif"):
        assert main(["check", str(path), "--format", fmt]) == 1
        assert "hunter2-db-secret" not in capsys.readouterr().out


@pytest.mark.parametrize("shape", [
    [{"ParameterKey": "Env", "ParameterValue": "prod"}, {"ParameterKey": "Size",
                                                         "ParameterValue": "8"}],
    ["Env=prod", "Size=8"],
    {"Parameters": {"Env": "prod", "Size": 8}},
])
def test_parameter_file_shapes(tmp_path: Path, shape: Any) -> None:
    path = tmp_path / "params.json"
    path.write_text(json.dumps(shape))
    assert parameters.load_file(path) == {"Env": "prod", "Size": "8"}


def test_parameter_file_errors(tmp_path: Path) -> None:
    path = tmp_path / "params.json"
    path.write_text('{"Env": "prod"}')
    with pytest.raises(InputError, match="parameters file must be"):
        parameters.load_file(path)


@pytest.mark.parametrize("entry, shape", [
    ({"ParameterKey": 5, "ParameterValue": "SECRET-CANARY-CFN-PARAMFILE"},
     "an object with ParameterKey (a number), ParameterValue"),
    ("SECRET-CANARY-CFN-PARAMFILE", 'a string without "="'),
    (["SECRET-CANARY-CFN-PARAMFILE"], "a list"),
])
def test_a_bad_parameter_file_entry_is_named_not_echoed(tmp_path: Path, entry: Any,
                                                         shape: str) -> None:
    """D27: the entry's place and shape; its value may be a NoEcho password."""
    path = tmp_path / "params.json"
    path.write_text(json.dumps([{"ParameterKey": "Env", "ParameterValue": "prod"}, entry]))
    with pytest.raises(InputError) as err:
        parameters.load_file(path)
    assert str(err.value) == (f"{path}: parameters file entry 2 ({shape}) is neither "
                              '{ParameterKey, ParameterValue} nor "KEY=VALUE"')


def test_cli_parameters_override_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    template = tmp_path / "t.yaml"
    template.write_text(HEADER + "  Box: {Type: AWS::EC2::Instance, Properties: "
                                 "{InstanceType: !FindInMap [Sizes, !Ref Env, Type]}}\n")
    params = tmp_path / "p.json"
    params.write_text('["Env=prod"]')

    def instance_type_findings(*extra: str) -> list[str]:
        main(["check", str(template), "--format", "json", "--config", "/dev/null", *extra])
        report = json.loads(capsys.readouterr().out)
        return [f["message"] for f in report["findings"] if f["rule_id"] == "DG-CMP-001"]

    tight = tmp_path / "tight.yaml"
    tight.write_text("policy: {allowed_instance_types: ['m5.*']}\n")
    assert instance_type_findings("-c", str(tight)) != []  # dev: t3.small
    assert instance_type_findings("-c", str(tight), "--parameters-file", str(params)) == []
    assert instance_type_findings("-c", str(tight), "--parameters-file", str(params),
                                  "--parameter", "Env=dev") != []


def test_bad_parameter_option_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    template = tmp_path / "t.yaml"
    template.write_text(HEADER + "  B: {Type: AWS::S3::Bucket}\n")
    assert main(["check", str(template), "--parameter", "novalue"]) == 2
    assert "expected KEY=VALUE" in capsys.readouterr().err
