"""Counts every format states the same way."""

from __future__ import annotations

from collections import Counter
from typing import Any

from driftguard.model import CheckResult, Severity


def summarize(result: CheckResult) -> dict[str, Any]:
    failing = result.failing()
    by_severity = Counter(
        f.severity.name for f in result.findings if f.level == "deny" and not f.waived)
    return {
        "passed": not failing,
        "resources": result.resources,
        "rules": len(result.rules),
        "findings": len(result.findings),
        "failing": len(failing),
        "denied_by_severity": {s.name: by_severity.get(s.name, 0) for s in reversed(Severity)},
        "warnings": sum(1 for f in result.findings if f.level == "warn"),
        "unknown_until_apply": sum(1 for f in result.findings if f.unknown),
        "waived": sum(1 for f in result.findings if f.waived),
        "expired_waivers": sum(1 for f in result.findings if f.waiver and f.waiver.expired),
        "stale_waivers": len(result.stale_waivers),
    }
