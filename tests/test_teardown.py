"""What a one-shot command keeps to its end instead of freeing (driftguard/teardown.py),
and the collector's state after the pipeline's pause (pipeline.no_gc)."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from driftguard import pipeline, teardown
from driftguard.config import Config
from driftguard.declared.sources import Declared
from driftguard.policy.embedded import EmbeddedEngine
from tests import plans


@pytest.fixture
def skipping(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """teardown as in a supervised command; its kept objects."""
    kept: list[object] = []
    monkeypatch.setattr(teardown, "_skipped", True)
    monkeypatch.setattr(teardown, "_kept", kept)
    return kept


def test_nothing_is_kept_outside_a_supervised_command() -> None:
    before = len(teardown._kept)
    teardown.keep(object())
    assert len(teardown._kept) == before and not teardown._skipped


def test_a_supervised_command_keeps(skipping: list[object]) -> None:
    done = {"a": 1}
    teardown.keep(done)
    assert skipping == [done]


def test_a_check_keeps_its_resources_and_engine(skipping: list[object],
                                                tmp_path: Path) -> None:
    path = plans.write(tmp_path, plans.plan(plans.change(
        "aws_s3_bucket.a", {"bucket": "a", "tags": {}})))
    result = pipeline.check([path], Config())
    declared = next(k for k in skipping if isinstance(k, Declared))
    assert [r.address for r in declared.resources] == ["aws_s3_bucket.a"]
    assert result.resources == 1
    assert any(isinstance(k, EmbeddedEngine) for k in skipping)


def test_the_command_process_of_supervise_keeps(tmp_path: Path) -> None:
    script = textwrap.dedent("""
        from driftguard import teardown
        from driftguard.policy import isolated
        isolated.supervise(lambda: print(teardown._skipped) or 0)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=30, cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (0, "True\n")


def _made_in_pause() -> list[object]:
    with pipeline.no_gc():
        return [[n] for n in range(1000)]


def test_what_the_pause_made_is_in_the_oldest_generation_after_it() -> None:
    """Else the first collection after the pause walks all of it (a whole plan)."""
    made = _made_in_pause()
    assert gc.isenabled()
    assert gc.get_count()[0] < 100
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert all(id(o) in oldest for o in made)


def test_a_host_process_s_frozen_objects_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        _made_in_pause()
        assert gc.get_freeze_count() == frozen  # unfreeze would have let them go
    finally:
        gc.unfreeze()
