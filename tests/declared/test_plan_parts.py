"""A big plan read from its parts (declared/plan_parts) gives what the whole parse gives:
the same resources and drift, or the same error, for the corpus and for plans made bad in
each part that the parts skip or read. `FROM_BYTES` is set to 0 to take every plan the
parts' way, and out of reach to take the usual way."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from driftguard.cli import main
from driftguard.declared import plan_parts
from driftguard.declared.sources.file import LocalFile
from driftguard.errors import InputError

USUAL = 1 << 62
REPO = Path(__file__).resolve().parents[2]

AFTER = {"id": "i-1", "arn": "arn:aws:ec2:eu-west-1:123456789012:instance/i-1",
         "instance_type": "m5.large", "associate_public_ip_address": False,
         "tags": {"Name": "web"}}


def _resource(address: str, values: dict[str, Any]) -> dict[str, Any]:
    rtype, name = address.split(".")[-2:]
    return {"address": address, "mode": "managed", "type": rtype, "name": name,
            "values": values, "sensitive_values": {}}


def base_plan() -> dict[str, Any]:
    """Every part the loader reads and skips: a change with `before`, a planned resource
    that resource_changes leaves out (a module's), drift over prior_state."""
    before = {**AFTER, "instance_type": "t3.micro", "@before": 0}
    bucket = {"id": "logs", "bucket": "logs", "arn": "arn:aws:s3:::logs"}
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "planned_values": {"root_module": {
            "resources": [_resource("aws_instance.web", AFTER)],
            "child_modules": [{"address": "module.m", "resources": [
                _resource("module.m.aws_s3_bucket.logs", {**bucket, "@planned": 0})]}]}},
        "resource_drift": [{
            "address": "aws_instance.web", "mode": "managed", "type": "aws_instance",
            "name": "web", "change": {"actions": ["update"], "before": AFTER,
                                      "after": {**AFTER, "instance_type": "m5.xlarge"}}}],
        "resource_changes": [{
            "address": "aws_instance.web", "mode": "managed", "type": "aws_instance",
            "name": "web", "change": {"actions": ["update"], "before": before,
                                      "after": {**AFTER, "@after": 0}, "after_unknown": {},
                                      "after_sensitive": {}, "before_sensitive": {}}}],
        "prior_state": {"format_version": "1.0", "values": {"root_module": {"resources": [
            _resource("aws_instance.web", {**AFTER, "@prior": 0})]}}},
        "configuration": {"root_module": {"resources": [{
            "address": "aws_instance.web", "mode": "managed", "type": "aws_instance",
            "name": "web", "provider_config_key": "aws",
            "expressions": {"instance_type": {"constant_value": "m5.large"},
                            "@configuration": {"constant_value": 0}}}]},
            "provider_config": {"aws": {"name": "aws", "expressions": {
                "region": {"constant_value": "eu-west-1"}}}}},
        "@top": 0,
    }


def text(doc: dict[str, Any], part: str = "", value: str = "0") -> bytes:
    """The plan's JSON with `"@part": 0` written as `value` (raw JSON text)."""
    out = json.dumps(doc)
    for marker in ("@top", "@before", "@after", "@planned", "@prior", "@configuration"):
        out = out.replace(f'"{marker}": 0', value if marker == f"@{part}" else
                          f'"{marker[1:]}": 0')
    return out.encode()


def outcome(path: Path) -> Any:
    """What loading the file gives: its resources, drift and summary, or its error."""
    try:
        declared = LocalFile(str(path)).load()
    except InputError as exc:
        return ("error", str(exc))
    return ([r.model_dump() for r in declared.resources],
            [repr(d) for d in declared.terraform_drift],
            [s.model_dump() for s in declared.summaries])


def both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    monkeypatch.setattr(plan_parts, "FROM_BYTES", 0)
    from_parts = outcome(path)
    monkeypatch.setattr(plan_parts, "FROM_BYTES", USUAL)
    return from_parts, outcome(path)


@pytest.fixture(autouse=True)
def _two_cores() -> None:
    if plan_parts._cores() < 2 or not hasattr(os, "fork"):
        pytest.skip("the parts are read only with a core to spare for the check")


def test_the_parts_are_read_and_give_what_the_whole_plan_gives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(text(base_plan()))
    monkeypatch.setattr(plan_parts, "FROM_BYTES", 0)
    parts = plan_parts.read(str(path), path.read_bytes())
    assert parts is not None
    document, check = parts
    assert check.passed()
    assert "before" not in document["resource_changes"][0]["change"]
    assert isinstance(document["prior_state"], plan_parts.Deferred)
    from_parts, usual = both_ways(path, monkeypatch)
    assert from_parts == usual
    resources, drift, _ = usual
    assert {r["address"] for r in resources} == {"aws_instance.web",
                                                 "module.m.aws_s3_bucket.logs"}
    assert "m5.xlarge" in drift[0]  # prior_state, read where the drift needs it


