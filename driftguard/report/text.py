"""The text report, for a person at a terminal: findings under headings, then a verdict.

    DRIFT  1 missing, 2 changed, 1 unmanaged
    missing (1, high): declared in code, not found in AWS
      aws_ebs_volume.datasets_cache        vol-0e1d... (datasets-cache)
    changed (2, medium): the live resource differs from its code
      aws_instance.trainer                 i-5eb7... (trainer)
          instance_type: declared 'p4d.24xlarge', live 'p5.48xlarge'
    ...
    POLICY  9 violations, 6 warnings
    high (4)
      DG-ENC-001  acme-ml-raw-uploads   S3 bucket is not encrypted at rest
    ...
    FAIL: 9 violations at or above low (5 high, 4 medium); 6 warnings. 19 live ...

Drift comes first, by class (missing, changed, unmanaged: the words drift tools use), then
the policy findings by severity: violations, then those that do not fail the gate (below
--fail-on, warnings, waived). Live resources are named by their id and Name tag, not their
ARN; a finding says its account and region when the findings span several.

`render(result)` is the whole report with no width limit (a file, a pipe, the golden
test). The CLI passes, on a terminal, its `width`: columns then fit it, a message wraps
under its column, at most MAX_LINES lines a text (the rest cut, marked with MARK; `verbose`
shows every line, and the JSON report has it all). `verbose` also lists the warnings on
what AWS made by itself (the default VPC's subnets and security groups), which are
otherwise folded into one line. `color` adds ANSI colours (the CLI: a terminal, no
$NO_COLOR). Control characters (terminal escapes included) print as U+FFFD, so no value
from a plan can drive the terminal.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from driftguard.model import HIDDEN, KIND_OF_RULE, CheckResult, Drift, Finding, NotChecked, Severity
from driftguard.report.common import DRIFT_CLASSES, message, waiver_note, why_text
from driftguard.report.summary import headline, type_counts

INDENT = "  "
DETAIL = "      "  # a row's further lines (a stacked row's message, drift's changes)
GAP = "  "
MIN_TEXT = 50  # narrower than this, the message goes under its row instead of beside it
MIN_WIDTH = 40
MAX_LINES = 2  # lines of one message (or one change) before it is cut, without verbose
MARK = "\u2026"
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


_COLOR = {Severity.critical: "1;31", Severity.high: "31", Severity.medium: "33",
          Severity.low: "36", Severity.info: "2"}
_VERDICT_COLOR = {"FAIL": "1;31", "PASS": "1;32", "INCOMPLETE": "1;33"}


def render(result: CheckResult, *, width: int | None = None, color: bool = False,
           verbose: bool = False) -> str:
    out = _Out(None if width is None else max(width, MIN_WIDTH), color, verbose)
    kinds = KIND_OF_RULE
    drift = [f for f in result.findings if f.rule_id in kinds]
    policy = [f for f in result.findings if f.rule_id not in kinds]
    folded = [] if verbose else [f for f in policy if f.aws_default and f.level == "warn"]
    policy = [f for f in policy if not (f.aws_default and f.level == "warn" and not verbose)]
    context = _Context(result)

    if drift:
        counts: Counter[str] = Counter(kinds[f.rule_id] for f in drift)
        out.title("DRIFT", ", ".join(f"{counts[k]} {k}" for k in DRIFT_CLASSES if counts[k]))
        out.section([
            (f"{kind} ({', '.join(p for p in (str(len(group)), severity.name, status) if p)})"
             f": {DRIFT_CLASSES[kind]}", severity,
             [_drift_row(f, kind, context) for f in group])
            for (kind, status, severity), group in _groups(drift, result, kinds)])
    if policy:
        if drift:
            out.title("POLICY", _policy_counts(policy, result))
        out.section([
            (f"{f'{severity.name} {status}'.strip()} ({len(group)})", severity,
             [_policy_row(f, context) for f in group])
            for (_, status, severity), group in _groups(policy, result, kinds)])
    if drift or policy:
        out.blank()
    if folded:
        types = Counter(f.resource_type for f in folded)
        rules = ", ".join(sorted({f.rule_id for f in folded}))
        out.note(f"{_count(len(folded), 'warning')} not listed, on what AWS made by itself "
                 f"(the default VPC, ...): {', '.join(f'{n} {t}' for t, n in types.items())} "
                 f"({rules}); -v lists them")
    for w in result.stale_waivers:
        state = f"expired {w.expires}" if w.expired else f"expires {w.expires}"
        out.note(f"stale waiver: {w.rule} {w.resource} ({w.owner}, {state}) "
                 "matches no finding; remove it")
    for line in not_checked_lines(result.not_checked):
        out.note(line)
    if result.not_collectable:
        out.note(f"not collectable (no catalog type): {type_counts(result.not_collectable)}")
    if result.unread_types:
        out.note(f"types no rule reads: {type_counts(result.unread_types)}")
    if out.cut:
        out.note(f"({MARK}: cut to fit {out.width} columns; -v or --format json shows all)")
    verdict, sentence = headline(result)
    out.verdict(verdict, sentence)
    return out.text()


def not_checked_lines(gaps: list[NotChecked]) -> list[str]:
    """One line per place and reason: `not checked: aws_s3_bucket in 1234/eu-west-1
    (ListBuckets): access denied ...`, the types of a shared reason on one line."""
    by_reason: dict[tuple[str, str], list[NotChecked]] = {}
    for gap in gaps:
        where = "/".join(p for p in (gap.account, gap.region) if p) or "all regions"
        by_reason.setdefault((where, gap.reason), []).append(gap)
    lines = []
    for (where, reason), group in by_reason.items():
        if len(group) == 1:
            lines.append(f"not checked: {group[0].type} in {where} ({group[0].operation}): "
                         f"{reason}")
        else:
            types = ", ".join(f"{g.type} ({g.operation})" for g in group)
            lines.append(f"not checked in {where}: {types}: {reason}")
    return lines


# --- what the rows say -------------------------------------------------------------------


@dataclass
class _Row:
    cells: list[str]
    text: str = ""  # beside the cells (or under them, when narrow), wrapped
    details: list[str] = field(default_factory=list)  # under the row, one item a line


class _Context:
    """What every row needs to know about the whole result."""

    def __init__(self, result: CheckResult) -> None:
        declared = {f.origin for f in result.findings if f.origin and f.origin != "live"}
        self.with_origin = len(declared) > 1
        accounts = {f.account for f in result.findings if f.account}
        regions = {f.region for f in result.findings if f.region}
        self.with_where = len(accounts) > 1 or len(regions) > 1 or len(result.units) > 1
        self.drifts: dict[tuple[str, str, str | None, str | None], Drift] = {
            (d.type, d.address, d.account, d.region): d for d in result.drifts}

    def where(self, f: Finding) -> list[str]:
        if not self.with_where:
            return []
        return ["/".join(p for p in (f.account, f.region) if p) or "-"]

    def declared(self, f: Finding) -> str:
        return (f"{f.origin}: {f.resource_address}" if self.with_origin and f.origin
                and f.origin != "live" else f.resource_address)


def live_name(f: Finding) -> str:
    """`i-0abc (trainer)`: the live id and Name tag; an ARN's last part without an id."""
    ident = f.resource_id or short_id(f.resource_address)
    return f"{ident} ({f.resource_name})" if f.resource_name and f.resource_name != ident \
        else ident


