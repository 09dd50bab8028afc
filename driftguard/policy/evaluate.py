"""Load policy directories once; evaluate every rule over every resource in one query."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from driftguard.errors import InputError, PolicyError
from driftguard.model import Finding, Resource, Rule
from driftguard.policy.conftest import DEFAULT_NAMESPACE, Conftest, Namespaces
from driftguard.policy.conftest import load_file as load_conftest_file
from driftguard.policy.findings import to_findings
from driftguard.policy.heads import heads, require_sets
from driftguard.policy.metadata import package_of, read_rule


def builtin_dir() -> Path:
    """The built-in policies: where $DRIFTGUARD_BUILTIN_POLICY_DIR says, else beside the
    package in a checkout (editable install), else in the install's share/ folder."""
    override = os.environ.get("DRIFTGUARD_BUILTIN_POLICY_DIR")
    if override:
        return Path(override)
    checkout = Path(__file__).resolve().parents[2] / "policies"
    return checkout if checkout.is_dir() else Path(sys.prefix) / "share/driftguard/policies"


def bundle_version(policies: Policies) -> str:
    """The policy bundle's version: a digest of its files' paths and text (the first 12
    hex digits of SHA-256), so two installs with the same version have the same rules."""
    import hashlib

    digest = hashlib.sha256()
    root = builtin_dir()
    for path, text in policies.files:
        name = path.relative_to(root) if path.is_relative_to(root) else path
        digest.update(f"{name}\0{text}\0".encode())
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class Policies:
    files: list[tuple[Path, str]]
    rules: dict[str, Rule]  # by package (conftest rules: by namespace.rule)
    # The library's indexed attributes (lib.with_attribute); None without the library.
    indexed: frozenset[str] | None = None
    conftest: Conftest = field(default_factory=Conftest)


_DRIFTGUARD_RULE = re.compile(r"^(deny|warn)$")


def load(dirs: list[Path], namespaces: Namespaces | None = None,
         only: Sequence[str] = ()) -> Policies:
    """Every non-test `.rego` file under the directories, with its rule's metadata. The
    users' files (outside the built-in directory) are checked for rules that could never
    report: a deny or warn that is not a set, a conftest rule outside the namespaces read
    (policy/conftest.py). `only`: the rules to keep, by id or glob (`selected`)."""
    namespaces = namespaces or Namespaces()
    builtin = builtin_dir().resolve()
    files: list[tuple[Path, str]] = []
    rules: dict[str, Rule] = {}
    conftest = Conftest()
    for directory in dirs:
        if not directory.is_dir():
            raise InputError(directory, "policy directory does not exist")
        for path in sorted(directory.rglob("*.rego")):
            if path.name.endswith("_test.rego"):
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(path, f"cannot read policy: {exc}") from None
            files.append((path, text))
            rule = read_rule(path, text)
            if rule is not None:
                rules[rule.package] = rule
            if not path.resolve().is_relative_to(builtin):
                _check_users_file(path, text, namespaces, conftest)
    for name in namespaces.names:
        if name != DEFAULT_NAMESPACE and name not in conftest.namespaces:
            raise PolicyError(f"--namespace {name}: no policy file has a deny, violation or "
                              f"warn rule in package {name}")
    for rule in conftest.rules.values():  # the rules of one METADATA block: one rule
        rules.setdefault(f"{rule.package}:{rule.id}", rule)
    _unique_ids(rules.values())
    if only:
        files, rules = selected(files, rules, only)
    from driftguard.policy.reads import check_selectors  # reads imports this module

    return Policies(files, rules, check_selectors(files), conftest)


def selected(files: list[tuple[Path, str]], rules: dict[str, Rule], patterns: Sequence[str]
             ) -> tuple[list[tuple[Path, str]], dict[str, Rule]]:
    """The driftguard rules whose id matches one of `patterns` (ids or globs, `DG-ENC-*`,
    in any case), without the files of the other rules' packages; the library, helpers
    and conftest-style policies stay. A pattern that matches no rule is a PolicyError:
    it would check nothing and pass."""
    def matches(rule: Rule, pattern: str) -> bool:
        return fnmatchcase(rule.id.upper(), pattern.upper())

    for pattern in patterns:
        if not any(matches(rule, pattern) for rule in rules.values()):
            raise PolicyError(f"rules: {pattern} matches no loaded rule (`driftguard rules` "
                              "lists them)")
    dropped = {package for package, rule in rules.items()  # conftest rules: namespace:id
               if ":" not in package and not any(matches(rule, p) for p in patterns)}
    return ([(path, text) for path, text in files if package_of(text) not in dropped],
            {package: rule for package, rule in rules.items() if package not in dropped})


def _unique_ids(rules: Iterable[Rule]) -> None:
    """A rule id names one rule: a second rule with a built-in's id would take over its
    findings' metadata in every report (and mix two rules under one SARIF rule)."""
    seen: dict[str, Rule] = {}
    for rule in rules:
        other = seen.setdefault(rule.id, rule)
        if other is not rule:  # named: the one loaded later (users' after built-ins)
            raise PolicyError(f"{rule.file}: rule id {rule.id} (package {rule.package}) is "
                              f"already the id of package {other.package} in {other.file}: "
                              "give each rule its own custom.id")


def _check_users_file(path: Path, text: str, namespaces: Namespaces,
                      conftest: Conftest) -> None:
    package = package_of(text)
    if package is None:
        return  # the engine says what is wrong with it
    if package.startswith("driftguard.rules."):
        require_sets(path, package, heads(path, text), _DRIFTGUARD_RULE)
    elif not (package == "driftguard" or package.startswith("driftguard.")):
        load_conftest_file(conftest, namespaces, path, text, package, heads(path, text))


def policy_data(settings: dict[str, Any]) -> dict[str, Any]:
    """The data document rules read their settings from: data.driftguard.config."""
    return {"driftguard": {"config": settings}}


def evaluate(engine: Any, policies: Policies, resources: list[Resource]) -> list[Finding]:
    """One evaluation over all resources; `engine` has `evaluate(input) -> result`."""
    if not any(package.startswith("driftguard.rules.") for package in policies.rules):
        return []  # only conftest-style policies (the opa engine would call it undefined)
    by_key = {r.key: r for r in resources}
    result = engine.evaluate(policy_input(resources, policies.indexed))
    return to_findings(result, policies.rules, by_key)


def policy_input(resources: list[Resource], indexed: frozenset[str] | None = None
                 ) -> dict[str, Any]:
    """The input document (docs/canonical-model.md): the resources and, with the rule
    library (`indexed`: the attributes it indexes), `type_index`: each type's positions in
    `resources`, and `attribute_index`: for each indexed name, the positions of the
    resources that have it (set, null, or unknown until apply). lib.resources and
    lib.with_attribute read them instead of indexing 10,000 resources in Rego."""
    doc: dict[str, Any] = {"resources": [r.policy_input() for r in resources]}
    if indexed is not None:
        by_type: dict[str, list[int]] = {}
        index: dict[str, list[int]] = {}
        for i, r in enumerate(resources):
            by_type.setdefault(r.type, []).append(i)
            names = indexed.intersection(r.attributes)
            if r.unknown:
                names |= indexed.intersection(r.unknown)
            for name in names:
                index.setdefault(name, []).append(i)
        doc["type_index"] = dict(sorted(by_type.items()))
        doc["attribute_index"] = dict(sorted(index.items()))
    return doc
