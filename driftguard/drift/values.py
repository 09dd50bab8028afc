"""Which declared and live values drift shows (docs/json-report.md).

A changed attribute's values go into the report's `changes[]`, the DG-DRIFT-002 message,
the daemon's history and findings API, and Slack. They are shown only for attributes
whose spec marks them safe to show (catalog/spec.py `Attr.show`, by default booleans and
numbers: a tag value or a description may hold anything); the others read HIDDEN, unless
the scan is asked to show every value (`--show-values`, `scan.show_values`). Sensitive
values are masked when a source is read and never compared, so they never get here.

CloudFormation's own verdicts name properties (`/VersioningConfiguration/Status`): a
property is shown when the canonical attribute that reads it is.
"""

from __future__ import annotations

from functools import cache

from driftguard.catalog import spec_for
from driftguard.catalog.spec import Attr
from driftguard.model import HIDDEN, AttributeChange, Drift


def hide_values(drifts: list[Drift], show_values: bool) -> list[Drift]:
    """The drifts, their changes' values hidden where they may not be shown (in place)."""
    if show_values:
        return drifts
    for drift in drifts:
        drift.changes = [change if shown(drift.type, change.attribute) else AttributeChange(
            attribute=change.attribute, declared=_hidden(change.declared),
            live=_hidden(change.live)) for change in drift.changes]
    return drifts


def _hidden(value: object) -> object:
    return None if value is None else HIDDEN  # "not set" says nothing about a value


@cache
def shown(tf_type: str, attribute: str) -> bool:
    """Whether the type's attribute (a canonical name, or a CloudFormation property path)
    may show its values."""
    attr = _attr(tf_type, attribute)
    return attr is not None and attr.values_shown


def _attr(tf_type: str, attribute: str) -> Attr | None:
    spec = spec_for(tf_type)
    if spec is None:
        return None
    by_name = {a.name: a for a in spec.attrs}
    if attribute in by_name:
        return by_name[attribute]
    path = attribute.strip("/").replace("/", ".")
    return next((a for a in spec.attrs if path in a.cfn), None)
