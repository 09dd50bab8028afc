"""From a validated template to canonical Resources, through the catalog's `cfn` paths.

Catalog types are resolved and mapped; AWS::EC2::SecurityGroupIngress/Egress fold into
their group (found through the Ref or Fn::GetAtt in GroupId, or its physical id); links
(an instance's subnet) follow the same references. Other types become Resources named by
their CloudFormation type, with their unresolved properties as `raw`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from driftguard.catalog import cfn_folds, cfn_resource_id, cfn_spec_for, zone_region
from driftguard.catalog.project import (
    CLOUDFORMATION,
    DEPLOYED_STACK,
    find,
    fold_into,
    ids_of,
    link_into,
    links,
    project,
    reading,
)
from driftguard.catalog.spec import Attr, CfnFold, ResourceSpec
from driftguard.catalog.values import lookup, split_unknown
from driftguard.declared.cloudformation.intrinsics import Resolver
from driftguard.model import MASK, Resource


@dataclass
class StackContext:
    """A deployed stack: its resources' physical ids and where it lives."""

    name: str
    region: str | None
    account: str | None
    physical: dict[str, str] = field(default_factory=dict)  # logical id -> physical id


@dataclass
class _Mapped:
    resource: Resource
    spec: ResourceSpec | None
    values: dict[str, Any]
    unknown: Any
    refs: dict[str, list[str]]


def build(origin: str, doc: dict[str, Any], resolver: Resolver,
          stack: StackContext | None = None) -> list[Resource]:
    fold_types = cfn_folds()
    place = _place(resolver)
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
        spec = cfn_spec_for(cfn_type, props if isinstance(props, dict) else {})
        fold = fold_types.get(cfn_type)
        owner = spec or (fold[0] if fold else None)
        if owner is None:
            mapped[logical] = _Mapped(_resource(logical, cfn_type, origin, stack, props, place),
                                      None, props, None, {})
            continue
        resolved, refs = resolver.properties(props)
        for name in owner.cfn_sensitive:
            if resolved.get(name) is not None:
                resolved[name] = MASK
        values, unknown = split_unknown(resolved)
        entry = _Mapped(_resource(logical, cfn_type, origin, stack, values, place), spec,
                        values, unknown, refs)
        if spec is not None:
            dialect = CLOUDFORMATION if stack is None else DEPLOYED_STACK
            with reading(origin, entry.resource.address):
                attributes, unknown_names = project(spec.attrs, values, dialect, unknown,
                                                    masked=True)
            entry.resource.type = spec.tf_type
            entry.resource.attributes = attributes
            entry.resource.unknown = unknown_names
            entry.resource.region = entry.resource.region or zone_region(spec, attributes)
        elif fold is not None:
            folded.append((fold[0], fold[1], entry))
        mapped[logical] = entry
    by_id: _ById = {(m.resource.type, m.resource.id): m for m in mapped.values()
                    if m.resource.id}
    _fold(origin, folded, mapped, by_id)
    _link(mapped, by_id)
    return [m.resource for m in mapped.values()]


def _place(resolver: Resolver) -> tuple[str | None, str | None]:
    """(account, region) where the template's resources live: its deployed stack's, or
    the AWS::AccountId and AWS::Region it is given (--cfn-parameter), when known."""
    account, region = (resolver.pseudo.get(name) for name in ("AWS::AccountId", "AWS::Region"))
    return (account if isinstance(account, str) and account else None,
            region if isinstance(region, str) and region else None)


def _resource(logical: str, cfn_type: str, origin: str, stack: StackContext | None,
              raw: dict[str, Any], place: tuple[str | None, str | None]) -> Resource:
    return Resource.trusted(
        type=cfn_type,
        id=cfn_resource_id(cfn_type, stack.physical.get(logical), raw) if stack else None,
        address=f"{stack.name}/{logical}" if stack else logical,
        source="cloudformation", origin=origin,
        account=place[0], region=place[1],
        action=None, attributes={}, raw=raw, unknown=[])


_ById = dict[tuple[str, str | None], _Mapped]


def _targets(entry: _Mapped, path: str, mapped: dict[str, _Mapped], by_id: _ById,
             tf_type: str) -> list[_Mapped]:
    """The resources of `tf_type` that the property at `path` names, by reference to their
    logical ids, else by their physical ids: one, or each item of a list (the queues of an
    AWS::SQS::QueuePolicy)."""
    found: list[_Mapped] = []
    for where, logicals in entry.refs.items():
        if where != path and not where.startswith(f"{path}."):
            continue
        for target in (mapped.get(logical) for logical in logicals):
            if target is not None and target.resource.type == tf_type and not any(
                    target is seen for seen in found):
                found.append(target)
    value = lookup(entry.values, entry.unknown, path)
    for ident in value if isinstance(value, list) else [value]:
        target = by_id.get((tf_type, ident)) if isinstance(ident, str) else None
        if target is not None and not any(target is seen for seen in found):
            found.append(target)
    return found


def _fold(origin: str, folded: list[tuple[ResourceSpec, CfnFold, _Mapped]],
          mapped: dict[str, _Mapped], by_id: _ById) -> None:
    for spec, fold, entry in folded:
        with reading(origin, entry.resource.address):
            parents = _targets(entry, fold.parent_ref, mapped, by_id, spec.tf_type)
            if not parents:
                continue  # outside the template: nothing here to fold into
            values, unknown = project(fold.attrs, entry.values, CLOUDFORMATION, entry.unknown,
                                      masked=True)
        for parent in parents:
            fold_into(parent.resource, values, unknown, fold.extend)


def _all_referenced(entry: _Mapped, via: Attr, mapped: dict[str, _Mapped]) -> bool:
    """Every item of `via`'s list property is a reference to a resource of the template."""
    for path in via.cfn:
        items = lookup(entry.values, None, path)
        if isinstance(items, list):
            return all(any(logical in mapped for logical in entry.refs.get(f"{path}.{n}", ()))
                       for n in range(len(items)))
    return False


def _link(mapped: dict[str, _Mapped], by_id: _ById) -> None:
    for entry in mapped.values():
        for link, via in links(entry.spec, CLOUDFORMATION) if entry.spec else ():
            targets = _link_targets(entry, via, link.target_types, mapped, by_id)
            link_into(entry.resource, link, via, targets)


def _link_targets(entry: _Mapped, via: Attr, types: tuple[str, ...],
                  mapped: dict[str, _Mapped], by_id: _ById) -> Sequence[Resource | None] | None:
    """The resources of `types` that `via`'s properties name: by a reference to their
    logical ids (in a list, each item's), else by their physical ids; null if not here.
    None (unknown) for a list known only at deploy whose items are not all references to
    resources here (Fn::ImportValue, a parameter without a value)."""
    many = via.kind.startswith("list")
    if many and ids_of(entry.resource, via) is None and not _all_referenced(entry, via, mapped):
        return None
    referenced: list[Resource] = []
    for path in via.cfn:
        for where, logicals in entry.refs.items():
            if where != path and not (many and where.startswith(f"{path}.")):
                continue
            for target in (mapped.get(logical) for logical in logicals):
                if target is not None and target.resource.type in types and not any(
                        target.resource is seen for seen in referenced):
                    referenced.append(target.resource)
        if referenced and not many:
            return referenced[:1]
    if referenced:
        return referenced
    found = [find(by_id, types, i) for i in ids_of(entry.resource, via) or []]
    return [f.resource if f else None for f in found] if found or many else [None]
