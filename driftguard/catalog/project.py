"""The one interpreter of specs: a source's document -> canonical attributes.

Terraform values, CloudFormation properties and live API documents are read by the same
rules, through the paths and converters that each `Attr` gives for that dialect:

- Without a converter, the paths are alternatives: the first one that is set wins. With
  one, the value is `convert(*values_of_all_paths)`.
- A value unknown until apply (or deploy) in a path that decides the value makes the
  attribute unknown: it is left out of the attributes and named in the unknown list, so
  no policy reads it as null, false or true. A masked (sensitive) value counts as unknown.
- An attribute without paths in the dialect gets its default (what the code declares
  without setting it) or, for live documents and deployed stacks, is not read at all (so
  drift never compares it).
- `Attr.when` (fold attributes) applies the attribute only when the document's value at
  that path equals the given one (or one of the given ones, a tuple).

Folds and links, which combine several resources, are applied with `fold_into` and
`link_into` once the loader has found the parent or the targets (`link_by_id` finds them
by id, as live documents name them).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from driftguard.catalog import spec_for
from driftguard.catalog.convert import CFN_RULE_FIELDS, cfn_bool, sort_rules
from driftguard.catalog.spec import KEY, Attr, Link, ResourceSpec
from driftguard.catalog.values import (
    UNKNOWN,
    ShapeError,
    contains_mask,
    lookup,
    lookup_steps,
    steps_of,
)
from driftguard.errors import InputError
from driftguard.model import Resource

Converter = Callable[..., Any]
T = TypeVar("T")


@dataclass(frozen=True)
class Dialect:
    """How one kind of source document is read."""

    name: str
    paths: Callable[[Attr], tuple[str, ...]]
    convert: Callable[[Attr], Converter | None]
    # Attributes without paths here: their default (True) or not read (False).
    defaults_unread: bool = True
    # Only what the document sets (a deployed stack's template, for drift): an attribute
    # whose paths are all unset is left out; rule lists always count (absent: no rules).
    explicit_only: bool = False
    # CloudFormation writes booleans and numbers as strings ("true", "42").
    coerce_strings: bool = False
    # Rule lists read only these fields of each entry: an unknown source group id does
    # not make a group's CIDR rules unknown.
    rule_fields: tuple[str, ...] = ()
    # A value whose shape the attribute cannot take (a block that is a string, a port
    # that is no number) is a ShapeError, not a null: the document is wrong (files the
    # user gives). Live documents have the shape of the service model.
    strict: bool = True


TERRAFORM = Dialect("terraform", paths=lambda a: a.tf, convert=lambda a: a.convert)
CLOUDFORMATION = Dialect("cloudformation", paths=lambda a: a.cfn,
                         convert=lambda a: a.cfn_convert or a.convert,
                         coerce_strings=True, rule_fields=CFN_RULE_FIELDS)
DEPLOYED_STACK = Dialect("deployed stack", paths=lambda a: a.cfn,
                         convert=lambda a: a.cfn_convert or a.convert, defaults_unread=False,
                         explicit_only=True, coerce_strings=True, rule_fields=CFN_RULE_FIELDS)
LIVE = Dialect("live", paths=lambda a: a.live, convert=lambda a: a.live_convert,
               defaults_unread=False, strict=False)


def project(attrs: tuple[Attr, ...], values: dict[str, Any], dialect: Dialect,
            unknown: Any = None, masked: bool = False) -> tuple[dict[str, Any], list[str]]:
    """(canonical attributes, names of those unknown) of one document.

    `unknown` is the document's unknown tree (None: everything is known); `masked` says
    that some value may be the mask (a sensitive value), which then reads as unknown.
    """
    out: dict[str, Any] = {}
    unknown_names: list[str] = []
    strict = dialect.strict
    # One key of an object, with no unknown tree or one of objects (a plan's), is read as
    # the general steps below read it, without them.
    inline = type(values) is dict and (unknown is None or type(unknown) is dict)
    for read in _reads(attrs, dialect):
        key = read.key
        if key is not None and inline:
            unk = unknown.get(key) if unknown is not None else None
            if unk is None or unk is False:
                value = values.get(key)
                if masked and contains_mask(value):
                    unknown_names.append(read.attr.name)
                else:
                    out[read.attr.name] = _default(read.attr) if value is None else value
                continue
        attr = read.attr
        if attr.when and not _applies(lookup(values, unknown, attr.when[0], strict),
                                      attr.when[1]):
            continue
        paths = read.paths
        if not paths:
            if dialect.defaults_unread:
                out[attr.name] = _default(attr)
            continue
        tree = unknown
        if dialect.rule_fields and attr.kind == "list[rule]":
            tree = _rule_fields_only(unknown, paths, dialect.rule_fields)
        found = [lookup_steps(values, tree, steps, strict) for steps in read.steps]
        if masked:
            found = [UNKNOWN if contains_mask(v) else v for v in found]
        convert = read.convert
        if convert is None and len(found) > 1:
            found = [next((v for v in found if v is not None), None)]
        if UNKNOWN in found:  # JSON values equal nothing but themselves: `in` is `is` here
            unknown_names.append(attr.name)
            continue
        if dialect.explicit_only and attr.kind != "list[rule]" and all(
                v is None for v in found):
            continue
        if dialect.coerce_strings:
            found = [_coerce(attr.kind, v) for v in found]
        if convert is not None:
            out[attr.name] = _converted(attr, paths, convert, found, strict)
        else:
            out[attr.name] = _default(attr) if found[0] is None else found[0]
    return out, unknown_names


@dataclass(frozen=True)
class _Read:
    """One attribute as one dialect reads it: its paths, each split into its steps, and
    its converter (worked out once per type, not once per resource); `key` where that is
    one key of the document, read as it is (half the reads of a plan)."""

    attr: Attr
    paths: tuple[str, ...]
    steps: tuple[tuple[str, ...], ...]
    convert: Converter | None
    key: str | None


# (id of a catalog constant, id of the dialect) -> (the constant, the dialect, what
# `_per_type` worked out of them); the constants (a type's attrs, a spec) and the dialects
# are kept alive here, so that their ids are not reused. By id: hashing a spec hashes it
# whole, each time.
_PER_TYPE: dict[tuple[int, int], tuple[Any, Dialect, Any]] = {}


def _per_type(of: Any, dialect: Dialect, work: Callable[[Any, Dialect], T]) -> T:
    """`work(of, dialect)`, worked out once per type and dialect, not once per resource."""
    found = _PER_TYPE.get((id(of), id(dialect)))
    if found is not None and found[0] is of and found[1] is dialect:
        done: T = found[2]
        return done
    value = work(of, dialect)
    _PER_TYPE[(id(of), id(dialect))] = (of, dialect, value)
    return value


def _reads(attrs: tuple[Attr, ...], dialect: Dialect) -> tuple[_Read, ...]:
    return _per_type(attrs, dialect, lambda a, d: tuple(_read(attr, d) for attr in a))


def _read(attr: Attr, dialect: Dialect) -> _Read:
    paths = dialect.paths(attr)
    steps = tuple(steps_of(p) for p in paths)
    convert = dialect.convert(attr)
    as_is = (len(steps) == 1 and len(steps[0]) == 1 and steps[0][0] != "*"
             and convert is None and not attr.when and not dialect.coerce_strings
             and not dialect.explicit_only
             and not (dialect.rule_fields and attr.kind == "list[rule]"))
    return _Read(attr, paths, steps, convert, steps[0][0] if as_is else None)


_IMMUTABLE = frozenset({type(None), bool, int, float, str, tuple})


def _default(attr: Attr) -> Any:
    """The attribute's default, a copy where it could be changed in place (a list)."""
    default = attr.default
    return default if type(default) in _IMMUTABLE else copy.copy(default)


