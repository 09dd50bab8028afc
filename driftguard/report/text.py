"""The text report: a table for people, then a one-line verdict."""

from __future__ import annotations

from driftguard.model import CheckResult, Finding
from driftguard.report.summary import summarize

HEADERS = ("SEVERITY", "RULE", "RESOURCE", "MESSAGE")


def render(result: CheckResult) -> str:
    several_files = len({f.origin for f in result.findings}) > 1
    rows = [_row(f, several_files) for f in result.findings]
    lines: list[str] = []
    if rows:
        widths = [max(len(r[i]) for r in [HEADERS, *rows]) for i in range(3)]
        for row in [HEADERS, *rows]:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            lines.append("  ".join([*cells, row[3]]).rstrip())
        lines.append("")
    for w in result.stale_waivers:
        state = f"expired {w.expires}" if w.expired else f"expires {w.expires}"
        lines.append(f"stale waiver: {w.rule} {w.resource} ({w.owner}, {state}) "
                     "matches no finding; remove it")
    lines.append(_verdict(result))
    return "\n".join(lines) + "\n"


def _row(f: Finding, with_origin: bool) -> tuple[str, str, str, str]:
    severity = f.severity.name + (" (warn)" if f.level == "warn" else "")
    if f.waived:
        severity += " (waived)"
    resource = f"{f.origin}: {f.resource_address}" if with_origin else f.resource_address
    message = ("[unknown until apply] " if f.unknown else "") + f.message
    if f.waiver and f.waived:
        message += f" [waived until {f.waiver.expires} by {f.waiver.owner}: {f.waiver.reason}]"
    elif f.waiver:
        message += f" [waiver expired {f.waiver.expires} ({f.waiver.owner})]"
    return severity, f.rule_id, resource, message


def _verdict(result: CheckResult) -> str:
    s = summarize(result)
    counts = ", ".join(f"{n} {name}" for name, n in s["denied_by_severity"].items() if n)
    files = len(result.sources)
    scope = (f"{s['resources']} resources in {files} file{'s' if files != 1 else ''}, "
             f"{s['rules']} rules")
    extras = []
    if s["warnings"]:
        extras.append(f"{s['warnings']} warning{'s' if s['warnings'] != 1 else ''}")
    if s["unknown_until_apply"]:
        extras.append(f"{s['unknown_until_apply']} unknown until apply")
    for key, label in (("waived", "waived"), ("expired_waivers", "with an expired waiver"),
                       ("stale_waivers", "stale waivers")):
        if s[key]:
            extras.append(f"{s[key]} {label}")
    tail = f"; {'; '.join(extras)}" if extras else ""
    if s["passed"]:
        found = f"no violations at or above {result.fail_on.name}" + (
            f" ({counts} below)" if counts else "")
        return f"PASS: {found}{tail}. {scope}."
    return (f"FAIL: {s['failing']} violation{'s' if s['failing'] != 1 else ''} at or above "
            f"{result.fail_on.name} ({counts}){tail}. {scope}.")
