"""The text report: a table for people, then a one-line verdict.

A message's further lines start under the MESSAGE column; control characters (terminal
escapes included) print as U+FFFD, so no value from a plan can drive the terminal.
"""

from __future__ import annotations

import re

from driftguard.model import CheckResult, Finding
from driftguard.report.common import (
    message,
    resource_label,
    several_origins,
    severity_label,
    waiver_note,
    why_text,
)
from driftguard.report.summary import headline, type_counts

HEADERS = ("SEVERITY", "RULE", "RESOURCE", "MESSAGE")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def render(result: CheckResult) -> str:
    with_origin = several_origins(result)
    rows = [_row(f, with_origin) for f in result.findings]
    lines: list[str] = []
    if rows:
        widths = [max(len(r[i]) for r in [HEADERS, *rows]) for i in range(3)]
        indent = "\n" + " " * (sum(widths) + 2 * len(widths))
        for row in [HEADERS, *rows]:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            lines.append("  ".join([*cells, row[3].replace("\n", indent)]).rstrip())
        lines.append("")
    for w in result.stale_waivers:
        state = f"expired {w.expires}" if w.expired else f"expires {w.expires}"
        lines.append(f"stale waiver: {w.rule} {w.resource} ({w.owner}, {state}) "
                     "matches no finding; remove it")
    for gap in result.not_checked:
        where = "/".join(p for p in (gap.account, gap.region) if p) or "all regions"
        lines.append(f"not checked: {gap.type} in {where} ({gap.operation}): {gap.reason}")
    if result.not_collectable:
        lines.append(f"not collectable (no catalog type): {type_counts(result.not_collectable)}")
    if result.unread_types:
        lines.append(f"types no rule reads: {type_counts(result.unread_types)}")
    verdict, sentence = headline(result)
    lines.append(f"{verdict}: {sentence}")
    return "\n".join(lines) + "\n"


def _row(f: Finding, with_origin: bool) -> tuple[str, str, str, str]:
    def one_line(text: str) -> str:
        return _printable(text.replace("\n", " "))

    why = why_text(f, waiver=False)
    text = message(f).replace("\r\n", "\n") + waiver_note(f) + (f"\nwhy: {why}" if why else "")
    return (one_line(severity_label(f)), one_line(f.rule_id),
            one_line(resource_label(f, with_origin)), _printable(text))


def _printable(text: str) -> str:
    return _CONTROL.sub("\ufffd", text)
