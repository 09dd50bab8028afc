"""The drift Terraform itself saw while planning (a plan's `resource_drift`), as driftguard's
own drift: `changed` and `missing`, for `driftguard check`.

declared/terraform.py reads the plan into two sides, the resources as the last apply left
them and as Terraform's refresh read them, both cut to what the code sets. This module
compares them as the scan compares declared with live (drift/diff.py): only catalog
types, only the attributes their spec marks for drift, and only those the code set. A
sensitive value is masked on both sides, so it never differs; where Terraform saw it
change, the change is reported with both values masked.
"""

from __future__ import annotations

from driftguard.catalog import spec_for
from driftguard.drift.diff import attribute_changes
from driftguard.drift.ignore import Ignore
from driftguard.model import (
    MASK,
    AttributeChange,
    Drift,
    DriftKind,
    Resource,
    TerraformDrift,
    drift_order,
)


def plan_drift(plans: list[TerraformDrift], ignore: Ignore | None = None) -> list[Drift]:
    """Each plan's resources that changed outside Terraform, or that it found deleted."""
    ignore = ignore or Ignore([])
    drifts: list[Drift] = []
    for plan in plans:
        now = {r.address: r for r in plan.after}
        for was in plan.before:
            if spec_for(was.type) is None or ignore.resource(was.type, was.id or ""):
                continue
            live = now.get(was.address)
            if live is None:
                drifts.append(_drift("missing", was, plan.origin))
                continue
            changes = attribute_changes(was, live, ignore)
            changes += _masked_changes(was, plan.sensitive_changes.get(was.address, set()),
                                       {c.attribute for c in changes}, ignore)
            if changes:
                drifts.append(_drift("changed", was, plan.origin, changes))
    drifts.sort(key=drift_order)
    return drifts


def _masked_changes(was: Resource, changed: set[str], seen: set[str], ignore: Ignore
                    ) -> list[AttributeChange]:
    """The drift attributes that read a Terraform attribute the code set and whose
    sensitive value changed (masked, they read as unknown): both sides masked."""
    spec = spec_for(was.type)
    if not changed or spec is None:
        return []
    return [AttributeChange(attribute=a.name, declared=MASK, live=MASK) for a in spec.attrs
            if a.drift and a.name not in seen and a.name in was.unknown
            and any(path.split(".")[0] in changed for path in a.tf)
            and not ignore.attribute(was.type, was.id or "", a.name)]


def _drift(kind: DriftKind, res: Resource, origin: str,
           changes: list[AttributeChange] | None = None) -> Drift:
    return Drift(kind=kind, type=res.type, id=res.id, address=res.address, origin=origin,
                 account=res.account, region=res.region, changes=changes or [])
