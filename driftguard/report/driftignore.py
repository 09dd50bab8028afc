"""A baseline of a scan's unmanaged resources, as ignore rules (`.driftignore`):

    driftguard scan ... -f driftignore -o .driftignore
    driftguard scan ... --ignore .driftignore     # from now on: only new drift

One rule `TYPE.ID` per unmanaged resource, in the syntax drift/ignore.py reads (a dot in
the id escaped as `\\.`), under a comment saying what it is, where, and when it was found:
first seen by the finding history (`scan --history`, the daemon's), else at this scan.
A rule ignores the resource whole: once it is imported into code, remove its line, or its
drift stays ignored. `*` and `?` are wildcards in ignore rules and have no escape, but no
AWS id holds them.

`merge_into` adds a baseline to an existing file (the CLI writes to an existing one so):
its lines stay, rules it already has are not repeated.
"""

from __future__ import annotations

import re
from datetime import datetime

from driftguard.model import DRIFT_RULE_IDS, CheckResult, Drift
from driftguard.report.common import comment_lines, timestamp, unmanaged_order

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def render(result: CheckResult) -> str:
    entries = _entries(result)
    places = sorted({_place(d) for d in _unmanaged(result)} - {""})
    scope = f" in {', '.join(places)}" if places else ""
    at = f" at {timestamp(result.scanned_at)}" if result.scanned_at else ""
    lines = [*comment_lines(f"driftguard baseline: the {len(entries)} unmanaged resource"
                            f"{'' if len(entries) == 1 else 's'} its scan found{scope}{at}."),
             "# Scan with --ignore (or scan.ignore_file) naming this file to see only new drift.",
             "# Each rule ignores its resource whole: remove it once the resource is in code.",
             ""]
    for comment, rule in entries:
        lines += [comment, rule, ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def merge_into(existing: str, result: CheckResult) -> str:
    """`existing` (an ignore file) with this scan's baseline rules that it lacks appended."""
    have = {line.strip() for line in existing.splitlines()}
    new = [(comment, rule) for comment, rule in _entries(result) if rule not in have]
    if not new:
        return existing
    text = existing if not existing or existing.endswith("\n") else existing + "\n"
    at = f" at {timestamp(result.scanned_at)}" if result.scanned_at else ""
    lines = [f"# added by driftguard: {len(new)} more unmanaged resource"
             f"{'' if len(new) == 1 else 's'} found{at}", ""]
    for comment, rule in new:
        lines += [comment, rule, ""]
    return text + ("\n" if text else "") + "\n".join(lines).rstrip("\n") + "\n"


def rule_line(rtype: str, ident: str) -> str:
    """The ignore rule of one resource: `TYPE.ID`, dots in the id escaped."""
    return f"{rtype}.{ident.replace('.', chr(92) + '.')}"


def _entries(result: CheckResult) -> list[tuple[str, str]]:
    """(comment, rule) per unmanaged resource, each rule once, in the drift's order."""
    found = _first_seen(result)
    out: dict[str, str] = {}
    for d in _unmanaged(result):
        assert d.id is not None
        rule = rule_line(d.type, _printable(d.id))
        seen = found.get(_key(d.type, d.address, d.account, d.region)) or result.scanned_at
        where = f" in {_place(d)}" if _place(d) else ""
        since = f", found {timestamp(seen)}" if seen else ""
        out.setdefault(rule, f"# {d.type} {_printable(d.id)}{where}: unmanaged{since}")
    return [(comment, rule) for rule, comment in out.items()]


def _unmanaged(result: CheckResult) -> list[Drift]:
    return sorted((d for d in result.drifts if d.kind == "unmanaged" and d.id),
                  key=unmanaged_order)


def _first_seen(result: CheckResult) -> dict[tuple[str, str, str, str], datetime]:
    """When the history first saw each unmanaged resource's finding."""
    return {_key(f.resource_type, f.resource_address, f.account, f.region): f.why.first_seen
            for f in result.findings
            if f.rule_id == DRIFT_RULE_IDS["unmanaged"] and f.why.first_seen is not None}


def _key(rtype: str, address: str, account: str | None, region: str | None
         ) -> tuple[str, str, str, str]:
    return rtype, address, account or "", region or ""


def _place(d: Drift) -> str:
    return _printable("/".join(p for p in (d.account, d.region) if p))


def _printable(text: str) -> str:
    """One line: control characters (a newline would end the rule) print as U+FFFD."""
    return _CONTROL.sub("\ufffd", text)
