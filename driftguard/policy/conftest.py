"""Conftest-style policies: `deny`, `violation` and `warn` rules (and their `_suffix`
variants) in `package main`, or in the namespaces the command names (`--namespace NAME`,
`--all-namespaces`), evaluated as conftest does: once per input file, with the file's
parsed document as `input` (a plan's JSON as it is, a template's parsed document).

Each message is a finding of the file: a string, or an object with a string `msg` (and
optionally `resource`). Its rule id is the `custom.id` of the rule's METADATA block (or of
the package's), else `<namespace>.<rule>`; deny and violation fail the gate, warn warns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from driftguard.errors import PolicyError
from driftguard.model import Finding, Rule
from driftguard.policy.heads import CONFTEST_RULE, Head, require_sets
from driftguard.policy.metadata import metadata_rule

DEFAULT_NAMESPACE = "main"


@dataclass(frozen=True)
class Namespaces:
    """Which packages run as conftest policies: `names`, or with `every` all packages
    outside driftguard's own (driftguard.*)."""

    names: tuple[str, ...] = (DEFAULT_NAMESPACE,)
    every: bool = False

    def selects(self, package: str) -> bool:
        if package == "driftguard" or package.startswith("driftguard."):
            return False
        return self.every or package in self.names


@dataclass
class Conftest:
    """The conftest rules found at load: by (namespace, rule name)."""

    rules: dict[tuple[str, str], Rule] = field(default_factory=dict)

    @property
    def namespaces(self) -> list[str]:
        return sorted({ns for ns, _ in self.rules})


def load_file(conftest: Conftest, namespaces: Namespaces, path: Path, text: str,
              package: str, found: list[Head]) -> None:
    """Check a user's policy file outside driftguard's packages and note its rules: in a
    selected namespace, its deny/violation/warn rules must be sets; outside, such a rule
    would never run, so it is an error (a package of helpers only is a library)."""
    named = [h for h in found if CONFTEST_RULE.match(h.name)]
    if not namespaces.selects(package):
        if named:
            raise PolicyError(
                f"{path}:{named[0].line}: {package}.{named[0].name} is never evaluated: "
                "its package is neither a driftguard rule (package driftguard.rules.*) nor "
                "a conftest namespace this run reads (main; --namespace NAME, "
                "--all-namespaces)")
        return
    require_sets(path, package, named, CONFTEST_RULE)
    lines = text.split("\n")
    for head in named:
        rule = metadata_rule(path, text, package, f"{package}.{head.name}",
                             rule_head="\n".join(lines[: head.line - 1]))
        conftest.rules[(package, head.name)] = rule


class _Engine(Protocol):
    def document(self, path: str, policy_input: Any) -> Any: ...


def evaluate(engine: _Engine, conftest: Conftest,
             documents: Sequence[tuple[str, Any]]) -> list[Finding]:
    """Every conftest namespace over every input document, one query each."""
    findings: list[Finding] = []
    for namespace in conftest.namespaces:
        for origin, doc in documents:
            value = engine.document(f"data.{namespace}", doc)
            if not isinstance(value, dict):
                continue
            for name, items in value.items():
                rule = conftest.rules.get((namespace, name))
                if rule is None:
                    continue
                findings.extend(_findings(rule, name, items, origin))
    return findings


def _findings(rule: Rule, name: str, items: Any, origin: str) -> list[Finding]:
    if not isinstance(items, list):
        raise PolicyError(f"{rule.file}: {rule.package}.{name} is not a set of messages")
    out = []
    for item in items:
        message, resource = _message(item)
        if message is None:
            raise PolicyError(
                f"{rule.file}: {rule.package}.{name} gave {type(item).__name__} "
                f"{str(item)[:60]!r}: a message is a string or an object with a string msg")
        out.append(Finding(
            rule_id=rule.id, title=rule.title, severity=rule.severity,
            level="warn" if name.startswith("warn") else "deny", message=message,
            resource_address=resource, resource_type="", origin=origin,
            remediation=rule.remediation))
    return out


def _message(item: Any) -> tuple[str | None, str]:
    if isinstance(item, str):
        return item, ""
    if isinstance(item, dict) and isinstance(item.get("msg"), str):
        resource = item.get("resource")
        return item["msg"], resource if isinstance(resource, str) else ""
    return None, ""
