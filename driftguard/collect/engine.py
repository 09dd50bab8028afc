"""The generic collector: list each type with its paginated call, complete it with the
spec's per-resource detail calls (concurrent, rate-limited), map it to canonical form.

Failure is data: a call that fails (access denied, throttled past retries, region
disabled, timeout) makes its type "not checked" for that region, with the reason and
the call. Its resources are then left out entirely, so nothing turns into "missing".
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import jmespath
from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError

from driftguard.aws_errors import reason
from driftguard.catalog import spec_for
from driftguard.catalog.project import LIVE, link_by_id, links, project
from driftguard.catalog.spec import Detail, ResourceSpec
from driftguard.catalog.values import lookup
from driftguard.collect.clients import ClientFactory
from driftguard.collect.progress import Progress
from driftguard.collect.scope import details_to_call, unfed
from driftguard.model import NotChecked, Resource


class _Gap(Exception):
    def __init__(self, operation: str, reason: str) -> None:
        super().__init__(reason)
        self.operation, self.reason = operation, reason


@dataclass
class Inventory:
    resources: list[Resource] = field(default_factory=list)
    not_checked: list[NotChecked] = field(default_factory=list)
    units: int = 0  # (type, region) units collected, read or not

    @property
    def read_nothing(self) -> bool:
        """Every unit failed (and there was one)."""
        return bool(self.units) and len(self.not_checked) >= self.units


class Collector:
    def __init__(self, clients: ClientFactory, *, account: str | None, max_workers: int = 16,
                 progress: Progress | None = None) -> None:
        self.clients = clients
        self.account = account
        self.max_workers = max_workers
        self._progress = progress
        self._lock = threading.Lock()

    def collect(self, types: Iterable[str], regions: list[str],
                read: Mapping[str, frozenset[str]] | None = None) -> Inventory:
        """Every (type, region) unit; a global type once, whatever the regions. The types
        their links need are read along; only the asked-for types are returned.

        `read`: for the types given there, the attributes read (collect/scope.py): their
        other details are not called. A type read along for a link is read whole."""
        wanted = {t for t in types if spec_for(t) is not None}
        reading = _with_needs(wanted)
        specs = [s for s in (spec_for(t) for t in sorted(reading)) if s is not None]
        along = {n for s in specs for n in s.collect.needs}
        called = {s.tf_type: details_to_call(
            s, None if s.tf_type in along else (read or {}).get(s.tf_type)) for s in specs}
        units = [(s, None if s.collect.is_global else r) for s in specs
                 for r in ([regions[0]] if s.collect.is_global else regions)]
        inventory = Inventory(units=len(units))
        watcher = self._watcher(units)
        if watcher is not None:
            self.clients.stats.watchers.append(watcher)
        try:
            with ThreadPoolExecutor(self.max_workers, thread_name_prefix="detail") as details, \
                    ThreadPoolExecutor(min(8, max(1, len(units))),
                                       thread_name_prefix="list") as lists:
                futures = [lists.submit(self._unit, spec, region, details,
                                        called[spec.tf_type]) for spec, region in units]
                for (spec, region), future in zip(units, futures, strict=True):
                    try:
                        inventory.resources.extend(future.result())
                    except _Gap as gap:
                        inventory.not_checked.append(NotChecked(
                            type=spec.tf_type, account=self.account, region=region,
                            operation=gap.operation, reason=gap.reason))
        finally:
            if watcher is not None:
                self.clients.stats.watchers.remove(watcher)
        _link(inventory)
        left_out = {s.tf_type: unfed(s, called[s.tf_type]) for s in specs}
        for res in inventory.resources:
            for name in left_out[res.type]:  # absent, not null: "not set" is false
                res.attributes.pop(name, None)
        inventory.resources = [r for r in inventory.resources if r.type in wanted]
        return inventory

    def _watcher(self, units: list[tuple[ResourceSpec, str | None]]) -> Any:
        """What tells the progress sink of retries and throttles, by unit: the units whose
        calls (list, parent list, details) are that service's operation in that region."""
        progress = self._progress
        if progress is None:
            return None
        calls: dict[tuple[str, str, str], list[tuple[str, str | None]]] = {}
        for spec, region in units:
            c = spec.collect
            where = region or self.clients.default_region
            ops = [c.operation, *([c.parent.operation] if c.parent else []),
                   *(d.operation for d in c.details)]
            for op in ops:
                calls.setdefault((c.service, where, op), []).append((spec.tf_type, region))

        def watch(event: str, service: str, region: str, operation: str) -> None:
            for rtype, unit_region in calls.get((service, region, xform_name(operation)), []):
                if event == "retry":
                    progress.retried(rtype, unit_region)
                else:
                    progress.throttled(rtype, unit_region)
        return watch

    def _unit(self, spec: ResourceSpec, region: str | None, pool: ThreadPoolExecutor,
              details: tuple[Detail, ...]) -> list[Resource]:
        try:
            resources = self._read_unit(spec, region, pool, details)
        except _Gap as gap:
            if self._progress:
                self._progress.failed(spec.tf_type, region, f"{gap.operation}: {gap.reason}")
            raise
        if self._progress:
            self._progress.finished(spec.tf_type, region, len(resources))
        return resources

    def _read_unit(self, spec: ResourceSpec, region: str | None, pool: ThreadPoolExecutor,
                   details: tuple[Detail, ...]) -> list[Resource]:
        client = self.clients.client(spec.collect.service, region)
        docs = [dict(i) for i in self._list(client, spec)
                if not _skipped(spec, i) and not self._foreign(spec, i)]
        progress = self._progress
        if progress:
            progress.listed(spec.tf_type, region, len(docs))
        # Details in waves: those reading an earlier detail's response wait for it.
        for wave in detail_waves(details):
            if progress and docs:
                progress.details_planned(spec.tf_type, region, len(docs) * len(wave))
            pending: list[tuple[dict[str, Any], list[Future[Any]]]] = [
                (doc, [pool.submit(self._detail, client, spec, d, seen, region) for d in wave])
                for doc in docs for seen in (dict(doc),)]  # what the wave reads
            try:
                for doc, futures in pending:
                    for detail, future in zip(wave, futures, strict=True):
                        result = future.result()  # raises _Gap
                        doc[detail.doc_key] = result
            except _Gap:
                # The unit is not checked already: its calls not started yet are not made
                # (an endpoint gone mid-scan would otherwise be retried for every resource).
                for _, futures in pending:
                    for future in futures:
                        future.cancel()
                raise
            docs = [doc for doc in docs if not any(doc[d.doc_key] is _GONE for d in wave)]
        return [self._resource(spec, region or self.clients.default_region, doc)
                for doc in docs]

    def _foreign(self, spec: ResourceSpec, item: dict[str, Any]) -> bool:
        """Owned by another account than the one scanned (where both are known)."""
        field = spec.collect.owner_field
        owner = item.get(field) if field else None
        return bool(owner and self.account and owner != self.account)

    def _list(self, client: Any, spec: ResourceSpec) -> list[dict[str, Any]]:
        collect, parent = spec.collect, spec.collect.parent
        args = dict(collect.args)
        if parent is None:
            return self._pages(client, collect.operation, collect.items, args)
        items: list[dict[str, Any]] = []
        for parent_id in self._pages(client, parent.operation, parent.items, {}):
            self.clients.budget.acquire(collect.service, client.meta.region_name)
            items.extend({**item, parent.field: parent_id} for item in self._pages(
                client, collect.operation, collect.items, {**args, parent.param: parent_id},
                gone=collect.gone))  # a parent deleted since it was listed has no items
        return items

    def _pages(self, client: Any, op: str, items: str, params: dict[str, Any],
               gone: tuple[str, ...] = ()) -> list[Any]:
        """The items of every page of one list call; none where it fails with a `gone`
        error code."""
        expression = jmespath.compile(items)
        found: list[Any] = []
        try:
            if client.can_paginate(op):
                for page in client.get_paginator(op).paginate(**params):
                    found.extend(expression.search(page) or [])
            else:
                found.extend(expression.search(getattr(client, op)(**params)) or [])
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code", "") in gone:
                return []
            raise _Gap(_api_name(client, op), reason(exc)) from None
        except BotoCoreError as exc:
            raise _Gap(_api_name(client, op), reason(exc)) from None
        return found

    def _detail(self, client: Any, spec: ResourceSpec, detail: Detail, item: dict[str, Any],
                region: str | None = None) -> Any:
        try:
            return self._call_detail(client, spec, detail, item)
        finally:
            if self._progress:
                self._progress.detail_done(spec.tf_type, region)

    def _call_detail(self, client: Any, spec: ResourceSpec, detail: Detail,
                     item: dict[str, Any]) -> Any:
        key = lookup(item, None, detail.source_field) if detail.source_field else _ident(
            spec, item)
        if key is None and _source_detail(detail, spec.collect.details):
            return None  # the detail it reads from gave nothing (not configured)
        self.clients.budget.acquire(spec.collect.service, client.meta.region_name)
        if detail.id_list:
            key = [key]
        params = {detail.param: key, **dict(detail.args),
                  **{param: item.get(field) for param, field in detail.fields}}
        try:
            if client.can_paginate(detail.operation):
                # Read to the last page (a table's tags come 10 at a time); later pages,
                # rare, are not rate-limited apart.
                response = client.get_paginator(detail.operation).paginate(
                    **params).build_full_result()
            else:
                response = getattr(client, detail.operation)(**params)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in detail.missing_ok:
                return None
            if code in spec.collect.gone:
                return _GONE  # deleted between the list and this call
            raise _Gap(_api_name(client, detail.operation), reason(exc)) from None
        except BotoCoreError as exc:
            raise _Gap(_api_name(client, detail.operation), reason(exc)) from None
        response.pop("ResponseMetadata", None)
        return response

    def _resource(self, spec: ResourceSpec, region: str, doc: dict[str, Any]) -> Resource:
        attributes, _ = project(spec.attrs, doc, LIVE)
        ident = _ident(spec, doc) if spec.collect.id_field else region
        address = lookup(doc, None, spec.collect.arn_field) if spec.collect.arn_field else None
        return Resource(
            type=spec.tf_type, id=str(ident), address=address or str(ident), source="live",
            origin="live", account=self.account,
            region=None if spec.collect.is_global else region,
            attributes=attributes, raw=doc,
        )


