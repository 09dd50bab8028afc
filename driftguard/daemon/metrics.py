"""The daemon's Prometheus metrics, on an injected registry.

Labels are bounded: the job name (from config), account, region, resource type, drift
class, rule id, severity, AWS service and operation, a reason class. Never a resource id,
an address or a value. `scan_job` rather than `job`, which Prometheus owns.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from typing import Any

from prometheus_client import CollectorRegistry, Gauge, Histogram, disable_created_metrics
from prometheus_client import Counter as PromCounter

from driftguard.history import OpenFinding
from driftguard.model import KIND_OF_RULE, CheckResult, Finding, Rule
from driftguard.org.runner import UnitResult

disable_created_metrics()  # type: ignore[no-untyped-call]  # *_created series double the output and nobody queries them

SCAN_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600)


def reason_class(reason: str) -> str:
    """A not-checked reason reads "<kind>: <code>: <message>" ("access denied:
    AccessDenied: User arn:... is not authorized"); the kind alone is a bounded label
    with no ARN in it."""
    kind = reason.split(":", 1)[0].strip()
    return kind if len(kind) <= 40 else "other"


class ScanMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        def gauge(name: str, doc: str, labels: Iterable[str]) -> Gauge:
            return Gauge(f"driftguard_{name}", doc, list(labels), registry=registry)

        def counter(name: str, doc: str, labels: Iterable[str]) -> PromCounter:
            return PromCounter(f"driftguard_{name}", doc, list(labels), registry=registry)

        job = ("scan_job",)
        where = (*job, "account", "region")
        self.drifted = gauge("drifted_resources", "Resources out of sync with the code, "
                             "by drift class", (*where, "type", "kind"))
        self.violations = gauge("violations", "Open policy violations (not waived)",
                                (*where, "rule_id", "severity"))
        self.waived = gauge("waived_findings", "Findings silenced by a waiver",
                            (*job, "rule_id", "severity"))
        self.coverage = gauge("coverage_ratio", "Share of live resources some code declares",
                              (*job, "type"))
        self.resources = gauge("resources", "Resources seen, per source kind",
                               (*job, "source"))
        self.not_checked = gauge("not_checked_types", "Types the last scan could not read",
                                 (*job, "type", "reason"))
        self.oldest = gauge("open_finding_age_seconds", "Age of the oldest open finding",
                            (*job, "rule_id", "severity"))
        self.new = counter("new_findings", "Findings that appeared, per scan, from the history",
                           (*job, "rule_id", "severity"))
        self.resolved = counter("resolved_findings", "Findings that went away",
                                (*job, "rule_id", "severity"))
        self.duration = Histogram("driftguard_scan_duration_seconds", "Wall time of a scan",
                                  job, buckets=SCAN_BUCKETS, registry=registry)
        self.evaluation = Histogram("driftguard_policy_evaluation_seconds",
                                    "Policy evaluation time per scan", job, registry=registry)
        self.last_success = gauge("last_success_timestamp_seconds",
                                  "When the job last finished a scan (complete or not)", job)
        self.last_attempt = gauge("last_attempt_timestamp_seconds", "When the job last ran", job)
        self.last_ok = gauge("last_scan_ok", "1 if the job's last attempt finished, 0 if it "
                             "failed", job)
        self.incomplete = gauge("last_scan_incomplete", "1 if the last scan left types "
                                "not checked", job)
        self.job_start = gauge("job_start_timestamp_seconds", "When the daemon started the job "
                               "(the stale alert's reference before a first scan)", job)
        self.interval = gauge("scan_interval_seconds", "The job's schedule period "
                              "(cron: the gap between the next two runs)", job)
        self.errors = counter("scan_errors", "Scans that failed, by error class",
                              (*job, "reason"))
        self.skipped = counter("scans_skipped", "Runs skipped because the previous one of "
                               "the same job was still going", job)
        unit = (*job, "account", "region")
        self.unit_up = gauge("unit_up", "1 if the (account, region) unit was read whole, 0 "
                             "if not (role not assumable, access denied, region disabled)", unit)
        self.unit_last_success = gauge("unit_last_success_timestamp_seconds",
                                       "When the unit was last read whole", unit)
        self.unit_duration = gauge("unit_scan_duration_seconds", "The unit's last scan time",
                                   unit)
        self.units = gauge("units", "(account, region) units this process scans", job)
        self.api_calls = counter("aws_api_calls", "AWS API calls (HTTP attempts)",
                                 ("service", "operation"))
        self.throttles = counter("aws_api_throttles", "AWS API calls throttled",
                                 ("service", "operation"))

    def prepare(self, job: str, rules: Iterable[Rule], interval: float, now: float) -> None:
        """Zero the new/resolved counters up front: Prometheus's increase() only sees a
        series' growth after its first sample, so a first value of 1 would be lost."""
        self.job_start.labels(job).set(now)
        self.interval.labels(job).set(interval)
        for rule in rules:
            self.new.labels(job, rule.id, rule.severity.name)
            self.resolved.labels(job, rule.id, rule.severity.name)
        self.last_ok.labels(job)
        self.errors.labels(job, "error")
        self.skipped.labels(job)

    def scan_finished(self, job: str, result: CheckResult, new: list[Finding],
                      resolved: list[Finding], open_findings: list[OpenFinding],
                      now: float, duration: float) -> None:
        account = result.account or ""
        _replace(self.drifted, job, Counter(
            (job, d.account or account, d.region or "", d.type, d.kind) for d in result.drifts))
        _replace(self.violations, job, Counter(
            (job, f.account or account, f.region or "", f.rule_id, f.severity.name)
            for f in result.findings if not f.waived and f.rule_id not in KIND_OF_RULE))
        _replace(self.waived, job, Counter(
            (job, f.rule_id, f.severity.name) for f in result.findings if f.waived))
        _replace(self.coverage, job, {(job, c.type): c.ratio for c in result.coverage
                                      if c.ratio is not None})
        sources = Counter({(job, "live"): result.resources})
        for s in result.sources:
            sources[(job, s.kind)] += s.resources
        _replace(self.resources, job, sources)
        _replace(self.not_checked, job, Counter(
            (job, g.type, reason_class(g.reason)) for g in result.not_checked))
        oldest: dict[tuple[str, ...], float] = {}
        for item in open_findings:
            key = (job, item.finding.rule_id, item.finding.severity.name)
            oldest[key] = max(oldest.get(key, 0.0), now - item.first_seen)
        _replace(self.oldest, job, oldest)
        for f in new:
            self.new.labels(job, f.rule_id, f.severity.name).inc()
        for f in resolved:
            self.resolved.labels(job, f.rule_id, f.severity.name).inc()
        for call, count in result.api_calls.items():
            self.api_calls.labels(*call.split(":", 1)).inc(count)
        for call, count in result.api_throttles.items():
            self.throttles.labels(*call.split(":", 1)).inc(count)
        self.duration.labels(job).observe(duration)
        self.evaluation.labels(job).observe(result.timings.get("evaluate", 0.0))
        self.last_success.labels(job).set(now)
        self.last_attempt.labels(job).set(now)
        self.last_ok.labels(job).set(1)
        self.incomplete.labels(job).set(1 if result.incomplete else 0)

    def units_scanned(self, job: str, results: Iterable[UnitResult], now: float) -> None:
        """Per unit: up, last success, duration. Units this process no longer owns (after
        a resharding) disappear here and appear in the shard that now owns them."""
        results = list(results)
        self.units.labels(job).set(len(results))
        _replace(self.unit_up, job, {(job, r.unit.account, r.unit.region): 0 if r.failed else 1
                                     for r in results})
        _replace(self.unit_duration, job, {(job, r.unit.account, r.unit.region): r.seconds
                                           for r in results})
        owned = {(job, r.unit.account, r.unit.region) for r in results}
        for r in results:
            if not r.failed:
                self.unit_last_success.labels(job, r.unit.account, r.unit.region).set(now)
        _drop_except(self.unit_last_success, job, owned)

    def scan_failed(self, job: str, reason: str, now: float, duration: float) -> None:
        self.duration.labels(job).observe(duration)
        self.last_attempt.labels(job).set(now)
        self.last_ok.labels(job).set(0)
        self.errors.labels(job, reason).inc()


def _replace(gauge: Gauge, job: str, values: Mapping[Any, float]) -> None:
    """Set the job's series to exactly these: series that vanished (drift fixed) go away
    instead of keeping their last value."""
    _drop_except(gauge, job, set(values))
    for labels, value in values.items():
        gauge.labels(*labels).set(value)


def _drop_except(gauge: Gauge, job: str, keep: AbstractSet[tuple[str, ...]]) -> None:
    for labels in list(gauge._metrics):  # noqa: SLF001 - prometheus_client has no public lister
        if labels[0] == job and labels not in keep:
            gauge.remove(*labels)
