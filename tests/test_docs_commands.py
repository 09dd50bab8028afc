"""The docs are true: every `driftguard ...` command shown in a code block of README.md
and docs/*.md runs as shown, against the example files (named as the docs name them) and
moto's server for AWS; and docs/json-report.md names every field the JSON report has, and
only those.

Each command runs once in a directory holding the docs' file names: plan.json (the example
ML plan), terraform.tfstate (the example state), template.yaml (a CloudFormation
template), driftguard.yaml (as `driftguard init --daemon` writes it), org.yaml (two
regions of the moto account), .driftignore, results/*.json; in moto, the state bucket
`tf-states`, the report bucket `acme-scan-results` and a stack `ml-web`. `[...]` options
are given. "Works" means: not exit code 2 (bad input or an error), and no error line;
`serve` must start, answer /healthz and stop on SIGTERM with exit code 0. A command that
cannot run against moto would be listed in NEEDS_AWS, with the reason (none is).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import pytest

from driftguard.cli import main

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
REGION = "eu-west-1"
AMI = "ami-03cf127a"
NEEDS_AWS: dict[str, str] = {}  # command -> why moto cannot stand in for AWS


def doc_commands() -> list[tuple[str, str]]:
    """(where, command) of every driftguard command in a fenced or indented code block:
    continuation lines joined, comments dropped, `[optional parts]` kept."""
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        blocks = [m.group(1) for m in re.finditer(r"^```[^\n]*\n(.*?)^```", text, re.M | re.S)]
        blocks += [m.group(0) for m in re.finditer(r"(?:^    \S[^\n]*\n)+", text, re.M)]
        for block in blocks:
            logical = re.sub(r"\\\n\s*", " ", block)
            for line in logical.splitlines():
                line = line.strip()
                if not line.startswith("driftguard "):
                    continue
                words = shlex.split(line, comments=True)
                command = " ".join(shlex.quote(w) for w in words)
                command = re.sub(r"\[([^\]]*)\]", r"\1", command)  # options, given
                found.append((f"{doc.name}: {line[:60]}", command))
    return found


COMMANDS = doc_commands()


def test_the_docs_show_commands() -> None:
    names = {shlex.split(c)[1] for _, c in COMMANDS}
    assert {"check", "scan", "serve", "report", "init", "doctor"} <= names, names


@pytest.fixture
def workdir(aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The docs' files, and the AWS side (moto) of what they name."""
    monkeypatch.chdir(tmp_path)
    for name in ("DRIFTGUARD_CONFIG", "DRIFTGUARD_SHARD"):
        monkeypatch.delenv(name, raising=False)
    examples = REPO / "configs" / "examples"
    shutil.copy(examples / "ml-plan.json", tmp_path / "plan.json")
    shutil.copy(examples / "ml-state.tfstate", tmp_path / "terraform.tfstate")
    shutil.copy(REPO / "tests" / "cfn" / "ml-stack.yaml", tmp_path / "template.yaml")
    (tmp_path / "params.json").write_text(json.dumps(["Env=prod", f"AmiId={AMI}"]))
    (tmp_path / ".driftignore").write_text("aws_s3_bucket.acme-ml-scratch*\n")
    # the user's driftguard.yaml: as `driftguard init --daemon` writes it here
    assert main(["init", "--daemon"]) == 0
    config = (tmp_path / "driftguard.yaml").read_text()
    assert "terraform.tfstate" in config
    (tmp_path / "driftguard.yaml").write_text(
        config.replace("listen: 127.0.0.1:9717", "listen: 127.0.0.1:0", 1))
    (tmp_path / "org.yaml").write_text(
        "serve: {listen: '127.0.0.1:0', history: org-history.sqlite}\n"
        "accounts:\n  - id: '123456789012'\n    regions: [eu-west-1, us-east-1]\n"
        "    states: [terraform.tfstate]\n")
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="tf-states", CreateBucketConfiguration={
        "LocationConstraint": REGION})
    for key in ("ml/app.tfstate", "ml/net.tfstate"):
        s3.put_object(Bucket="tf-states", Key=key,
                      Body=(examples / "ml-state.tfstate").read_bytes())
    # reports to merge: results/*.json, and the same under an S3 prefix
    (tmp_path / "results").mkdir()
    assert main(["check", "plan.json", "-f", "json", "-o", "results/plan.json"]) == 1
    s3.create_bucket(Bucket="acme-scan-results", CreateBucketConfiguration={
        "LocationConstraint": REGION})
    s3.put_object(Bucket="acme-scan-results", Key="2024-06-01/plan.json",
                  Body=(tmp_path / "results" / "plan.json").read_bytes())
    boto3.client("cloudformation").create_stack(
        StackName="ml-web", TemplateBody=(tmp_path / "template.yaml").read_text(),
        Parameters=[{"ParameterKey": "AmiId", "ParameterValue": AMI}])
    return tmp_path