# What converters raise on a value of the wrong shape (int("abc"), "x".get, 5 as a list).
_WRONG_SHAPE = (TypeError, ValueError, AttributeError, KeyError, IndexError, OverflowError)


def _converted(attr: Attr, paths: tuple[str, ...], convert: Converter, found: list[Any],
               strict: bool) -> Any:
    """`convert(*found)`; with `strict`, a converter that cannot take the values (a
    port "abc", a tag list that is a number) is a ShapeError naming them."""
    if not strict:
        return convert(*found)
    try:
        return convert(*found)
    except ShapeError:
        raise
    except _WRONG_SHAPE as exc:
        given = [(p, v) for p, v in zip(paths, found, strict=True) if v is not None]
        values = ", ".join(_excerpt(v) for _, v in given)
        raise ShapeError(", ".join(p for p, _ in given) or paths[0],
                         f"{values} cannot be read as {attr.kind} ({exc})") from None


def _excerpt(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def shape_error(origin: str, address: str, exc: ShapeError) -> InputError:
    """A ShapeError while reading one resource, as an InputError naming the source, the
    resource and the place: `plan.json: aws_instance.a: tags: a string, ...`."""
    return InputError(origin, f"{address}: {exc}")


@contextmanager
def reading(origin: str, address: str) -> Iterator[None]:
    """shape_error() for what the block raises (where a try costs less: a loop)."""
    try:
        yield
    except ShapeError as exc:
        raise shape_error(origin, address, exc) from None


def _applies(value: Any, wanted: Any) -> bool:
    """`Attr.when`'s test: the value is the wanted one, or one of them (a tuple)."""
    return value in wanted if isinstance(wanted, tuple) else bool(value == wanted)


def _coerce(kind: str, value: Any) -> Any:
    """"true"/"42" where the kind is a boolean or a number."""
    if kind.startswith("bool"):
        return cfn_bool(value)
    if kind.startswith("int") and isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value


def _rule_fields_only(unknown: Any, paths: tuple[str, ...], fields: tuple[str, ...]) -> Any:
    if not isinstance(unknown, dict) or not any(p in unknown for p in paths):
        return unknown
    pruned = dict(unknown)
    for path in paths:
        entries = unknown.get(path)
        if isinstance(entries, list):
            pruned[path] = [{k: v for k, v in e.items() if k in fields}
                            if isinstance(e, dict) else e for e in entries]
    return pruned


def fold_into(parent: Resource, values: dict[str, Any], unknown: list[str],
              extend: bool) -> None:
    """A fold's projected attributes into its parent: lists (rules) are appended when the
    fold extends, other values replace; what the fold leaves unknown becomes unknown."""
    for name, value in values.items():
        if extend and isinstance(value, list):
            if name not in parent.unknown:
                merged = parent.attributes.get(name, []) + value
                parent.attributes[name] = sort_rules(merged)
        else:
            parent.attributes[name] = value
            if name in parent.unknown:
                parent.unknown.remove(name)
    for name in unknown:
        parent.attributes.pop(name, None)
        if name not in parent.unknown:
            parent.unknown.append(name)


def links(spec: ResourceSpec, dialect: Dialect) -> tuple[tuple[Link, Attr], ...]:
    """The spec's links that this dialect resolves (it reads their `via`), each with its
    `via` attribute."""
    return _per_type(spec, dialect, _links)


def _links(spec: ResourceSpec, dialect: Dialect) -> tuple[tuple[Link, Attr], ...]:
    vias = {a.name: a for a in spec.attrs}
    return tuple((link, vias[link.via]) for link in spec.links
                 if dialect.paths(vias[link.via]))


def ids_of(resource: Resource, via: Attr) -> list[str] | None:
    """The target ids the `via` attribute holds; None while they are unknown."""
    if via.name in resource.unknown:
        return None
    value = resource.attributes.get(via.name)
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, str) and v]


