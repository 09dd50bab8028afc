"""From Terraform-shaped records to canonical Resources: map, fold, link.

Plans and states both produce `Record`s; this module turns them into Resources through
the catalog. Split resources (S3 settings, security group rules) fold into their parent;
links copy a setting from the resource an attribute points at (an instance's subnet).
A parent is found by id when the child's reference is known, otherwise through the
plan's configuration references (`bucket = aws_s3_bucket.data.id`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from driftguard.catalog import canonical_type, folds, spec_for, terraform_spec, zone_region
from driftguard.catalog.project import (
    TERRAFORM,
    find,
    fold_into,
    ids_of,
    link_into,
    links,
    project,
    shape_error,
)
from driftguard.catalog.spec import Attr
from driftguard.catalog.values import (
    UNKNOWN,
    ShapeError,
    any_true,
    check_finite,
    kind_of,
    lookup,
    mask_values,
    share_sensitivity,
)
from driftguard.declared import addresses
from driftguard.model import MASK, Resource, Source


@dataclass
class Record:
    """One resource instance as Terraform describes it."""

    address: str
    type: str
    values: dict[str, Any]
    unknown: Any = None  # after_unknown tree (plans only)
    sensitive: Any = None  # after_sensitive / sensitive_values / state paths as a tree
    masked: bool = False  # some value was masked (set by build)
    refs: dict[str, list[str]] = field(default_factory=dict)  # attribute -> references
    action: str | None = None
    region: str | None = None  # its provider configuration's region (plans)


def build(records: list[Record], origin: str, source: Source) -> list[Resource]:
    resources: list[Resource] = []
    for rec in records:
        try:
            resources.append(_resource(rec, origin, source))
        except ShapeError as exc:
            raise shape_error(origin, rec.address, exc) from None
    _Joiner(records, resources, origin).run()
    for resource in resources:  # what policies and drift read: every number in range
        check_finite(resource.attributes)
    return resources


def _resource(rec: Record, origin: str, source: Source) -> Resource:
    spec, alias = terraform_spec(rec.type)
    rec.masked = any_true(rec.sensitive)
    if rec.masked:
        rec.sensitive = share_sensitivity(rec.sensitive, _aliases(rec.type))
        rec.values = mask_values(rec.values, rec.sensitive)
    if spec is not None:
        for name in spec.sensitive:
            if rec.values.get(name) is not None:
                rec.values[name] = MASK
        attributes, unknown = project(spec.attrs, rec.values, TERRAFORM, rec.unknown,
                                      rec.masked)
        if alias is not None:
            _alias_defaults(spec.attrs, alias.defaults, rec.values, attributes, unknown)
        ident = lookup(rec.values, rec.unknown, spec.tf_id)
    else:
        attributes, unknown = {}, []
        ident = lookup(rec.values, rec.unknown, "id")
    account, region = _arn_parts(rec.values.get("arn"))
    own = rec.values.get("region")  # AWS provider v6: each resource names its region
    region = (own if isinstance(own, str) and own else region
              or zone_region(spec, attributes) or rec.region)
    return Resource.trusted(  # inputs built here: no validation
        type=spec.tf_type if spec is not None else rec.type,
        id=ident if isinstance(ident, str) and ident != MASK else None,
        address=rec.address,
        source=source,
        origin=origin,
        account=account,
        region=region,
        action=rec.action,
        attributes=attributes,
        raw=rec.values,
        unknown=unknown,
    )


def _alias_defaults(attrs: tuple[Attr, ...], defaults: tuple[tuple[str, Any], ...],
                    values: dict[str, Any], attributes: dict[str, Any], unknown: list[str]
                    ) -> None:
    """An aliased type's defaults (TfAlias: what AWS's default resource has), for the
    attributes whose Terraform paths the code leaves all unset (and not unknown)."""
    by_name = {a.name: a for a in attrs}
    for name, value in defaults:
        if name not in unknown and all(lookup(values, None, path) is None
                                       for path in by_name[name].tf):
            attributes[name] = value


def _aliases(tf_type: str) -> list[tuple[str, ...]]:
    """The type's alias paths: those of an attribute that reads the first one set
    (`tags_all`, `tags`), its own or, for a folded type, its fold's. Paths that a converter
    combines are not aliases: a masked one makes the attribute unknown (project)."""
    spec, _ = terraform_spec(tf_type)
    attrs = spec.attrs if spec else (folds()[tf_type][1].attrs if tf_type in folds() else ())
    return [a.tf for a in attrs if a.convert is None and len(a.tf) > 1]


def _arn_parts(arn: Any) -> tuple[str | None, str | None]:
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return None, None
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return None, None
    return parts[4] or None, parts[3] or None


class _Joiner:
    """Folds and links, with indexes by id and by address (never a nested loop)."""

    def __init__(self, records: list[Record], resources: list[Resource], origin: str) -> None:
        self.origin = origin
        self.pairs = list(zip(records, resources, strict=True))
        self.by_id: dict[tuple[str, str], Resource] = {}
        # Link targets by id or by ARN (a state names KMS keys by ARN).
        self.by_ref: dict[tuple[str, str], Resource] = {}
        self.by_address: dict[tuple[str, str, str], list[tuple[str, Resource]]] = {}
        self.record_of: dict[int, Record] = {id(res): rec for rec, res in self.pairs}
        for _, res in self.pairs:
            arn = res.raw.get("arn")
            if isinstance(arn, str) and arn.startswith("arn:"):
                self.by_ref[(res.type, arn)] = res
            if res.id:
                self.by_id[(res.type, res.id)] = res
            parsed = addresses.parse(res.address)
            if parsed:
                key = (parsed.module, parsed.type, parsed.name)
                self.by_address.setdefault(key, []).append((parsed.index, res))

    def run(self) -> None:
        fold_specs = folds()
        for rec, _ in self.pairs:
            if rec.type in fold_specs:
                parent_spec, fold = fold_specs[rec.type]
                try:  # a malformed fold is an error, even one whose parent is elsewhere
                    values, unknown = project(fold.attrs, rec.values, TERRAFORM, rec.unknown,
                                              rec.masked)
                    ref = lookup(rec.values, rec.unknown, fold.parent_ref)
                    if ref is not None and ref is not UNKNOWN and not isinstance(ref, str):
                        raise ShapeError(fold.parent_ref, f"{kind_of(ref)}, not a string")
                except ShapeError as exc:
                    raise shape_error(self.origin, rec.address, exc) from None
                parent = self.target(rec, fold.parent_ref, parent_spec.tf_type)
                if parent is None:
                    continue
                fold_into(parent, values, unknown, fold.extend)
                self.carry_references(rec, fold.attrs, parent, parent_spec.attrs)
        self.by_ref.update(self.by_id)
        # Links read the targets' final attributes, so they run after every fold.
        for rec, res in self.pairs:
            spec = spec_for(res.type)
            for link, via in links(spec, TERRAFORM) if spec else ():
                link_into(res, link, via, self.link_targets(rec, res, link.target_types, via))

    def carry_references(self, rec: Record, attrs: tuple[Attr, ...], parent: Resource,
                         parent_attrs: tuple[Attr, ...]) -> None:
        """A fold's configuration references, as the parent's at the attribute's own
        paths: a link through a folded attribute (a bucket's kms_key_id, from its
        aws_s3_bucket_server_side_encryption_configuration) follows them."""
        owner = self.record_of[id(parent)]
        own = {a.name: a.tf for a in parent_attrs}
        for attr in attrs:
            texts = [t for path in attr.tf for t in rec.refs.get(path, ())]
            if texts and own.get(attr.name):
                owner.refs.setdefault(own[attr.name][0], []).extend(texts)

    def target(self, rec: Record, attr: str, target_type: str) -> Resource | None:
        """The resource of `target_type` that `rec.attr` names, by id or by reference."""
        value = lookup(rec.values, rec.unknown, attr)
        if isinstance(value, str) and (target_type, value) in self.by_id:
            return self.by_id[(target_type, value)]
        return next(iter(self.referenced(rec, (attr,), (target_type,), many=False)), None)

    def link_targets(self, rec: Record, res: Resource, types: tuple[str, ...], via: Attr
                     ) -> Sequence[Resource | None] | None:
        """By the ids `via` holds where they are in the input, else by the configuration's
        references (a plan, before the ids exist); null for a target not found. None (the
        link is unknown) for a list known only after apply whose references are not all
        resources (a module's output, a variable): which subnets it holds is unknown."""
        many = via.kind.startswith("list")
        ids = ids_of(res, via)
        found = [find(self.by_ref, types, i) for i in ids or []]
        if found and all(found):
            return found
        if many and ids is None and not self.only_resources(rec, via.tf):
            return None
        referenced = self.referenced(rec, via.tf, types, many)
        if referenced:
            return list(referenced)
        return found if found or many else [None]

    @staticmethod
    def only_resources(rec: Record, paths: tuple[str, ...]) -> bool:
        """The configuration references at `paths` exist and all name resources."""
        texts = [t for path in paths for t in rec.refs.get(path, ())]
        return bool(texts) and all(addresses.reference(t) is not None for t in texts)

    def referenced(self, rec: Record, paths: tuple[str, ...], types: tuple[str, ...],
                   many: bool) -> list[Resource]:
        """Resources of `types` that the configuration references at `paths` name:
        the first one, or with `many` every one (a splat names all instances)."""
        here = addresses.parse(rec.address)
        if here is None:
            return []
        out: list[Resource] = []
        for text in (t for path in paths for t in rec.refs.get(path, ())):
            ref = addresses.reference(text)
            if ref is None or canonical_type(ref[0]) not in types:
                continue
            candidates = self.by_address.get((here.module, ref[0], ref[1]), [])
            if many and not ref[2]:
                picked = [r for _, r in candidates]
            else:
                one = _pick(candidates, ref[2], here.index)
                picked = [one] if one is not None else []
            out.extend(r for r in picked if not any(r is seen for seen in out))
            if out and not many:
                break
        return out


def _pick(candidates: list[tuple[str, Resource]], ref_index: str, own_index: str) -> (
    Resource | None
):
    """Which instance a reference means: a literal index, the only one, or the same key."""
    if not candidates:
        return None
    if ref_index and not any(tok in ref_index for tok in ("each.", "count.")):
        return next((r for i, r in candidates if i == ref_index), None)
    if len(candidates) == 1:
        return candidates[0][1]
    return next((r for i, r in candidates if i == own_index), None)
