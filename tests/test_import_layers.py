"""The arrows between driftguard's packages point down: stages never import what uses them.

Every module is read with `ast`, so every import counts: module level, inside functions,
and under `if TYPE_CHECKING:`. A forbidden arrow is printed as `module -> imported
(file:line)`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import driftguard

PACKAGE = Path(driftguard.__file__).parent
ROOT = PACKAGE.parent

# What shares the bottom with the model: imports nothing above it.
BOTTOM = {"model", "errors", "aws_errors", "locations", "documents", "globs", "catalog",
          "teardown"}
ABOVE_BOTTOM = {"config", "declared", "collect", "drift", "policy", "report", "results",
                "notify", "daemon", "org", "pipeline", "cli", "demo", "history", "waivers",
                "iam", "onboard"}
STAGES = {"declared", "collect", "drift", "policy"}
ABOVE_STAGES = {"pipeline", "cli", "daemon", "org", "notify", "report", "results", "demo",
                "onboard"}

FORBIDDEN: dict[str, set[str]] = {
    "collect": {"declared", "drift"},
    "report": {"declared", "drift"},
    **{low: ABOVE_BOTTOM for low in BOTTOM},
}
for stage in STAGES:
    FORBIDDEN[stage] = FORBIDDEN.get(stage, set()) | ABOVE_STAGES
FORBIDDEN["policy"] |= {"config"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> Iterator[tuple[str, int]]:
    """(absolute module name, line) of every import in the file."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield target, node.lineno
            for alias in node.names:  # `from driftguard import pipeline` names a module
                yield f"{target}.{alias.name}", node.lineno


def _layer(module: str) -> str | None:
    """`collect` for driftguard.collect.engine, `model` for driftguard.model."""
    parts = module.split(".")
    if parts[0] != "driftguard" or len(parts) < 2:
        return None
    return parts[1]


def _is_module(name: str) -> bool:
    relative = Path(*name.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").is_file() or (PACKAGE / relative).is_dir()


def arrows() -> Iterator[tuple[str, str, str]]:
    """(importer, imported, file:line) for every import between driftguard's modules."""
    for path in sorted(PACKAGE.rglob("*.py")):
        importer = _module_name(path)
        for imported, line in _imports(path):
            if _layer(imported) is None or not _is_module(imported):
                continue
            yield importer, imported, f"{path.relative_to(ROOT)}:{line}"


def test_imports_point_down() -> None:
    offending: list[str] = []
    for importer, imported, where in arrows():
        source, target = _layer(importer), _layer(imported)
        if source is None or target is None or source == target:
            continue
        if target in FORBIDDEN.get(source, set()):
            offending.append(f"{importer} -> {imported} ({where})")
    assert not offending, "forbidden imports:\n" + "\n".join(sorted(set(offending)))


def test_the_walk_sees_function_level_and_type_checking_imports() -> None:
    """The test above would pass vacuously if the walk missed imports that matter."""
    found = {(a, b) for a, b, _ in arrows()}
    assert ("driftguard.pipeline", "driftguard.collect.engine") in found  # in scan()
    assert ("driftguard.cli", "driftguard.config") in found  # under TYPE_CHECKING
    assert ("driftguard.cli", "driftguard.pipeline") in found  # `from driftguard import ..`
