"""The CloudTrail records behind a scan's drift (attribution.py picks the likely one and
words it), for `scan.attribution`.

First a trail's log files in S3 (`AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/`,
gzipped JSON): no rate limit, and older than LookupEvents' 90 days. Then LookupEvents for
the drift they do not explain, on a budget of its own (a token bucket below AWS's 2 calls
per second, a number of calls and a time per scan) and a cache, so that attribution never
slows or throttles the scan. Whatever fails leaves its drift unattributed, saying why.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from driftguard.attribution import attribution, keys, names, pick
from driftguard.aws_errors import reason
from driftguard.collect.ratelimit import TokenBucket
from driftguard.config import AttributionSettings
from driftguard.model import Attribution, Drift

Outcome = Attribution | str  # the event, or why there is none
LOOKUP_DAYS = 90  # how far back LookupEvents goes
GLOBAL_REGION = "us-east-1"  # where CloudTrail logs IAM's (and other global) calls
MAX_LOG_BYTES = 256 * 1024 * 1024  # a log file decompressed: a gzip bomb stops here
KINDS = ("changed", "missing", "unmanaged")


@dataclass
class LookupCache:
    """LookupEvents' answers by (account, region, resource id), for `ttl` seconds: the
    daemon's scans of one job ask once per resource and window, not once per scan."""

    ttl: float = 900.0
    clock: Callable[[], float] = time.monotonic
    _items: dict[tuple[str, str, str], tuple[float, list[dict[str, Any]]]] = field(
        default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: tuple[str, str, str]) -> list[dict[str, Any]] | None:
        with self._lock:
            found = self._items.get(key)
            if found is None or self.clock() - found[0] > self.ttl:
                self._items.pop(key, None)
                return None
            return found[1]

    def put(self, key: tuple[str, str, str], records: list[dict[str, Any]]) -> None:
        with self._lock:
            if len(self._items) > 10_000:  # bounded: the oldest half goes
                for old in sorted(self._items, key=lambda k: self._items[k][0])[:5_000]:
                    del self._items[old]
            self._items[key] = (self.clock(), records)


CACHE = LookupCache()  # the process's: a daemon's scans share it


def attribute(settings: AttributionSettings, drifts: list[Drift], clients: Any,
              account: str | None, regions: list[str], now: dt.datetime,
              cache: LookupCache | None = None, clock: Callable[[], float] = time.monotonic,
              sleep: Callable[[float], None] = time.sleep) -> dict[str, Outcome]:
    """Each changed, missing and unmanaged drift's outcome, by the drift's fingerprint."""
    targets = [d for d in drifts if d.kind in KINDS and d.id]
    if not targets:
        return {}
    if account is None:
        return dict.fromkeys((d.fingerprint for d in targets),
                             "the account could not be identified")
    out: dict[str, Outcome] = {}
    misses: list[str] = []
    if settings.trail_bucket:
        logs = _trail_records(clients.client("s3"), settings, account, regions, now)
        if isinstance(logs, str):
            misses.append(logs)
        else:
            for d in targets:
                found = pick(_unique(r for n in names(d.id or "", d.address)
                                     for r in logs.get(n, [])), d.kind)
                if found is not None:
                    out[d.fingerprint] = attribution(found, "trail_logs")
            misses.append(f"no event in the trail's log files of the last {settings.days} "
                          f"days names it")
    rest = [d for d in targets if d.fingerprint not in out]
    if settings.lookup_events and rest:
        lookups = _Lookups(settings, clients, account, now, cache or CACHE, clock, sleep)
        for d in rest:
            out[d.fingerprint] = lookups.find(d, misses)
    for d in rest:
        out.setdefault(d.fingerprint, "; ".join(misses) or "no CloudTrail source configured")
    return out


def _unique(records: Any) -> list[dict[str, Any]]:
    seen: dict[int, dict[str, Any]] = {}
    for r in records:
        seen.setdefault(id(r), r)
    return list(seen.values())


