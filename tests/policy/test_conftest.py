"""Conftest-style policies (issue 17, D4): `deny`/`violation`/`warn` in `package main` (or
the namespaces named) run on each file's parsed document, as conftest gives it; a rule that
could never report (not a set, or outside every namespace read) is a load error, exit 2.
Both engines: the embedded one, and the opa engine over OPA's REST API (tests/policy/
opa_double.py, or a real OPA at DRIFTGUARD_OPA_URL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from driftguard import pipeline
from driftguard.cli import main
from driftguard.config import Config
from driftguard.errors import PolicyError
from driftguard.policy.conftest import Namespaces

PLAN = {"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": [
    {"address": "aws_instance.web", "mode": "managed", "type": "aws_instance", "name": "web",
     "change": {"actions": ["create"], "before": None,
                "after": {"instance_type": "t3.micro", "ami": "ami-1"},
                "after_unknown": {}}}]}

MAIN = """\
package main

import rego.v1

deny contains msg if {
	some rc in input.resource_changes
	rc.type == "aws_instance"
	msg := sprintf("%s: instances are not allowed", [rc.address])
}

# METADATA
# title: templates need a description
# custom:
#   id: ACME-CFN-001
#   severity: high
violation contains {"msg": "no description", "resource": "template"} if {
	input.Resources
	not input.Description
}

warn_format contains "old plan format" if input.format_version == "1.2"
"""


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    plan = write(tmp_path, "plan.json", json.dumps(PLAN))
    template = write(tmp_path, "template.yaml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n")
    policies = tmp_path / "policies"
    write(policies, "main.rego", MAIN)
    return plan, template, policies


def config(engine: str, url: str) -> Config:
    return Config.model_validate({"engine": engine, "builtin_policies": False,
                                  "opa": {"url": url, "ready_timeout": 5}})


@pytest.mark.parametrize("engine", ["embedded", "opa"])
def test_main_rules_run_on_each_raw_document(files: tuple[Path, Path, Path], engine: str,
                                             opa_url: str) -> None:
    plan, template, policies = files
    result = pipeline.check([plan, template], config(engine, opa_url), [policies])
    got = sorted((f.rule_id, f.level, f.origin, f.resource_address, f.message)
                 for f in result.findings)
    assert got == [
        ("ACME-CFN-001", "deny", str(template), "template", "no description"),
        ("main.deny", "deny", str(plan), "", "aws_instance.web: instances are not allowed"),
        ("main.warn_format", "warn", str(plan), "", "old plan format"),
    ]
    severities = {f.rule_id: f.severity.name for f in result.findings}
    assert severities == {"ACME-CFN-001": "high", "main.deny": "medium",
                          "main.warn_format": "medium"}
    assert {r.id for r in result.rules} == {"ACME-CFN-001", "main.deny", "main.warn_format"}


def test_cli_fails_the_gate_and_names_the_rule(files: tuple[Path, Path, Path],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    plan, _, policies = files
    code = main(["check", str(plan), "--policy", str(policies), "-f", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert "main.deny" in {f["rule_id"] for f in report["findings"]}


def test_namespaces_are_chosen(tmp_path: Path, files: tuple[Path, Path, Path]) -> None:
    plan, _, _ = files
    policies = tmp_path / "ns"
    write(policies, "a.rego", "package acme.gate\nimport rego.v1\n"
                              'deny contains "acme says no" if input.resource_changes\n')
    write(policies, "lib.rego", "package acme.lib\nimport rego.v1\nhelper(x) := x\n")
    cfg = Config(builtin_policies=False)
    with pytest.raises(PolicyError, match=r"a\.rego:3: acme\.gate\.deny is never evaluated"):
        pipeline.check([plan], cfg, [policies])
    for chosen in (Namespaces(("acme.gate",)), Namespaces(every=True)):
        result = pipeline.check([plan], cfg, [policies], namespaces=chosen)
        assert [(f.rule_id, f.message) for f in result.findings] == [
            ("acme.gate.deny", "acme says no")]
    with pytest.raises(PolicyError, match="--namespace nowhere: no policy file"):
        pipeline.check([plan], cfg, [policies],
                       namespaces=Namespaces(("nowhere", "acme.gate")))


@pytest.mark.parametrize("package", ["driftguard.rules.x", "main"])
@pytest.mark.parametrize("rule, form", [
    ("deny := true", "a boolean"),
    ('deny := "everything is wrong"', "a string"),
    ("deny if input.resources", "a boolean"),
    ('deny[r] := "found" if { some r in input.resources }', "a partial object"),
    ("default deny := false", "a single value (default)"),
])
def test_a_rule_that_is_not_a_set_is_a_load_error(
        tmp_path: Path, files: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str],
        package: str, rule: str, form: str) -> None:
    plan, _, _ = files
    policy = write(tmp_path / "bad", "p.rego", f"package {package}\nimport rego.v1\n{rule}\n")
    code = main(["check", str(plan), "--policy", str(policy.parent)])
    err = capsys.readouterr().err
    assert code == 2
    assert err == (f"driftguard: error: {policy}:3: {package}.deny is {form}, not a set: "
                   "write `deny contains msg if { ... }` (a gate reads only sets of messages "
                   "or findings)\n")


def test_a_rule_outside_every_namespace_is_a_load_error(
        tmp_path: Path, files: tuple[Path, Path, Path],
        capsys: pytest.CaptureFixture[str]) -> None:
    plan, _, _ = files
    policy = write(tmp_path / "wrong", "p.rego", "package mycompany.rules.always\n"
                   'import rego.v1\ndeny contains "always fails" if { true }\n')
    assert main(["check", str(plan), "--policy", str(policy.parent)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"driftguard: error: {policy}:3: mycompany.rules.always.deny is "
                          "never evaluated") and err.count("\n") == 1


def test_a_message_that_is_not_a_string_is_an_error(
        tmp_path: Path, files: tuple[Path, Path, Path]) -> None:
    plan, _, _ = files
    policies = write(tmp_path / "num", "p.rego", "package main\nimport rego.v1\n"
                     "deny contains 42 if input.resource_changes\n").parent
    with pytest.raises(PolicyError, match="main.deny gave int '42': a message is a string"):
        pipeline.check([plan], Config(builtin_policies=False), [policies])


def test_conftest_rules_do_not_run_silently_in_a_scan(files: tuple[Path, Path, Path]) -> None:
    from driftguard.pipeline import _Timer, evaluate

    _, _, policies = files
    with pytest.raises(PolicyError, match="run on the files `driftguard check` reads"):
        evaluate(Config(builtin_policies=False), [policies], [], _Timer())
