"""`driftguard check` end to end, in process: verdicts, formats, exit codes, errors."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import jsonschema
import pytest
from plans import change, plan, write

from driftguard.cli import main

SCHEMA = json.loads(
    (Path(__file__).parents[1] / "driftguard/report/schema/check-v1.json").read_text())


@pytest.fixture(autouse=True)
def _no_local_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for var in ("DRIFTGUARD_CONFIG", "DRIFTGUARD_FAIL_ON"):
        monkeypatch.delenv(var, raising=False)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


IMDSV2 = {"metadata_options": [{"http_tokens": "required", "http_endpoint": "enabled"}],
          "root_block_device": [{"encrypted": True}]}  # and an encrypted root volume


def small_plan(tmp_path: Path) -> Path:
    return write(tmp_path, plan(
        change("aws_ebs_volume.scratch", {"encrypted": False, "size": 100}),
        change("aws_instance.train", {"instance_type": "x2iedn.32xlarge",
                                      "associate_public_ip_address": False, **IMDSV2}),
        change("aws_instance.ok", {"instance_type": "g5.xlarge",
                                   "associate_public_ip_address": False, **IMDSV2}),
        change("aws_subnet.public", {"map_public_ip_on_launch": True}),
    ))


def test_text_report_lists_violations_and_fails(capsys, tmp_path: Path) -> None:
    code, out, err = run(capsys, "check", str(small_plan(tmp_path)))
    assert code == 1, err
    assert "DG-ENC-002" in out and "aws_ebs_volume.scratch" in out
    assert "DG-CMP-001" in out and "aws_instance.train" in out
    assert "aws_instance.ok" not in out
    assert "\nmedium warnings (1)\n  DG-NET-002  aws_subnet.public " in out  # it warns
    assert out.strip().splitlines()[-1].startswith("FAIL: 2 violations at or above low")


def test_fail_on_threshold_decides_the_exit_code(capsys, tmp_path: Path) -> None:
    path = str(small_plan(tmp_path))
    assert run(capsys, "check", path, "--fail-on", "high")[0] == 1
    code, out, _ = run(capsys, "check", path, "--fail-on", "critical")
    assert code == 0
    assert out.strip().splitlines()[-1].startswith("PASS: no violations at or above critical")


def test_json_report_matches_schema_and_exit_code(capsys, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "check", str(small_plan(tmp_path)), "--format", "json")
    doc = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    assert code == 1 and doc["summary"]["passed"] is False
    assert {f["rule_id"] for f in doc["findings"]} == {"DG-ENC-002", "DG-CMP-001", "DG-NET-002"}
    assert doc["summary"]["warnings"] == 1


def test_clean_plan_passes(capsys, tmp_path: Path) -> None:
    path = write(tmp_path, plan(change("aws_ebs_volume.v", {"encrypted": True})))
    code, out, _ = run(capsys, "check", str(path))
    assert code == 0 and out.startswith("PASS")


def test_unknown_value_is_a_finding_not_a_silent_pass(capsys, tmp_path: Path) -> None:
    path = write(tmp_path, plan(change(
        "aws_ebs_volume.v", {"encrypted": None}, unknown={"encrypted": True},
        sets=("encrypted",))))
    code, out, _ = run(capsys, "check", str(path), "--format", "json")
    finding = json.loads(out)["findings"][0]
    assert code == 1
    assert finding["unknown_until_apply"] is True and finding["rule_id"] == "DG-ENC-002"


def test_secret_never_reaches_any_output(capsys, tmp_path: Path) -> None:
    secret = "s3cr3t-Pa55word"
    path = write(tmp_path, plan(change(
        "aws_db_instance.meta", {"identifier": "meta", "password": secret,
                                 "storage_encrypted": False, "tags": {"token": secret}},
        sensitive={"password": True, "tags": {"token": True}})))
    for fmt in ("text", "json"):
        code, out, err = run(capsys, "check", str(path), "--format", fmt)
        assert code == 1
        assert secret not in out + err


def test_config_file_and_environment_feed_the_rules(capsys, tmp_path: Path, monkeypatch) -> None:
    path = str(small_plan(tmp_path))
    config = tmp_path / "dg.yaml"
    config.write_text("policy:\n  allowed_instance_types: ['x2iedn.*', 'g5.*']\n")
    code, out, _ = run(capsys, "check", path, "--config", str(config), "--format", "json")
    assert "DG-CMP-001" not in {f["rule_id"] for f in json.loads(out)["findings"]}
    monkeypatch.setenv("DRIFTGUARD_FAIL_ON", "critical")
    assert run(capsys, "check", path, "--config", str(config))[0] == 0


@pytest.mark.parametrize(("text", "problem"), [
    ("fail_on: extreme\n", "fail_on"),
    ("policy:\n  admin_ports: [ssh]\n", "policy.admin_ports.0"),
    ("nonsense: 1\n", "nonsense"),
    ("policy: [\n", "invalid YAML at line"),
])
def test_bad_config_is_one_line_and_exit_2(capsys, tmp_path: Path, text: str, problem: str
                                           ) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text(text)
    code, out, err = run(capsys, "check", str(small_plan(tmp_path)), "--config", str(config))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert str(config) in err and problem in err


def test_rego_syntax_error_names_file_and_line(capsys, tmp_path: Path) -> None:
    policies = tmp_path / "mine"
    policies.mkdir()
    (policies / "broken.rego").write_text(
        "package driftguard.rules.mine.broken\n\nimport rego.v1\n\ndeny contains x if {\n")
    code, _, err = run(capsys, "check", str(small_plan(tmp_path)), "--policy", str(policies))
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert f"{policies / 'broken.rego'}:" in err


def test_custom_policy_directory_adds_rules(capsys, tmp_path: Path) -> None:
    policies = tmp_path / "mine"
    policies.mkdir()
    (policies / "big_volumes.rego").write_text(
        "# METADATA\n# title: Volumes over 50 GiB need review\n# custom:\n#   id: ACME-001\n"
        "#   severity: low\npackage driftguard.rules.acme.big_volumes\n\nimport rego.v1\n"
        "import data.driftguard.lib\n\ndeny contains lib.finding(r, \"too big\") if {\n"
        "  some r in input.resources\n  r.type == \"aws_ebs_volume\"\n"
        "  r.attributes.size > 50\n}\n")
    code, out, _ = run(capsys, "check", str(small_plan(tmp_path)), "--policy", str(policies),
                       "--format", "json")
    found = [f for f in json.loads(out)["findings"] if f["rule_id"] == "ACME-001"]
    assert [f["resource"]["address"] for f in found] == ["aws_ebs_volume.scratch"]
    assert found[0]["severity"] == "low"


def test_missing_file_and_usage_errors_exit_2(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "check", str(tmp_path / "nope.json"))
    assert code == 2 and "nope.json: cannot read file" in err
    with pytest.raises(SystemExit) as exc:
        main(["check", "x.json", "--format", "yaml"])
    assert exc.value.code == 2


def test_report_written_to_output_file(capsys, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out, _ = run(capsys, "check", str(small_plan(tmp_path)), "--format", "json",
                       "--output", str(target))
    assert code == 1 and out == ""
    jsonschema.validate(json.loads(target.read_text()), SCHEMA)


def test_one_run_writes_several_reports(capsys, tmp_path: Path) -> None:
    json_out = tmp_path / "r.json"
    code, out, _ = run(capsys, "check", str(small_plan(tmp_path)), "--format", "json",
                       "--output", str(json_out), "--format", "text")
    assert code == 1
    assert out.startswith("high (1)\n  DG-ENC-002  aws_ebs_volume.scratch")
    jsonschema.validate(json.loads(json_out.read_text()), SCHEMA)
    code, _, err = run(capsys, "check", str(small_plan(tmp_path)), "-f", "json", "-f", "text")
    assert code == 2 and "only one report can go to stdout" in err


def test_rules_outside_driftguard_rules_are_an_error_not_skipped(capsys, tmp_path: Path) -> None:
    """They would never run (one query over data.driftguard.rules): say so, exit 2."""
    policies = tmp_path / "mine"
    policies.mkdir()
    (policies / "helpers.rego").write_text(  # helpers may live anywhere
        "package acme.helpers\nimport rego.v1\nis_gp2(v) if v.type == \"gp2\"\n")
    rule = policies / "no_gp2.rego"
    rule.write_text("package acme.no_gp2\nimport rego.v1\n"
                    "deny contains {\"resource\": \"x\", \"msg\": \"m\"} if false\n")
    code, _, err = run(capsys, "check", "--policy", str(policies), str(small_plan(tmp_path)))
    assert code == 2
    assert err == (f"driftguard: error: {rule}:3: acme.no_gp2.deny is never evaluated: its "
                   "package is neither a driftguard rule (package driftguard.rules.*) nor a "
                   "conftest namespace this run reads (main; --namespace NAME, "
                   "--all-namespaces)\n")
    rule.write_text(rule.read_text().replace("acme.no_gp2", "driftguard.rules.acme.no_gp2"))
    code, _, err = run(capsys, "check", "--policy", str(policies), str(small_plan(tmp_path)))
    assert code == 1 and err == ""


def on_a_terminal(capsys, tmp_path: Path, monkeypatch, **env: str) -> str:
    """`check` with stdout on a pseudo-terminal of 45 columns: what it wrote there."""
    import fcntl
    import pty
    import struct
    import termios

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 45, 0, 0))
    plan = small_plan(tmp_path)
    with capsys.disabled(), open(follower, "w", closefd=True) as tty:
        before, sys.stdout = sys.stdout, tty
        try:
            assert main(["check", str(plan)]) == 1
            tty.flush()
        finally:
            sys.stdout = before
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        out += chunk
        if b"FAIL" in out and out.endswith(b"\n"):
            break
    os.close(leader)
    return out.decode().replace("\r\n", "\n")


def test_colour_and_width_on_a_terminal_only(capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TERM", "xterm")
    coloured = on_a_terminal(capsys, tmp_path, monkeypatch)
    assert "\x1b[31mhigh (1)\x1b[0m" in coloured and "\x1b[1;31mFAIL\x1b[0m" in coloured
    plain = re.sub(r"\x1b\[[0-9;]*m", "", coloured)
    assert max(map(len, plain.splitlines())) <= 45  # the terminal's width
    assert "\x1b" not in on_a_terminal(capsys, tmp_path, monkeypatch, NO_COLOR="1")
    assert "\x1b" not in on_a_terminal(capsys, tmp_path, monkeypatch, TERM="dumb")
    # not a terminal (the test's capture): no colour, no width
    code, out, _ = run(capsys, "check", str(small_plan(tmp_path)))
    assert code == 1 and "\x1b" not in out and max(map(len, out.splitlines())) > 45
