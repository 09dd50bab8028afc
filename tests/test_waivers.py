"""Waivers: active ones waive (and count), expired ones stop, stale ones are reported."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from plans import change, plan, write

from driftguard.cli import main
from driftguard.config import Config
from driftguard.errors import InputError
from driftguard.pipeline import check
from driftguard.waivers import load_waivers

TODAY = dt.date(2026, 6, 1)


def estate(tmp_path: Path) -> Path:
    return write(tmp_path, plan(
        change('module.data.aws_s3_bucket.b["public-datasets"]', {"bucket": "pub"}),
        change('module.data.aws_s3_bucket.b["raw"]', {"bucket": "raw"}),
        change("aws_ebs_volume.scratch", {"encrypted": False}),
    ))


def waiver_file(tmp_path: Path, *entries: str) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text("waivers:\n" + "".join(entries))
    return path


def entry(rule: str, resource: str, expires: str, owner: str = "ml-platform") -> str:
    return (f"  - rule: {rule}\n    resource: '{resource}'\n    reason: reviewed\n"
            f"    owner: {owner}\n    expires: {expires}\n")


def run_check(tmp_path: Path, waivers: Path):
    return check([estate(tmp_path)], Config(waivers=waivers), today=TODAY)


def test_active_waiver_with_for_each_glob_waives_and_counts(tmp_path: Path) -> None:
    waivers = waiver_file(tmp_path,
                          entry("DG-ENC-001", 'module.data.aws_s3_bucket.b["public-*"]',
                                "2026-12-31"))
    result = run_check(tmp_path, waivers)
    waived = [f for f in result.findings if f.waived]
    assert [f.resource_address for f in waived] == [
        'module.data.aws_s3_bucket.b["public-datasets"]']
    assert waived[0].waiver.owner == "ml-platform"
    failing = {(f.rule_id, f.resource_address) for f in result.failing()}
    assert ("DG-ENC-001", 'module.data.aws_s3_bucket.b["raw"]') in failing
    assert ("DG-ENC-002", "aws_ebs_volume.scratch") in failing
    assert not any(rule == "DG-ENC-001" and "public" in address for rule, address in failing)
    assert result.stale_waivers == []


def test_brackets_in_addresses_are_literal_not_character_classes(tmp_path: Path) -> None:
    waivers = waiver_file(tmp_path, entry("DG-ENC-001", 'module.data.aws_s3_bucket.b[r]',
                                          "2026-12-31"))
    result = run_check(tmp_path, waivers)
    assert not any(f.waived for f in result.findings)
    assert len(result.stale_waivers) == 1


def test_expired_waiver_stops_waiving_and_says_so(tmp_path: Path, capsys) -> None:
    waivers = waiver_file(tmp_path, entry("DG-ENC-002", "aws_ebs_volume.*", "2026-05-31"))
    result = run_check(tmp_path, waivers)
    volume = next(f for f in result.findings if f.resource_address == "aws_ebs_volume.scratch")
    assert volume.waiver is not None and volume.waiver.expired and not volume.waived
    assert volume in result.failing()


def test_active_waiver_wins_over_an_expired_one(tmp_path: Path) -> None:
    waivers = waiver_file(tmp_path,
                          entry("DG-ENC-002", "aws_ebs_volume.scratch", "2025-01-01", "old"),
                          entry("DG-*", "aws_ebs_volume.*", "2027-01-01", "new"))
    result = run_check(tmp_path, waivers)
    volume = next(f for f in result.findings if f.resource_address == "aws_ebs_volume.scratch")
    assert volume.waived and volume.waiver.owner == "new"
    assert result.stale_waivers == []  # both matched a finding


def test_stale_waiver_is_reported(tmp_path: Path) -> None:
    waivers = waiver_file(tmp_path, entry("DG-NET-003", "aws_security_group.gone", "2026-12-31"))
    result = run_check(tmp_path, waivers)
    assert [(w.rule, w.resource) for w in result.stale_waivers] == [
        ("DG-NET-003", "aws_security_group.gone")]


def test_cli_reports_waived_expired_and_stale(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    waivers = waiver_file(
        tmp_path,
        entry("DG-ENC-001", "module.data.aws_s3_bucket.b*", "2999-01-01"),
        entry("DG-ENC-002", "aws_ebs_volume.scratch", "2000-01-01"),
        entry("DG-NET-003", "aws_security_group.gone", "2999-01-01"),
    )
    code = main(["check", str(estate(tmp_path)), "--waivers", str(waivers)])
    out = capsys.readouterr().out
    assert code == 1  # the volume's waiver expired
    assert "\nhigh waived (2)\n" in out and "waiver expired 2000-01-01" in out
    assert "stale waiver: DG-NET-003 aws_security_group.gone" in out
    assert "2 waived" in out and "1 with an expired waiver" in out and "1 stale waiver" in out
    main(["check", str(estate(tmp_path)), "--waivers", str(waivers), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["waived"] == 2 and doc["summary"]["expired_waivers"] == 1
    expired = [f for f in doc["findings"] if f["waiver"] and f["waiver"]["expired"]]
    assert [(f["rule_id"], f["waived"]) for f in expired] == [("DG-ENC-002", False)]
    assert doc["stale_waivers"][0]["resource"] == "aws_security_group.gone"


@pytest.mark.parametrize(("text", "problem"), [
    ("waivers:\n  - rule: X\n    resource: a\n    reason: r\n    owner: o\n", "expires"),
    ("waivers:\n  - rule: X\n    resource: a\n    reason: r\n    owner: o\n"
     "    expires: someday\n", "expires"),
    ("waivers:\n  - rule: X\n    resource: a\n    reason: ''\n    owner: o\n"
     "    expires: 2026-01-01\n", "reason"),
    ("waivers: [\n", "invalid YAML"),
])
def test_bad_waiver_file_is_a_clear_error(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as exc:
        load_waivers(path)
    assert str(path) in str(exc.value) and problem in str(exc.value)