def _set(value: Any, *keys: str | int) -> Callable[[dict[str, Any]], None]:
    """An edit that sets the value at the path of keys."""
    def edit(doc: dict[str, Any]) -> None:
        node: Any = doc
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value
    return edit


DEEP = "[" * 250 + "]" * 250  # deeper than jiter goes; the strict parse takes it
DEEPER = "[" * 5000 + "]" * 5000  # deeper than msgspec and the strict parse go

# (part, the JSON written there) and plans edited in a part the parts read
BAD_TEXT = [
    (part, value) for part in ("top", "before", "after", "planned", "prior", "configuration")
    for value in ('"a": 1, "a": 2', '"a": "\\ud800"', '"a": 1e400', f'"a": {DEEP}',
                  f'"a": {DEEPER}', '"a": NaN', '"a": 1,')
]
EDITS = {
    "change null": _set(None, "resource_changes", 0, "change"),
    "resource_changes null": _set(None, "resource_changes"),
    "after null: the planned values": _set(None, "resource_changes", 0, "change", "after"),
    "planned values a string": _set("x", "planned_values", "root_module", "resources", 0,
                                    "values"),
    "prior_state a string": _set("x", "prior_state"),
    "no drift": _set([], "resource_drift"),
    "address a number": _set(5, "resource_changes", 0, "address"),
    "mode unknown": _set(5, "planned_values", "root_module", "child_modules", 0,
                         "resources", 0, "mode"),
    "a state, not a plan": lambda doc: doc.clear() or doc.update(
        {"version": 4, "terraform_version": "1.9.5", "resources": [],
         "outputs": {"resource_changes": {"value": 1}}}),
}


