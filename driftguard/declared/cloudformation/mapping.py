"""From a validated template to canonical Resources, through the catalog's `cfn` paths.

Catalog types are resolved and mapped; AWS::EC2::SecurityGroupIngress/Egress fold into
their group (found through the Ref or Fn::GetAtt in GroupId, or its physical id); links
(an instance's subnet) follow the same references. Other types become Resources named by
their CloudFormation type, with their unresolved properties as `raw`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from driftguard.catalog import specs
from driftguard.catalog.convert import CFN_RULE_FIELDS, cfn_bool
from driftguard.catalog.spec import Attr, CfnFold, ResourceSpec
from driftguard.declared.build import apply_fold
from driftguard.declared.cloudformation.intrinsics import Resolver
from driftguard.declared.values import MASK, UNKNOWN, contains_mask, lookup
from driftguard.model import Resource


@dataclass
class StackContext:
    """A deployed stack: its resources' physical ids and where it lives."""

    name: str
    region: str | None
    account: str | None
    physical: dict[str, str] = field(default_factory=dict)  # logical id -> physical id


@cache
def _by_cfn_type() -> tuple[dict[str, ResourceSpec], dict[str, tuple[ResourceSpec, CfnFold]]]:
    types = {s.cfn_type: s for s in specs().values() if s.cfn_type}
    fold_types = {f.cfn_type: (s, f) for s in specs().values() for f in s.cfn_folds}
    return types, fold_types


def split_unknown(value: Any) -> tuple[Any, Any]:
    """(value with UNKNOWN as None, a tree that is True where UNKNOWN was) - the shape of
    a plan's after/after_unknown, so values.lookup reads both."""
    if value is UNKNOWN:
        return None, True
    if isinstance(value, dict):
        known, unknown = {}, {}
        for key, item in value.items():
            known[key], tree = split_unknown(item)
            if tree is not None:
                unknown[key] = tree
        return known, unknown or None
    if isinstance(value, list):
        pairs = [split_unknown(item) for item in value]
        trees = [tree for _, tree in pairs]
        return [k for k, _ in pairs], trees if any(t is not None for t in trees) else None
    return value, None


def _coerce(kind: str, value: Any) -> Any:
    """"true"/"42" where CloudFormation takes a boolean or a number."""
    if kind.startswith("bool"):
        return cfn_bool(value)
    if kind.startswith("int") and isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value


def map_cfn_attrs(attrs: Iterable[Attr], values: dict[str, Any], unknown: Any,
                  explicit_only: bool = False) -> tuple[dict[str, Any], list[str]]:
    """Canonical attributes from resolved properties; names of those unknown before deploy.

    With `explicit_only` (a deployed stack, for drift), an attribute the template does not
    set is left out, so drift does not compare it; rule lists are always compared, as an
    absent list means no rules.
    """
    out: dict[str, Any] = {}
    unknown_names: list[str] = []
    for attr in attrs:
        if not attr.cfn:
            if not explicit_only:
                out[attr.name] = copy.copy(attr.default)
            continue
        tree = _rule_fields_only(unknown, attr.cfn) if attr.kind == "list[rule]" else unknown
        found = [lookup(values, tree, path) for path in attr.cfn]
        if any(v is UNKNOWN or contains_mask(v) for v in found):
            unknown_names.append(attr.name)
            continue
        if explicit_only and attr.kind != "list[rule]" and all(v is None for v in found):
            continue
        found = [_coerce(attr.kind, v) for v in found]
        convert = attr.cfn_convert or attr.convert
        if convert is not None:
            out[attr.name] = convert(*found)
            continue
        value = next((v for v in found if v is not None), None)
        out[attr.name] = copy.copy(attr.default) if value is None else value
    return out, unknown_names


def _rule_fields_only(unknown: Any, paths: tuple[str, ...]) -> Any:
    """The unknown tree without what rule lists do not read (a source group's id, unknown
    before deploy, does not make the group's CIDR rules unknown)."""
    if not isinstance(unknown, dict) or not any(p in unknown for p in paths):
        return unknown
    pruned = dict(unknown)
    for path in paths:
        entries = unknown.get(path)
        if isinstance(entries, list):
            pruned[path] = [{k: v for k, v in e.items() if k in CFN_RULE_FIELDS}
                            if isinstance(e, dict) else e for e in entries]
    return pruned


