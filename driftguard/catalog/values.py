"""Reading attribute values that may be unknown or sensitive, from any source.

The projector reads a document (Terraform values, CloudFormation properties, a live API
response) together with a parallel tree that holds `true` where a value is known only
after apply or deploy, as a plan's `after_unknown` does; sensitive values are marked by
trees of the same shape (`after_sensitive`, state `sensitive_attributes`). These helpers
walk both trees together.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from driftguard.model import MASK

__all__ = ["MASK", "UNKNOWN", "OutOfRange", "ShapeError", "any_true", "check_finite",
           "contains_mask", "lookup", "mask", "mask_values", "share_sensitivity",
           "split_unknown"]


class ShapeError(ValueError):
    """A document's value does not have the shape the catalog reads there: a block that is
    a string, a port that is no number. `path` is where, in the document's terms."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path, self.problem = path, problem


class OutOfRange(Exception):
    """A number read from a document is infinite or NaN: JSON has no such numbers, so the
    document had one that overflows (1e400), which a fast parse reads as infinity
    (declared/files.load_json parses it again the strict way, which names it)."""


def check_finite(value: Any) -> None:
    """OutOfRange when a number in `value` (a canonical attribute: nested lists and
    objects) is infinite or NaN."""
    kind = type(value)
    if kind is float:
        if value - value != 0.0:  # inf - inf and nan - nan are nan
            raise OutOfRange
    elif kind is dict:
        for item in value.values():
            if type(item) in _NESTED_OR_FLOAT:
                check_finite(item)
    elif kind is list:
        for item in value:
            if type(item) in _NESTED_OR_FLOAT:
                check_finite(item)


_NESTED_OR_FLOAT = frozenset({float, dict, list})


def kind_of(value: Any) -> str:
    """A value's JSON kind, for errors: `a string`, `an object`, ..."""
    if isinstance(value, bool):
        return "a boolean"
    return {dict: "an object", list: "a list", str: "a string", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)


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


def lookup(values: dict[str, Any], unknown: Any, path: str, strict: bool = False) -> Any:
    """The value at a dotted path, UNKNOWN if any part of it is unknown, None if unset.

    A `*` step reads every element of the list there: the value is the list of the
    elements' values at the rest of the path (None where one is unset), unknown only where
    one of those is, so that a block's other, provider-computed fields do not make it
    unknown (`block_device_mappings.*.ebs.0.encrypted`).

    `strict`: a step into a value that is neither an object nor a list (a block written as
    a string) is a ShapeError, not an unset value.
    """
    return lookup_steps(values, unknown, steps_of(path), strict)


def lookup_steps(values: dict[str, Any], unknown: Any, steps: tuple[str, ...],
                 strict: bool = False) -> Any:
    """`lookup` of a path already split into its steps (`steps_of`)."""
    if len(steps) == 1 and steps[0] != "*" and isinstance(values, dict):
        # The common case (`instance_type`), as the loop below reads it, without the loop.
        if unknown is True:
            return UNKNOWN
        step = steps[0]
        value = values.get(step)
        unk = unknown.get(step) if type(unknown) is dict else _child(unknown, step)
        if unk is None or unk is False:
            return value
        if unk is True:
            return UNKNOWN
        return None if value is None else UNKNOWN if any_true(unk) else value
    return _lookup(values, unknown, steps, strict)