def _trail_records(s3: Any, settings: AttributionSettings, account: str, regions: list[str],
                   now: dt.datetime) -> dict[str, list[dict[str, Any]]] | str:
    """The records of the trail's log files of the last `days` days in `regions` (and
    the global one), by every key they can be found by; or why they could not be read."""
    bucket = settings.trail_bucket
    base = settings.trail_prefix.strip("/")
    index: dict[str, list[dict[str, Any]]] = defaultdict(list)
    read = 0
    try:
        for region in sorted({*regions, GLOBAL_REGION}):
            for back in range(settings.days):
                day = (now - dt.timedelta(days=back)).date()
                prefix = (f"{base + '/' if base else ''}AWSLogs/{account}/CloudTrail/{region}/"
                          f"{day:%Y/%m/%d}/")
                for page in s3.get_paginator("list_objects_v2").paginate(
                        Bucket=bucket, Prefix=prefix):
                    for obj in page.get("Contents") or []:
                        if read >= settings.max_log_files:
                            return index
                        read += 1
                        body = s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"]
                        for record in _records(body):
                            for key in keys(record):
                                index[key].append(record)
    except (ClientError, BotoCoreError) as exc:
        return f"trail logs s3://{bucket}: {_one_line(reason(exc))}"
    return index


def _records(body: Any) -> list[dict[str, Any]]:
    """A log file's records; a file that is not one (not gzip, not JSON) has none."""
    try:
        with gzip.GzipFile(fileobj=body) as unzipped:
            data = unzipped.read(MAX_LOG_BYTES + 1)
        if len(data) > MAX_LOG_BYTES:
            return []
        records = json.loads(data).get("Records")
    except (OSError, EOFError, ValueError, AttributeError):
        return []
    return [r for r in records if isinstance(r, dict)] if isinstance(records, list) else []


class _Lookups:
    """LookupEvents within its budget: calls, time, rate; the first failure stops it."""

    def __init__(self, settings: AttributionSettings, clients: Any, account: str,
                 now: dt.datetime, cache: LookupCache, clock: Callable[[], float],
                 sleep: Callable[[float], None]) -> None:
        self.settings, self.clients, self.account, self.now = settings, clients, account, now
        self.cache, self.clock = cache, clock
        self.bucket = TokenBucket(settings.rate, burst=1.0, clock=clock, sleep=sleep)
        self.started = clock()
        self.calls = 0
        self.failed: str | None = None

    def find(self, drift: Drift, misses: list[str]) -> Outcome:
        region = drift.region or GLOBAL_REGION
        key = (self.account, region, drift.id or "")
        records = self.cache.get(key)
        if records is None:
            got = self._ask(region, drift.id or "")
            if isinstance(got, str):
                return "; ".join([*misses, got])
            records = got
            self.cache.put(key, records)
        found = pick(records, drift.kind)
        if found is None:
            return "; ".join([*misses, f"no event of LookupEvents (the last {LOOKUP_DAYS} "
                                       "days) names it"])
        return attribution(found, "lookup_events")

    def _ask(self, region: str, resource_id: str) -> list[dict[str, Any]] | str:
        if self.failed:
            return self.failed
        spent = self.clock() - self.started
        if self.calls >= self.settings.max_lookups or spent >= self.settings.max_seconds:
            return (f"LookupEvents budget spent ({self.calls} call"
                    f"{'' if self.calls == 1 else 's'}, "
                    f"{min(spent, self.settings.max_seconds):.0f}s of "
                    f"{self.settings.max_seconds:.0f}s)")
        self.bucket.acquire()
        self.calls += 1
        try:
            answer = self.clients.client("cloudtrail", region, max_attempts=2).lookup_events(
                LookupAttributes=[{"AttributeKey": "ResourceName",
                                   "AttributeValue": resource_id}],
                StartTime=self.now - dt.timedelta(days=LOOKUP_DAYS), EndTime=self.now,
                MaxResults=50)
        except (ClientError, BotoCoreError) as exc:
            self.failed = f"LookupEvents: {_one_line(reason(exc))}"
            return self.failed
        return [_record(e) for e in answer.get("Events") or []]


def _one_line(text: str, limit: int = 200) -> str:
    """An error as a finding's reason: one line, bounded (a proxy's HTML page is not)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _record(event: dict[str, Any]) -> dict[str, Any]:
    """The CloudTrail record of a LookupEvents event (its `CloudTrailEvent`), or one made
    of the event's own fields where that is absent or unreadable."""
    try:
        record = json.loads(event.get("CloudTrailEvent") or "")
        if isinstance(record, dict):
            return record
    except ValueError:
        pass
    return {"eventName": event.get("EventName"), "eventSource": event.get("EventSource"),
            "eventTime": event.get("EventTime"), "eventID": event.get("EventId"),
            "readOnly": event.get("ReadOnly"),
            "userIdentity": {"type": "Unknown", "principalId": event.get("Username")},
            "resources": [{"ResourceName": r.get("ResourceName")}
                          for r in event.get("Resources") or []]}
