"""The HTML report: one self-contained page for people (a browser, a phone, a printer).

Everything is in the file: the stylesheet and a little vanilla script (report/assets/),
the charts as inline SVG. A Content-Security-Policy with `default-src 'none'` and the
hashes of that stylesheet and script lets the page load nothing, from anywhere, ever.

Rows are rendered here, server-side: the page's script only toggles `hidden` on them
(filters by drift class, severity, type and account/region, and a search box), in one pass
over the rows. What a finding expands to (`<details>`: its why) is JSON in a data block,
built with text nodes when it is first opened, so that 10,000 findings open in well under
2 s (bench/bench_html.py): the rule, the declaring file, the live id, the drift's attribute
differences, the waiver, and whatever else the result model carries for the finding.

Every value from the result is HTML-escaped (in the data block: `<`, `>` and `&` as JSON
escapes). Sensitive values were masked when their source was read; the page shows the
result's values exactly as the JSON report does.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from html import escape
from importlib import resources
from typing import Any

from driftguard import __version__
from driftguard.model import HIDDEN, KIND_OF_RULE, MASK, CheckResult, Drift, Finding, Severity
from driftguard.report.common import (
    DRIFT_CLASSES,
    message,
    rule_heading,
    rules_with_findings,
    why_text,
)
from driftguard.report.summary import coverage_text, headline, summarize, type_counts

POLICY = "policy"
SEVERITIES = [s.name for s in reversed(Severity)]
# Finding fields shown in their own place (the row, the group, the why); any other field
# the model carries, now or later, is shown in the why under its own name when it has a
# value.
SHOWN_FIELDS = {"rule_id", "title", "severity", "level", "message", "resource_address",
                "resource_type", "origin", "source", "unknown", "remediation", "waiver",
                "account", "region", "why"}


def render(result: CheckResult) -> str:
    css, js = _asset("report.css"), _asset("report.js")
    verdict, sentence = headline(result)
    page = _Page(result)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        f"style-src '{_sha256(css)}'; script-src '{_sha256(js)}'; "
        "base-uri 'none'; form-action 'none'\">",
        '<meta name="referrer" content="no-referrer">',
        '<meta name="generator" content="driftguard">',
        f'<meta name="driftguard-version" content="{_e(__version__)}">',
        f"<title>driftguard {result.kind}: {verdict}</title>",
        f"<style>{css}</style>",
        "</head>",
        f'<body class="verdict-{verdict.lower()}">',
        page.header(verdict, sentence),
        '<main id="main">',
        page.summary(),
        page.gaps(),
        page.findings(),
        "</main>",
        f'<script type="application/json" id="why">{_data(page.whys)}</script>',
        f"<footer>driftguard &middot; fails on {result.fail_on.name} and above</footer>",
        f"<script>{js}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


class _Page:
    def __init__(self, result: CheckResult) -> None:
        self.result = result
        self.drifts: dict[tuple[str, str, str | None, str | None], Drift] = {
            (d.type, d.address, d.account, d.region): d for d in result.drifts}
        self.failing = {id(f) for f in result.failing()}
        self.with_where = any(f.account or f.region for f in result.findings)
        self.whys: list[list[Any]] = []  # each row's why, in the rows' order
        self.rules = {rule.id: rule for rule in rules_with_findings(result)}
        self.remedies = {rule.id: rule.remediation for rule in self.rules.values()}

    # --- the top: verdict, what was read --------------------------------------------

    def header(self, verdict: str, sentence: str) -> str:
        r = self.result
        facts = [("sources", ", ".join(f"{s.path} ({s.kind}, {s.resources})"
                                       for s in r.sources) or "none")]
        if r.account:
            facts.append(("account", r.account))
        if r.regions:
            facts.append(("regions", ", ".join(r.regions)))
        rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
        return (f'<header><h1>driftguard {_e(r.kind)} <span class="verdict">{_e(verdict)}'
                f"</span></h1><p class=\"sentence\">{_e(sentence)}</p>"
                f'<dl class="facts">{rows}</dl></header>')

    def summary(self) -> str:
        r, s = self.result, summarize(self.result)
        cards = [("findings", s["findings"]), ("failing", s["failing"]),
                 ("warnings", s["warnings"]), ("waived", s["waived"])]
        if r.kind == "scan":
            cards.insert(0, ("live resources", s["resources"]))
            cards += [(k, n) for k, n in s["drift"].items()]
            if s["coverage"] is not None:
                cards.append(("coverage", f"{s['coverage']:.0%}"))
        else:
            cards.insert(0, ("resources", s["resources"]))
        card_html = "".join(f'<div class="card"><b>{_e(str(n))}</b><span>{_e(k)}</span></div>'
                            for k, n in cards)
        severities = Counter(f.severity.name for f in r.findings)
        charts = [_figure("Findings by severity", _bars(
            [(name, severities.get(name, 0), f"sev-{name}") for name in SEVERITIES]))]
        if r.kind == "scan":
            charts.append(_figure("Drift by class", _bars(
                [(k, n, f"kind-{k}") for k, n in s["drift"].items()])))
        if r.coverage:
            title = "Coverage per type: managed / unmanaged" + (
                f" ({coverage_text(r)})" if s["coverage"] is not None else "")
            charts.append(_figure(title, _coverage(r), wide=True))
        return (f'<section id="summary"><h2>Summary</h2><div class="cards">{card_html}</div>'
                f'<div class="charts">{"".join(charts)}</div></section>')

    def gaps(self) -> str:
        r = self.result
        blocks = []
        if r.not_checked:
            rows = "".join(
                f"<tr><td><code>{_e(g.type)}</code></td><td>"
                f"{_e('/'.join(p for p in (g.account, g.region) if p) or 'all regions')}"
                f"</td><td><code>{_e(g.operation)}</code></td><td>{_e(g.reason)}</td></tr>"
                for g in r.not_checked)
            blocks.append("<h3>Not checked</h3><p>Their resources are neither missing nor in "
                          "sync: drift is not judged there.</p><div class=\"scroll\"><table>"
                          "<thead><tr><th>type</th><th>where</th><th>call</th><th>reason</th>"
                          f"</tr></thead><tbody>{rows}</tbody></table></div>")
        if r.stale_waivers:
            items = "".join(
                f"<li><code>{_e(w.rule)}</code> <code>{_e(w.resource)}</code> ({_e(w.owner)}, "
                f"{'expired' if w.expired else 'expires'} {_e(str(w.expires))})</li>"
                for w in r.stale_waivers)
            blocks.append(f"<h3>Stale waivers</h3><p>They match no finding; remove them.</p>"
                          f"<ul>{items}</ul>")
        if r.not_collectable:
            blocks.append(f"<h3>Not collectable</h3><p>No catalog type: "
                          f"{_e(type_counts(r.not_collectable, limit=50))}</p>")
        if r.unread_types:
            blocks.append(f"<h3>Types no rule reads</h3><p>"
                          f"{_e(type_counts(r.unread_types, limit=50))}</p>")
        if not blocks:
            return ""
        return f'<section id="gaps"><h2>Gaps</h2>{"".join(blocks)}</section>'

    # --- the findings ------------------------------------------------------------------

    def findings(self) -> str:
        r = self.result
        if not r.findings:
            return '<section id="findings"><h2>Findings</h2><p>No findings.</p></section>'
        drift: dict[str, list[Finding]] = {k: [] for k in DRIFT_CLASSES}
        policy: dict[str, list[Finding]] = {}
        for f in r.findings:
            drift_kind = KIND_OF_RULE.get(f.rule_id)
            if drift_kind in drift:
                drift[drift_kind].append(f)
            else:
                policy.setdefault(f.rule_id, []).append(f)
        out = ['<section id="findings"><h2>Findings</h2>', self.filters()]
        if any(drift.values()):
            out.append('<section class="part"><h3>Drift</h3>')
            for kind, group in drift.items():
                if group:
                    out.append(self.group(f"{kind}: {DRIFT_CLASSES[kind]}", kind,
                                          group[0].severity, group))
            out.append("</section>")
        if policy:
            out.append('<section class="part"><h3>Policy</h3>')
            order = sorted(policy, key=lambda rid: (-self.rules[rid].severity, rid))
            for rule_id in order:
                rule = self.rules[rule_id]
                out.append(self.group(rule_heading(rule.id, rule.title), POLICY, rule.severity,
                                      policy[rule_id]))
            out.append("</section>")
        out.append("</section>")
        return "\n".join(out)

    def filters(self) -> str:
        r = self.result
        present = Counter(KIND_OF_RULE.get(f.rule_id, POLICY) for f in r.findings)
        classes = [k for k in (*DRIFT_CLASSES, POLICY) if present[k]]
        sev_counts = Counter(f.severity.name for f in r.findings)
        boxes = "".join(_checkbox("c", k, f"{k} ({present[k]})") for k in classes)
        sevs = "".join(_checkbox("s", s, f"{s} ({sev_counts[s]})") for s in SEVERITIES
                       if sev_counts[s])
        types = sorted({f.resource_type for f in r.findings if f.resource_type})
        parts = [f'<fieldset><legend>class</legend>{boxes}</fieldset>',
                 f'<fieldset><legend>severity</legend>{sevs}</fieldset>',
                 _select("t", "type", types)]
        if self.with_where:
            parts.append(_select("w", "account/region",
                                 sorted({_where(f) for f in r.findings if _where(f)})))
        parts.append('<label class="search">search <input type="search" id="q" name="q" '
                     'placeholder="resource, rule, message, value..." autocomplete="off">'
                     "</label>")
        parts.append('<div class="buttons"><button type="button" id="expand">expand shown'
                     '</button><button type="button" id="collapse">collapse all</button>'
                     '<button type="reset">clear filters</button></div>')
        total = len(r.findings)
        return (f'<form id="filters" role="search">{"".join(parts)}</form>'
                f'<p id="shown" aria-live="polite">{total} of {total} findings shown</p>')

    def group(self, heading: str, kind: str, severity: Severity,
              findings: list[Finding]) -> str:
        """A rule's findings (a drift class is a rule too), under what the rule says."""
        rows = "".join(self.row(f, kind) for f in findings)
        n = len(findings)
        rule = self.rules.get(findings[0].rule_id)
        about = ""
        if rule is not None:
            said = [f"<code>{_e(rule.id)}</code>" if kind in DRIFT_CLASSES else "",
                    ("<b>Fix:</b> " + _e(rule.remediation) if rule.remediation else "")]
            about = f'<p class="about">{" ".join(p for p in said if p)}</p>'
            if rule.description:
                about += (f'<details class="about"><summary>why this rule</summary>'
                          f"{_e(rule.description)}</details>")
        return (f'<section class="group"><h4><span class="sev sev-{severity.name}">'
                f"{severity.name}</span> {_e(heading)} "
                f'<span class="count" data-total="{n}">{n}</span></h4>{about}'
                f'<div class="rows">{rows}</div></section>')

    def row(self, f: Finding, kind: str) -> str:
        """One finding's line; what it expands to is in the page's data (WHY_DATA)."""
        self.whys.append(self.why(f, kind))
        where = _where(f)
        badges = []
        if f.level == "warn":
            badges.append("<b>warn</b>")
        if f.waived:
            badges.append('<b class="waived">waived</b>')
        elif f.waiver:
            badges.append('<b class="expired">waiver expired</b>')
        if f.unknown:
            badges.append("<b>unknown until apply</b>")
        cls = "f g" if id(f) in self.failing else "f"  # g: fails the gate (a CSS badge)
        attrs = (f'class="{cls}" data-c="{kind}" data-s="{f.severity.name}" '
                 f'data-t="{_e(f.resource_type)}"' + (f' data-w="{_e(where)}"' if where else ""))
        first_line = message(f).split("\n", 1)[0]
        # No whitespace between the elements: 10,000 rows are as many fewer text nodes.
        return (f"<details {attrs}><summary><code>{_e(f.resource_address)}</code>"
                f'<span>{_e(first_line)}</span>{"".join(badges)}</summary></details>')

    def why(self, f: Finding, kind: str) -> list[Any]:
        """[label, segments] pairs; a segment is text, or a list: ["c", text] code, ["m",
        text] a masked value, ["p", text] text whose line breaks show, ["t", header, rows] a
        table of segment lists, ["l", items] a list, ["d", pairs] nested pairs. The page's
        script builds it with text nodes."""
        items: list[Any] = [["rule", [["c", f.rule_id], f" ({f.severity.name}, {f.level})"]]]
        text = message(f)
        if "\n" in text:  # the row shows its first line
            items.append(["message", [["p", text]]])
        if f.resource_type:
            items.append(["type", [["c", f.resource_type]]])
        where = _where(f)
        if where:
            items.append(["where", [where]])
        if f.origin:
            items.append(["declared in" if kind in ("missing", "changed") else "origin",
                          [["c", f.origin]] + ([f" ({f.source})"] if f.source else [])])
        drift = self.drifts.get((f.resource_type, f.resource_address, f.account, f.region))
        if drift is not None and kind in DRIFT_CLASSES:
            if drift.id and drift.id != f.resource_address:
                items.append(["live id", [["c", drift.id]]])
            if drift.changes:
                rows = [[[["c", c.attribute]], [_value(c.declared)], [_value(c.live)]]
                        for c in drift.changes]
                items.append(["changes", [["t", ["attribute", "declared", "live"], rows]]])
        if f.waiver:
            w = f.waiver
            state = (f"expired {w.expires}: it waives no more" if w.expired
                     else f"until {w.expires}")
            items.append(["waiver", [f"{state}, by {w.owner}: {w.reason} (", ["c", w.rule],
                                     " on ", ["c", w.resource], ")"]])
        because = why_text(f, waiver=False)  # declared by, first seen, changed by
        if because:
            items.append(["why", [because]])
        if f.remediation and f.remediation != self.remedies.get(f.rule_id):
            items.append(["remediation", [["p", f.remediation]]])
        extra = f.model_dump(mode="json", exclude=SHOWN_FIELDS)
        for name, value in extra.items():
            if value not in (None, "", [], {}, False):
                items.append([name.replace("_", " "), [_any(value)]])
        items.append(["fingerprint", [["c", f.fingerprint]]])
        return items


