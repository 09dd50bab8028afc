"""Reading Terraform attribute values that may be unknown or sensitive.

A Terraform plan describes unknown values with a parallel tree (`after_unknown`) that
holds `true` where a value is known only after apply; sensitive values likewise
(`after_sensitive`, state `sensitive_attributes`). These helpers walk both trees together.
"""

from __future__ import annotations

from typing import Any

from driftguard.model import MASK  # noqa: F401 - re-exported: defined in the model


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


def _child(node: Any, step: str) -> Any:
    if isinstance(node, dict):
        return node.get(step)
    if isinstance(node, list) and step.isdigit() and int(step) < len(node):
        return node[int(step)]
    return None


def any_true(tree: Any) -> bool:
    if tree is True:
        return True
    if isinstance(tree, dict):
        return any(any_true(v) for v in tree.values())
    if isinstance(tree, list):
        return any(any_true(v) for v in tree)
    return False


def lookup(values: dict[str, Any], unknown: Any, path: str) -> Any:
    """The value at a dotted path, UNKNOWN if any part of it is unknown, None if unset."""
    value, unk = values, unknown
    for step in path.split("."):
        if unk is True:
            return UNKNOWN
        value, unk = _child(value, step), _child(unk, step)
        if value is None and unk is not True:
            return None
    return UNKNOWN if any_true(unk) else value


def contains_mask(value: Any) -> bool:
    if isinstance(value, dict):
        return any(contains_mask(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_mask(v) for v in value)
    return value == MASK


def mask_values(values: dict[str, Any], sensitive: Any) -> dict[str, Any]:
    """mask() for a resource's attributes; a wholly sensitive resource masks every key."""
    if sensitive is True:
        return {key: MASK for key in values}
    return mask(values, sensitive)  # type: ignore[no-any-return]


def mask(values: Any, sensitive: Any) -> Any:
    """Replace, in place, every value the sensitivity tree marks; returns the result.

    The tree is `true`, or a dict or list of trees; dict keys may be digit strings where
    the values are lists (state paths).
    """
    if sensitive is True:
        return MASK if values is not None else None
    if isinstance(sensitive, list):
        sensitive = dict(enumerate(sensitive))
    if not isinstance(sensitive, dict):
        return values
    for key, tree in sensitive.items():
        if isinstance(values, dict) and key in values:
            values[key] = mask(values[key], tree)
        elif isinstance(values, list) and str(key).isdigit() and int(key) < len(values):
            values[int(key)] = mask(values[int(key)], tree)
    return values


def tree_from_paths(paths: list[Any]) -> dict[str, Any]:
    """State `sensitive_attributes` (lists of get_attr/index steps) as a sensitivity tree."""
    tree: dict[str, Any] = {}
    for path in paths:
        steps = [step.get("value") for step in path if isinstance(step, dict)]
        steps = [s.get("value") if isinstance(s, dict) else s for s in steps]
        if not steps:
            continue
        node: Any = tree
        for step in steps[:-1]:
            node = node.setdefault(str(step), {})
            if node is True:
                break
        else:
            node[str(steps[-1])] = True
    return tree
