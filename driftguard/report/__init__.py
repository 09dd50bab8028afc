"""Report formats: one module each, all with `render(result) -> str`."""

from __future__ import annotations

from collections.abc import Callable

from driftguard.model import CheckResult
from driftguard.report import json_report, text

Renderer = Callable[[CheckResult], str]

FORMATS: dict[str, Renderer] = {
    "text": text.render,
    "json": json_report.render,
}