# --- pieces ----------------------------------------------------------------------------


def _e(text: str) -> str:
    return escape(text, quote=True)


def _where(f: Finding) -> str:
    return "/".join(p for p in (f.account, f.region) if p)


def _value(value: Any) -> Any:
    """A drift value as the JSON report has it; the mask sentinels as words."""
    if value in (MASK, HIDDEN):
        return ["m", str(value)]
    return ["c", json.dumps(value, sort_keys=True, ensure_ascii=False)]


def _any(value: Any) -> Any:
    """A field the model carries beyond the known ones, as segments."""
    if isinstance(value, dict):
        return ["d", [[str(k), [_any(v)]] for k, v in value.items()
                      if v not in (None, "", [], {})]]
    if isinstance(value, list):
        return ["l", [[_any(v)] for v in value]]
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _data(value: Any) -> str:
    """JSON for a <script type="application/json"> block: nothing in it can end the block
    or be read as markup (<, > and & as JSON escapes)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _checkbox(name: str, value: str, label: str) -> str:
    return (f'<label><input type="checkbox" name="{name}" value="{_e(value)}" checked> '
            f"{_e(label)}</label>")


def _select(name: str, label: str, values: Iterable[str]) -> str:
    options = "".join(f'<option value="{_e(v)}">{_e(v)}</option>' for v in values)
    return (f'<label>{_e(label)} <select name="{name}" id="{name}"><option value="">all'
            f"</option>{options}</select></label>")


def _figure(title: str, svg: str, wide: bool = False) -> str:
    return (f'<figure class="chart{" wide" if wide else ""}"><figcaption>{_e(title)}'
            f"</figcaption>{svg}</figure>")


WIDTH, LABEL_ROW, BAR = 400, 16, 12  # SVG units: CSS pixels, until a phone shrinks them


def _bars(items: list[tuple[str, int, str]]) -> str:
    """Horizontal bars, a label above each, scaled to the largest count."""
    top = max((n for _, n, _ in items), default=0) or 1
    step = LABEL_ROW + BAR + 6
    height = step * len(items)
    out = []
    for i, (label, n, cls) in enumerate(items):
        y = i * step
        width = round((WIDTH - 50) * n / top, 1)
        out.append(f'<text x="0" y="{y + 12}">{_e(label)}</text>'
                   f'<rect class="{cls}" x="0" y="{y + LABEL_ROW}" width="{width}" '
                   f'height="{BAR}" rx="2"></rect>'
                   f'<text class="n" x="{width + 4}" y="{y + LABEL_ROW + 10}">{n}</text>')
    return _svg(height, "".join(out), ", ".join(f"{label} {n}" for label, n, _ in items))


def _coverage(result: CheckResult) -> str:
    """A stacked bar per type: managed, then unmanaged, to the type's whole."""
    step = LABEL_ROW + BAR + 6
    rows = sorted(result.coverage, key=lambda c: (-c.unmanaged, c.type))
    out = []
    for i, c in enumerate(rows):
        y = i * step
        total = c.managed + c.unmanaged
        span = WIDTH - 50
        managed = round(span * c.managed / total, 1) if total else 0
        unmanaged = round(span * c.unmanaged / total, 1) if total else 0
        ratio = f"{c.ratio:.0%}" if c.ratio is not None else "n/a"
        out.append(f'<text x="0" y="{y + 12}">{_e(c.type)} {c.managed}/{total} ({ratio})</text>'
                   f'<rect class="managed" x="0" y="{y + LABEL_ROW}" width="{managed}" '
                   f'height="{BAR}"></rect><rect class="unmanaged" x="{managed}" '
                   f'y="{y + LABEL_ROW}" width="{unmanaged}" height="{BAR}"></rect>')
    label = "; ".join(f"{c.type}: {c.managed} managed, {c.unmanaged} unmanaged" for c in rows)
    return _svg(step * len(rows), "".join(out), label)


def _svg(height: int, body: str, label: str) -> str:
    height, width = max(height, 1), WIDTH
    return (f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'role="img" aria-label="{_e(label)}" xmlns="http://www.w3.org/2000/svg">'
            f"{body}</svg>")


@functools.cache
def _asset(name: str) -> str:
    return resources.files("driftguard.report").joinpath("assets", name).read_text("utf-8")


def _sha256(text: str) -> str:
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
    return f"sha256-{digest}"
