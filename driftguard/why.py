"""Why a finding is there, beyond its rule: the code that declares its resource
(`Why.declared_by`), and who made its drift (`Why.changed_by`, from CloudTrail:
collect/cloudtrail.py). Since when it is open (`Why.first_seen`) comes from the finding
history (history.py); who waived it, from the waivers (waivers.py).

A finding on a declared resource (a plan's, a state's, a template's, or a changed or
missing resource's) is declared by that resource. A finding on a live resource (a policy
on what runs) is declared by the declared resources that match it as drift matches them
(type and id, in the same account and region): an unmanaged one by none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from driftguard.declared import addresses
from driftguard.drift.diff import same_place
from driftguard.model import DRIFT_RULE_IDS, Attribution, Declaration, Drift, Finding, Resource


def declaration(res: Resource) -> Declaration:
    """Where `res` is declared: a Terraform address (and its module), or a stack's (or a
    template's) logical id."""
    if res.source == "cloudformation":
        stack, _, logical = res.address.rpartition("/")
        return Declaration(source=res.source, origin=res.origin, address=res.address,
                           stack=stack or None, logical_id=logical)
    parsed = addresses.parse(res.address)
    return Declaration(source=res.source, origin=res.origin, address=res.address,
                       module=parsed.module or None if parsed else None)


def explain(findings: Iterable[Finding], declared: Sequence[Resource],
            live: Sequence[Resource] = ()) -> None:
    """Set each finding's `why.declared_by` (in place)."""
    by_key = {(r.origin, r.address): r for r in declared}
    by_identity: dict[tuple[str, str], list[Resource]] = defaultdict(list)
    for res in declared if live else ():  # only findings on live resources read it
        if res.id:
            by_identity[(res.type, res.id)].append(res)
    live_by_address = {(r.type, r.address): r for r in live}
    declarations: dict[int, Declaration] = {}  # by id(resource)

    def declared_by(res: Resource) -> Declaration:  # one per resource: its findings share it
        found = declarations.get(id(res))
        if found is None:
            found = declarations[id(res)] = declaration(res)
        return found

    for f in findings:
        if f.source == "live":
            found = live_by_address.get((f.resource_type, f.resource_address))
            twins = [d for d in by_identity.get((found.type, found.id), [])
                     if same_place(d, found)] if found is not None and found.id else []
        else:
            own = by_key.get((f.origin, f.resource_address))
            twins = [own] if own is not None else []
        f.why.declared_by = [declared_by(d) for d in twins]


def changed_by(findings: Iterable[Finding], drifts: Iterable[Drift],
               outcomes: dict[str, Attribution | str]) -> None:
    """Set each drift finding's `why.changed_by` (the event) or `why.unattributed` (why
    there is none) from the outcomes by drift fingerprint (in place)."""
    by_finding = {(DRIFT_RULE_IDS[d.kind], d.address, d.origin or "live"): outcomes[d.fingerprint]
                  for d in drifts if d.fingerprint in outcomes}
    for f in findings:
        outcome = by_finding.get((f.rule_id, f.resource_address, f.origin))
        if isinstance(outcome, Attribution):
            f.why.changed_by = outcome
        elif outcome is not None:
            f.why.unattributed = outcome
