"""Counts every format states the same way."""

from __future__ import annotations

from collections import Counter
from typing import Any

from driftguard.model import CheckResult, Severity


def summarize(result: CheckResult) -> dict[str, Any]:
    failing = result.failing()
    by_severity = Counter(
        f.severity.name for f in result.findings if f.level == "deny" and not f.waived)
    return {
        "passed": not failing and not result.incomplete,
        "resources": result.resources,
        "rules": len(result.rules),
        "findings": len(result.findings),
        "failing": len(failing),
        "denied_by_severity": {s.name: by_severity.get(s.name, 0) for s in reversed(Severity)},
        "warnings": sum(1 for f in result.findings if f.level == "warn"),
        "unknown_until_apply": sum(1 for f in result.findings if f.unknown),
        "waived": sum(1 for f in result.findings if f.waived),
        "expired_waivers": sum(1 for f in result.findings if f.waiver and f.waiver.expired),
        "stale_waivers": len(result.stale_waivers),
        "unread_resources": result.unread,
        "drift": _drift_counts(result),
        **(_scan_summary(result) if result.kind == "scan" else {}),
    }


def _drift_counts(result: CheckResult) -> dict[str, int]:
    """Drift entries per kind: a scan's, or those of the plans' refresh (check)."""
    drift = Counter(d.kind for d in result.drifts)
    return {kind: drift.get(kind, 0) for kind in ("missing", "changed", "unmanaged")}


def _scan_summary(result: CheckResult) -> dict[str, Any]:
    managed = sum(c.managed for c in result.coverage)
    unmanaged = sum(c.unmanaged for c in result.coverage)
    return {
        "declared": sum(s.resources for s in result.sources),
        "coverage": managed / (managed + unmanaged) if managed + unmanaged else None,
        "not_checked": len(result.not_checked),
        "not_collectable": sum(result.not_collectable.values()),
        "incomplete": result.incomplete,
        "api_calls": sum(result.api_calls.values()),
    }


def headline(result: CheckResult) -> tuple[str, str]:
    """The verdict and one sentence of counts, for every format's summary: `PASS` or `FAIL`
    (`6 violations at or above low (1 critical, 4 high, 1 medium); 1 warning. 34 resources
    in 1 file, 3 of types no rule reads, 7 rules.`), or `INCOMPLETE` whenever something
    could not be read (exit code 3), what was not read first: `2 types not checked; 1
    violation at or above low ...`."""
    s = summarize(result)
    counts = ", ".join(f"{n} {name}" for name, n in s["denied_by_severity"].items() if n)
    unread = f", {s['unread_resources']} of types no rule reads" if s["unread_resources"] else ""
    if result.kind == "scan":
        coverage = f", {coverage_text(result)}" if s["coverage"] is not None else ""
        scope = (f"{_count(s['resources'], 'live resource')}{unread}, {s['declared']} "
                 f"declared in {_count(len(result.sources), 'source')}{coverage}, "
                 f"{_count(s['rules'], 'rule')}")
    else:
        scope = (f"{_count(s['resources'], 'resource')} in "
                 f"{_count(len(result.sources), 'file')}{unread}, "
                 f"{_count(s['rules'], 'rule')}")
    extras = [_count(s["warnings"], "warning")] if s["warnings"] else []
    if s["unknown_until_apply"]:
        extras.append(f"{s['unknown_until_apply']} unknown until apply")
    if s["waived"]:
        extras.append(f"{s['waived']} waived")
    if s["expired_waivers"]:
        extras.append(f"{s['expired_waivers']} with an expired waiver")
    if s["stale_waivers"]:
        extras.append(_count(s["stale_waivers"], "stale waiver"))
    tail = f"; {'; '.join(extras)}" if extras else ""
    if s["failing"]:
        found = (f"{_count(s['failing'], 'violation')} at or above {result.fail_on.name} "
                 f"({counts})")
    else:
        found = f"no violations at or above {result.fail_on.name}" + (
            f" ({counts} below)" if counts else "")
    if result.incomplete:
        return "INCOMPLETE", f"{gaps_text(result)}; {found}{tail}. {scope}."
    return ("FAIL" if s["failing"] else "PASS"), f"{found}{tail}. {scope}."


def gaps_text(result: CheckResult) -> str:
    """What could not be read, in a few words: `nothing could be read from AWS`, or
    `2 types not checked` (types, not type-region pairs), `account not identified`, `3
    units not read` (whole account/region units of a multi-account scan)."""
    if result.read_nothing:
        return "nothing could be read from AWS"
    types = {g.type for g in result.not_checked if g.type != "*"}
    whole = [g for g in result.not_checked if g.type == "*"]
    parts = [f"{_count(len(types), 'type')} not checked"] if types else []
    if any(g.operation == "GetCallerIdentity" for g in whole):
        parts.append("account not identified")
    units = [g for g in whole if g.operation != "GetCallerIdentity"]
    if units:
        parts.append(f"{_count(len(units), 'unit')} not read")
    return ", ".join(parts) or "incomplete"


def coverage_text(result: CheckResult) -> str:
    """`coverage 91%`; while something was not read, `coverage 100% of what was read`: the
    types not checked are in neither count, so the share says nothing about them."""
    ratio = summarize(result)["coverage"]
    if ratio is None:
        return ""
    return f"coverage {ratio:.0%}" + (" of what was read" if result.incomplete else "")


def type_counts(counts: dict[str, int], limit: int = 5) -> str:
    """`aws_foo (2), aws_bar (1)`: the most frequent types first, `limit` of them, then how
    many more (`and 3 more types`), so that the line stays short."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    shown = ", ".join(f"{t} ({n})" for t, n in ranked[:limit])
    more = len(ranked) - limit
    return shown + (f" and {_count(more, 'more type')}" if more > 0 else "")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
