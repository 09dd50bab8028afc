"""Report formats: one module each, all with `render(result) -> str`."""

from __future__ import annotations

from collections.abc import Callable

from driftguard.model import CheckResult
from driftguard.report import (
    driftignore,
    github,
    html_report,
    json_report,
    junit,
    markdown,
    sarif,
    terraform_import,
    text,
)

Renderer = Callable[[CheckResult], str]

FORMATS: dict[str, Renderer] = {
    "text": text.render,
    "json": json_report.render,
    "sarif": sarif.render,
    "junit": junit.render,
    "github": github.render,
    "markdown": markdown.render,
    "html": html_report.render,
    # Codify a scan's unmanaged resources: Terraform import blocks, an ignore baseline.
    "terraform-import": terraform_import.render,
    "driftignore": driftignore.render,
}

# The usual file name ending of each format, for reports written to files.
EXTENSIONS: dict[str, str] = {
    "text": "txt",
    "json": "json",
    "sarif": "sarif",
    "junit": "xml",
    "github": "txt",
    "markdown": "md",
    "html": "html",
    "terraform-import": "tf",
    "driftignore": "driftignore",
}
