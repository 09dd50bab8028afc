"""The scan tests' shared fixture: the moto estate, built."""

from __future__ import annotations

from pathlib import Path

import pytest
from moto_estate import Estate


@pytest.fixture
def estate(aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Estate:
    """The estate, built; the working directory is empty (no ./driftguard.yaml) and no
    DRIFTGUARD_* setting of the environment reaches the scan."""
    monkeypatch.chdir(tmp_path)
    for key in ("DRIFTGUARD_CONFIG", "DRIFTGUARD_FAIL_ON"):
        monkeypatch.delenv(key, raising=False)
    return Estate().build()