@pytest.mark.parametrize(("part", "value"), BAD_TEXT)
def test_a_plan_bad_in_any_part_gives_what_the_whole_parse_gives(
        part: str, value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(text(base_plan(), part, value))
    from_parts, usual = both_ways(path, monkeypatch)
    assert from_parts == usual


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_a_plan_of_another_shape_gives_what_the_whole_parse_gives(
        edit: Callable[[dict[str, Any]], None], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    doc = copy.deepcopy(base_plan())
    edit(doc)
    path = tmp_path / "plan.json"
    path.write_bytes(text(doc))
    from_parts, usual = both_ways(path, monkeypatch)
    assert from_parts == usual


@pytest.mark.parametrize("shape", ["provider", "compact"])
def test_a_generated_plan_reads_from_its_parts_as_whole(
        shape: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """bench/gen_plan.py's plans: modules, for_each and count, folds and links, `before`
    and prior_state for the half already applied."""
    path = generated_plan(tmp_path, shape)
    from_parts, usual = both_ways(path, monkeypatch)
    assert from_parts == usual
    assert len(usual[0]) >= 400


def generated_plan(tmp_path: Path, shape: str = "provider") -> Path:
    path = tmp_path / "plan.json"
    subprocess.run([sys.executable, str(REPO / "bench" / "gen_plan.py"), "--resources",
                    "400", "--shape", shape, "--out", str(path)], check=True)
    return path


def test_the_report_of_a_plan_read_from_its_parts_is_the_usual_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The whole JSON report (but when it was made), as the golden reports' plans are too
    small to be read from their parts."""
    monkeypatch.chdir(tmp_path)
    path = generated_plan(tmp_path)
    reports = []
    for from_bytes in (0, USUAL):
        monkeypatch.setattr(plan_parts, "FROM_BYTES", from_bytes)
        assert main(["check", str(path), "--format", "json"]) in (0, 1)
        report = json.loads(capsys.readouterr().out)
        del report["scanned_at"], report["digest"]
        reports.append(report)
    assert reports[0] == reports[1]
    assert reports[0]["findings"]


def test_the_corpus_plans_read_from_their_parts_as_whole(
        corpus_plan: str, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = corpus_dir / "plan" / corpus_plan
    from_parts, usual = both_ways(path, monkeypatch)
    assert from_parts == usual


def test_the_corpus_bad_files_fail_as_whole(
        corpus_bad: str, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = corpus_dir / "bad" / corpus_bad
    if path.suffix not in (".json", "") or path.name.endswith(".yaml"):
        pytest.skip("YAML: not Terraform JSON")
    from_parts, usual = both_ways(path, monkeypatch)
    assert from_parts == usual


def test_without_a_pipe_to_be_had_the_plan_is_read_the_usual_way(tmp_path: Path) -> None:
    """Every file descriptor taken (EMFILE): no check, no error, the usual load."""
    path = tmp_path / "plan.json"
    path.write_bytes(text(base_plan()))
    script = f"""
import os
from driftguard.declared import plan_parts
from driftguard.declared.terraform import load_bytes
plan_parts.FROM_BYTES = 0
data = open({str(path)!r}, "rb").read()
usual = load_bytes("plan.json", data)
taken = []
try:
    while True:
        taken.append(os.open("/dev/null", os.O_RDONLY))
except OSError:
    pass
assert plan_parts.read("plan.json", data) is None
assert load_bytes("plan.json", data) == usual
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout == "ok\n", done.stderr


def test_a_host_that_ignores_sigchld_still_reads_the_plan_from_its_parts(
        tmp_path: Path) -> None:
    """With SIGCHLD ignored the kernel reaps the check's child itself: its verdict is read
    from the pipe all the same, and the wait for it finds nothing left to wait for."""
    path = tmp_path / "plan.json"
    path.write_bytes(text(base_plan()))
    script = f"""
import signal
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
from driftguard.declared import plan_parts
from driftguard.declared.terraform import load_bytes
plan_parts.FROM_BYTES = 0
data = open({str(path)!r}, "rb").read()
document, check = plan_parts.read("plan.json", data)
assert check.passed()
kind, resources = load_bytes("plan.json", data)
print(kind, len(resources))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout == "plan 2\n", done.stderr


@pytest.mark.parametrize(("files", "cpus"), [
    ({"/sys/fs/cgroup/cpu.max": "max 100000"}, None),
    ({"/sys/fs/cgroup/cpu.max": "150000 100000"}, 1.5),
    ({"/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1",
      "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000"}, None),
    ({"/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "50000",
      "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000"}, 0.5),
    ({}, None),
])
def test_a_container_cpu_quota_counts_as_the_cores_there_are(
        files: dict[str, str], cpus: float | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cgroup files, as the kernel writes them (v2, then v1), given in place of the
    machine's own."""
    def read(path: str) -> str:
        if path not in files:
            raise FileNotFoundError(path)
        return files[path]

    monkeypatch.setattr(plan_parts, "_read", read)
    assert plan_parts._cpu_quota() == cpus
    if cpus is not None:
        assert plan_parts._cores() <= cpus


def _check(capsys: pytest.CaptureFixture[str], *paths: Path) -> tuple[int, str, str]:
    code = main(["check", *map(str, paths), "--format", "json"])
    out, err = capsys.readouterr()
    return code, json.loads(out)["findings"] if code in (0, 1) else out, err


@pytest.mark.parametrize("bad", ["first", "second"])
def test_check_waits_for_the_checks_at_its_end_and_errs_as_the_usual_load_would(
        bad: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`check` waits for the checks after the evaluation (plan_parts.confirmed): a
    duplicate key that only the check finds (in `before`) fails the run, and the error
    names the file the usual load stops at, ahead of a later file's."""
    monkeypatch.chdir(tmp_path)
    good, dup, broken = (tmp_path / n for n in ("good.json", "dup.json", "broken.json"))
    good.write_bytes(text(base_plan()))
    dup.write_bytes(text(base_plan(), "before", '"a": 1, "a": 2'))
    broken.write_bytes(b'{"resource_changes": [')
    paths = (dup, broken) if bad == "first" else (good, dup)
    runs = []
    for from_bytes in (0, USUAL):
        monkeypatch.setattr(plan_parts, "FROM_BYTES", from_bytes)
        runs.append(_check(capsys, *paths))
    assert runs[0] == runs[1]
    code, _, err = runs[0]
    assert code == 2 and err.count("\n") == 1 and str(dup) in err and "duplicate key" in err
    monkeypatch.setattr(plan_parts, "FROM_BYTES", 0)
    code, findings, _ = _check(capsys, good)
    assert code in (0, 1) and findings == _usual_findings(capsys, monkeypatch, good)
    try:  # every check's child was waited for: none has ended unwaited
        assert os.waitpid(-1, os.WNOHANG) == (0, 0)
    except ChildProcessError:  # no child at all
        pass


def _usual_findings(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                    path: Path) -> Any:
    monkeypatch.setattr(plan_parts, "FROM_BYTES", USUAL)
    return _check(capsys, path)[1]
