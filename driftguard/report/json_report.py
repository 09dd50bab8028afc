"""The JSON report. Its schema is versioned (docs/json-report.md, schema/check-v1.json):
fields are only added within a version; anything else bumps it."""

from __future__ import annotations

import hashlib
from typing import Any

from driftguard import __version__
from driftguard.model import CheckResult, Finding, ResultKind
from driftguard.report import indented_json
from driftguard.report.common import timestamp, why_doc
from driftguard.report.summary import summarize

SCHEMAS: dict[ResultKind, str] = {"check": "driftguard.check/v1", "scan": "driftguard.scan/v1"}


def render(result: CheckResult) -> str:
    doc: dict[str, Any] = {
        "schema": SCHEMAS[result.kind],
        "driftguard_version": __version__,
        "fail_on": result.fail_on.name,
        "summary": summarize(result),
        "sources": [s.model_dump() for s in result.sources],
        "rules": [
            {**r.model_dump(exclude={"severity"}), "severity": r.severity.name}
            for r in result.rules
        ],
        "findings": [finding_doc(f, where=result.kind == "scan") for f in result.findings],
        "stale_waivers": [w.model_dump(mode="json") for w in result.stale_waivers],
        "unread_types": dict(sorted(result.unread_types.items())),
        "scanned_at": timestamp(result.scanned_at) if result.scanned_at else None,
    }
    doc["drift"] = [d.model_dump(mode="json") for d in result.drifts]  # check: the plans'
    if result.kind == "scan":
        doc["coverage"] = [{**c.model_dump(), "ratio": c.ratio} for c in result.coverage]
        doc["not_collectable"] = dict(sorted(result.not_collectable.items()))
        doc["not_checked"] = [g.model_dump() for g in result.not_checked]
        doc["api_calls"] = result.api_calls
        doc["api_throttles"] = result.api_throttles
        doc["account"] = result.account
        doc["regions"] = result.regions
        doc["timings"] = result.timings
        doc["units"] = result.units
    content = _content(doc)
    text = indented_json.as_json(content, sort_keys=True)
    if text is None:  # json.dumps writes the digest's text and the report's
        doc["digest"] = _sha256(indented_json.by_json(content, sort_keys=True).encode())
        return indented_json.dumps(doc) + "\n"
    doc["digest"] = _sha256(text)
    # The same values, and the version and the digest: ASCII strings without a float.
    return indented_json.indent(doc) + "\n"


def digest(doc: dict[str, Any]) -> str:
    """The SHA-256 of the report's content (every field but `digest` and the version that
    wrote it, keys sorted): `report` refuses a file whose digest does not match, so that no
    severity, level or waiver is edited by hand into a shard. It tells edits and
    corruption, not who wrote the file: anyone who can write the file can compute it
    (keep reports where only the scanner writes)."""
    return _sha256(indented_json.compact(_content(doc), sort_keys=True).encode())


def _content(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in ("digest", "driftguard_version")}


def _sha256(text: bytes) -> str:
    return "sha256:" + hashlib.sha256(text).hexdigest()


def finding_doc(f: Finding, where: bool = False) -> dict[str, Any]:
    """`where`: also the finding's account and region (scan reports); a check report has
    them where the resource does (they are part of the fingerprint)."""
    doc: dict[str, Any] = {
        "fingerprint": f.fingerprint,
        "rule_id": f.rule_id,
        "title": f.title,
        "severity": f.severity.name,
        "level": f.level,
        "message": f.message,
        "unknown_until_apply": f.unknown,
        "resource": {
            "address": f.resource_address,
            "type": f.resource_type,
            "origin": f.origin,
            "source": f.source,
        },
        "remediation": f.remediation,
        "waived": f.waived,
        "waiver": f.waiver.model_dump(mode="json") if f.waiver else None,
        "why": why_doc(f.why),
    }
    if where or f.account or f.region:
        doc["resource"].update(account=f.account, region=f.region)
    return doc
