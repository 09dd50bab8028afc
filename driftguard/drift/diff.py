"""Match declared resources to live ones and classify the differences.

Matching is by (type, id) through an index, narrowed by account and region where both
sides know them. "changed" compares only the attributes the type's spec marks for drift,
and only those the code set (a declared null means "not set": AWS's default applies).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from driftguard.catalog import spec_for
from driftguard.drift.ignore import Ignore
from driftguard.model import (
    AttributeChange,
    Coverage,
    Drift,
    DriftKind,
    NotChecked,
    Resource,
    drift_order,
)


def same_place(a: Resource, b: Resource) -> bool:
    return (a.account is None or b.account is None or a.account == b.account) and (
        a.region is None or b.region is None or a.region == b.region)


def diff(
    declared: Iterable[Resource],
    live: Iterable[Resource],
    not_checked: list[NotChecked],
    ignore: Ignore,
    is_aws_default: Callable[[Resource], bool],
    strict: bool = False,
    unjudged: Callable[[Resource], bool] = lambda _: False,
) -> tuple[list[Drift], list[Coverage]]:
    """(drifts, coverage per type). Only catalog types take part. A live resource that
    `unjudged` names (its declaring stack could not be read) is neither managed nor
    unmanaged."""
    declared = [r for r in declared if spec_for(r.type) and r.id]
    live = [r for r in live if spec_for(r.type) and r.id]
    index: dict[tuple[str, str | None], list[Resource]] = defaultdict(list)
    for res in declared:
        index[(res.type, res.id)].append(res)

    drifts: list[Drift] = []
    matched: set[int] = set()
    managed: dict[str, int] = defaultdict(int)
    unmanaged: dict[str, int] = defaultdict(int)
    for res in live:
        if ignore.resource(res.type, res.id or ""):
            continue
        twins = [d for d in index.get((res.type, res.id), []) if same_place(d, res)]
        if not twins:
            if unjudged(res):
                continue
            if strict or not is_aws_default(res):
                unmanaged[res.type] += 1
                drifts.append(_drift("unmanaged", res, address=res.address))
            continue
        managed[res.type] += 1
        for twin in twins:
            matched.add(id(twin))
            changes = attribute_changes(twin, res, ignore)
            if changes:
                drifts.append(_drift("changed", twin, live=res, changes=changes))
    for res in declared:
        if id(res) in matched or ignore.resource(res.type, res.id or ""):
            continue
        if any(gap.covers(res) for gap in not_checked):
            continue  # not checked is not missing
        drifts.append(_drift("missing", res))
    drifts.sort(key=drift_order)
    coverage = [Coverage(type=t, managed=managed[t], unmanaged=unmanaged[t])
                for t in sorted(set(managed) | set(unmanaged))]
    return drifts, coverage


def _drift(kind: DriftKind, res: Resource, *, live: Resource | None = None,
           address: str | None = None, changes: list[AttributeChange] | None = None) -> Drift:
    where = live or res
    return Drift(kind=kind, type=res.type, id=res.id, address=address or res.address,
                 origin=None if kind == "unmanaged" else res.origin,
                 account=where.account, region=where.region, changes=changes or [])


def attribute_changes(declared: Resource, live: Resource, ignore: Ignore
                      ) -> list[AttributeChange]:
    """The spec's drift attributes that the code set and whose live value differs."""
    spec = spec_for(declared.type)
    assert spec is not None
    changes = []
    for attr in spec.attrs:
        name = attr.name
        if not attr.drift or name in declared.unknown or name in live.unknown:
            continue
        want = declared.attributes.get(name)
        if want is None or name not in live.attributes:
            continue  # not set by the code, or not read live
        have = live.attributes[name]
        if _equal(attr.kind, want, have):
            continue
        if ignore.attribute(declared.type, declared.id or "", name):
            continue
        changes.append(AttributeChange(attribute=name, declared=want, live=have))
    return changes


def _equal(kind: str, want: Any, have: Any) -> bool:
    if kind == "bool":
        return bool(want) == bool(have)
    if kind == "map" and isinstance(want, dict) and isinstance(have, dict):
        return _user_tags(want) == _user_tags(have)
    if isinstance(want, str) and isinstance(have, str) and want != have:
        # A key or resource named by id on one side and by ARN on the other.
        return want.endswith(("/" + have, ":" + have)) or have.endswith(("/" + want, ":" + want))
    return bool(want == have)


def _user_tags(tags: dict[str, Any]) -> dict[str, Any]:
    """Tags AWS adds itself (aws:cloudformation:..., aws:autoscaling:...) are not drift."""
    return {k: v for k, v in tags.items() if not k.startswith("aws:")}
