"""Slack messages in Block Kit: a header, a summary, then the findings grouped by rule
(most severe first) with resource address, rule title, severity and remediation.

Slack's limits (docs.slack.dev, Block Kit reference): 50 blocks per message, 3,000
characters in a section's text, 150 in a header; the top-level `text` (the notification
fallback) is truncated past 40,000 and split past about 4,000. Slack also refuses
(`msg_blocks_too_long`) messages whose blocks hold about 12,000 characters in all, a limit
it does not document: blocks stay under BLOCKS_CHARS. Findings that do not fit are
counted in a last line, never silently dropped.

No attribute value reaches a message unless `include_values` is on: a finding shows its
rule and resource, and a changed resource the names of the attributes that changed.
With `include_values`, the finding's message (which may quote values) is shown too, but
never one that holds a masked (sensitive) value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from driftguard.model import KIND_OF_RULE, MASK, CheckResult, Drift, Finding, Severity
from driftguard.report.common import message, rule_heading, why_text
from driftguard.report.summary import coverage_text, gaps_text, headline, summarize

MAX_BLOCKS = 50
SECTION_CHARS = 3000
HEADER_CHARS = 150
TEXT_CHARS = 3000
BLOCKS_CHARS = 10_000
_NOTE_ROOM = 200  # the closing "n more" line

ICON = {Severity.critical: ":rotating_light:", Severity.high: ":red_circle:",
        Severity.medium: ":large_orange_circle:", Severity.low: ":large_yellow_circle:",
        Severity.info: ":white_circle:"}

Payload = dict[str, Any]
Line = Callable[[Finding], str]


def scan_changes(job: str, result: CheckResult, new: list[Finding], resolved: list[Finding],
                 *, include_values: bool = False, report_url: str | None = None) -> Payload:
    """What changed since the last scan of this job."""
    counts = _counts(new)
    title = f"driftguard · {job}: {len(new)} new, {len(resolved)} resolved"
    msg = _Message(title, f"{title}{' (' + counts + ')' if counts else ''}")
    summary = [_where(result)]
    if new:
        summary.append(f"*New:* {counts}{_classes(new)}")
    if resolved:
        summary.append(f"*Resolved:* {len(resolved)}{_classes(resolved)}")
    summary.append(f"*Now:* {_state(result)}")
    msg.section("\n".join(s for s in summary if s) + _link(report_url))
    line = _line_for(result, include_values)
    if new:
        msg.groups(f":new: *{len(new)} new*", new, line, remediation=True,
                   share=0.75 if resolved else 1.0)
    if resolved:
        msg.groups(f":white_check_mark: *{len(resolved)} resolved*", resolved,
                   lambda f: f"• {_code(f.resource_address)}", remediation=False)
    return msg.payload(report_url)


def digest(job: str, open_findings: list[tuple[Finding, datetime]], now: datetime,
           *, include_values: bool = False, report_url: str | None = None) -> Payload:
    """Everything still open, with how long it has been open."""
    findings = [f for f, _ in open_findings]
    since = {id(f): first for f, first in open_findings}
    title = f"driftguard digest · {job}: {len(findings)} open"
    counts = _counts(findings)
    msg = _Message(title, f"{title}{' (' + counts + ')' if counts else ''}")
    if not findings:
        msg.section(":white_check_mark: Nothing open." + _link(report_url))
        return msg.payload(report_url)
    oldest = min(since.values())
    msg.section(f"*Open:* {counts}{_classes(findings)}\n*Oldest:* open for "
                f"{_age(now - oldest)}" + _link(report_url))

    def line(f: Finding) -> str:
        detail = f" — {_escape(message(f))}" if include_values and _showable(f.message) else ""
        return f"• {_code(f.resource_address)} · open {_age(now - since[id(f)])}{detail}"

    msg.groups(None, findings, line, remediation=True)
    return msg.payload(report_url)


def job_status(job: str, failing: bool, error: str | None) -> Payload:
    if failing:
        title = f"driftguard · job {job} is failing"
        body = ":x: The scheduled scan did not complete; findings are not up to date."
        if error:
            body += f"\n```{_escape(error)[:SECTION_CHARS - 200]}```"
    else:
        title = f"driftguard · job {job} recovered"
        body = ":white_check_mark: The scheduled scan completes again."
    msg = _Message(title, title)
    msg.section(body)
    return msg.payload(None)


def report(result: CheckResult, findings: list[Finding], *, include_values: bool = False,
           report_url: str | None = None) -> Payload:
    """A one-shot `check` or `scan`: the verdict, then the findings."""
    verdict, sentence = headline(result)
    title = f"driftguard {result.kind}: {verdict}"
    msg = _Message(title, f"{title}: {sentence}")
    lines = [_where(result) if result.kind == "scan" else "", _escape(sentence)]
    if result.kind == "scan" and findings:
        lines.append(f"*Shown:* {_counts(findings)}{_classes(findings)}")
    msg.section("\n".join(s for s in lines if s) + _link(report_url))
    if findings:
        msg.groups(None, findings, _line_for(result, include_values), remediation=True)
    return msg.payload(report_url)


# --- content -------------------------------------------------------------------------

def _line_for(result: CheckResult, include_values: bool) -> Line:
    """A finding's line: address; for changed resources, which attributes changed; then
    why it is there (the code declaring it, since when, who waived it)."""
    changed = {(d.address, d.origin or "live"): d for d in result.drifts if d.kind == "changed"}

    def line(f: Finding) -> str:
        text = f"• {_code(f.resource_address)}"
        drift = changed.get((f.resource_address, f.origin))
        if include_values and _showable(f.message):
            text += f" — {_escape(message(f))}"
        elif drift is not None:
            text += f" — changed: {_escape(', '.join(_attributes(drift)))}"
        why = why_text(f)
        return text + (f"\n   _why:_ {_escape(why)}" if why else "")

    return line


def _attributes(drift: Drift) -> list[str]:
    return [c.attribute for c in drift.changes]


def _showable(text: str) -> bool:
    return MASK not in text


def _counts(findings: Iterable[Finding]) -> str:
    by = {s: 0 for s in reversed(Severity)}
    for f in findings:
        by[f.severity] += 1
    return ", ".join(f"{n} {s.name}" for s, n in by.items() if n)


def _classes(findings: list[Finding]) -> str:
    """` (drift: 1 missing, 2 changed; 3 policy)`: the drift classes and policy findings."""
    kinds: dict[str, int] = {}
    for f in findings:
        kind = KIND_OF_RULE.get(f.rule_id, "policy")
        kinds[kind] = kinds.get(kind, 0) + 1
    drift = ", ".join(f"{kinds[k]} {k}" for k in ("missing", "changed", "unmanaged") if k in kinds)
    parts = ([f"drift: {drift}"] if drift else []) + (
        [f"{kinds['policy']} policy"] if "policy" in kinds else [])
    return f" ({'; '.join(parts)})" if parts else ""


def _where(result: CheckResult) -> str:
    account = getattr(result, "account", None) or _only(d.account for d in result.drifts)
    regions = getattr(result, "regions", None) or sorted(
        {d.region for d in result.drifts if d.region})
    parts = ([f"*Account:* {_escape(account)}"] if account else []) + (
        [f"*Region:* {_escape(', '.join(regions))}"] if regions else [])
    return " · ".join(parts)


def _state(result: CheckResult) -> str:
    s = summarize(result)
    parts = [f"{s['failing']} failing"]
    if result.kind == "scan":
        drift = s["drift"]
        parts.append(f"drift {drift['missing']} missing, {drift['changed']} changed, "
                     f"{drift['unmanaged']} unmanaged")
        if s["coverage"] is not None:
            parts.append(coverage_text(result))
        if result.incomplete:
            parts.append(f"*incomplete*: {gaps_text(result)}")
    return " · ".join(parts)


def _only(values: Iterable[str | None]) -> str | None:
    found = {v for v in values if v}
    return found.pop() if len(found) == 1 else None


def _link(url: str | None) -> str:
    return f"\n<{url}|Full report>" if url else ""


def _age(delta: timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 1440)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    return f"{hours}h {minutes}m" if hours else f"{minutes}m"


def _escape(text: str) -> str:
    """Slack mrkdwn: &, < and > are control characters (links, mentions)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _code(text: str) -> str:
    text = _escape(text.replace("\n", " "))
    return f"`{text}`" if "`" not in text else text


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