def short_id(address: str) -> str:
    """`sg-0abc` of `arn:aws:ec2:eu-west-1:1234:security-group/sg-0abc`; other text as is."""
    if not address.startswith("arn:"):
        return address
    resource = address.split(":", 5)[-1]
    return re.split(r"[/:]", resource)[-1] or address


def _drift_row(f: Finding, kind: str, context: _Context) -> _Row:
    name = _one_line(live_name(f))
    if kind == "unmanaged":
        cells = [f.resource_type, name]
    else:
        cells = [_one_line(context.declared(f)), name if f.resource_id else ""]
    details: list[str] = []
    drift = context.drifts.get((f.resource_type, f.resource_address, f.account, f.region))
    if kind == "changed":
        if drift is not None and drift.changes:
            details = [line for c in drift.changes
                       for line in change_lines(c.attribute, c.declared, c.live)]
        else:  # a result without its drift entries: the message's own list
            details = message(f).partition(" changed: ")[2].split("; ")
    why = why_text(f, waiver=False)
    notes = [waiver_note(f).strip(), f"why: {why}" if why else ""]
    return _Row([*cells, *context.where(f)], "",
                [_printable(line) for line in [*details, *notes] if line])


def _policy_row(f: Finding, context: _Context) -> _Row:
    resource = context.declared(f) if f.source != "live" else live_name(f)
    why = why_text(f, waiver=False)
    text = message(f).replace("\r\n", "\n") + waiver_note(f) + (f"\nwhy: {why}" if why else "")
    return _Row([_one_line(f.rule_id), _one_line(resource), *context.where(f)],
                _printable(text))


