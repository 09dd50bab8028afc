"""`driftguard rules` and `driftguard policy test`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from driftguard.cli import main


def test_rules_lists_every_builtin_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    rules = json.loads(capsys.readouterr().out)
    ids = {r["id"] for r in rules}
    assert {"DG-ENC-001", "DG-ENC-002", "DG-ENC-003", "DG-CMP-001", "DG-NET-001",
            "DG-NET-002", "DG-NET-003"} <= ids
    assert all(r["severity"] in {"info", "low", "medium", "high", "critical"} for r in rules)
    assert main(["rules"]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0].split() == ["ID", "SEVERITY", "TITLE"]
    assert "DG-NET-003  critical" in text


def test_policy_test_runs_builtin_tests(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", "test"]) == 0
    out = capsys.readouterr().out
    assert "FAIL" not in out
    passed = int(out.strip().splitlines()[-1].split()[0])
    assert passed >= 20


def test_policy_test_reports_failures_with_file(capsys, tmp_path: Path) -> None:
    (tmp_path / "mine_test.rego").write_text(
        "package driftguard.rules.acme.mine\nimport rego.v1\nimport data.driftguard.lib\n"
        "test_uses_lib if lib.finding({\"address\": \"a\", \"key\": \"k\"}, \"m\").msg == \"m\"\n"
        "test_wrong if 1 == 2\n")
    assert main(["policy", "test", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    # by default, as opa test: only the failures, then the summary
    assert out.splitlines() == [
        f"FAIL  {tmp_path / 'mine_test.rego'}  driftguard.rules.acme.mine.test_wrong: undefined",
        "1 passed, 1 failed"]
    assert main(["policy", "test", "-v", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"PASS  {tmp_path / 'mine_test.rego'}  driftguard.rules.acme.mine.test_uses_lib" in out
    assert f"FAIL  {tmp_path / 'mine_test.rego'}  driftguard.rules.acme.mine.test_wrong" in out
    assert out.strip().splitlines()[-1] == "1 passed, 1 failed"


def test_policy_test_of_the_builtin_rules_is_quiet() -> None:
    """A summary line only. (Its speed, under 1 s, is bench/bench_policy_test.py's to
    measure: a timed test fails on a busy machine and proves little on a quiet one.)"""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "driftguard", "policy", "test"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    [summary] = proc.stdout.splitlines()
    assert summary.endswith(" passed, 0 failed")
