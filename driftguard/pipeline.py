"""Wires the stages: declared sources, live inventory -> drift, policies -> result."""

from __future__ import annotations

import datetime as dt
import gc
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from driftguard.config import Config
from driftguard.declared.sources import SourceContext, declare, load_all
from driftguard.model import CheckResult, Finding, Resource
from driftguard.policy import evaluate as policy
from driftguard.policy.engines import make_engine
from driftguard.waivers import apply_waivers, load_waivers


def policy_dirs(config: Config, extra: Sequence[Path] = ()) -> list[Path]:
    builtin = [policy.builtin_dir()] if config.builtin_policies else []
    return [*builtin, *config.policy_dirs, *extra]


@contextmanager
def _no_gc() -> Iterator[None]:
    """Building millions of small objects (a 50 MB plan) triggers the cyclic collector
    over and over for nothing: the stages make no cycles. Pausing it triples load speed."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - start


def _evaluate(config: Config, extra_policy_dirs: Sequence[Path], resources: list[Resource],
              timer: _Timer) -> tuple[policy.Policies, list[Finding]]:
    with timer("policy_load"):
        policies = policy.load(policy_dirs(config, extra_policy_dirs))
        engine = make_engine(config.engine, policies.files,
                             policy.policy_data(config.policy.model_dump()), opa=config.opa)
    with timer("evaluate"), closing(engine):
        findings = policy.evaluate(engine, policies, resources)
    return policies, findings


def check(
    paths: Sequence[Path],
    config: Config,
    extra_policy_dirs: Sequence[Path] = (),
    today: dt.date | None = None,
    cfn_parameters: dict[str, str] | None = None,
) -> CheckResult:
    """Policies over what the code declares (plans, state, CloudFormation templates)."""
    timer = _Timer()
    with _no_gc():
        with timer("load"):
            resources, sources = load_all([str(p) for p in paths],
                                          cfn_parameters=cfn_parameters)
        policies, findings = _evaluate(config, extra_policy_dirs, resources, timer)
    waivers = load_waivers(config.waivers) if config.waivers else []
    stale = apply_waivers(findings, waivers, today or dt.date.today())
    return CheckResult(
        sources=sources,
        resources=len(resources),
        rules=sorted(policies.rules.values(), key=lambda r: r.id),
        findings=findings,
        fail_on=config.fail_on,
        stale_waivers=stale,
        timings=timer.timings,
    )


def scan(
    config: Config,
    extra_policy_dirs: Sequence[Path] = (),
    clients: Any = None,
    progress: Callable[[str, str | None, int], None] | None = None,
    today: dt.date | None = None,
    with_global: bool = True,
) -> CheckResult:
    """Declared sources against the live account: drift, and policies on live resources.

    `clients` is a collect.clients.ClientFactory (made from config.aws when None).
    `with_global=False` leaves global types (S3, ...) to another scan of the same account.
    """
    from driftguard.catalog import spec_for
    from driftguard.collect.account import caller_account
    from driftguard.collect.clients import AccountClients
    from driftguard.collect.engine import Collector
    from driftguard.declared.sources.stacks import DeployedStacks
    from driftguard.drift.diff import diff
    from driftguard.drift.findings import drift_findings, drift_rules
    from driftguard.drift.ignore import Ignore, load_rules

    aws, settings = config.aws, config.scan
    clients = clients or AccountClients(aws).configured()
    regions = aws.regions or [clients.default_region]
    timer = _Timer()
    with timer("load"):
        found = declare([*settings.states, *settings.plans],
                        SourceContext(s3_client=lambda: clients.client("s3")))
        if settings.stacks:
            found.extend(DeployedStacks(clients, settings.stacks, regions).load())
        declared, sources = found.resources, found.summaries
        ignore = Ignore(load_rules(settings.ignore_file) if settings.ignore_file else [])
    with timer("collect"):
        account, gap = caller_account(clients)
        types = {t for t in {r.type for r in declared} | set(settings.types)
                 if (spec := spec_for(t)) and (with_global or not spec.collect.is_global)}
        inventory = Collector(clients, account=account, max_workers=aws.max_workers,
                              progress=progress).collect(types, regions)
        if gap is not None:
            inventory.not_checked.insert(0, gap)
        inventory.not_checked.extend(found.not_checked)
    with timer("drift"):
        in_scope = [r for r in declared if _in_scope(r, account, regions, with_global)]
        drifts, coverage = diff(in_scope, inventory.resources, inventory.not_checked, ignore,
                                _is_aws_default, settings.strict, found.owns_unread)
        if settings.cfn_native_drift and found.stacks:
            from driftguard.collect.stack_drift import native_drift
            from driftguard.drift import native

            verdicts, native_gaps = native_drift(clients, found.stacks)
            drifts = native.merge(drifts, verdicts)
            inventory.not_checked.extend(native_gaps)
    policies, findings = _evaluate(config, extra_policy_dirs, inventory.resources, timer)
    findings = drift_findings(drifts, settings.drift_severity) + findings
    findings.sort(key=lambda f: (-f.severity, f.rule_id, f.resource_address, f.message))
    waivers = load_waivers(config.waivers) if config.waivers else []
    stale = apply_waivers(findings, waivers, today or dt.date.today())
    rules = drift_rules(settings.drift_severity) + list(policies.rules.values())
    return CheckResult(
        kind="scan",
        sources=sources,
        resources=len(inventory.resources),
        rules=sorted(rules, key=lambda r: r.id),
        findings=findings,
        fail_on=config.fail_on,
        stale_waivers=stale,
        drifts=drifts,
        coverage=coverage,
        not_checked=inventory.not_checked,
        api_calls={f"{svc}:{op}": n for (svc, op), n in sorted(clients.stats.calls.items())},
        api_throttles={f"{svc}:{op}": n
                       for (svc, op), n in sorted(clients.stats.throttles.items())},
        account=account,
        regions=regions,
        units=[f"{account or 'unknown'}/{region}" for region in regions],
        timings=timer.timings,
    )


def _in_scope(resource: Resource, account: str | None, regions: list[str],
              with_global: bool) -> bool:
    """Declared resources of other accounts or regions are not this scan's business
    (global types, listed once for all regions, are, unless another scan has them)."""
    from driftguard.catalog import spec_for

    if resource.account and account and resource.account != account:
        return False
    spec = spec_for(resource.type)
    if spec is not None and spec.collect.is_global:
        return with_global
    return resource.region is None or resource.region in regions


def _is_aws_default(resource: Resource) -> bool:
    from driftguard.catalog import spec_for

    spec = spec_for(resource.type)
    return bool(spec and spec.aws_default and spec.aws_default(resource.attributes))