# --- Block Kit within Slack's limits -------------------------------------------------

class _Message:
    def __init__(self, title: str, text: str) -> None:
        header = _clip(title, HEADER_CHARS)
        self.text = _clip(text, TEXT_CHARS)
        self.blocks: list[dict[str, Any]] = [
            {"type": "header", "text": {"type": "plain_text", "text": header}}]
        self.chars = len(header)
        self.left_out = 0
        self.max_blocks, self.max_chars = MAX_BLOCKS, BLOCKS_CHARS

    def _fits(self, chars: int) -> bool:
        return (len(self.blocks) + 2 <= self.max_blocks  # one block stays free for the note
                and self.chars + chars + _NOTE_ROOM <= self.max_chars)

    def section(self, text: str) -> bool:
        text = _clip(text, SECTION_CHARS)
        if not self._fits(len(text)):
            return False
        self.blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
        self.chars += len(text)
        return True

    def groups(self, heading: str | None, findings: list[Finding], line: Line,
               remediation: bool, share: float = 1.0) -> None:
        """One section per rule, most severe rule first; what does not fit is counted.
        `share`: the part of the room left that these groups may take (the rest is for
        what follows: resolved findings after new ones)."""
        caps = self.max_blocks, self.max_chars
        self.max_blocks = len(self.blocks) + int((MAX_BLOCKS - len(self.blocks)) * share)
        self.max_chars = self.chars + int((BLOCKS_CHARS - self.chars) * share)
        try:
            self._groups(heading, findings, line, remediation)
        finally:
            self.max_blocks, self.max_chars = caps

    def _groups(self, heading: str | None, findings: list[Finding], line: Line,
                remediation: bool) -> None:
        by_rule: dict[str, list[Finding]] = {}
        for f in findings:
            by_rule.setdefault(f.rule_id, []).append(f)
        groups = sorted(by_rule.values(),
                        key=lambda g: (-max(f.severity for f in g), g[0].rule_id))
        if heading is not None and not self.section(heading):
            self.left_out += len(findings)
            return
        for group in groups:
            self._group(group, line, remediation)

    def _group(self, group: list[Finding], line: Line, remediation: bool) -> None:
        first = group[0]
        top = max(f.severity for f in group)
        head = (f"{ICON[top]} *{top.name}* · *{_escape(rule_heading(first.rule_id, first.title))}*"
                f" ({len(group)})")
        fix = f"\n_Fix:_ {_escape(first.remediation)}" if remediation and first.remediation else ""
        fix = _clip(fix, 600)
        room = min(SECTION_CHARS, self.max_chars - self.chars - _NOTE_ROOM)
        room -= len(head) + len(fix) + 40  # the "and n more" line
        lines: list[str] = []
        for f in group:
            text = _clip(line(f), 500)
            if len(text) + 1 > room:
                break
            lines.append(text)
            room -= len(text) + 1
        if not lines:
            self.left_out += len(group)
            return
        rest = len(group) - len(lines)
        more = f"\n_…and {rest} more_" if rest else ""
        if self.section(f"{head}\n" + "\n".join(lines) + more + fix):
            self.left_out += rest
        else:
            self.left_out += len(group)

    def payload(self, report_url: str | None) -> Payload:
        if self.left_out:
            where = f"<{report_url}|the full report>" if report_url else "the full report"
            note = (f"{self.left_out} more finding{'' if self.left_out == 1 else 's'} not shown "
                    f"(Slack's message limits): see {where}.")
            self.blocks.append({"type": "context",
                                "elements": [{"type": "mrkdwn", "text": note}]})
            self.chars += len(note)
        return {"text": self.text, "blocks": self.blocks}
