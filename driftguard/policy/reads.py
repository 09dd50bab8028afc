"""Which resource types and canonical attributes each rule reads, from its Rego source.

A static scan of the rule files (the non-test `.rego` files under the policy directories,
packages under `driftguard.rules`), keyed by rule id. It recognizes the ways rules read
the canonical model (docs/canonical-model.md):

- types: `lib.resources["aws_x"]`, or `r.type == "aws_x"` over `input.resources`; a rule
  that iterates over every group of `lib.resources` (`some rs in lib.resources`), or over
  `input.resources` without naming a type, reads every type;
- selectors: `lib.with_attribute["x"]`, the resources of any type that have attribute x: the
  rule reads every type that has it (DG-CMP-001 reads every type with `instance_type`),
  but those it leaves to other rules with `not r.type in {"aws_x", ...}` (DG-ENC-009
  leaves S3 buckets to DG-ENC-001);
- attributes: `r.attributes.x`, `r.attributes["x"]`, `object.get(r.attributes, "x", d)`,
  `"x" in r.unknown`, and the helpers `lib.attr`, `lib.is_unset`, `lib.is_unknown` and
  `lib.unknown_finding` (`lib.attr(r, "x")`);
- any attribute: `attributes` in any other way (`r.attributes[k]`, `some k, v in
  r.attributes`, `lib.attr(r, name)`, `object.get(r, "attributes", {})`), or a builtin
  that reads a whole value (`walk`, `json.marshal`, `object.filter`, ...): the rule reads
  every attribute of the types it reads.

Comments and the contents of strings other than these names are ignored. An attribute is
credited to every type the rule reads that has it: a rule file rarely reads two types.
The library's own reads (`library_reads`: lib.launched_by reads launch_template_key) are
credited to every type that has the attributes, since any rule may call it.

A selector must be one of the attributes that the library indexes (`indexed_attributes` in
policies/lib/driftguard.rego): `check_selectors` makes any other a policy error, since the
index would silently hold nothing for it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from driftguard.catalog import fold_of, spec_for
from driftguard.errors import PolicyError
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
# `not r.type in {"aws_x", "aws_y"}`: types a rule that selects by attribute leaves alone.
_EXCLUDED = re.compile(r"\bnot\s+[\w.\[\]]*\.type\s+in\s+\{(?P<names>[^}]*)\}")
_SELECTOR = re.compile(r"\bwith_attribute\s*\[\s*\"" + _NAME + r"\"\s*\]")
_INDEXED = re.compile(r"^indexed_attributes\s*:=\s*\{(?P<names>[^}]*)\}", re.MULTILINE)
_LIB_PACKAGE = re.compile(r"^package\s+driftguard\.lib\s*$", re.MULTILINE)
# The library and its index: their accessors read the names their callers give.
_LIBRARY_PACKAGE = re.compile(r"^package\s+driftguard\.(?:lib|index)\s*$", re.MULTILINE)
_ATTRIBUTES = (
    re.compile(r"\battributes\s*\.\s*" + _NAME),
    re.compile(r"\battributes\s*\[\s*\"" + _NAME + r"\"\s*\]"),
    re.compile(r"\bobject\.get\(\s*[\w.\[\]]*\battributes\s*,\s*\"" + _NAME + r"\""),
    re.compile(r"\"" + _NAME + r"\"\s+in\s+[\w.\[\]]*\bunknown\b"),
    re.compile(r"\blib\.(?:attr|is_unset|is_unknown|unknown_finding)\(\s*[\w.\[\]]+\s*,\s*\""
               + _NAME + r"\""),
)
# `attributes` read otherwise than by a literal name (above), the helpers given a name
# that is not a literal, `object.get(r, "attributes", {})`, and the builtins that read a
# whole value (a resource, its attributes).
_ANY_ATTRIBUTE = re.compile(r"\"attributes\"|\battributes\b|\blib\.(?:attr|is_unset)\(|\bwalk\("
                            r"|\b(?:json|yaml)\.(?:marshal|filter|remove|patch)\("
                            r"|\bobject\.(?:filter|remove)\(")
# Strings (with their escapes), raw strings, and comments, in one pass.
_LEXEME = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|`[^`]*`|#[^\n]*")


@dataclass(frozen=True)
class Reads:
    """What one rule reads."""

    rule: str
    types: frozenset[str]
    every_type: bool
    attributes: frozenset[str]
    selectors: frozenset[str] = frozenset()  # lib.with_attribute["x"]: types that have x
    excluded: frozenset[str] = frozenset()  # types it selects by attribute but leaves alone
    any_attribute: bool = False  # reads attributes by names it computes: all of them

    def of(self, tf_type: str, attribute_names: Iterable[str]) -> list[str] | None:
        """The attributes of `tf_type` this rule reads, or None when it does not read the
        type. A rule over every type reads a type only where it reads one of its
        attributes (DG-TAG-001 reads the types that have `tags`); a rule that selects by
        attributes reads the types that have one of them."""
        given = list(attribute_names)
        names = given if self.any_attribute else [n for n in given if n in self.attributes]
        if tf_type in self.excluded and tf_type not in self.types:
            return None
        if (tf_type in self.types or (self.every_type and names)
                or not self.selectors.isdisjoint(given)):
            return names
        return None


@functools.lru_cache(maxsize=512)
def strip_comments(text: str) -> str:
    """Rego source without its comments (strings kept as they are)."""
    return _LEXEME.sub(lambda m: "" if m[0].startswith("#") else m[0], text)


@functools.lru_cache(maxsize=512)
def scan(text: str) -> tuple[frozenset[str], bool, frozenset[str]]:
    """(types named, reads every type, attribute names) of one Rego source; the names
    include the selectors (`selectors` gives those alone). Cached by text: policy loading,
    the gate's summary and the daemon's every scan read the same files."""
    code = strip_comments(text)
    types = {m[1] for pattern in _TYPES for m in pattern.finditer(code)}
    selectors = {m[1] for m in _SELECTOR.finditer(code)}
    every = any(p.search(code) for p in _EVERY_TYPE) or (
        not types and not selectors and bool(_INPUT_RESOURCES.search(code)))
    attributes = {m[1] for pattern in _ATTRIBUTES for m in pattern.finditer(code)}
    return frozenset(types), every, frozenset(attributes | selectors)


@functools.lru_cache(maxsize=512)
def selectors(text: str) -> frozenset[str]:
    """The attributes a Rego source selects resources by (`lib.with_attribute["x"]`)."""
    return frozenset(m[1] for m in _SELECTOR.finditer(strip_comments(text)))


@functools.lru_cache(maxsize=512)
def excluded(text: str) -> frozenset[str]:
    """The types a Rego source leaves alone (`not r.type in {"aws_x", ...}`)."""
    return frozenset(name for m in _EXCLUDED.finditer(strip_comments(text))
                     for name in re.findall(r"\"" + _NAME + r"\"", m["names"]))


@functools.lru_cache(maxsize=512)
def reads_any_attribute(text: str) -> bool:
    """Whether a Rego source reads `attributes` otherwise than by literal names."""
    code = strip_comments(text)
    known = [m.span() for pattern in _ATTRIBUTES for m in pattern.finditer(code)]
    known += [m.span() for m in _LEXEME.finditer(code) if m[0] != '"attributes"']  # strings
    return any(not any(start <= m.start() < end for start, end in known)
               for m in _ANY_ATTRIBUTE.finditer(code))


def indexed_attributes(files: Iterable[tuple[Path, str]]) -> frozenset[str] | None:
    """The attributes the library indexes (`indexed_attributes` in package driftguard.lib),
    or None when no library is among `files`."""
    for _, text in files:
        if ("indexed_attributes" in text and _LIB_PACKAGE.search(text)
                and (found := _INDEXED.search(strip_comments(text)))):
            return frozenset(re.findall(r"\"" + _NAME + r"\"", found["names"]))
    return None


def check_selectors(files: Iterable[tuple[Path, str]]) -> frozenset[str] | None:
    """The library's indexed attributes (as `indexed_attributes`), after a PolicyError naming
    the first rule file that selects by another (its `lib.with_attribute["x"]` would always
    be empty)."""
    files = list(files)
    indexed = indexed_attributes(files)
    if indexed is None:
        return None  # no library loaded: the rules that use it fail to compile anyway
    for path, text in files:
        if "with_attribute" not in text or _LIB_PACKAGE.search(text):
            continue
        for name in sorted(selectors(text) - indexed):
            raise PolicyError(
                f"{path}: lib.with_attribute[\"{name}\"]: {name} is not an indexed attribute "
                "(indexed_attributes in policies/lib/driftguard.rego lists them)")
    return indexed


def rule_reads(files: Iterable[tuple[Path, str]]) -> dict[str, Reads]:
    """By rule id, for the rule files among `files` (path, text); a rule whose package
    spans several files reads what they read together."""
    texts: dict[str, list[str]] = {}
    for path, text in files:
        rule = read_rule(path, text)
        if rule is not None:  # not the library, nor conftest-style policies
            texts.setdefault(rule.id, []).append(text)
    return {rule: _reads_of(rule, texts[rule]) for rule in sorted(texts)}


def _reads_of(rule: str, texts: list[str]) -> Reads:
    scans = [scan(text) for text in texts]
    return Reads(rule, frozenset().union(*(types for types, _, _ in scans)),
                 any(every for _, every, _ in scans),
                 frozenset().union(*(attributes for _, _, attributes in scans)),
                 frozenset().union(*map(selectors, texts)),
                 frozenset().union(*map(excluded, texts)),
                 any(map(reads_any_attribute, texts)))


def library_reads(files: Iterable[tuple[Path, str]]) -> Reads:
    """What the files that are not rules read (the library, a user's helpers), as one rule
    over every type that has one of their attributes. The library's accessors take their
    names from the rules that call them (`lib.attr(r, "x")`), which the rules' scan
    reads, and its index reads the indexed attributes, which the rules selecting by them
    read too; any other helper that reads attributes by computed names reads them all."""
    attributes: set[str] = set()
    any_attribute = False
    for path, text in files:
        if read_rule(path, text) is not None:
            continue
        attributes |= scan(text)[2]
        any_attribute = any_attribute or (
            not _LIBRARY_PACKAGE.search(text) and reads_any_attribute(text))
    return Reads("(library)", frozenset(), True, frozenset(attributes),
                 any_attribute=any_attribute)


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


def is_read(reads: Mapping[str, Reads], resource_type: str) -> bool:
    """Whether any rule reads resources of this type: a catalog type whose attributes a
    rule reads (or that a rule names), or a type that folds into one, Terraform's
    (aws_s3_bucket_versioning) or CloudFormation's (AWS::EC2::SecurityGroupIngress), where
    a rule reads what it sets on its parent. Any other type (not in the catalog) is not."""
    spec = spec_for(resource_type)
    if spec is not None:
        return any(r.of(resource_type, spec.attr_names) is not None for r in reads.values())
    fold = fold_of(resource_type)
    if fold is None:
        return False
    parent, child = fold
    names = [a.name for a in child.attrs]
    return any(r.of(parent.tf_type, names) for r in reads.values())


def unread_types(counts: Mapping[str, int], reads: Mapping[str, Reads]) -> dict[str, int]:
    """Of `counts` (resources by type), the types no rule reads, by type."""
    return {t: n for t, n in sorted(counts.items()) if n and not is_read(reads, t)}
