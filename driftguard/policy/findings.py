"""From the engine's nested result to Findings, with rule metadata attached."""

from __future__ import annotations

from typing import Any

from driftguard.errors import PolicyError
from driftguard.model import Finding, Resource, Rule, Severity, finding_order

LEVELS = ("deny", "warn")


def to_findings(
    result: dict[str, Any], rules: dict[str, Rule], resources: dict[str, Resource]
) -> list[Finding]:
    """Walk packages under data.driftguard.rules; each deny/warn item is one finding."""
    findings: list[Finding] = []
    stack: list[tuple[str, dict[str, Any]]] = [("driftguard.rules", result)]
    while stack:
        package, node = stack.pop()
        for key, value in node.items():
            if key in LEVELS:
                rule = rules.get(package) or _unnamed_rule(package)
                if not isinstance(value, list):  # checked at load, but not in a bundle
                    raise PolicyError(f"{rule.file or package}: {package}.{key} is not a "
                                      "set of findings")
                findings.extend(_finding(rule, key, item, resources) for item in value)
            elif isinstance(value, dict) and key not in LEVELS:
                stack.append((f"{package}.{key}", value))
    findings.sort(key=finding_order)
    return findings


def _unnamed_rule(package: str) -> Rule:
    name = package.removeprefix("driftguard.rules.")
    return Rule(id=name, package=package, title=name, severity=Severity.medium)


def _finding(rule: Rule, level: str, item: Any, resources: dict[str, Resource]) -> Finding:
    if not isinstance(item, dict):
        item = {"msg": str(item)}
    resource = resources.get(str(item.get("key")))
    return Finding(
        rule_id=rule.id,
        title=rule.title,
        severity=rule.severity,
        level="deny" if level == "deny" else "warn",
        message=str(item.get("msg") or rule.title),
        resource_address=resource.address if resource else str(item.get("resource", "")),
        resource_type=resource.type if resource else "",
        origin=resource.origin if resource else "",
        source=resource.source if resource else None,
        unknown=bool(item.get("unknown")),
        remediation=rule.remediation,
        account=resource.account if resource else None,
        region=resource.region if resource else None,
    )
