"""The policy tests' shared fixture: an OPA server to evaluate on."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from opa_double import OpaDouble


@pytest.fixture(scope="module")
def opa_url() -> Iterator[str]:
    """$DRIFTGUARD_OPA_URL when set (a real OPA server), else the REST double, which
    answers with OPA's own engine."""
    real = os.environ.get("DRIFTGUARD_OPA_URL")
    if real:
        yield real
        return
    with OpaDouble() as double:
        yield double.url
