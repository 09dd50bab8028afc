"""What several formats say the same way: severity levels, finding labels, locations.

One place maps a finding to the three-step level that SARIF (`error`, `warning`, `note`)
and GitHub annotations (`error`, `warning`, `notice`) share, so the two never disagree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, Literal
from urllib.parse import quote

from driftguard.model import (
    DRIFT_RULE_IDS,
    Attribution,
    CheckResult,
    Declaration,
    Drift,
    Finding,
    Rule,
    Severity,
    Why,
)

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


# The drift classes, in the order reports list them, and what each means.
DRIFT_CLASSES = {
    "missing": "declared in code, not found in AWS",
    "changed": "the live resource differs from its code",
    "unmanaged": "in AWS, declared by no code",
}

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


def why_doc(why: Why) -> dict[str, Any]:
    """A finding's `why` as JSON and SARIF give it: the code declaring its resource, and
    since when it is open."""
    by = why.changed_by
    return {
        "declared_by": [d.model_dump() for d in why.declared_by],
        "first_seen": timestamp(why.first_seen) if why.first_seen else None,
        "changed_by": {**by.model_dump(mode="json"), "time": timestamp(by.time)} if by else None,
        "unattributed": why.unattributed,
    }


def says_why(why: Why) -> bool:
    """Whether a finding's why holds anything."""
    return bool(why.declared_by or why.first_seen or why.changed_by or why.unattributed)


def attribution_text(a: Attribution) -> str:
    """`role Admin (session alice) in the console: ec2:ModifyInstanceAttribute at
    2026-12-01T09:30:00Z`."""
    where = {"console": "in the console", "cli": "with the CLI", "service": "through",
             "sdk": "with", "unknown": ""}[a.source]
    tool = f" {a.via}" if a.via and a.source in ("sdk", "service") else (
        " an SDK" if a.source == "sdk" else "")
    how = f" {where}{tool}" if where else ""
    return f"{a.principal}{how}: {a.api_call} at {timestamp(a.time)}"


def why_text(f: Finding, waiver: bool = True) -> str:
    """`declared by state envs/prod.tfstate module.net.aws_vpc.main; first seen
    2026-11-02T08:00:00Z; waived by ml-platform until 2026-12-31`, or `` when there is
    nothing to say beyond the finding's own row: a policy finding on a declared resource
    is declared by itself. `waiver=False` leaves the waiver to the caller."""
    parts = []
    declared = [d for d in f.why.declared_by if not _itself(f, d)]
    if declared:
        parts.append("declared by " + ", ".join(declaration_text(d) for d in declared))
    if f.why.first_seen:
        parts.append(f"first seen {timestamp(f.why.first_seen)}")
    if f.why.changed_by:
        parts.append(f"changed by {attribution_text(f.why.changed_by)}")
    elif f.why.unattributed:
        parts.append(f"not attributed: {f.why.unattributed}")
    if waiver and f.waiver:
        state = "waived" if f.waived else "waiver expired"
        parts.append(f"{state} by {f.waiver.owner} until {f.waiver.expires}")
    return "; ".join(parts)


def declaration_text(d: Declaration) -> str:
    """`state envs/prod.tfstate module.net.aws_vpc.main`, `stack ml-prod (Bucket)`,
    `cloudformation template.yaml (Bucket)`."""
    if d.stack:
        return f"stack {d.stack} ({d.logical_id})"
    if d.source == "cloudformation":
        return f"cloudformation {d.origin} ({d.logical_id or d.address})"
    return f"{d.source} {d.origin} {d.address}"


def _itself(f: Finding, d: Declaration) -> bool:
    return (d.origin, d.address) == (f.origin, f.resource_address) and (
        f.rule_id not in DRIFT_RULE_IDS.values())


def timestamp(moment: datetime) -> str:
    """`2026-12-01T09:30:00Z`: a moment in UTC, to the second (naive ones are UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def comment_lines(text: str, width: int = 88) -> list[str]:
    """`text` as `# ` comment lines of at most `width` characters (long words stay whole)."""
    import textwrap

    return [f"# {line}" for line in textwrap.wrap(text, width - 2, break_long_words=False,
                                                   break_on_hyphens=False)]


def unmanaged_order(d: Drift) -> tuple[str, str, str, str]:
    """How the codify formats list unmanaged resources: by type, account, region, id."""
    return d.type, d.account or "", d.region or "", d.id or ""


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
