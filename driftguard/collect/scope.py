"""Which detail calls a scan makes for a type: those whose answers something reads.

A detail call (get_bucket_tagging, ...) costs one request per resource. The collector
makes it when it feeds an attribute that is read: by name by a loaded rule or the
library (policy/reads.py), by the report's names (`NAMED_BY`), by a link (its `via`), or
when it gives the id or the ARN, or the parameter of another detail that is made. Every
detail is made for a type that the scan compares with declared resources (drift reads
every attribute) or whose `aws_default` test, opaque code, reads attributes, and for
every type when a rule reads attributes by names it computes. An attribute whose detail
was not made is absent from the resource, never null (null reads "not set").
"""

from __future__ import annotations

from collections.abc import Iterable

from driftguard.catalog.project import LIVE, links
from driftguard.catalog.spec import Detail, ResourceSpec
from driftguard.policy.reads import Reads

# What names a finding's resource in the reports (pipeline.name_resources).
NAMED_BY = frozenset({"tags", "name"})


def attributes_read(spec: ResourceSpec, reads: Iterable[Reads]) -> frozenset[str] | None:
    """The attributes of an undeclared type that a scan reads; None: all of them.

    By name, whatever types the rules name: a rule may reach a type through a helper
    that the scan of its file does not see (`some r in helpers.buckets`), and reading one
    attribute too many costs a call where one too few would lose a finding."""
    reads = list(reads)
    if spec.aws_default is not None or any(r.any_attribute for r in reads):
        return None
    names = {a.name for a in spec.attrs}
    return frozenset(n for n in names if n in NAMED_BY or any(n in r.attributes for r in reads))


def details_to_call(spec: ResourceSpec, attributes: frozenset[str] | None
                    ) -> tuple[Detail, ...]:
    """The type's details that feed `attributes` (None: all), with those they need."""
    details = spec.collect.details
    if attributes is None:
        return details
    wanted = set(attributes)
    wanted |= {via.name for link, via in links(spec, LIVE) if link.name in wanted}
    heads = {_head(p) for a in spec.attrs if a.name in wanted for p in LIVE.paths(a)}
    heads |= {_head(p) for p in (spec.collect.id_field, spec.collect.arn_field) if p}
    by_key = {d.doc_key: d for d in details}
    todo = [by_key[h] for h in heads if h in by_key]
    called: set[str] = set()
    while todo:  # a detail reading an earlier one's answer needs that one too
        detail = todo.pop()
        if detail.doc_key not in called:
            called.add(detail.doc_key)
            source = _head(detail.source_field or "")
            if source in by_key:
                todo.append(by_key[source])
    return tuple(d for d in details if d.doc_key in called)


def unfed(spec: ResourceSpec, called: tuple[Detail, ...]) -> frozenset[str]:
    """The attributes that read a detail not called, and the links through them: left
    out of the resource."""
    skipped = {d.doc_key for d in spec.collect.details} - {d.doc_key for d in called}
    if not skipped:
        return frozenset()
    names = {a.name for a in spec.attrs if any(_head(p) in skipped for p in LIVE.paths(a))}
    return frozenset(names | {link.name for link, via in links(spec, LIVE)
                              if via.name in names})


def _head(path: str) -> str:
    return path.split(".", 1)[0]
