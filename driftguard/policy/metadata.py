"""Rule metadata from OPA's `# METADATA` comment blocks (package scope).

driftguard reads the blocks itself: the embedded engine has no `rego.metadata.*`.
A package without a block is still a rule, named after its package, severity medium.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml

from driftguard.errors import PolicyError
from driftguard.model import Rule, Severity

_PACKAGE = re.compile(r"^package\s+([\w.]+)", re.MULTILINE)
# libyaml's loader where PyYAML has it: METADATA blocks are parsed on every start of the
# gate, and the pure-Python loader spends about 0.6 ms on each rule's block.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_REFERENCE_KEYS = ("checkov", "trivy", "tfsec", "cis")


@functools.lru_cache(maxsize=1024)
def read_rule(path: Path, text: str) -> Rule | None:
    """The rule a policy file defines, or None for a file outside driftguard.rules.
    Cached by path and content: a daemon reloads its policies on every scan, and parsing
    their METADATA (YAML) costs more than the scan of a small account."""
    match = _PACKAGE.search(text)
    if not match or not match[1].startswith("driftguard.rules."):
        return None
    package = match[1]
    return metadata_rule(path, text, package, package.removeprefix("driftguard.rules."))


def package_of(text: str) -> str | None:
    match = _PACKAGE.search(text)
    return match[1] if match else None


def metadata_rule(path: Path, text: str, package: str, default_id: str,
                  rule_head: str | None = None) -> Rule:
    """The Rule of `package` from its METADATA: the block directly above the rule's head
    (`rule_head`: the text before it) where there is one, else the package's."""
    match = _PACKAGE.search(text)
    meta = _package_metadata(path, rule_head) if rule_head is not None else {}
    if not meta and match:
        meta = _package_metadata(path, text[: match.start()])
    custom = meta.get("custom") or {}
    if not isinstance(custom, dict):
        raise PolicyError(f"{path}: METADATA: custom must be a mapping")
    try:
        severity = Severity.parse(str(custom.get("severity", "medium")))
    except ValueError as exc:
        raise PolicyError(f"{path}: METADATA: {exc}") from None
    return Rule(
        id=str(custom.get("id") or default_id),
        package=package,
        title=str(meta.get("title") or (package if rule_head is None else default_id)),
        description=str(meta.get("description") or "").strip(),
        severity=severity,
        remediation=str(custom.get("remediation") or "").strip(),
        file=str(path),
        references={k: _as_list(custom[k]) for k in _REFERENCE_KEYS if custom.get(k)},
    )


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _package_metadata(path: Path, head: str) -> dict[str, Any]:
    """The METADATA block directly above the package line, if any."""
    lines = head.rstrip("\n").split("\n")
    block: list[str] = []
    for line in reversed(lines):
        if not line.startswith("#"):
            break
        block.append(line)
    block.reverse()
    try:
        start = next(i for i, line in enumerate(block) if line.strip() == "# METADATA")
    except StopIteration:
        return {}
    body = "\n".join(line[2:] if line.startswith("# ") else line[1:] for line in
                     block[start + 1:])
    try:
        meta = yaml.load(body, Loader=_Loader) or {}  # a safe loader, C or Python
    except yaml.YAMLError as exc:
        raise PolicyError(f"{path}: METADATA is not valid YAML: {exc}".splitlines()[0]) from None
    if not isinstance(meta, dict):
        raise PolicyError(f"{path}: METADATA must be a YAML mapping")
    return meta
