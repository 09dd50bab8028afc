"""Reading CloudFormation templates: YAML short forms, safety, structure errors."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from driftguard.cli import main
from driftguard.declared.cloudformation.template import SHORT_TAGS, parse_json, parse_yaml
from driftguard.declared.sources import load_file
from driftguard.errors import InputError

# One YAML example per short form, and the long form CloudFormation documents for it.
SHORT_FORMS = {
    "Ref": ("!Ref Name", {"Ref": "Name"}),
    "Condition": ("!Condition IsProd", {"Condition": "IsProd"}),
    "GetAtt": ("!GetAtt Bucket.Arn", {"Fn::GetAtt": ["Bucket", "Arn"]}),
    "Sub": ("!Sub 'a-${AWS::Region}'", {"Fn::Sub": "a-${AWS::Region}"}),
    "If": ("!If [IsProd, a, b]", {"Fn::If": ["IsProd", "a", "b"]}),
    "Equals": ("!Equals [a, b]", {"Fn::Equals": ["a", "b"]}),
    "And": ("!And [!Condition A, !Condition B]",
            {"Fn::And": [{"Condition": "A"}, {"Condition": "B"}]}),
    "Or": ("!Or [!Condition A, !Condition B]",
           {"Fn::Or": [{"Condition": "A"}, {"Condition": "B"}]}),
    "Not": ("!Not [!Condition A]", {"Fn::Not": [{"Condition": "A"}]}),
    "FindInMap": ("!FindInMap [M, k1, k2]", {"Fn::FindInMap": ["M", "k1", "k2"]}),
    "Select": ("!Select [0, !GetAZs '']", {"Fn::Select": ["0", {"Fn::GetAZs": ""}]}),
    "Split": ("!Split [',', 'a,b']", {"Fn::Split": [",", "a,b"]}),
    "Join": ("!Join ['-', [a, b]]", {"Fn::Join": ["-", ["a", "b"]]}),
    "GetAZs": ("!GetAZs eu-west-1", {"Fn::GetAZs": "eu-west-1"}),
    "Base64": ("!Base64 text", {"Fn::Base64": "text"}),
    "Cidr": ("!Cidr [10.0.0.0/16, 4, 8]", {"Fn::Cidr": ["10.0.0.0/16", "4", "8"]}),
    "ImportValue": ("!ImportValue shared-vpc", {"Fn::ImportValue": "shared-vpc"}),
    "Transform": ("!Transform {Name: AWS::Include}",
                  {"Fn::Transform": {"Name": "AWS::Include"}}),
    "Length": ("!Length [a, b]", {"Fn::Length": ["a", "b"]}),
    "ToJsonString": ("!ToJsonString {a: b}", {"Fn::ToJsonString": {"a": "b"}}),
}


def test_every_short_form_has_an_example() -> None:
    assert set(SHORT_FORMS) == set(SHORT_TAGS)


@pytest.mark.parametrize("tag", sorted(SHORT_FORMS))
def test_short_form_reads_as_its_long_form(tag: str) -> None:
    text, long_form = SHORT_FORMS[tag]
    doc = parse_yaml("t.yaml", f"Value: {text}\n".encode())
    expected = json.loads(json.dumps(long_form))
    if tag in ("Select", "Cidr"):  # YAML reads the bare numbers as ints
        doc = json.loads(json.dumps(doc), parse_int=str)
    assert doc == {"Value": expected}


def test_get_att_long_list_form_and_nested_sub() -> None:
    doc = parse_yaml("t.yaml", b"A: !GetAtt [Bucket, Arn]\nB: !Sub ['${X}', {X: !Ref Y}]\n")
    assert doc == {"A": {"Fn::GetAtt": ["Bucket", "Arn"]},
                   "B": {"Fn::Sub": ["${X}", {"X": {"Ref": "Y"}}]}}


def test_dates_stay_text() -> None:
    assert parse_yaml("t.yaml", b"AWSTemplateFormatVersion: 2010-09-09\n") == {
        "AWSTemplateFormatVersion": "2010-09-09"}


@pytest.mark.parametrize("text", [
    b"A: !!python/object/apply:os.system ['true']\n",
    b"A: !Custom value\n",
])
def test_other_tags_are_refused(text: bytes) -> None:
    with pytest.raises(InputError, match="not a CloudFormation intrinsic"):
        parse_yaml("t.yaml", text)


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    start = time.perf_counter()
    with pytest.raises(InputError, match="alias bomb"):
        parse_yaml("bomb.yaml", ("\n".join(lines) + "\n").encode())
    assert time.perf_counter() - start < 2.0


def test_modest_aliases_are_fine() -> None:
    doc = parse_yaml("t.yaml", b"x: &tags [{Key: a, Value: b}]\ny: *tags\n")
    assert doc["x"] == doc["y"]


@pytest.mark.parametrize(("name", "text", "problem"), [
    ("dup.yaml", b"Resources:\n  A: {Type: X}\n  A: {Type: Y}\n", "duplicate key 'A' at line 3"),
    ("bad.yaml", b"Resources: [\n", "invalid YAML at line"),
    ("deep.yaml", b"[" * 20000 + b"]" * 20000, "nesting depth"),
])
def test_yaml_errors_are_one_clear_problem(name: str, text: bytes, problem: str) -> None:
    with pytest.raises(InputError, match=problem.replace("[", r"\[")):
        parse_yaml(name, text)


def test_json_duplicate_keys_are_errors() -> None:
    with pytest.raises(InputError, match="duplicate key 'A'"):
        parse_json("t.json", b'{"Resources": {"A": {"Type": "X"}, "A": {"Type": "Y"}}}')


@pytest.mark.parametrize(("template", "problem"), [
    ({"Resources": {}}, "Resources is empty"),
    ({"Resources": {"a.b": {"Type": "AWS::S3::Bucket"}}}, "not a valid logical id"),
    ({"Resources": {"A": {"Properties": {}}}}, "resource A has no Type"),
    ({"Resources": {"A": {"Type": "AWS::S3::Bucket", "Condition": "Nope"}}},
     "Condition 'Nope' is not defined"),
    ({"Resources": {"A": {"Type": "AWS::S3::Bucket", "DependsOn": "B"}}},
     "DependsOn 'B', which is not a resource"),
    ({"Resources": {"A": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {
        "Fn::If": ["Nope", "a", "b"]}}}}}, "Fn::If condition 'Nope' is not defined"),
    ({"Resources": {"A": {"Type": "AWS::S3::Bucket", "DependsOn": "B"},
                    "B": {"Type": "AWS::S3::Bucket", "Properties": {
                        "BucketName": {"Fn::Sub": "${A.Arn}"}}}}},
     "circular dependency between resources: A -> B -> A"),
    ({"AWSTemplateFormatVersion": "2010-09-10", "Resources": {"A": {"Type": "X"}}},
     "AWSTemplateFormatVersion must be '2010-09-09'"),
    ({"Resources": {"A": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {
        "Ref": ["x"]}}}}}, "Ref takes a name, found list"),
])
def test_structure_errors(tmp_path: Path, template: dict[str, object], problem: str) -> None:
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template))
    with pytest.raises(InputError) as info:
        load_file(path)
    assert problem in info.value.problem
    assert info.value.path == str(path)


def test_cli_check_reads_a_yaml_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "stack.yaml"
    path.write_text("Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n"
                    "    Properties:\n      BucketName: !Sub '${AWS::Region}-logs'\n")
    code = main(["check", str(path), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert {(f["rule_id"], f["resource"]["address"]) for f in report["findings"]} >= {
        ("DG-ENC-001", "Logs"), ("DG-STO-001", "Logs"), ("DG-STO-002", "Logs")}


def test_cli_error_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "stack.yml"
    path.write_text("Resources:\n  A: !Evil x\n")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err and "!Evil" in err