@lru_cache(maxsize=4096)  # the catalog's paths: a few hundred
def steps_of(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


def _lookup(value: Any, unk: Any, steps: tuple[str, ...], strict: bool = False, at: str = ""
            ) -> Any:
    for n, step in enumerate(steps):
        if unk is True:
            return UNKNOWN
        if strict and value is not None and not isinstance(value, dict | list):
            if value == MASK:  # a sensitive block, masked whole: the caller's to read
                return value
            raise ShapeError((at + ".".join(steps[:n])).rstrip("."),
                             f"{kind_of(value)}, not an object or a list")
        if step == "*":
            if not isinstance(value, list):
                if strict and value is not None:
                    raise ShapeError((at + ".".join(steps[:n])).rstrip("."),
                                     f"{kind_of(value)}, not a list")
                return None
            here = at + ".".join(steps[:n])
            found = [_lookup(item, _child(unk, str(i)), steps[n + 1:], strict,
                             f"{here}.{i}." if here else f"{i}.")
                     for i, item in enumerate(value)]
            return UNKNOWN if any(v is UNKNOWN for v in found) else found
        # _child, inline where it is an object (most steps): a call each costs more
        value = value.get(step) if type(value) is dict else _child(value, step)
        unk = None if unk is None else unk.get(step) if type(unk) is dict else _child(unk, step)
        if value is None and unk is not True:
            return None
    return UNKNOWN if any_true(unk) else value


def contains_mask(value: Any) -> bool:
    if isinstance(value, dict):
        return any(contains_mask(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_mask(v) for v in value)
    return bool(value == MASK)


def mask_values(values: dict[str, Any], sensitive: Any) -> dict[str, Any]:
    """mask() for a resource's attributes; a wholly sensitive resource masks every key."""
    if sensitive is True:
        return {key: MASK for key in values}
    masked: dict[str, Any] = mask(values, sensitive)
    return masked


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


def share_sensitivity(sensitive: Any, aliases: list[tuple[str, ...]]) -> Any:
    """The sensitivity tree with each group of alias paths (dotted, as `Attr.tf` names them:
    `tags_all` and `tags` are one canonical attribute) marked alike: what is sensitive under
    one alias is sensitive under every other. A state marking `tags.ApiKey` alone would
    otherwise show the same value as `tags_all.ApiKey`."""
    if sensitive is True or not any_true(sensitive):
        return sensitive
    for group in aliases:
        shared: Any = None
        for path in group:
            shared = _union(shared, _subtree(sensitive, path.split(".")))
        if any_true(shared):
            for path in group:
                sensitive = _graft(sensitive, path.split("."), shared)
    return sensitive


def _subtree(tree: Any, steps: list[str]) -> Any:
    for step in steps:
        if tree is True:
            return True
        tree = _tree_child(tree, step)
        if tree is None:
            return None
    return tree


def _tree_child(tree: Any, step: str) -> Any:
    if isinstance(tree, dict):
        if step in tree:
            return tree[step]
        return tree.get(int(step)) if step.isdigit() else None
    return _child(tree, step)


def sensitivity_union(a: Any, b: Any) -> Any:
    """What either sensitivity tree marks (a plan's before_sensitive and after_sensitive)."""
    return _union(a, b)


def _union(a: Any, b: Any) -> Any:
    if a is True or b is True:
        return True
    if not a:
        return b
    if not b:
        return a
    a, b = _as_dict(a), _as_dict(b)
    return {k: _union(a.get(k), b.get(k)) for k in {*a, *b}}


def _as_dict(tree: Any) -> dict[str, Any]:
    if isinstance(tree, list):
        return {str(i): v for i, v in enumerate(tree)}
    return {str(k): v for k, v in tree.items()} if isinstance(tree, dict) else {}


def _graft(tree: Any, steps: list[str], shared: Any) -> Any:
    """`tree` with `shared` merged in at the path (list nodes become dicts keyed by digit
    strings, which mask() reads alike)."""
    if tree is True:
        return True
    if not steps:
        return _union(tree, shared)
    node = _as_dict(tree)
    node[steps[0]] = _graft(node.get(steps[0]), steps[1:], shared)
    return node


def split_unknown(value: Any) -> tuple[Any, Any]:
    """(value with UNKNOWN as None, a tree that is True where UNKNOWN was): a document
    whose unknown values are sentinels (resolved CloudFormation properties) in the shape
    of a plan's after/after_unknown, which `lookup` reads."""
    if value is UNKNOWN:
        return None, True
    if isinstance(value, dict):
        known, unknown = {}, {}
        for key, item in value.items():
            known[key], tree = split_unknown(item)
            if tree is not None:
                unknown[key] = tree
        return known, unknown or None
    if isinstance(value, list):
        pairs = [split_unknown(item) for item in value]
        trees = [tree for _, tree in pairs]
        return [k for k, _ in pairs], trees if any(t is not None for t in trees) else None
    return value, None
