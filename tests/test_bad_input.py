"""The hostile test's bad inputs (review 2026-12-01, area 2, and the daemon's bad configs),
re-run against the CLI: every one is a single line `driftguard: error: FILE: problem` and
exit code 2, in bounded time and memory; never a hang, a crash or an internal error.

Cases that could hang or eat memory without their fix run `driftguard` as a child process
with a timeout and a memory limit; the others call the CLI in process (faster). Inputs are
generated here, as the harness's `bad/gen*.py` made them, not committed.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from plans import change, plan, write

from driftguard.cli import main

REPO = Path(__file__).resolve().parents[1]
GOOD_PLAN = REPO / "configs/examples/ml-plan.json"
EMPTY_STATE = {"version": 4, "terraform_version": "1.9.5", "serial": 1, "lineage": "x",
               "resources": []}


@pytest.fixture(autouse=True)
def _no_local_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for var in [v for v in os.environ if v.startswith("DRIFTGUARD_")]:
        monkeypatch.delenv(var)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _limit_memory() -> None:  # in the child, before exec
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def dg(*args: str, timeout: float = 30, env: dict[str, str] | None = None,
       cwd: Path | None = None) -> tuple[int, str, str, float]:
    """`driftguard ARGS` as its own process (2 GB of address space at most): exit code,
    stdout, stderr, seconds. A run past `timeout` fails the test (a hang)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DRIFTGUARD_")}
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "driftguard", *args], capture_output=True,
                          text=True, timeout=timeout, env={**environ, **(env or {})},
                          cwd=cwd, preexec_fn=_limit_memory)
    return proc.returncode, proc.stdout, proc.stderr, time.monotonic() - start


def one_error_line(err: str, name: object, *phrases: str) -> None:
    """stderr is exactly one line `driftguard: error: NAME: ...` holding the phrases."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"driftguard: error: {name}: "), err
    for phrase in phrases:
        assert phrase in lines[0], err


# --- D12: only regular files are read, and only up to a size limit ----------------------


def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    code, _, err, took = dg("check", str(fifo), timeout=20)
    assert code == 2
    one_error_line(err, fifo, "a FIFO (named pipe), not a regular file")
    assert took < 10


def test_dev_zero_is_refused_before_anything_is_read() -> None:
    code, _, err, _ = dg("check", "/dev/zero", timeout=20)
    assert code == 2
    one_error_line(err, "/dev/zero", "a character device, not a regular file")


@pytest.mark.parametrize("what", ["check", "waivers", "config", "ignore"])
def test_other_inputs_are_regular_files_too(capsys, tmp_path: Path, what: str) -> None:
    (tmp_path / "none.tfstate").write_text(json.dumps(EMPTY_STATE))
    given = {"check": ["check", "/dev/null"],
             "waivers": ["check", str(GOOD_PLAN), "--waivers", "/dev/null"],
             "config": ["check", str(GOOD_PLAN), "-c", "/dev/null"],
             "ignore": ["scan", "--state", str(tmp_path / "none.tfstate"),
                        "--ignore", "/dev/null"]}[what]
    code, _, err = run(capsys, *given)
    assert code == 2
    one_error_line(err, "/dev/null", "a character device, not a regular file")


def test_a_directory_is_named_as_such(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 2
    one_error_line(err, tmp_path, "a directory, not a regular file")


def test_proc_files_of_size_zero_are_read_to_their_end(capsys) -> None:
    code, _, err = run(capsys, "check", "/proc/self/environ")
    assert code == 2
    one_error_line(err, "/proc/self/environ", "not valid JSON")


def test_a_file_over_the_size_limit_says_so_and_how_to_raise_it(
        capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = write(tmp_path, plan(*[change(f"aws_ebs_volume.v{n}", {"encrypted": True,
                                                                  "tags": {"pad": "x" * 900}})
                                 for n in range(1200)]))
    assert big.stat().st_size > 1_000_000
    monkeypatch.setenv("DRIFTGUARD_MAX_INPUT_MB", "1")
    code, _, err = run(capsys, "check", str(big))
    assert code == 2
    size = f"{big.stat().st_size / 1e6:.1f} MB"
    one_error_line(err, big, f"cannot read file: the input is {size}, over the limit of 1 MB",
                   "max_input_mb", "DRIFTGUARD_MAX_INPUT_MB")
    monkeypatch.setenv("DRIFTGUARD_MAX_INPUT_MB", "10")
    assert run(capsys, "check", str(big))[0] == 0
    (tmp_path / "driftguard.yaml").write_text("max_input_mb: 0.5\n")
    monkeypatch.delenv("DRIFTGUARD_MAX_INPUT_MB")
    assert run(capsys, "check", str(big))[0] == 2


def test_the_size_limit_applies_to_reports_too(capsys, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / "r.json"
    report.write_text(json.dumps({"pad": "x" * 1_200_000}))
    monkeypatch.setenv("DRIFTGUARD_MAX_INPUT_MB", "1")
    code, _, err = run(capsys, "report", str(report))
    assert code == 2
    one_error_line(err, report, "over the limit of 1 MB")