@dataclass
class _Mapped:
    resource: Resource
    spec: ResourceSpec | None
    values: dict[str, Any]
    unknown: Any
    refs: dict[str, list[str]]


def build(origin: str, doc: dict[str, Any], resolver: Resolver,
          stack: StackContext | None = None) -> list[Resource]:
    types, fold_types = _by_cfn_type()
    mapped: dict[str, _Mapped] = {}
    folded: list[tuple[ResourceSpec, CfnFold, _Mapped]] = []
    for logical, declared in doc["Resources"].items():
        if not isinstance(declared, dict):
            continue  # Fn::ForEach::... (AWS::LanguageExtensions): not expanded
        condition = declared.get("Condition")
        if condition is not None and resolver.condition(condition) is False:
            continue  # not created
        if stack is not None and logical not in stack.physical:
            continue  # not in the stack (failed, deleted, or not created)
        cfn_type, props = declared["Type"], declared.get("Properties") or {}
        spec = types.get(cfn_type)
        fold = fold_types.get(cfn_type)
        if spec is None and fold is None:
            mapped[logical] = _Mapped(_resource(logical, cfn_type, origin, stack, props), None,
                                      props, None, {})
            continue
        resolved, refs = resolver.properties(props)
        owner = spec or fold[0]  # type: ignore[index]
        for name in owner.cfn_sensitive:
            if resolved.get(name) is not None:
                resolved[name] = MASK
        values, unknown = split_unknown(resolved)
        entry = _Mapped(_resource(logical, cfn_type, origin, stack, values), spec, values,
                        unknown, refs)
        if spec is not None:
            attributes, unknown_names = map_cfn_attrs(spec.attrs, values, unknown,
                                                      explicit_only=stack is not None)
            entry.resource.type = spec.tf_type
            entry.resource.attributes = attributes
            entry.resource.unknown = unknown_names
        else:
            folded.append((fold[0], fold[1], entry))  # type: ignore[index]
        mapped[logical] = entry
    by_id = {(m.resource.type, m.resource.id): m for m in mapped.values() if m.resource.id}
    _fold(folded, mapped, by_id)
    _link(mapped, by_id)
    return [m.resource for m in mapped.values()]


def _resource(logical: str, cfn_type: str, origin: str, stack: StackContext | None,
              raw: dict[str, Any]) -> Resource:
    return Resource.model_construct(
        type=cfn_type,
        id=stack.physical.get(logical) if stack else None,
        address=f"{stack.name}/{logical}" if stack else logical,
        source="cloudformation", origin=origin,
        account=stack.account if stack else None, region=stack.region if stack else None,
        action=None, attributes={}, raw=raw, unknown=[])


_ById = dict[tuple[str, str | None], _Mapped]


def _target(entry: _Mapped, path: str, mapped: dict[str, _Mapped], by_id: _ById,
            tf_type: str) -> _Mapped | None:
    """The resource of `tf_type` that the property at `path` names: by reference to its
    logical id, else by its physical id."""
    for logical in entry.refs.get(path, ()):
        target = mapped.get(logical)
        if target is not None and target.resource.type == tf_type:
            return target
    value = lookup(entry.values, entry.unknown, path)
    return by_id.get((tf_type, value)) if isinstance(value, str) else None


def _fold(folded: list[tuple[ResourceSpec, CfnFold, _Mapped]], mapped: dict[str, _Mapped],
          by_id: _ById) -> None:
    for spec, fold, entry in folded:
        parent = _target(entry, fold.parent_ref, mapped, by_id, spec.tf_type)
        if parent is None:
            continue  # a group outside the template: nothing here to fold into
        values, unknown = map_cfn_attrs(fold.attrs, entry.values, entry.unknown)
        apply_fold(parent.resource, values, unknown, fold.extend)


def _link(mapped: dict[str, _Mapped], by_id: _ById) -> None:
    for entry in mapped.values():
        for link in entry.spec.links if entry.spec else ():
            if not link.cfn_via:
                continue
            res = entry.resource
            target = next((t for t in (_target(entry, path, mapped, by_id, link.target_type)
                                       for path in link.cfn_via) if t is not None), None)
            if target is None:
                res.attributes[link.name] = None
            elif link.target_attr in target.resource.unknown:
                res.unknown.append(link.name)
            else:
                res.attributes[link.name] = target.resource.attributes.get(link.target_attr)