def run_serve(command: str, env: dict[str, str]) -> None:
    """Started as a process: it listens, /healthz answers, SIGTERM stops it with 0."""
    proc = subprocess.Popen([sys.executable, "-m", *shlex.split(command)], env=env,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        assert proc.stderr is not None
        for line in proc.stderr:
            match = re.search(r"listening on ([\d.]+):(\d+)", line)
            if match:
                with urllib.request.urlopen(f"http://{match[1]}:{match[2]}/healthz",
                                            timeout=10) as response:
                    assert response.status == 200
                break
            assert "error" not in line, line
            assert time.monotonic() < deadline
        else:
            pytest.fail(f"{command}: never listened")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_every_command_in_the_docs_works(workdir: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from notify.slack_receiver import SlackReceiver

    receiver = SlackReceiver().up()
    monkeypatch.setenv("DRIFTGUARD_SLACK_WEBHOOK_URL", receiver.webhook_url)
    env = {**os.environ}
    failures: list[str] = []
    try:
        for where, command in COMMANDS:
            if command in NEEDS_AWS:
                continue
            argv = shlex.split(command)[1:]
            if argv[0] in ("init",):  # writes driftguard.yaml: in a directory of its own
                (workdir / "init").mkdir(exist_ok=True)
                monkeypatch.chdir(workdir / "init")
            if argv[0] == "serve":
                run_serve(command, env)
                continue
            capsys.readouterr()
            code = main(argv)
            _, err = capsys.readouterr()
            monkeypatch.chdir(workdir)
            lines = [line for line in err.splitlines() if "error" in line]
            if code == 2 or lines:
                failures.append(f"{where} -> exit {code}: {' | '.join(lines)[:300]}")
    finally:
        receiver.down()
    assert not failures, "\n".join(failures)
    assert receiver.posts  # `check plan.json --slack` posted


# --- docs/json-report.md ---------------------------------------------------------------

def documented_fields() -> set[str]:
    """The first column of its field tables: `summary.passed`, `findings[]`, ..."""
    text = (REPO / "docs" / "json-report.md").read_text(encoding="utf-8")
    fields = set()
    for row in re.findall(r"^\| `([^|]*)` \|", text, re.M):
        fields.update(re.findall(r"[\w.]+(?:\[\])?", row.replace("`, `", " ")))
    return fields


def report_fields(doc: dict[str, Any], documented: set[str]) -> set[str]:
    """Its fields as the doc names them: a list of objects is `name[]` (an empty list,
    either way)."""
    fields = set()
    for key, value in doc.items():
        if key == "summary":
            continue
        objects = isinstance(value, list) and (any(isinstance(v, dict) for v in value)
                                               or (not value and f"{key}[]" in documented))
        fields.add(f"{key}[]" if objects else key)
    fields.update(f"summary.{k}" for k in doc["summary"])
    return fields


def test_json_report_doc_matches_the_output(aws: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DRIFTGUARD_CONFIG", raising=False)
    capsys.readouterr()
    assert main(["check", str(REPO / "configs/examples/ml-plan.json"), "-f", "json"]) == 1
    check = json.loads(capsys.readouterr().out)
    assert main(["scan", "--state", str(REPO / "configs/examples/ml-state.tfstate"),
                 "--region", REGION, "-f", "json", "--no-progress"]) in (0, 1, 3)
    scan = json.loads(capsys.readouterr().out)
    documented = documented_fields()
    produced = report_fields(check, documented) | report_fields(scan, documented)
    assert sorted(produced - documented) == [], "in the report, not in docs/json-report.md"
    assert sorted(documented - produced) == [], "in docs/json-report.md, not in a report"
    text = (REPO / "docs" / "json-report.md").read_text(encoding="utf-8")
    [findings_row] = [r for r in text.splitlines() if r.startswith("| `findings[]`")]
    finding = scan["findings"][0]
    for key in [*finding, *finding["resource"]]:
        assert f"`{key}`" in findings_row, f"findings[].{key} is not documented"
    [rules_row] = [r for r in text.splitlines() if r.startswith("| `rules[]`")]
    for key in check["rules"][0]:
        assert f"`{key}`" in rules_row, f"rules[].{key} is not documented"
