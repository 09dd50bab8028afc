"""SARIF 2.1.0, the format GitHub code scanning and other viewers read.

One run. `tool.driver.rules` holds every rule evaluated (with its metadata, so a viewer
can show the title, description and remediation) and `properties["security-severity"]`, the
number by which GitHub ranks alerts. Each finding is one result with its rule's index, a
level from its severity (see report/common.py), the origin file as physical location, the
resource address as logical location and the finding's stable fingerprint, so that code
scanning tracks an alert across runs. Waived findings carry an accepted external
suppression; they are reported, not hidden.
"""

from __future__ import annotations

from typing import Any

from driftguard import __version__
from driftguard.model import CheckResult, Finding, Rule, WaiverRef
from driftguard.report import indented_json
from driftguard.report.common import (
    SECURITY_SEVERITY,
    finding_level,
    message,
    origin_uri,
    rules_with_findings,
    says_why,
    severity_level,
    why_doc,
)

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
VERSION = "2.1.0"
FINGERPRINT_KEY = "driftguard/v1"


def render(result: CheckResult) -> str:
    rules = rules_with_findings(result)
    index = {rule.id: i for i, rule in enumerate(rules)}
    driver: dict[str, Any] = {"name": "driftguard", "version": __version__}
    uri = _information_uri()
    if uri:
        driver["informationUri"] = uri
    driver["rules"] = [_rule(rule) for rule in rules]
    invocation: dict[str, Any] = {"executionSuccessful": True}
    notes = [_stale_waiver(w) for w in result.stale_waivers]
    if notes:
        invocation["toolExecutionNotifications"] = notes
    run = {
        "tool": {"driver": driver},
        "invocations": [invocation],
        "results": [_result(f, index[f.rule_id]) for f in result.findings],
    }
    doc = {"$schema": SCHEMA_URI, "version": VERSION, "runs": [run]}
    return indented_json.dumps(doc, ensure_ascii=False) + "\n"


def _rule(rule: Rule) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.package.removeprefix("driftguard.rules.") or rule.id,
        "shortDescription": {"text": rule.title},
    }
    if rule.description:
        descriptor["fullDescription"] = {"text": rule.description}
    if rule.remediation:
        descriptor["help"] = {"text": rule.remediation}
    descriptor["defaultConfiguration"] = {"level": severity_level(rule.severity)}
    properties: dict[str, Any] = {
        "severity": rule.severity.name,
        "security-severity": SECURITY_SEVERITY[rule.severity],
        "tags": ["security", "driftguard"],
    }
    if rule.package:
        properties["package"] = rule.package
    for key, ids in sorted(rule.references.items()):
        properties[key] = list(ids)
    descriptor["properties"] = properties
    return descriptor


def _result(f: Finding, rule_index: int) -> dict[str, Any]:
    location: dict[str, Any] = {}
    if f.origin:
        location["physicalLocation"] = {"artifactLocation": {"uri": origin_uri(f.origin)}}
    location["logicalLocations"] = [
        {"fullyQualifiedName": f.resource_address, "kind": "resource"}]
    item: dict[str, Any] = {
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": finding_level(f),
        "message": {"text": message(f)},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
    }
    if f.waiver and f.waived:
        item["suppressions"] = [{
            "kind": "external",
            "status": "accepted",
            "justification": (f"{f.waiver.reason} (owner {f.waiver.owner}, "
                              f"until {f.waiver.expires})"),
        }]
    properties: dict[str, Any] = {
        "severity": f.severity.name,
        "policyLevel": f.level,
        "unknownUntilApply": f.unknown,
    }
    if f.resource_type:
        properties["resourceType"] = f.resource_type
    if f.waiver:
        properties["waiver"] = f.waiver.model_dump(mode="json")
    if says_why(f.why):
        properties["why"] = why_doc(f.why)
    item["properties"] = properties
    return item


def _stale_waiver(w: WaiverRef) -> dict[str, Any]:
    state = f"expired {w.expires}" if w.expired else f"expires {w.expires}"
    return {
        "level": "warning",
        "message": {"text": f"stale waiver: {w.rule} {w.resource} ({w.owner}, {state}) "
                            "matches no finding; remove it"},
    }


def _information_uri() -> str | None:
    """The project's home page from the installed package's metadata, if it names one."""
    from importlib import metadata

    try:
        meta = metadata.metadata("driftguard")
    except metadata.PackageNotFoundError:
        return None
    urls = [*(meta.get_all("Home-page") or []),
            *(url.split(",", 1)[1].strip() for url in meta.get_all("Project-URL") or []
              if "," in url)]
    return next((url for url in urls if url.startswith(("https://", "http://"))), None)
