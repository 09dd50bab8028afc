"""What declared/terraform reads of a plan, as types for msgspec (declared/plan_parts):
every other field is skipped. A field of another type than given here (a null where an
object is expected) fails the decode, and the usual load then reads the file."""

from __future__ import annotations

from typing import Any, TypedDict

import msgspec


def decode(data: bytes) -> dict[str, Any] | None:
    """The plan's parts, or None where msgspec refuses them (not JSON, another shape, or
    nested deeper than it goes)."""
    try:
        return msgspec.json.decode(data, type=_Plan)  # type: ignore[return-value]
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return None


class _Change(TypedDict, total=False):
    actions: Any
    after: Any
    after_unknown: Any
    after_sensitive: Any


class _ResourceChange(TypedDict, total=False):
    address: Any
    mode: Any
    type: Any
    change: _Change


class _ModuleResource(TypedDict, total=False):
    address: Any
    mode: Any
    type: Any
    values: msgspec.Raw
    sensitive_values: Any


class _Module(TypedDict, total=False):
    resources: list[_ModuleResource]
    child_modules: list[_Module]


class _Values(TypedDict, total=False):
    root_module: _Module


class _Plan(TypedDict, total=False):
    format_version: Any
    planned_values: _Values
    resource_changes: list[_ResourceChange]
    resource_drift: Any
    prior_state: msgspec.Raw
    configuration: Any