_GONE = object()


def _source_detail(detail: Detail, details: tuple[Detail, ...]) -> str | None:
    """The key of the detail whose response `detail` takes its parameter from, if any."""
    head = (detail.source_field or "").split(".")[0]
    return head if any(d.doc_key == head for d in details if d is not detail) else None


def detail_waves(details: tuple[Detail, ...]) -> list[list[Detail]]:
    """The details in the order they can be called: each wave reads only the list's items
    and the earlier waves' responses."""
    waves: list[list[Detail]] = []
    done: set[str] = set()
    left = list(details)
    while left:
        wave = [d for d in left if _source_detail(d, details) in done | {None}]
        if not wave:
            raise ValueError(f"details that read each other: {[d.operation for d in left]}")
        waves.append(wave)
        done |= {d.doc_key for d in wave}
        left = [d for d in left if d not in wave]
    return waves


def _ident(spec: ResourceSpec, item: dict[str, Any]) -> Any:
    """The item's id: its id field, or the value of the id expression."""
    id_field = spec.collect.id_field or ""
    if id_field in item:
        return item[id_field]
    return _compiled(id_field).search(item)


@functools.cache
def _compiled(expression: str) -> Any:
    return jmespath.compile(expression)


def _with_needs(types: set[str]) -> set[str]:
    """The types and, transitively, the types their links read."""
    out, todo = set(), list(types)
    while todo:
        spec = spec_for(todo.pop())
        if spec is not None and spec.tf_type not in out:
            out.add(spec.tf_type)
            todo.extend(spec.collect.needs)
    return out


def _link(inventory: Inventory) -> None:
    """Links between live resources, by id; a link whose target type could not be read
    where the resource is stays unknown (never null, which would read "no target")."""
    link_by_id(inventory.resources, LIVE)
    for res in inventory.resources:
        spec = spec_for(res.type)
        for link, _ in links(spec, LIVE) if spec else ():
            if any(g.covers_where(rtype, res.account, res.region)
                   for g in inventory.not_checked for rtype in link.target_types):
                res.attributes.pop(link.name, None)
                if link.name not in res.unknown:
                    res.unknown.append(link.name)


def _api_name(client: Any, method: str) -> str:
    """ListBuckets for list_buckets: the name IAM policies and CloudTrail use."""
    return str(client.meta.method_to_api_mapping.get(method, method))


def _skipped(spec: ResourceSpec, item: dict[str, Any]) -> bool:
    if spec.collect.skip is None:
        return False
    path, values = spec.collect.skip
    return jmespath.search(path, item) in values

