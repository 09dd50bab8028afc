"""locations.prefetched: a file read in a thread is what read_file returns, read once; the
file as it is when read_file asks (a file changed since is read again); a failed read
left for read_file to name; the caller's size limit kept; what is not taken, dropped at
the end of the block. And `check` takes the read it started (its path as the loader
writes it)."""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path
from types import FrameType

import pytest

from driftguard import locations
from driftguard.cli import main
from driftguard.errors import InputError
from driftguard.locations import prefetched, read_file

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths locations._read opens (the real read, counted)."""
    opened: list[str] = []
    real = locations._read

    def counted(path: str | Path, problem: str, limit: int) -> tuple[bytes, object]:
        opened.append(str(path))
        return real(path, problem, limit)

    monkeypatch.setattr(locations, "_read", counted)
    return opened


def test_a_prefetched_file_is_read_once(tmp_path: Path, reads: list[str]) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(b'{"format_version": "1.2"}')
    with prefetched(path):
        assert read_file(path) == b'{"format_version": "1.2"}'
        assert reads == [str(path)]  # the thread's read, taken
        assert read_file(path) == b'{"format_version": "1.2"}'  # taken once: read again
        assert reads == [str(path)] * 2


def test_the_block_lets_the_bytes_go_once_taken(tmp_path: Path) -> None:
    """The loader frees a plan's bytes once parsed: the block must not hold them to its
    end (a 10,000-resource check peaked 1.29x higher when it did)."""
    path = tmp_path / "plan.json"
    path.write_bytes(b"[" + b"0," * 100_000 + b"0]")
    with prefetched(path):
        data = read_file(path)
        holders = [r for r in gc.get_referrers(data) if not isinstance(r, FrameType)]
        assert holders == []


def test_a_file_changed_since_is_read_as_it_is_now(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    for n in range(20):  # before, during or after the thread's read: the new content
        path.write_bytes(b"x" * 1000)
        with prefetched(path):
            path.write_bytes(b"y" * (2000 + n))
            assert read_file(path) == b"y" * (2000 + n)


@pytest.mark.parametrize("kind", ["missing", "directory", "fifo"])
def test_a_failed_read_is_read_files_to_name(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "input.json"
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    with pytest.raises(InputError) as unfetched:
        read_file(path)
    with prefetched(path), pytest.raises(InputError) as fetched:
        read_file(path)
    assert str(fetched.value) == str(unfetched.value)


def test_the_callers_limit_stands(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b" " * 2000)
    with prefetched(path), pytest.raises(InputError, match="over the limit"):
        read_file(path, limit=1000)


def test_what_is_not_taken_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(b"{}")
    with prefetched(path):
        assert str(path) in locations._prefetched
    assert str(path) not in locations._prefetched
    assert read_file(path) == b"{}"
    with prefetched(tmp_path / "*.json"), prefetched("s3://bucket/key.tfstate"):
        assert not locations._prefetched  # not one file: nothing read


def test_check_takes_the_read_it_started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str],
                                         reads: list[str]) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text((REPO / "configs/examples/ml-plan.json").read_text())
    monkeypatch.chdir(tmp_path)
    code = main(["check", "./plan.json", "--format", "json"])  # "./": Path writes it bare
    assert code in (0, 1)
    assert json.loads(capsys.readouterr().out)["summary"]["resources"] > 0
    assert reads == ["plan.json"]  # the prefetch's read, which the loader took
