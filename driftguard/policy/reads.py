"""Which resource types and canonical attributes each rule reads, from its Rego source.

A static scan of the rule files (the non-test `.rego` files under the policy directories,
packages under `driftguard.rules`), keyed by rule id. It recognizes the ways rules read
the canonical model (docs/canonical-model.md):

- types: `lib.resources["aws_x"]`, or `r.type == "aws_x"` over `input.resources`; a rule
  that iterates over every group of `lib.resources` (`some rs in lib.resources`), or over
  `input.resources` without naming a type, reads every type;
- attributes: `r.attributes.x`, `r.attributes["x"]`, `object.get(r.attributes, "x", d)`,
  `"x" in r.unknown`, and the helpers `lib.attr`, `lib.is_unset`, `lib.is_unknown` and
  `lib.unknown_finding` (`lib.attr(r, "x")`).

Comments and the contents of strings other than these names are ignored. An attribute is
credited to every type the rule reads that has it: a rule file rarely reads two types.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from driftguard.policy.evaluate import load
from driftguard.policy.metadata import read_rule

_NAME = r"([A-Za-z_][A-Za-z0-9_]*)"
_TYPES = (
    re.compile(r"\bresources\s*\[\s*\"" + _NAME + r"\"\s*\]"),
    re.compile(r"\.type\s*==\s*\"" + _NAME + r"\""),
    re.compile(r"\"" + _NAME + r"\"\s*==\s*[\w.\[\]]*\.type\b"),
)
# `some rs in lib.resources` / `lib.resources[t]` (a variable): every type's group.
_EVERY_TYPE = (
    re.compile(r"\bin\s+(?:data\.driftguard\.)?lib\.resources\b(?!\s*\[)"),
    re.compile(r"\blib\.resources\s*\[\s*[A-Za-z_]\w*\s*\]"),
)
_INPUT_RESOURCES = re.compile(r"\binput\.resources\b")
_ATTRIBUTES = (
    re.compile(r"\battributes\s*\.\s*" + _NAME),
    re.compile(r"\battributes\s*\[\s*\"" + _NAME + r"\"\s*\]"),
    re.compile(r"\bobject\.get\(\s*[\w.\[\]]*\battributes\s*,\s*\"" + _NAME + r"\""),
    re.compile(r"\"" + _NAME + r"\"\s+in\s+[\w.\[\]]*\bunknown\b"),
    re.compile(r"\blib\.(?:attr|is_unset|is_unknown|unknown_finding)\(\s*[\w.\[\]]+\s*,\s*\""
               + _NAME + r"\""),
)
# Strings (with their escapes), raw strings, and comments, in one pass.
_LEXEME = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|`[^`]*`|#[^\n]*")


@dataclass(frozen=True)
class Reads:
    """What one rule reads."""

    rule: str
    types: frozenset[str]
    every_type: bool
    attributes: frozenset[str]

    def of(self, tf_type: str, attribute_names: Iterable[str]) -> list[str] | None:
        """The attributes of `tf_type` this rule reads, or None when it does not read the
        type. A rule over every type reads a type only where it reads one of its
        attributes (DG-TAG-001 reads the types that have `tags`)."""
        names = [n for n in attribute_names if n in self.attributes]
        if tf_type in self.types or (self.every_type and names):
            return names
        return None


def strip_comments(text: str) -> str:
    """Rego source without its comments (strings kept as they are)."""
    return _LEXEME.sub(lambda m: "" if m[0].startswith("#") else m[0], text)


def scan(text: str) -> tuple[set[str], bool, set[str]]:
    """(types named, reads every type, attribute names) of one Rego source."""
    code = strip_comments(text)
    types = {m[1] for pattern in _TYPES for m in pattern.finditer(code)}
    every = any(p.search(code) for p in _EVERY_TYPE) or (
        not types and bool(_INPUT_RESOURCES.search(code)))
    attributes = {m[1] for pattern in _ATTRIBUTES for m in pattern.finditer(code)}
    return types, every, attributes


def rule_reads(files: Iterable[tuple[Path, str]]) -> dict[str, Reads]:
    """By rule id, for the rule files among `files` (path, text); a rule whose package
    spans several files reads what they read together."""
    found: dict[str, tuple[set[str], bool, set[str]]] = {}
    for path, text in files:
        rule = read_rule(path, text)
        if rule is None:
            continue  # the library, conftest-style policies: not driftguard rules
        types, every, attributes = scan(text)
        known = found.setdefault(rule.id, (set(), False, set()))
        known[0].update(types)
        known[2].update(attributes)
        found[rule.id] = (known[0], known[1] or every, known[2])
    return {rule: Reads(rule, frozenset(t), e, frozenset(a))
            for rule, (t, e, a) in sorted(found.items())}


def load_reads(dirs: list[Path]) -> dict[str, Reads]:
    """What the rules of these policy directories read (errors as policy loading gives)."""
    return rule_reads(load(dirs).files)


def rules_reading(reads: Mapping[str, Reads], tf_type: str,
                  attribute_names: Sequence[str]) -> list[dict[str, Any]]:
    """The rules that read a type: [{"id", "attributes"}], by rule id."""
    out = []
    for rule in sorted(reads):
        names = reads[rule].of(tf_type, attribute_names)
        if names is not None:
            out.append({"id": rule, "attributes": names})
    return out
