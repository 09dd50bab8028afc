"""`--rule` / config `rules`: only the chosen rules are evaluated (policy/evaluate.selected)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from plans import change, plan, write

from driftguard.cli import main
from driftguard.errors import PolicyError
from driftguard.policy.evaluate import builtin_dir, load


@pytest.fixture(autouse=True)
def _no_local_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for var in ("DRIFTGUARD_CONFIG", "DRIFTGUARD_FAIL_ON"):
        monkeypatch.delenv(var, raising=False)


def a_plan(tmp_path: Path) -> Path:
    return write(tmp_path, plan(
        change("aws_ebs_volume.scratch", {"encrypted": False, "size": 100}),
        change("aws_instance.train", {"instance_type": "x2iedn.32xlarge",
                                      "associate_public_ip_address": False}),
        change("aws_subnet.public", {"map_public_ip_on_launch": True}),
    ))


def rule_ids(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, set[str], set[str]]:
    """(exit code, the rules of the findings, the rules the report lists)."""
    capsys.readouterr()
    code = main(["check", *args, "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    return code, {f["rule_id"] for f in doc["findings"]}, {r["id"] for r in doc["rules"]}


def test_only_the_chosen_rules_run(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = str(a_plan(tmp_path))
    _, every, _ = rule_ids(capsys, path)
    assert {"DG-ENC-002", "DG-CMP-001", "DG-NET-002"} <= every
    code, found, listed = rule_ids(capsys, path, "--rule", "DG-ENC-002")
    assert (code, found, listed) == (1, {"DG-ENC-002"}, {"DG-ENC-002"})
    # Globs, in any case, repeatable.
    code, found, listed = rule_ids(capsys, path, "--rule", "dg-net-*", "--rule", "DG-CMP-001")
    assert found == {"DG-CMP-001", "DG-NET-002"}
    assert listed == {r.id for r in load([builtin_dir()]).rules.values()
                      if r.id.startswith("DG-NET-") or r.id == "DG-CMP-001"}


def test_the_config_chooses_and_the_command_line_overrides(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "driftguard.yaml"
    config.write_text("rules: [DG-NET-002]\n")
    path = str(a_plan(tmp_path))
    assert rule_ids(capsys, path, "-c", str(config))[1] == {"DG-NET-002"}
    assert rule_ids(capsys, path, "-c", str(config), "--rule", "DG-ENC-002")[1] == {
        "DG-ENC-002"}


def test_a_rule_that_matches_nothing_is_an_error(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """It would check nothing and pass."""
    code = main(["check", str(a_plan(tmp_path)), "--rule", "DG-ENC-02"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == ("driftguard: error: rules: DG-ENC-02 matches no loaded rule "
                           "(`driftguard rules` lists them)")


def test_the_other_rules_files_go_and_the_library_and_helpers_stay(tmp_path: Path) -> None:
    """A rule whose package spans two files loses both; the library, and a helper package
    the chosen rules may import, stay."""
    package = "package driftguard.rules.acme.a\n\nimport rego.v1\n\n"
    (tmp_path / "a.rego").write_text(
        "# METADATA\n# title: a\n# custom:\n#   id: ACME-A\n#   severity: low\n"
        + package + "deny contains x if { x := 1; false }\n")
    (tmp_path / "a_more.rego").write_text(package + "deny contains x if { x := 2; false }\n")
    (tmp_path / "helpers.rego").write_text("package acme.helpers\n\nanswer := 42\n")
    policies = load([builtin_dir(), tmp_path], only=["DG-ENC-001"])
    names = {p.name for p, _ in policies.files}
    assert {r.id for r in policies.rules.values()} == {"DG-ENC-001"}
    assert {"s3_bucket.rego", "driftguard.rego", "index.rego", "helpers.rego"} <= names
    assert not names & {"a.rego", "a_more.rego", "s3_bucket_cmk.rego"}
    with pytest.raises(PolicyError):
        load([builtin_dir()], only=["ACME-A"])
