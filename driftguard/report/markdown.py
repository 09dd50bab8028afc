"""Markdown for a pull request comment (or a job summary): verdict, counts, then a table.

The findings that fail the gate come first, in a table; past FOLD_AFTER rows the rest fold
into a `<details>` block that says how many it holds. Findings that do not fail the gate
(warnings, denies below --fail-on, waived ones) are folded in their own `<details>` block.
GitHub refuses comments over 65,536 characters, so rows stop at MAX_CHARS, with a count
of those left out. The first line is an HTML comment that a bot can search for to update
its previous comment instead of adding one.
"""

from __future__ import annotations

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

MARKER = "<!-- driftguard:check -->"
FOLD_AFTER = 50
MAX_CHARS = 60_000
HEADER = "| Severity | Rule | Resource | Message |\n| --- | --- | --- | --- |"
ICON = {"PASS": "\u2705", "FAIL": "\u274c", "INCOMPLETE": "\u26a0\ufe0f"}


def render(result: CheckResult) -> str:
    return _render(result, FOLD_AFTER, MAX_CHARS)


def _render(result: CheckResult, fold_after: int, max_chars: int) -> str:
    verdict, sentence = headline(result)
    out = _Output(max_chars)
    sentence = sentence[:1].upper() + sentence[1:]
    out.add(f"{MARKER}\n## {ICON[verdict]} driftguard: {verdict}\n\n{_cell(sentence)}\n")

    with_origin = several_origins(result)
    failing_ids = {id(f) for f in result.failing()}
    failing = [f for f in result.findings if id(f) in failing_ids]
    others = [f for f in result.findings if id(f) not in failing_ids]

    if failing:
        out.table([_row(f, with_origin) for f in failing[:fold_after]])
        rest = failing[fold_after:]
        if rest:
            out.details(f"{len(rest)} more failing finding{_s(len(rest))}",
                        [_row(f, with_origin) for f in rest])
    if others:
        out.details(_others_summary(others, result),
                    [_row(f, with_origin) for f in others])
    if result.stale_waivers:
        lines = ["**Stale waivers** (they match no finding; remove them):", ""]
        for w in result.stale_waivers:
            state = f"expired {w.expires}" if w.expired else f"expires {w.expires}"
            lines.append(f"- {_code(w.rule)} {_code(w.resource)} ({_cell(w.owner)}, {state})")
        out.add("\n".join(lines) + "\n")
    if result.not_collectable:
        out.add(f"**Not collectable** (no catalog type): "
                f"{_cell(type_counts(result.not_collectable))}\n")
    if result.unread_types:
        out.add(f"**Types no rule reads**: {_cell(type_counts(result.unread_types))}\n")
    return out.text()


def _others_summary(others: list[Finding], result: CheckResult) -> str:
    warnings = sum(1 for f in others if f.level == "warn")
    waived = sum(1 for f in others if f.level == "deny" and f.waived)
    below = len(others) - warnings - waived
    parts = [f"{warnings} warning{_s(warnings)}" if warnings else "",
             f"{below} below {result.fail_on.name}" if below else "",
             f"{waived} waived" if waived else ""]
    return (f"{len(others)} finding{_s(len(others))} that do{'es' if len(others) == 1 else ''}"
            f" not fail the gate: {', '.join(p for p in parts if p)}")


def _row(f: Finding, with_origin: bool) -> str:
    cells = [_cell(severity_label(f)), _cell(f.rule_id), _code(resource_label(f, with_origin)),
             _cell(message(f) + waiver_note(f) + _why(f))]
    return "| " + " | ".join(cells) + " |"


def _why(f: Finding) -> str:
    why = why_text(f, waiver=False)
    return f"\nwhy: {why}" if why else ""


def _cell(value: str) -> str:
    """Plain text in a table cell: HTML-escaped, pipes escaped, newlines as <br>."""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _flat(value.replace("|", "\\|"))


def _code(value: str) -> str:
    """A code span in a table cell (GFM reads `\\|` inside it as a pipe)."""
    if "`" in value or "\n" in value or "\r" in value:
        return _cell(value)
    return f"`{value.replace('|', chr(92) + '|')}`"


def _flat(value: str) -> str:
    return value.replace("\r\n", "<br>").replace("\r", "<br>").replace("\n", "<br>")


def _s(n: int) -> str:
    return "" if n == 1 else "s"


class _Output:
    """Markdown blocks within a size budget: rows past it are counted, not written."""

    def __init__(self, max_chars: int) -> None:
        self.blocks: list[str] = []
        self.size = 0
        self.max_chars = max_chars
        self.left_out = 0

    def add(self, block: str) -> None:
        self.blocks.append(block)
        self.size += len(block) + 1

    def table(self, rows: list[str]) -> None:
        self.add("\n".join([HEADER, *self._fit(rows)]) + "\n")

    def details(self, summary: str, rows: list[str]) -> None:
        fitted = self._fit(rows)
        if not fitted:
            return
        body = "\n".join([HEADER, *fitted])
        self.add(f"<details>\n<summary>{_cell(summary)}</summary>\n\n{body}\n\n</details>\n")

    def _fit(self, rows: list[str]) -> list[str]:
        room = self.max_chars - self.size - 300  # the closing note and block syntax
        fitted: list[str] = []
        for row in rows:
            if len(row) + 1 > room:
                break
            fitted.append(row)
            room -= len(row) + 1
        self.left_out += len(rows) - len(fitted)
        return fitted

    def text(self) -> str:
        if self.left_out:
            self.add(f"_{self.left_out} more finding{_s(self.left_out)} not shown here "
                     "(a comment holds at most 65,536 characters): see the JSON or SARIF "
                     "report._\n")
        return "\n".join(self.blocks)
