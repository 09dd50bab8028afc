"""Build small `terraform show -json` plans for tests, the way Terraform writes them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from driftguard.declared.addresses import parse


def change(address: str, after: dict[str, Any], *, unknown: dict[str, Any] | None = None,
           sensitive: dict[str, Any] | None = None, actions: tuple[str, ...] = ("create",),
           refs: dict[str, list[str]] | None = None, sets: tuple[str, ...] = (),
           blocks: tuple[str, ...] = ()) -> dict[str, Any]:
    """One resource change; `refs`/`sets` describe the configuration's expressions. The
    attributes in `blocks` are nested blocks (lists of objects in `after`): their
    expressions are lists of objects of expressions, as Terraform writes them, and `refs`
    may name a path into them (`launch_template.0.id`)."""
    roots = {path.split(".")[0] for path in refs or {}}
    return {"address": address, "after": after, "unknown": unknown or {},
            "sensitive": sensitive or {}, "actions": list(actions), "refs": refs or {},
            "sets": set(sets) | set(after) | (roots if blocks else set(refs or {})),
            "blocks": set(blocks)}


def _block_expressions(value: Any) -> Any:
    """A nested block's value as its configuration's expressions (a null one is the
    provider's: the code does not write it)."""
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return [{k: _block_expressions(v) for k, v in block.items() if v is not None}
                for block in value]
    return {"constant_value": value}


def _expressions(c: dict[str, Any]) -> dict[str, Any]:
    blocks = c.get("blocks", set())
    out: dict[str, Any] = {}
    for attr in sorted(c["sets"]):
        if attr in blocks:
            out[attr] = _block_expressions(c["after"].get(attr) or [{}])
        elif attr in c["refs"]:
            out[attr] = {"references": c["refs"][attr]}
        else:
            out[attr] = {"constant_value": c["after"].get(attr)}
    for path, references in c["refs"].items():
        *steps, leaf = path.split(".")
        if not steps or steps[0] not in blocks:
            continue
        node: Any = out
        for step in steps:
            node = node[int(step)] if step.isdigit() else node[step]
        node[leaf] = {"references": references}
    return out


def plan(*changes: dict[str, Any]) -> dict[str, Any]:
    resource_changes, config_root = [], {"resources": [], "module_calls": {}}
    seen_config: set[tuple[tuple[str, ...], str]] = set()
    for c in changes:
        addr = parse(c["address"])
        assert addr is not None, c["address"]
        resource_changes.append({
            "address": c["address"], "mode": "managed", "type": addr.type, "name": addr.name,
            "change": {"actions": c["actions"], "after": c["after"],
                       "after_unknown": c["unknown"], "after_sensitive": c["sensitive"]},
        })
        modules, block = addr.config_key
        if (modules, block) in seen_config:
            continue
        seen_config.add((modules, block))
        node = config_root
        for name in modules:
            node = node["module_calls"].setdefault(
                name, {"module": {"resources": [], "module_calls": {}}})["module"]
        expressions = _expressions(c)
        node["resources"].append({"address": block, "mode": "managed", "type": addr.type,
                                  "name": addr.name, "expressions": expressions})
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "planned_values": {"root_module": {}},
        "resource_changes": resource_changes,
        "configuration": {"root_module": config_root},
    }


def write(tmp_path: Path, doc: dict[str, Any], name: str = "plan.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return path
