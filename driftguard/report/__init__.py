"""Report formats: one module each, all with `render(result) -> str`.

`FORMATS` maps each format's name to its renderer, importing a format's module when its
renderer is first asked for: the command line lists the names without importing any
(`driftguard --help` and `--version` import nothing they do not use).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from driftguard.model import CheckResult

Renderer = Callable[["CheckResult"], str]

# Format name -> its module in this package.
_MODULES: dict[str, str] = {
    "text": "text",
    "json": "json_report",
    "sarif": "sarif",
    "junit": "junit",
    "github": "github",
    "markdown": "markdown",
    "html": "html_report",
    # Codify a scan's unmanaged resources: Terraform import blocks, an ignore baseline.
    "terraform-import": "terraform_import",
    "driftignore": "driftignore",
}


class _Renderers(Mapping[str, Renderer]):
    def __getitem__(self, fmt: str) -> Renderer:
        render: Renderer = importlib.import_module(f"{__name__}.{_MODULES[fmt]}").render
        return render

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


FORMATS: Mapping[str, Renderer] = _Renderers()

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
