"""What several formats say the same way: severity levels, finding labels, locations.

One place maps a finding to the three-step level that SARIF (`error`, `warning`, `note`)
and GitHub annotations (`error`, `warning`, `notice`) share, so the two never disagree.
"""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath
from typing import Literal
from urllib.parse import quote

from driftguard.model import CheckResult, Finding, Rule, Severity

Level = Literal["error", "warning", "note"]

UNKNOWN_PREFIX = "[unknown until apply] "

# A deny finding's level follows its severity.
SEVERITY_LEVEL: dict[Severity, Level] = {
    Severity.critical: "error",
    Severity.high: "error",
    Severity.medium: "warning",
    Severity.low: "note",
    Severity.info: "note",
}

# GitHub code scanning ranks alerts by this number (CVSS-like, 0.0 to 10.0):
# over 9.0 critical, 7.0 to 8.9 high, 4.0 to 6.9 medium, 0.1 to 3.9 low.
SECURITY_SEVERITY: dict[Severity, str] = {
    Severity.critical: "9.5",
    Severity.high: "8.0",
    Severity.medium: "5.5",
    Severity.low: "3.0",
    Severity.info: "0.0",
}

_RANK: dict[Level, int] = {"note": 0, "warning": 1, "error": 2}


def severity_level(severity: Severity) -> Level:
    """The level of a deny at this severity (a rule's default)."""
    return SEVERITY_LEVEL[severity]


def finding_level(f: Finding) -> Level:
    """Deny: by severity. Warn: the same, but never above `warning` (warn never fails)."""
    level = SEVERITY_LEVEL[f.severity]
    if f.level == "warn" and _RANK[level] > _RANK["warning"]:
        return "warning"
    return level


def cap_level(level: Level, highest: Level) -> Level:
    return level if _RANK[level] <= _RANK[highest] else highest


def message(f: Finding) -> str:
    """The finding's message, saying so when the value is unknown until apply."""
    return (UNKNOWN_PREFIX if f.unknown else "") + f.message


def severity_label(f: Finding) -> str:
    """`high`, `medium (warn)`, `high (waived)`: the severity column of people's formats."""
    label = f.severity.name + (" (warn)" if f.level == "warn" else "")
    return label + (" (waived)" if f.waived else "")


def waiver_note(f: Finding) -> str:
    """` [waived until ... by ...: reason]`, ` [waiver expired ...]` or ``."""
    if f.waiver and f.waived:
        return f" [waived until {f.waiver.expires} by {f.waiver.owner}: {f.waiver.reason}]"
    if f.waiver:
        return f" [waiver expired {f.waiver.expires} ({f.waiver.owner})]"
    return ""


DRIFT_PACKAGE = "driftguard.drift."  # the drift rules' package: driftguard.drift.<kind>


def drift_kinds(result: CheckResult) -> dict[str, str]:
    """Rule id -> drift class (missing, changed, unmanaged), from the rules' packages: the
    same in a scan's result and in one read back from a JSON report."""
    kinds = {r.id: r.package.removeprefix(DRIFT_PACKAGE) for r in result.rules
             if r.package.startswith(DRIFT_PACKAGE)}
    return {rule: kind for rule, kind in kinds.items() if kind in ("missing", "changed",
                                                                   "unmanaged")}


def rule_heading(rule_id: str, title: str) -> str:
    """`DG-NET-003 Security groups ...`; only the id when the rule has no title of its own."""
    return rule_id if title in ("", rule_id) else f"{rule_id} {title}"


def several_origins(result: CheckResult) -> bool:
    return len({f.origin for f in result.findings}) > 1


def resource_label(f: Finding, with_origin: bool) -> str:
    return f"{f.origin}: {f.resource_address}" if with_origin and f.origin else f.resource_address


def rules_with_findings(result: CheckResult) -> list[Rule]:
    """Every rule evaluated, then (in order of first finding) rules that findings name but the
    result does not list, e.g. a policy package without metadata."""
    rules = list(result.rules)
    known = {r.id for r in rules}
    for f in result.findings:
        if f.rule_id not in known:
            known.add(f.rule_id)
            rules.append(Rule(id=f.rule_id, package="", title=f.title, severity=f.severity,
                              remediation=f.remediation))
    return rules


def origin_path(origin: str) -> str:
    """The origin as a forward-slash path, as given (relative stays relative)."""
    if "\\" in origin and not origin.startswith("/"):
        return PureWindowsPath(origin).as_posix()
    return origin


def origin_uri(origin: str) -> str:
    """A URI reference for the origin: relative paths stay relative (percent-encoded),
    absolute ones become `file://` URIs."""
    path = origin_path(origin)
    if PurePosixPath(path).is_absolute() or PureWindowsPath(origin).is_absolute():
        windows = PureWindowsPath(origin)
        if windows.drive:
            return windows.as_uri()
        return PurePosixPath(path).as_uri()
    if path.startswith("./"):
        path = path[2:]
    return quote(path, safe="/")