def change_lines(attribute: str, declared: object, live: object) -> list[str]:
    """A changed attribute in lines: `instance_type: declared 'a', live 'b'`; two lists
    (security group rules) by what only one side has, an item a line:
    `ingress: + {protocol: tcp, from_port: 22, ...} (live only)`."""
    if isinstance(declared, list) and isinstance(live, list):
        added = [item for item in live if item not in declared]
        removed = [item for item in declared if item not in live]
        if added or removed:
            return ([f"{attribute}: + {_short(item)} (live only)" for item in added]
                    + [f"{attribute}: - {_short(item)} (declared only)" for item in removed])
    return [f"{attribute}: declared {_value(declared)}, live {_value(live)}"]


def _value(value: object) -> str:
    return HIDDEN if value == HIDDEN else repr(value)


def _short(value: object) -> str:
    """A value in few characters: no quotes inside structures, empty entries left out."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_short(v)}" for k, v in value.items()
                               if v not in (None, "", [], {})) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_short(v) for v in value) + "]"
    return str(value)


def _status(f: Finding, result: CheckResult) -> tuple[int, str]:
    if f.waived:
        return 3, "waived"
    if f.level == "warn":
        return 2, "warnings"
    if f.severity < result.fail_on:
        return 1, f"below --fail-on {result.fail_on.name}"
    return 0, ""


def _groups(findings: list[Finding], result: CheckResult, kinds: Mapping[str, str]
            ) -> list[tuple[tuple[str, str, Severity], list[Finding]]]:
    """Findings under their headings, in order: drift class (missing, changed, unmanaged),
    severity (highest first), then what fails the gate before what does not."""
    order = list(DRIFT_CLASSES)
    groups: dict[tuple[int, int, int, str, str, Severity], list[Finding]] = {}
    for f in findings:
        kind = kinds.get(f.rule_id, "")
        rank, status = _status(f, result)
        key = (order.index(kind) if kind else 0, -f.severity, rank, kind, status, f.severity)
        groups.setdefault(key, []).append(f)
    return [((k[3], k[4], k[5]), group) for k, group in sorted(groups.items(),
                                                               key=lambda item: item[0][:3])]


def _policy_counts(findings: list[Finding], result: CheckResult) -> str:
    failing = {id(f) for f in result.failing()}
    violations = sum(1 for f in findings if id(f) in failing)
    warnings = sum(1 for f in findings if f.level == "warn")
    others = len(findings) - violations - warnings
    parts = [_count(violations, "violation"), _count(warnings, "warning") if warnings else "",
             f"{others} not failing (waived or below --fail-on)" if others else ""]
    return ", ".join(p for p in parts if p)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _one_line(text: str) -> str:
    return _printable(text.replace("\r\n", " ").replace("\n", " "))


def _printable(text: str) -> str:
    return _CONTROL.sub("\ufffd", text)


# --- layout --------------------------------------------------------------------------------


class _Out:
    def __init__(self, width: int | None, color: bool, verbose: bool) -> None:
        self.width = width
        self.color = color
        self.verbose = verbose
        self.lines: list[str] = []
        self.cut = False

    def _paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and code else text

    def title(self, name: str, counts: str) -> None:
        if self.lines:
            self.lines.append("")
        for i, line in enumerate(self._wrap(f"{name}  {counts}", self.width, None, "  ")):
            self.lines.append(self._paint(line, "1") if i == 0 else line)

    def heading(self, text: str, severity: Severity) -> None:
        for line in self._wrap(text, self.width, None, "  "):
            self.lines.append(self._paint(line, _COLOR[severity]))

    def note(self, text: str) -> None:
        self.lines.extend(self._wrap(text, self.width, None, "  "))

    def blank(self) -> None:
        self.lines.append("")

    def verdict(self, verdict: str, sentence: str) -> None:
        lines = self._wrap(f"{verdict}: {sentence}", self.width, None, "  ")
        lines[0] = self._paint(verdict, _VERDICT_COLOR[verdict]) + lines[0][len(verdict):]
        self.lines.extend(lines)

    def section(self, groups: list[tuple[str, Severity, list[_Row]]]) -> None:
        """Each group's heading, then its rows: their cells in columns aligned across the
        section, the text beside them in a column of its own; when the width leaves the
        text fewer than MIN_TEXT columns (or the cells do not fit), each row's cells on a
        line and its text under them."""
        rows = [r for _, _, group in groups for r in group]
        count = max(len(r.cells) for r in rows)
        widths = [max((len(r.cells[i]) for r in rows if i < len(r.cells)), default=0)
                  for i in range(count)]
        while widths and widths[-1] == 0:
            widths.pop()
        fixed = len(INDENT) + sum(w + len(GAP) for w in widths)
        texts = any(r.text for r in rows)
        room = None if self.width is None else self.width - fixed
        stacked = room is not None and (room < MIN_TEXT if texts else room + len(GAP) < 0)
        limit = None if self.verbose else MAX_LINES
        for heading, severity, group in groups:
            self.heading(heading, severity)
            for r in group:
                self._row(r, widths, fixed, room, stacked, limit)

    def _row(self, r: _Row, widths: list[int], fixed: int, room: int | None, stacked: bool,
             limit: int | None) -> None:
        cells = [c.ljust(w) for c, w in zip(r.cells, widths, strict=False)]
        if not stacked:
            head = INDENT + GAP.join(cells)
            if r.text:
                parts = [p for line in r.text.split("\n")
                         for p in self._wrap(line, room, limit)]
                self.lines.append(head + GAP + parts[0])
                self.lines.extend(" " * fixed + p for p in parts[1:])
            else:
                self.lines.append(head.rstrip())
        else:
            cells = [c for c in r.cells if c]
            head = INDENT + GAP.join(cells)
            if self.width is not None and len(head) > self.width:
                self._pack(cells)
            else:
                self.lines.append(head)
            for line in r.text.split("\n") if r.text else []:
                self.lines.extend(self._wrap(line, self.width, limit, DETAIL, DETAIL))
        for detail in r.details:
            self.lines.extend(self._wrap(detail, self.width, limit, DETAIL, DETAIL))

    def _pack(self, cells: list[str]) -> None:
        """Cells on as few lines as the width takes, none split unless it alone is wider."""
        width = self.width or 0
        line = ""
        for i, cell in enumerate(cells):
            if line and len(line) + len(GAP) + len(cell) <= width:
                line += GAP + cell
                continue
            if line:
                self.lines.append(line)
            start = INDENT if i == 0 else DETAIL
            wrapped = self._wrap(cell, width, None, DETAIL, start)
            self.lines.extend(wrapped[:-1])
            line = wrapped[-1]
        self.lines.append(line)

    def _wrap(self, text: str, width: int | None, limit: int | None, later: str = "",
              first: str = "") -> list[str]:
        """`text` in lines of at most `width` (none: one line), the first starting with
        `first`, the others with `later`; past `limit` lines, cut and marked."""
        if width is None:
            return [(first + text).rstrip()]
        import textwrap

        lines = textwrap.wrap(text, width, initial_indent=first, subsequent_indent=later,
                              break_on_hyphens=False) or [first.rstrip()]
        if limit is not None and len(lines) > limit:
            self.cut = True
            lines = lines[:limit]
            last = lines[-1]
            lines[-1] = (last if len(last) + 2 <= width else last[:width - 2]) + " " + MARK
        return lines

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.lines) + "\n"