def link_into(resource: Resource, link: Link, via: Attr,
              targets: Sequence[Resource | None] | None) -> None:
    """A link's value from its targets: the targets' attribute (a list when `via` is one),
    unknown where any target's is or where the targets are (None), null for a target not
    in the input."""
    if targets is None:
        resource.unknown.append(link.name)
        return
    values: list[Any] = []
    for target in targets:
        if target is None:
            values.append(None)
        elif link.target_attr == KEY:
            values.append(target.key)
        elif link.target_attr in target.unknown:
            resource.unknown.append(link.name)
            return
        else:
            values.append(target.attributes.get(link.target_attr))
    if via.kind.startswith("list"):
        resource.attributes[link.name] = values
    else:
        resource.attributes[link.name] = values[0] if values else None


def link_by_id(resources: Iterable[Resource], dialect: Dialect) -> None:
    """Resolve the links of resources that name their targets by id or by ARN (live
    documents, whose address is the ARN)."""
    resources = list(resources)
    index = {(r.type, r.address): r for r in resources if r.address.startswith("arn:")}
    index.update({(r.type, r.id): r for r in resources if r.id})
    for resource in resources:
        spec = spec_for(resource.type)
        for link, via in links(spec, dialect) if spec else ():
            ids = ids_of(resource, via)
            if ids is None:
                resource.unknown.append(link.name)
                continue
            link_into(resource, link, via, [find(index, link.target_types, i) for i in ids])


def find(index: Mapping[tuple[str, Any], T], types: tuple[str, ...], ident: str) -> T | None:
    """The first of `types` whose resource `ident` names in the index, or None."""
    for rtype in types:
        found = index.get((rtype, ident))
        if found is not None:
            return found
    return None
