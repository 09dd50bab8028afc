"""CloudFormation's own drift verdicts (`--cfn-native-drift`) merged into driftguard's drift.

collect/stack_drift.py asks AWS; this module only decides how its verdicts and
driftguard's own diff become one drift list.
"""

from __future__ import annotations

from driftguard.model import Drift, drift_order


def merge(drifts: list[Drift], native: list[Drift]) -> list[Drift]:
    """One entry per (kind, type, id): AWS's property differences join driftguard's own
    changes on the same resource (CloudFormation's paths start with `/`)."""
    index = {(d.kind, d.type, d.id or d.address): d for d in drifts}
    merged = list(drifts)
    for d in native:
        twin = index.get((d.kind, d.type, d.id or d.address))
        if twin is None:
            merged.append(d)
            index[(d.kind, d.type, d.id or d.address)] = d
            continue
        seen = {c.attribute for c in twin.changes}
        twin.changes.extend(c for c in d.changes if c.attribute not in seen)
    merged.sort(key=drift_order)
    return merged
