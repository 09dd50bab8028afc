"""Runs the Rego unit tests in policies/ on both engines: regorus through
driftguard.policy.testing (what `driftguard policy test` runs), and OPA's own Go engine
(real_opa.py). Rules and tests may rely only on semantics that both engines share: every
test passes on each, with the same outcomes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from policy import real_opa

from driftguard.policy.testing import TestOutcome, run_policy_tests

POLICIES = Path(__file__).parents[2] / "policies"
DEFAULT_DATA = {
    "driftguard": {
        "config": {
            "allowed_instance_types": ["t3.*", "g5.*"],
            "admin_ports": [22, 3389],
            "required_tags": [],
        }
    }
}


def _report(outcomes: list[TestOutcome]) -> str:
    return "\n".join(
        f"{o.file.relative_to(POLICIES) if o.file.is_relative_to(POLICIES) else o.file}: "
        f"{o.package}.{o.name}: {o.error}"
        for o in outcomes
        if not o.passed
    )


@pytest.fixture(scope="module")
def outcomes() -> list[TestOutcome]:
    return run_policy_tests([POLICIES], DEFAULT_DATA)


@pytest.fixture(scope="module")
def opa_outcomes() -> list[TestOutcome]:
    return real_opa.run_policy_tests([POLICIES], DEFAULT_DATA)


@pytest.mark.parametrize("engine", ["regorus", "opa"])
def test_all_rego_tests_pass(engine: str, request: pytest.FixtureRequest) -> None:
    outcomes: list[TestOutcome] = request.getfixturevalue(
        "outcomes" if engine == "regorus" else "opa_outcomes")
    assert outcomes, "no Rego tests found"
    failures = [o for o in outcomes if not o.passed]
    if failures:
        pytest.fail(f"{engine}: {len(failures)} of {len(outcomes)} Rego tests failed:\n"
                    f"{_report(failures)}")


def test_both_engines_run_the_same_tests(outcomes: list[TestOutcome],
                                         opa_outcomes: list[TestOutcome]) -> None:
    """The same tests, the same outcomes: a semantic difference fails here by name."""
    assert len(outcomes) > 200
    assert [(o.file, o.package, o.name, o.passed) for o in opa_outcomes] == \
        [(o.file, o.package, o.name, o.passed) for o in outcomes]


def test_the_opa_runner_reports_failures_as_regorus_does(tmp_path: Path) -> None:
    """Where the engines differ (`not f(x) == v` with f(x) undefined: true in regorus,
    undefined in OPA, which evaluates the call outside the negation), the OPA run fails."""
    (tmp_path / "diff_test.rego").write_text(
        "package diff\nimport rego.v1\n"
        "f(x) := input.v if x == 2\n"
        "test_negated_comparison if { not f(1) == null }\n"
        "test_negated_call if { not f(1) }\n"
        "test_errors if { 1 / count([]) }\n", encoding="utf-8")
    regorus_run = {o.name: o for o in run_policy_tests([tmp_path])}
    opa_run = {o.name: o for o in real_opa.run_policy_tests([tmp_path])}
    assert regorus_run["test_negated_comparison"].passed
    assert not opa_run["test_negated_comparison"].passed
    assert opa_run["test_negated_comparison"].error == "undefined"
    assert regorus_run["test_negated_call"].passed and opa_run["test_negated_call"].passed
    for run in regorus_run, opa_run:  # an error in one test fails that test only
        assert not run["test_errors"].passed
        assert "divide by zero" in str(run["test_errors"].error)


def test_every_rule_file_has_tests(outcomes: list[TestOutcome]) -> None:
    tested = {o.file for o in outcomes}
    rule_files = [p for p in POLICIES.rglob("*.rego") if not p.name.endswith("_test.rego")]
    assert rule_files, "no rule files found"
    untested = [
        str(p.relative_to(POLICIES))
        for p in rule_files
        if p.with_name(p.stem + "_test.rego") not in tested
    ]
    assert not untested, f"rule files without tests: {untested}"


def test_failing_and_broken_tests_are_reported(tmp_path: Path) -> None:
    (tmp_path / "rule.rego").write_text(
        "package demo\nimport rego.v1\ndeny contains 1 if input.bad\n", encoding="utf-8"
    )
    (tmp_path / "rule_test.rego").write_text(
        "package demo\n"
        "import rego.v1\n"
        'test_passes if { count(deny) == 1 with input as {"bad": true} }\n'
        'test_fails if { count(deny) == 2 with input as {"bad": true} }\n'
        "test_false := false\n"
        "test_errors if { 1 / 0 }\n"
        "  test_not_a_head_at_column_0 := true\n",
        encoding="utf-8",
    )
    results = {o.name: o for o in run_policy_tests([tmp_path])}

    assert set(results) == {"test_passes", "test_fails", "test_false", "test_errors"}
    assert results["test_passes"].passed and results["test_passes"].error is None
    assert results["test_passes"].package == "demo"
    assert not results["test_fails"].passed and results["test_fails"].error == "undefined"
    assert not results["test_false"].passed
    errors = results["test_errors"]
    assert not errors.passed
    assert errors.error and "divide by zero" in errors.error
    assert "Stack backtrace" not in errors.error


def test_unparsable_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "broken_test.rego").write_text("package broken\ntest_x if {\n", encoding="utf-8")
    outcomes = run_policy_tests([tmp_path])
    assert outcomes and not any(o.passed for o in outcomes)
    load = [o for o in outcomes if o.name == "<load>"]
    assert load and load[0].error and "Stack backtrace" not in load[0].error


def _metadata(path: Path) -> tuple[dict[str, Any], str]:
    """The package-scope METADATA block (parsed as YAML) and the package it annotates."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines and lines[0] == "# METADATA", f"{path.name}: must start with '# METADATA'"
    end = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    assert lines[end].startswith("package "), f"{path.name}: METADATA must end at the package line"
    block = [line[2:] if line.startswith("# ") else line[1:] for line in lines[1:end]]
    meta = yaml.safe_load("\n".join(block))
    return meta, lines[end].split()[1]


def test_rule_files_carry_metadata() -> None:
    ids: dict[str, str] = {}
    for path in sorted(POLICIES.rglob("*.rego")):
        if path.name.endswith("_test.rego") or path.parent.name == "lib":
            continue
        name = str(path.relative_to(POLICIES))
        meta, package = _metadata(path)
        family, rule = path.parent.name, path.stem
        assert package == f"driftguard.rules.{family}.{rule}", name
        assert meta.get("title") and meta.get("description"), name
        custom = meta.get("custom") or {}
        assert re.fullmatch(r"DG-[A-Z]{3}-\d{3}", custom.get("id", "")), name
        assert custom["id"] not in ids, f"{name}: id {custom['id']} also in {ids.get(custom['id'])}"
        ids[custom["id"]] = name
        assert custom.get("severity") in {"critical", "high", "medium", "low", "info"}, name
        assert custom.get("remediation"), name
        source = path.read_text(encoding="utf-8")
        assert "rego.metadata" not in source, f"{name}: regorus has no rego.metadata builtins"
        assert re.search(r"^(deny|warn) contains ", source, re.MULTILINE), name
