"""`driftguard demo` as a whole process: the four changes made behind the code's back are
exactly the drift it reports, and the database password never shows."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema


def test_demo_reports_exactly_the_drift_it_made(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "driftguard", "demo", "--workdir", str(tmp_path),
         "--format", "json"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    schema = Path(__file__).parents[1] / "driftguard/report/schema/check-v1.json"
    jsonschema.validate(report, json.loads(schema.read_text()))
    assert report["schema"] == "driftguard.scan/v1"
    drift = sorted((d["kind"], d["type"], d["address"].split(".")[-1] if d["kind"] != "unmanaged"
                    else "") for d in report["drift"])
    assert drift == [
        ("changed", "aws_instance", "trainer"),
        ("changed", "aws_s3_bucket", 'data["training-data"]'),
        ("missing", "aws_ebs_volume", "datasets_cache"),
        ("unmanaged", "aws_instance", ""),
    ]
    changed = {d["type"]: {c["attribute"] for c in d["changes"]}
               for d in report["drift"] if d["kind"] == "changed"}
    assert changed == {"aws_instance": {"instance_type"},
                       "aws_s3_bucket": {"sse_algorithm", "kms_key_id"}}
    assert report["not_checked"] == []
    violations = {(f["rule_id"], f["resource"]["address"]) for f in report["findings"]}
    assert ("DG-ENC-001", "acme-ml-raw-uploads") in violations  # the unencrypted bucket
    state = (tmp_path / "terraform.tfstate").read_text()
    assert "demo-password-never-shown" in state  # the state holds it, as Terraform's does
    assert "demo-password-never-shown" not in proc.stdout + proc.stderr
    html = tmp_path / "report.html"  # the demo ends with its HTML report, and says where
    assert f"wrote the HTML report: {html}" in proc.stderr
    page = html.read_text()
    assert "demo-password-never-shown" not in page
    assert page.count('<details class="f') == len(report["findings"])


def test_demo_ends_with_the_import_blocks_of_its_unmanaged_instance(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "driftguard", "demo", "--workdir", str(tmp_path),
         "--format", "json", "--output", str(tmp_path / "report.json")],
        capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 1, proc.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    stray = next(d["id"] for d in report["drift"] if d["kind"] == "unmanaged")
    imports = tmp_path / "imports.tf"
    assert f"wrote the import blocks of its 1 unmanaged resource: {imports}" in proc.stderr
    assert proc.stderr.rstrip().endswith("writes their code")
    text = imports.read_text()
    assert text.count("import {") == 1
    assert f'id = "{stray}"' in text and "to = aws_instance." in text
