"""Merge the results of several shards or runs into one result (`driftguard report`).

Findings and drift are de-duplicated by fingerprint: a unit that two shards both scanned
counts once, and the merge says so. Gaps are kept, so an incomplete shard leaves the
merged result incomplete.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar

from pydantic import BaseModel

from driftguard.errors import DriftguardError, InputError
from driftguard.model import (
    CheckResult,
    Coverage,
    Finding,
    Rule,
    Severity,
    drift_order,
    finding_order,
)

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
N = TypeVar("N", int, float)
Named = tuple[str, CheckResult]  # (file or URL, its result)


def merge(inputs: list[Named], fail_on: Severity | None = None,
          warn: Callable[[str], None] = lambda line: None) -> CheckResult:
    """One result from `inputs`; `fail_on` overrides the inputs' thresholds (else the
    strictest, i.e. lowest, of them); `warn` receives one line per thing worth knowing."""
    if not inputs:
        raise DriftguardError("no reports to merge")
    _same_kind(inputs)
    inputs = _without_repeats(inputs, warn)
    rules = _rules(inputs)  # before the findings: mixed policy versions are the reason
    findings, dup_findings = _dedupe(inputs, lambda r: r.findings, lambda f: f.fingerprint,
                                     conflict=_conflicting_finding)
    drifts, dup_drifts = _dedupe(inputs, lambda r: r.drifts, lambda d: d.fingerprint)
    findings.sort(key=finding_order)
    drifts.sort(key=drift_order)
    if dup_findings or dup_drifts:
        warn(_duplicates_line(dup_findings, dup_drifts))
    results = [r for _, r in inputs]
    # A waiver one shard found stale may cover a finding of another shard.
    used = {f.waiver.model_dump_json() for f in findings if f.waiver is not None}
    stale = [w for w in _unique(w for r in results for w in r.stale_waivers)
             if w.model_dump_json() not in used]
    accounts = {r.account for r in results}
    return CheckResult(
        kind=results[0].kind,
        sources=_unique(s for r in results for s in r.sources),
        resources=sum(r.resources for r in results),
        rules=rules,
        findings=findings,
        fail_on=fail_on if fail_on is not None else min(r.fail_on for r in results),
        stale_waivers=stale,
        drifts=drifts,
        coverage=_coverage(results),
        unread_types=_sum(r.unread_types for r in results),
        not_collectable=_sum(r.not_collectable for r in results),
        not_checked=_unique(g for r in results for g in r.not_checked),
        read_nothing=all(r.read_nothing for r in results),
        api_calls=_sum(r.api_calls for r in results),
        api_throttles=_sum(r.api_throttles for r in results),
        account=accounts.pop() if len(accounts) == 1 else None,
        regions=list(dict.fromkeys(g for r in results for g in r.regions)),
        units=sorted({u for r in results for u in r.units}),
        timings=_sum(r.timings for r in results),
        scanned_at=max((r.scanned_at for r in results if r.scanned_at), default=None),
    )


def _same_kind(inputs: list[Named]) -> None:
    first_name, first = inputs[0]
    for name, result in inputs[1:]:
        if result.kind != first.kind:
            raise InputError(name, f"a {result.kind} report cannot be merged with the "
                                   f"{first.kind} report {first_name}")


def _without_repeats(inputs: list[Named], warn: Callable[[str], None]) -> list[Named]:
    """Drop an input that repeats an earlier one (the same shard's result uploaded twice):
    otherwise its resources and coverage would count twice."""
    first: dict[str, str] = {}
    kept: list[Named] = []
    for name, result in inputs:
        key = _content_key(result)
        if key in first:
            warn(f"warning: {name} repeats {first[key]} (same unit, same results): "
                 "counted once")
            continue
        first[key] = name
        kept.append((name, result))
    return kept


def _content_key(r: CheckResult) -> str:
    """What a run found, without how long it took or how many calls it made: every
    finding and drift entry whole (waivers, severities and levels included), so that an
    input differing in any of them is no repeat, whichever comes first."""
    return json.dumps([
        r.kind, r.account, r.regions, r.units, r.resources,
        [s.model_dump() for s in r.sources], [c.model_dump() for c in r.coverage],
        sorted(f.model_dump_json() for f in r.findings),
        sorted(d.model_dump_json() for d in r.drifts),
        sorted(rule.model_dump_json() for rule in r.rules),
        [g.model_dump() for g in r.not_checked]])


def _conflicting_finding(name: str, other: str, items: list[Finding]) -> InputError:
    f = items[0]
    return InputError(name, f"finding {f.fingerprint} ({f.rule_id} on "
                            f"{f.resource_address or f.origin}) differs from the one in "
                            f"{other} (its waiver, severity, level or message): the reports "
                            "conflict, and neither is taken over the other")


def _dedupe(inputs: list[Named], items: Callable[[CheckResult], list[M]],
            key: Callable[[M], str],
            conflict: Callable[[str, str, list[M]], Exception] | None = None,
            ) -> tuple[list[M], list[tuple[M, str, str]]]:
    """Every item once: an item whose key an earlier input reported is dropped (within one
    input, equal keys are distinct findings, e.g. two open ports of one group). With
    `conflict`, the items of one key must be the same in every input that has them, else
    `conflict(input, earlier input, items)` is raised: the result never depends on the
    order of the inputs. Returns the items and the dropped ones with the two inputs that
    reported them."""
    first_seen: dict[str, tuple[str, list[str]]] = {}
    kept: list[M] = []
    dropped: list[tuple[M, str, str]] = []
    for name, result in inputs:
        mine: dict[str, list[M]] = {}
        for item in items(result):
            mine.setdefault(key(item), []).append(item)
        for k, group in mine.items():
            if k not in first_seen:
                kept.extend(group)
                continue
            earlier, contents = first_seen[k]
            if conflict is not None and contents != _contents(group):
                raise conflict(name, earlier, group)
            dropped.extend((item, earlier, name) for item in group)
        for k, group in mine.items():
            first_seen.setdefault(k, (name, _contents(group)))
    return kept, dropped


def _contents(group: Sequence[BaseModel]) -> list[str]:
    return sorted(item.model_dump_json() for item in group)


def _duplicates_line(findings: Sequence[tuple[object, str, str]],
                     drifts: Sequence[tuple[object, str, str]]) -> str:
    pairs = Counter((a, b) for _, a, b in [*findings, *drifts])
    units = sorted({u for item, _, _ in [*findings, *drifts] if (u := _unit(item))})
    shown = ", ".join(f"{a} and {b} ({n})" for (a, b), n in pairs.most_common(3))
    more = f" and {len(pairs) - 3} more pairs" if len(pairs) > 3 else ""
    where = f"; units: {', '.join(units[:5])}{' ...' if len(units) > 5 else ''}" if units else ""
    return (f"warning: {len(findings)} findings and {len(drifts)} drift entries were reported "
            f"more than once, counted once (by {shown}{more}){where}; resource and coverage "
            "counts of overlapping inputs include the overlap")


def _unit(item: object) -> str | None:
    account, region = getattr(item, "account", None), getattr(item, "region", None)
    if account is None and region is None:
        return None
    return f"{account or '-'}/{region or 'global'}"


def _rules(inputs: list[Named]) -> list[Rule]:
    seen: dict[str, tuple[Rule, str]] = {}
    for name, result in inputs:
        for rule in result.rules:
            if rule.id not in seen:
                seen[rule.id] = (rule, name)
            elif seen[rule.id][0] != rule:
                raise InputError(name, f"rule {rule.id} differs from the one in "
                                       f"{seen[rule.id][1]} (different policy versions?)")
    return sorted((rule for rule, _ in seen.values()), key=lambda r: r.id)


def _coverage(results: list[CheckResult]) -> list[Coverage]:
    managed: Counter[str] = Counter()
    unmanaged: Counter[str] = Counter()
    for result in results:
        for c in result.coverage:
            managed[c.type] += c.managed
            unmanaged[c.type] += c.unmanaged
    return [Coverage(type=t, managed=managed[t], unmanaged=unmanaged[t])
            for t in sorted(set(managed) | set(unmanaged))]


def _sum(dicts: Iterable[dict[str, N]]) -> dict[str, N]:
    total: dict[str, N] = {}
    for d in dicts:
        for k, v in d.items():
            total[k] = total[k] + v if k in total else v
    return dict(sorted(total.items()))


def _unique(items: Iterable[T]) -> list[T]:
    """In order, exact repeats dropped (the same gap or source listed by two shards)."""
    out: list[T] = []
    seen: set[Hashable] = set()
    for item in items:
        k = item.model_dump_json() if hasattr(item, "model_dump_json") else item
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out
