from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def corpus_dir() -> Path:
    """The shared real-world corpus: $DRIFTGUARD_CORPUS or ../shared/corpus."""
    env = os.environ.get("DRIFTGUARD_CORPUS")
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared" / "corpus")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    pytest.skip("corpus not found: set DRIFTGUARD_CORPUS or place shared/corpus beside the repo")
