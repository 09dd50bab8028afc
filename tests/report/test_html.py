"""The HTML report without a browser: escaping, masking, the content policy, structure.

The browser tests (tests/report/test_html_browser.py) open the page in Chromium; these
read the markup with the standard library's parser, which is enough for what is text."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from typing import Any

from test_report_formats import make_result

from driftguard.model import (
    HIDDEN,
    MASK,
    AttributeChange,
    CheckResult,
    Coverage,
    Drift,
    Finding,
    NotChecked,
    Rule,
    Severity,
)
from driftguard.report.html_report import render

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


class Page(HTMLParser):
    """Tags, attributes, text and the inline style and script of a page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.inline: dict[str, str] = {}
        self._in: str | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "style" or tag == "script" and "type" not in dict(attrs):
            self._in = tag
        elif tag == "script":
            self._in = "data"

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.inline[self._in] = self.inline.get(self._in, "") + data
        else:
            self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]

    def rows(self) -> list[dict[str, str | None]]:
        return [a for a in self.all("details") if "f" in (a.get("class") or "").split()]

    def whys(self) -> list[Any]:
        """Each row's why, from the page's data block."""
        return list(json.loads(self.inline["data"]))


def flat(segments: list[Any]) -> str:
    """The text of a why's segments."""
    out = []
    for seg in segments:
        if isinstance(seg, str):
            out.append(seg)
        elif seg[0] == "t":
            out.append(" ".join(seg[1]))
            out.extend(flat(cell) for row in seg[2] for cell in row)
        elif seg[0] == "l":
            out.extend(flat(item) for item in seg[1])
        elif seg[0] == "d":
            out.extend(f"{k} {flat(v)}" for k, v in seg[1])
        else:
            out.append(seg[1])
    return " ".join(out)


def why_of(page: Page, index: int) -> dict[str, str]:
    return {label: flat(segments) for label, segments in page.whys()[index]}


def scan_result() -> CheckResult:
    drift_rules = [Rule(id=f"DG-DRIFT-00{i}", package=f"driftguard.drift.{kind}",
                        title=f"{kind} title", severity=Severity.medium)
                   for i, kind in enumerate(("missing", "changed", "unmanaged"), 1)]
    changed = Drift(kind="changed", type="aws_db_instance", id="db-1",
                    address="aws_db_instance.main", origin="state.tfstate",
                    account="123456789012", region="eu-west-1", changes=[
                        AttributeChange(attribute="password", declared=MASK, live=MASK),
                        AttributeChange(attribute="instance_class", declared="db.t3.micro",
                                        live="db.r5.large"),
                        AttributeChange(attribute="engine_version", declared=HIDDEN,
                                        live=HIDDEN)])
    unmanaged = Drift(kind="unmanaged", type="aws_s3_bucket", id=HOSTILE, address=HOSTILE,
                      account="123456789012", region="eu-west-1")
    findings = [
        Finding(rule_id="DG-DRIFT-002", title="changed title", severity=Severity.medium,
                level="deny", message="aws_db_instance db-1 changed: instance_class",
                resource_address="aws_db_instance.main", resource_type="aws_db_instance",
                origin="state.tfstate", source="state", account="123456789012",
                region="eu-west-1"),
        Finding(rule_id="DG-DRIFT-003", title="unmanaged title", severity=Severity.medium,
                level="deny", message=f"aws_s3_bucket {HOSTILE} exists",
                resource_address=HOSTILE, resource_type="aws_s3_bucket", origin="live",
                source="live", account="123456789012", region="eu-west-1"),
        Finding(rule_id="DG-ENC-001", title="S3 buckets must be encrypted", level="deny",
                severity=Severity.high, message="S3 bucket is not encrypted at rest",
                resource_address=HOSTILE, resource_type="aws_s3_bucket", origin="live",
                source="live", account="123456789012", region="eu-west-1"),
    ]
    return CheckResult(
        kind="scan", sources=[], resources=3, fail_on=Severity.low, findings=findings,
        rules=[*drift_rules, Rule(id="DG-ENC-001", package="driftguard.rules.enc",
                                  title="S3 buckets must be encrypted", severity=Severity.high)],
        drifts=[changed, unmanaged], account="123456789012", regions=["eu-west-1"],
        coverage=[Coverage(type="aws_s3_bucket", managed=0, unmanaged=1),
                  Coverage(type="aws_db_instance", managed=1, unmanaged=0)],
        not_checked=[NotChecked(type="aws_instance", region="eu-west-1",
                                operation="DescribeInstances", reason=f"denied {HOSTILE}")])


