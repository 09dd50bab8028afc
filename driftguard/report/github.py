"""GitHub Actions workflow command annotations: one line per finding, then a summary.

    ::error file=plan.json,title=DG-NET-003 Security groups ...::aws_security_group.a: ...

The level comes from report/common.py (`note` is GitHub's `notice`): error for a deny at
critical or high, warning for a medium deny and for warnings, notice for low and info.
Only a finding that fails the gate is ever an `error`: a deny below --fail-on is at most a
warning, and a waived finding is a notice that names its waiver. Values are escaped the way
GitHub's toolkit does, so no message can end the line or start another command.
"""

from __future__ import annotations

from driftguard.model import CheckResult, Finding
from driftguard.report.common import (
    Level,
    cap_level,
    finding_level,
    message,
    origin_path,
    rule_heading,
    waiver_note,
)
from driftguard.report.summary import headline

COMMAND: dict[Level, str] = {"error": "error", "warning": "warning", "note": "notice"}


def render(result: CheckResult) -> str:
    failing = {id(f) for f in result.failing()}
    lines = [_annotation(f, id(f) in failing) for f in result.findings]
    for w in result.stale_waivers:
        state = f"expired {w.expires}" if w.expired else f"expires {w.expires}"
        lines.append(_command("warning", {"title": "driftguard stale waiver"},
                              f"{w.rule} {w.resource} ({w.owner}, {state}) matches no "
                              "finding; remove it"))
    verdict, sentence = headline(result)
    lines.append(_command("notice", {"title": f"driftguard {verdict}"},
                          f"{verdict}: {sentence}"))
    return "\n".join(lines) + "\n"


def annotation_level(f: Finding, fails_gate: bool) -> str:
    if f.waived:
        return COMMAND["note"]
    level = finding_level(f)
    return COMMAND[level if fails_gate else cap_level(level, "warning")]


def _annotation(f: Finding, fails_gate: bool) -> str:
    properties = {}
    if f.origin:
        properties["file"] = origin_path(f.origin)
    properties["title"] = rule_heading(f.rule_id, f.title)
    return _command(annotation_level(f, fails_gate), properties,
                    f"{f.resource_address}: {message(f)}{waiver_note(f)}")


def _command(name: str, properties: dict[str, str], data: str) -> str:
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{name} {props}::{escape_data(data)}" if props else f"::{name}::{escape_data(data)}"


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")
