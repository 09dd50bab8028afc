"""JUnit XML, the test report format that Jenkins, GitLab and most CI systems display.

One `<testsuite>` per rule (named by its id and title), one `<testcase>` per finding
(classname: the rule id, name: the resource address). A finding that fails the gate (a
deny at or above --fail-on, not waived) is a `<failure>` whose type is its severity, so the
report's failures equal the gate's violations. Other findings pass and say why in
`<system-out>` (a warning, or a deny below the threshold); a waived finding is `<skipped>`
with the waiver. A rule without findings gets one passing testcase, "all resources", so
every rule evaluated appears.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from driftguard.model import CheckResult, Finding, Rule
from driftguard.report.common import (
    message,
    resource_label,
    rule_heading,
    rules_with_findings,
    several_origins,
    waiver_note,
)

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

NO_FINDING = "all resources"

# Characters XML 1.0 cannot carry, even escaped.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render(result: CheckResult) -> str:
    import xml.etree.ElementTree as ET  # here, not at import: the gate starts fast

    failing = {id(f) for f in result.failing()}
    with_origin = several_origins(result)
    by_rule: dict[str, list[Finding]] = {}
    for f in result.findings:
        by_rule.setdefault(f.rule_id, []).append(f)

    root = ET.Element("testsuites", name="driftguard")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for rule in rules_with_findings(result):
        suite = _suite(root, rule, by_rule.get(rule.id, []), failing, with_origin, result)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")
    root.set("skipped", str(totals["skipped"]))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _suite(root: ET.Element, rule: Rule, findings: list[Finding], failing: set[int],
           with_origin: bool, result: CheckResult) -> ET.Element:
    import xml.etree.ElementTree as ET

    suite = ET.SubElement(root, "testsuite", name=_text(rule_heading(rule.id, rule.title)))
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="severity", value=rule.severity.name)
    if rule.package:
        ET.SubElement(properties, "property", name="package", value=rule.package)
    for key, ids in sorted(rule.references.items()):
        ET.SubElement(properties, "property", name=key, value=", ".join(ids))

    failures = skipped = 0
    for f in findings:
        case = ET.SubElement(suite, "testcase", classname=rule.id,
                             name=_text(resource_label(f, with_origin)))
        if f.origin:
            case.set("file", f.origin)
        text = _text(message(f) + waiver_note(f))
        if id(f) in failing:
            failures += 1
            failure = ET.SubElement(case, "failure", message=text, type=f.severity.name)
            failure.text = _details(f, text)
        elif f.waived:
            skipped += 1
            ET.SubElement(case, "skipped", message=text)
        else:
            why = ("warning (never fails the gate)" if f.level == "warn"
                   else f"below --fail-on {result.fail_on.name}")
            out = ET.SubElement(case, "system-out")
            out.text = f"{f.severity.name} {why}: {text}"
    if not findings:
        ET.SubElement(suite, "testcase", classname=rule.id, name=NO_FINDING)
    suite.set("tests", str(max(len(findings), 1)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))
    return suite


def _details(f: Finding, text: str) -> str:
    lines = [rule_heading(f.rule_id, f.title), f"severity: {f.severity.name}",
             f"resource: {f.resource_address}"]
    if f.origin:
        lines.append(f"file: {f.origin}")
    lines.append(text)
    if f.remediation:
        lines.append(f"remediation: {f.remediation}")
    return _text("\n".join(lines))


def _text(value: str) -> str:
    return _INVALID_XML.sub("\ufffd", value)