def test_a_hostile_resource_name_stays_text() -> None:
    out = render(scan_result())
    page = Page(out)
    assert "<script>alert" not in out and "<img src=x" not in out
    # The report's script and its data block (JSON, which no `<` can end), nothing else.
    assert [a.get("type") for a in page.all("script")] == ["application/json", None]
    assert "<" not in page.inline["data"] and ">" not in page.inline["data"]
    assert page.all("img") == []
    assert not any(k.startswith("on") for _, attrs in page.tags for k in attrs)
    text = "".join(page.text)
    assert text.count(HOSTILE) >= 4  # the rows, the not-checked reason: as text

    result = scan_result()
    result.findings[2].message = f"first line\n{HOSTILE}</script><!--"
    page = Page(render(result))
    assert why_of(page, 2)["message"] == f"first line\n{HOSTILE}</script><!--"  # data, intact


def test_sensitive_and_hidden_values_are_the_result_s_sentinels() -> None:
    page = Page(render(scan_result()))
    changes = next(segs for label, segs in page.whys()[0] if label == "changes")
    assert changes == [["t", ["attribute", "declared", "live"], [
        [[["c", "password"]], [["m", MASK]], [["m", MASK]]],
        [[["c", "instance_class"]], [["c", '"db.t3.micro"']], [["c", '"db.r5.large"']]],
        [[["c", "engine_version"]], [["m", HIDDEN]], [["m", HIDDEN]]]]]]


def test_the_content_policy_allows_only_the_page_s_own_style_and_script() -> None:
    out = render(scan_result())
    page = Page(out)
    csp = next(a["content"] for a in page.all("meta")
               if a.get("http-equiv") == "Content-Security-Policy")
    assert csp is not None and csp.startswith("default-src 'none';")

    def sha(text: str) -> str:
        return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    assert f"style-src '{sha(page.inline['style'])}'" in csp
    assert f"script-src '{sha(page.inline['script'])}'" in csp  # not the data block's
    assert "unsafe" not in csp
    assert not any("style" in attrs for _, attrs in page.tags)  # no style="": the hash rules
    # Nothing to fetch: no URL but the SVG namespace.
    assert set(re.findall(r"https?://[^\s\"'<>]+", out)) == {"http://www.w3.org/2000/svg"}


def test_every_finding_is_a_row_in_its_class_with_its_filters() -> None:
    page = Page(render(scan_result()))
    rows = page.rows()
    assert len(page.whys()) == len(rows)
    assert [(r["data-c"], r["data-s"], r["data-t"], r["data-w"]) for r in rows] == [
        ("changed", "medium", "aws_db_instance", "123456789012/eu-west-1"),
        ("unmanaged", "medium", "aws_s3_bucket", "123456789012/eu-west-1"),
        ("policy", "high", "aws_s3_bucket", "123456789012/eu-west-1")]
    boxes = {(a["name"], a["value"]) for a in page.all("input") if a.get("type") == "checkbox"}
    assert boxes == {("c", "changed"), ("c", "unmanaged"), ("c", "policy"), ("s", "high"),
                     ("s", "medium")}
    selects = {a["name"] for a in page.all("select")}
    assert selects == {"t", "w"}


def test_a_check_has_no_drift_part_and_no_where_filter() -> None:
    result = make_result()
    page = Page(render(result))
    rows = page.rows()
    assert len(rows) == len(page.whys()) == len(result.findings)
    assert {r["data-c"] for r in rows} == {"policy"}
    assert {a["name"] for a in page.all("select")} == {"t"}
    whys = [why_of(page, i) for i in range(len(rows))]
    assert any("reviewed in SEC-42" in w.get("waiver", "") for w in whys)
    assert any("it waives no more" in w.get("waiver", "") for w in whys)
    failing = {id(f) for f in result.failing()}
    assert sum(1 for r in rows if "g" in (r["class"] or "").split()) == len(failing)


def test_fields_the_model_adds_later_show_in_the_why() -> None:
    result = make_result()

    class Later(Finding):
        first_seen: str | None = None

    f = result.findings[0]
    result.findings[0] = Later(**f.model_dump(), first_seen="2026-11-30T10:00:00Z")
    page = Page(render(result))
    whys = [why_of(page, i) for i in range(len(page.rows()))]
    assert {"first seen": "2026-11-30T10:00:00Z"}.items() <= next(
        w for w in whys if "first seen" in w).items()


def test_an_empty_result_renders() -> None:
    empty = CheckResult(sources=[], resources=0, rules=[], findings=[], fail_on=Severity.low)
    out = render(empty)
    assert "No findings." in out and out.endswith("</html>\n")
