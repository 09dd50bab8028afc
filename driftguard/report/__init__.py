"""Report formats: one module each, all with `render(result) -> str`.

The format names and file name endings are plain data here; FORMATS, the renderers, is
imported on first use, so that the command line can list the formats without loading
them (and the model) in commands that write no report (`policy test`, `version`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from driftguard.model import CheckResult

    Renderer = Callable[[CheckResult], str]
    FORMATS: dict[str, Renderer]

# Each format and the usual file name ending of its reports.
EXTENSIONS: dict[str, str] = {
    "text": "txt",
    "json": "json",
    "sarif": "sarif",
    "junit": "xml",
    "github": "txt",
    "markdown": "md",
}


def __getattr__(name: str) -> Any:
    if name != "FORMATS":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from driftguard.report import github, json_report, junit, markdown, sarif, text

    formats = {"text": text.render, "json": json_report.render, "sarif": sarif.render,
               "junit": junit.render, "github": github.render, "markdown": markdown.render}
    globals()["FORMATS"] = formats
    return formats
