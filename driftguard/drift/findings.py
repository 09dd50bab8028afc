"""Drift as findings, so that every report format, waivers and the gate treat it alike."""

from __future__ import annotations

from driftguard.model import (
    DRIFT_RULE_IDS,
    HIDDEN,
    Drift,
    DriftKind,
    Finding,
    Rule,
    Severity,
    Source,
)

RULES: dict[DriftKind, tuple[str, str, str]] = {
    "missing": (DRIFT_RULE_IDS["missing"], "Declared resource does not exist in the account",
                "Re-apply the code (terraform apply) or remove the resource from it."),
    "changed": (DRIFT_RULE_IDS["changed"], "Live resource differs from its code",
                "Re-apply the code to restore the declared values, or change the code to "
                "adopt the live ones."),
    "unmanaged": (DRIFT_RULE_IDS["unmanaged"], "Live resource is not declared in any code",
                  "Import it into the code (terraform import), delete it, or ignore it in "
                  "the ignore file if it is managed elsewhere."),
}


def drift_rules(severities: dict[DriftKind, Severity]) -> list[Rule]:
    return [Rule(id=rule_id, package=f"driftguard.drift.{kind}", title=title,
                 severity=severities[kind], remediation=remediation)
            for kind, (rule_id, title, remediation) in RULES.items()]


def drift_findings(drifts: list[Drift], severities: dict[DriftKind, Severity],
                   declared_in: Source = "state") -> list[Finding]:
    """`declared_in`: the source of the declared side (a scan's state; a plan's refresh)."""
    out = []
    for d in drifts:
        rule_id, title, remediation = RULES[d.kind]
        out.append(Finding(
            rule_id=rule_id, title=title, severity=severities[d.kind], level="deny",
            message=_message(d), resource_address=d.address, resource_type=d.type,
            origin=d.origin or "live", source="live" if d.kind == "unmanaged" else declared_in,
            remediation=remediation, account=d.account, region=d.region))
    return out


def _message(d: Drift) -> str:
    where = "/".join(p for p in (d.account, d.region) if p)
    where = f" in {where}" if where else ""
    if d.kind == "missing":
        return f"{d.type} {d.id} is declared but does not exist{where}"
    if d.kind == "unmanaged":
        return f"{d.type} {d.id} exists{where} but no code declares it"
    changes = "; ".join(f"{c.attribute}: declared {_value(c.declared)}, live {_value(c.live)}"
                        for c in d.changes)
    return f"{d.type} {d.id} changed: {changes}"


def _value(value: object) -> str:
    return HIDDEN if value == HIDDEN else repr(value)
