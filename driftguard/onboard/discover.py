"""What `driftguard init` can find out about the working directory, without running
Terraform: the regions (the environment, `provider "aws"` blocks) and the state locations
(an S3 backend in a `terraform` block of a *.tf file, the backend Terraform recorded in
`.terraform/terraform.tfstate` at `terraform init`, local *.tfstate files).

Terraform files are read, not parsed as HCL: the blocks looked for hold plain
`name = "value"` assignments, which a small reader finds reliably; a value made of an
expression is not a location anyone can scan, and is left out.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

_COMMENT = re.compile(r'("(?:[^"\\\n]|\\.)*")|#[^\n]*|//[^\n]*|/\*.*?\*/', re.S)
_ASSIGN = re.compile(r'^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*"([^"\\$]*)"\s*$', re.M)
MAX_TF_BYTES = 1_000_000  # a *.tf file larger than this is not read


@dataclass
class Discovery:
    """Regions and state locations, each with where it was found (for the comments)."""

    regions: dict[str, str] = field(default_factory=dict)  # region -> where found
    states: dict[str, str] = field(default_factory=dict)  # location -> where found


def discover(directory: Path, environ: dict[str, str] | None = None) -> Discovery:
    environ = dict(os.environ if environ is None else environ)
    found = Discovery()
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if environ.get(name):
            found.regions.setdefault(environ[name], f"${name}")
    for path in sorted(directory.glob("*.tf")):
        text = _read(path)
        if text is None:
            continue
        for block in blocks(text, r'backend\s+"s3"'):
            values = dict(_ASSIGN.findall(block))
            if values.get("bucket") and values.get("key"):
                found.states.setdefault(f"s3://{values['bucket']}/{values['key']}",
                                        f"the S3 backend in {path.name}")
            if values.get("region"):
                found.regions.setdefault(values["region"], f"the S3 backend in {path.name}")
        for block in blocks(text, r'provider\s+"aws"'):
            region = dict(_ASSIGN.findall(block)).get("region")
            if region:
                found.regions.setdefault(region, f'provider "aws" in {path.name}')
    _recorded_backend(directory / ".terraform" / "terraform.tfstate", found)
    for path in sorted(directory.glob("*.tfstate")):
        found.states.setdefault(path.name, "a local state file")
    return found


def blocks(text: str, opening: str) -> list[str]:
    """The bodies of the blocks that start with `opening` (a regex) and `{`, comments
    removed, nested blocks included."""
    text = _COMMENT.sub(lambda m: m.group(1) or "", text)
    bodies = []
    for match in re.finditer(opening + r"\s*\{", text):
        depth, start = 1, match.end()
        for i in range(start, len(text)):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            if depth == 0:
                bodies.append(text[start:i])
                break
    return bodies


def _recorded_backend(path: Path, found: Discovery) -> None:
    """`terraform init` records the backend it configured (with -backend-config values
    merged in) in .terraform/terraform.tfstate: {"backend": {"type": "s3", "config": ...}}."""
    text = _read(path)
    if text is None:
        return
    try:
        backend = json.loads(text).get("backend") or {}
    except (ValueError, AttributeError):
        return
    config = backend.get("config") or {} if isinstance(backend, dict) else {}
    if backend.get("type") != "s3" or not isinstance(config, dict):
        return
    bucket, key, region = config.get("bucket"), config.get("key"), config.get("region")
    where = "the backend .terraform/terraform.tfstate records"
    if isinstance(bucket, str) and isinstance(key, str) and bucket and key:
        found.states.setdefault(f"s3://{bucket}/{key}", where)
    if isinstance(region, str) and region:
        found.regions.setdefault(region, where)


def _read(path: Path) -> str | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_TF_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
