from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Tests that take one of these arguments run once per file of that corpus folder.
CORPUS_FILE_ARGS = {"corpus_plan": "plan", "corpus_state": "state", "corpus_bad": "bad"}


def find_corpus() -> Path | None:
    """The shared real-world corpus: $DRIFTGUARD_CORPUS or ../shared/corpus, if present."""
    env = os.environ.get("DRIFTGUARD_CORPUS")
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared" / "corpus")
    return next((c for c in candidates if c.is_dir()), None)


@pytest.fixture
def corpus_dir() -> Path:
    """The shared real-world corpus: $DRIFTGUARD_CORPUS or ../shared/corpus."""
    found = find_corpus()
    if found is None:
        pytest.skip("corpus not found: set DRIFTGUARD_CORPUS or place shared/corpus beside "
                    "the repo")
    return found


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize `corpus_plan`, `corpus_state`, `corpus_bad` by the folder's file names.

    Without a corpus there is one placeholder case; the test's `corpus_dir` skips it.
    """
    for arg, folder in CORPUS_FILE_ARGS.items():
        if arg not in metafunc.fixturenames:
            continue
        root = find_corpus()
        names = sorted(p.name for p in (root / folder).iterdir() if p.is_file()) if root else []
        metafunc.parametrize(arg, names or [pytest.param(None, id="no-corpus")])
