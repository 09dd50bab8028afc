"""Read a driftguard JSON report (docs/json-report.md) back into a CheckResult.

The inverse of json_report.render: `render(read(render(r)))` equals `render(r)`. Every
problem is an InputError naming the file and, where it helps, the place in it
(`findings[3].resource: missing key 'address'`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import ValidationError

from driftguard.documents import loads_json
from driftguard.errors import InputError
from driftguard.locations import DEFAULT_MAX_INPUT_MB, MB, S3Client, read_all
from driftguard.model import (
    CheckResult,
    Coverage,
    Drift,
    Finding,
    NotChecked,
    ResultKind,
    Rule,
    Severity,
    SourceSummary,
    WaiverRef,
    Why,
)
from driftguard.report.json_report import SCHEMAS, digest

KINDS = {schema: kind for kind, schema in SCHEMAS.items()}
T = TypeVar("T")


class _Bad(Exception):
    """A problem at one place in the document; becomes an InputError for the file."""


def read_report(name: str, text: str | bytes) -> CheckResult:
    """The CheckResult that a JSON report holds; `name` is the file or URL, for errors."""
    doc = loads_json(name, text)
    if not isinstance(doc, dict):
        raise InputError(name, "not a driftguard report (expected a JSON object)")
    schema = doc.get("schema")
    if not isinstance(schema, str) or not schema.startswith("driftguard."):
        raise InputError(name, "not a driftguard report (no driftguard schema field)")
    if schema not in KINDS:
        raise InputError(name, f"unsupported schema {schema!r} (this driftguard reads "
                               f"{', '.join(SCHEMAS.values())})")
    stored = doc.get("digest")
    if not isinstance(stored, str):
        raise InputError(name, "no digest: not a report that this driftguard wrote, or edited")
    if digest(doc) != stored:
        raise InputError(name, "the digest does not match the content: the report was edited "
                               "or is corrupt")
    try:
        return _result(KINDS[schema], doc)
    except _Bad as exc:
        raise InputError(name, str(exc)) from None


def read_reports(specs: list[str], s3_client: S3Client | None = None,
                 max_input_bytes: int = DEFAULT_MAX_INPUT_MB * MB
                 ) -> list[tuple[str, CheckResult]]:
    """(name, result) of every report that the paths, globs and S3 URLs name, in order;
    an S3 prefix ending in `/` means every `.json` object under it."""
    return [(name, read_report(name, body)) for spec in specs
            for name, body in read_all(spec, s3_client, suffix=".json", what="report",
                                       needs_aws="S3 reports need AWS access",
                                       file_problem="cannot read", limit=max_input_bytes)]


def _result(kind: ResultKind, doc: dict[str, Any]) -> CheckResult:
    scan = kind == "scan"
    summary = _get(doc, "summary", dict)
    try:
        return _build(kind, scan, doc, summary)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise _Bad(f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}") from None


def _build(kind: ResultKind, scan: bool, doc: dict[str, Any], summary: dict[str, Any]
           ) -> CheckResult:
    return CheckResult(
        kind=kind,
        sources=_items(doc, "sources", lambda s: SourceSummary.model_validate(s)),
        resources=_get(summary, "resources", int, "summary"),
        rules=_items(doc, "rules", _rule),
        findings=_items(doc, "findings", _finding),
        fail_on=_severity(_get(doc, "fail_on", str)),
        stale_waivers=_items(doc, "stale_waivers", WaiverRef.model_validate),
        drifts=_items(doc, "drift", Drift.model_validate) if scan or "drift" in doc else [],
        coverage=_items(doc, "coverage", _coverage) if scan else [],
        not_checked=_items(doc, "not_checked", NotChecked.model_validate) if scan else [],
        api_calls=_get(doc, "api_calls", dict) if scan else {},
        # Added to v1 later: absent from older reports.
        unread_types=_counts(doc, "unread_types"),
        not_collectable=_counts(doc, "not_collectable") if scan else {},
        api_throttles=doc.get("api_throttles") or {},
        account=doc.get("account"),
        regions=doc.get("regions") or [],
        units=doc.get("units") or [],
        timings=doc.get("timings") or {},
        scanned_at=doc.get("scanned_at"),
    )


def _counts(doc: dict[str, Any], key: str) -> dict[str, int]:
    """An optional {type: count} field (added within v1)."""
    value = doc.get(key) or {}
    if not isinstance(value, dict) or not all(
            isinstance(n, int) and not isinstance(n, bool) for n in value.values()):
        raise _Bad(f"'{key}' should be an object of counts")
    return value


def _items(doc: dict[str, Any], key: str, parse: Callable[[Any], T]) -> list[T]:
    out = []
    for i, item in enumerate(_get(doc, key, list)):
        try:
            out.append(parse(item))
        except _Bad as exc:
            raise _Bad(f"{key}[{i}]: {exc}") from None
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"])
            raise _Bad(f"{key}[{i}]{'.' + where if where else ''}: {error['msg']}") from None
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise _Bad(f"{key}[{i}]: {_problem(exc)}") from None
    return out


def _get(doc: Any, key: str, kind: type[T], where: str = "") -> T:
    place = f"{where}." if where else ""
    if not isinstance(doc, dict) or key not in doc:
        raise _Bad(f"missing key '{place}{key}'")
    value = doc[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _Bad(f"'{place}{key}' should be {kind.__name__}, not {type(value).__name__}")
    return value


def _problem(exc: Exception) -> str:
    return f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)


def _severity(name: str) -> Severity:
    try:
        return Severity.parse(name)
    except ValueError as exc:
        raise _Bad(str(exc)) from None


def _rule(doc: dict[str, Any]) -> Rule:
    return Rule.model_validate({**doc, "severity": _severity(doc["severity"])})


def _coverage(doc: dict[str, Any]) -> Coverage:
    return Coverage(type=doc["type"], managed=doc["managed"], unmanaged=doc["unmanaged"])


def _finding(doc: dict[str, Any]) -> Finding:
    resource = _get(doc, "resource", dict)
    waiver = doc["waiver"]
    finding = Finding(
        rule_id=doc["rule_id"],
        title=doc["title"],
        severity=_severity(doc["severity"]),
        level=doc["level"],
        message=doc["message"],
        resource_address=_get(resource, "address", str, "resource"),
        resource_type=_get(resource, "type", str, "resource"),
        origin=_get(resource, "origin", str, "resource"),
        source=resource.get("source"),
        unknown=doc["unknown_until_apply"],
        remediation=doc["remediation"],
        waiver=WaiverRef.model_validate(waiver) if waiver is not None else None,
        account=resource.get("account"),
        region=resource.get("region"),
        why=Why.model_validate(doc.get("why") or {}),  # added within v1
    )
    stored = _get(doc, "fingerprint", str)
    if finding.fingerprint != stored:
        raise _Bad(f"fingerprint {stored} does not match the finding's rule, origin, "
                   "address and place: the report was edited or is corrupt")
    return finding
