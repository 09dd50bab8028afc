"""Wires the stages, in the order they run:

    declare   what the code says: plans, state, templates, deployed stacks (declared/)
    collect   what runs: the live inventory, and CloudFormation's own verdicts (collect/)
    diff      drift between the two (drift/)
    evaluate  the policies, over declared (check) or live (scan) resources (policy/), and
              what they do not read
    assemble  the result: drift as findings, why each is there (why.py), waivers applied,
              rules, gaps, costs

`check` is declare, diff (the drift a plan's own refresh found), evaluate, assemble;
`scan` is all five, and with scan.attribution asks CloudTrail who made its drift. Each
stage is timed under its key in the result's timings: load, collect, drift, policy_load,
evaluate and attribution.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from driftguard import teardown
from driftguard.config import Config, ScanSettings
from driftguard.declared import plan_parts
from driftguard.declared import sources as declared_sources
from driftguard.declared.sources import Declared, SourceContext
from driftguard.documents import check_strings
from driftguard.errors import PolicyError
from driftguard.locations import DEFAULT_MAX_INPUT_MB, MB
from driftguard.model import (
    CheckResult,
    Coverage,
    Drift,
    Finding,
    NotChecked,
    Resource,
    Rule,
    SourceSummary,
    finding_order,
)
from driftguard.policy import conftest
from driftguard.policy import evaluate as policy
from driftguard.policy.conftest import Namespaces
from driftguard.policy.engines import make_engine
from driftguard.waivers import apply_waivers, load_waivers
from driftguard.why import explain

if TYPE_CHECKING:
    from driftguard.collect.progress import Progress
    from driftguard.drift.ignore import Ignore



def policy_dirs(config: Config, extra: Sequence[Path] = ()) -> list[Path]:
    builtin = [policy.builtin_dir()] if config.builtin_policies else []
    return [*builtin, *config.policy_dirs, *extra]


@contextmanager
def no_gc() -> Iterator[None]:
    """Building millions of small objects (a 50 MB plan) triggers the cyclic collector
    over and over for nothing: the stages make no cycles. Pausing it triples load speed,
    and spares the full collections that each walk every object of the plan (0.2 s at
    15,000 resources) while the findings and the reports are made."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            _age_survivors()
            gc.enable()


def _age_survivors() -> None:
    """Moves every tracked object to the oldest generation, where the collections that
    no_gc spared would have moved what the stages keep. Else the youngest generation holds
    all of it, and the first collection after the pause walks the whole plan (0.06 s at
    10,000 resources, as a command ends). freeze and unfreeze each move a whole list: O(1).
    Skipped in a host process that froze objects of its own, which unfreeze would let go."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


class _Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - start


# --- the two runs ---------------------------------------------------------------------


def check(
    paths: Sequence[Path],
    config: Config,
    extra_policy_dirs: Sequence[Path] = (),
    today: dt.date | None = None,
    cfn_parameters: dict[str, str] | None = None,
    namespaces: Namespaces | None = None,
    now: dt.datetime | None = None,
) -> CheckResult:
    """Policies over what the code declares (plans, state, CloudFormation templates), and
    the drift that plans say Terraform's refresh found (their `resource_drift`); the
    conftest-style policies (`namespaces`) over each file's parsed document. Big plans
    load from the parts the loader reads, checked whole beside the run (plan_parts)."""
    now = now or dt.datetime.now(dt.UTC)
    return plan_parts.confirmed(lambda: _check(paths, config, extra_policy_dirs, today,
                                               cfn_parameters, namespaces, now))


def _check(paths: Sequence[Path], config: Config, extra_policy_dirs: Sequence[Path],
           today: dt.date | None, cfn_parameters: dict[str, str] | None,
           namespaces: Namespaces | None, now: dt.datetime) -> CheckResult:
    timer = _Timer()
    with no_gc():
        with timer("load"):
            declared = declare_files(paths, cfn_parameters, config.max_input_bytes)
        with timer("drift"):
            drifted = terraform_drift(config.scan, declared)

        def documents() -> list[tuple[str, Any]]:
            from driftguard.declared.sources.file import read_document

            return [(s.path, read_document(Path(s.path), config.max_input_bytes))
                    for s in declared.summaries]

        policies, findings = evaluate(config, extra_policy_dirs, declared.resources, timer,
                                      namespaces, documents, only=True)
        findings = [*drifted.findings, *findings]
        explain(findings, declared.resources)
        name_resources(findings, declared.resources)
        teardown.keep(declared)
        return assemble(config, declared.summaries, len(declared.resources),
                        [*drifted.rules, *policies.rules.values()], findings,
                        today, timer.timings,
                        unread_types=unread(policies, declared.resources),
                        drifts=drifted.drifts, scanned_at=now)


def scan(
    config: Config,
    extra_policy_dirs: Sequence[Path] = (),
    clients: Any = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
    with_global: bool = True,
    now: dt.datetime | None = None,
) -> CheckResult:
    """Declared sources against the live account: drift, and policies on live resources.

    `clients` is a collect.clients.ClientFactory (made from config.aws when None).
    `with_global=False` leaves global types (S3, ...) to another scan of the same account.
    """
    from driftguard.collect.clients import AccountClients

    now = now or dt.datetime.now(dt.UTC)
    clients = clients or AccountClients(config.aws).configured()
    regions = config.aws.regions or [clients.default_region]
    timer = _Timer()
    with timer("load"):
        declared = declare(config.scan, clients, regions, config.max_input_bytes)
        ignore = load_ignore(config.scan)
    with timer("policy_load"):
        policies = load_policies(config, extra_policy_dirs)
    with timer("collect"):
        live = collect(config, declared, clients, regions, progress, with_global,
                       partly_read(config, policies, declared))
    with timer("drift"):
        drifted = diff(config.scan, declared, live, ignore, with_global)
    policies, findings = evaluate(config, extra_policy_dirs, live.resources, timer,
                                  policies=policies)
    findings = [*drifted.findings, *findings]
    explain(findings, declared.resources, live.resources)
    name_resources(findings, [*declared.resources, *live.resources])
    if config.scan.attribution is not None:
        with timer("attribution"):
            attribute(config.scan, drifted.drifts, findings, clients, live, now)
    return assemble(
        config, declared.summaries, len(live.resources),
        [*drifted.rules, *policies.rules.values()], findings,
        today, timer.timings, unread_types=unread(policies, live.resources),
        kind="scan", drifts=drifted.drifts, coverage=drifted.coverage,
        not_collectable=not_collectable(declared.resources, live.account, live.regions,
                                        with_global),
        not_checked=[*live.not_checked, *live.verdict_gaps],
        api_calls=live.api_calls, api_throttles=live.api_throttles, account=live.account,
        regions=live.regions,
        units=[f"{live.account or 'unknown'}/{region}" for region in live.regions],
        read_nothing=live.read_nothing, scanned_at=now,
    )


# --- declare ---------------------------------------------------------------------------


def declare_files(paths: Sequence[Path], cfn_parameters: dict[str, str] | None = None,
                  max_input_bytes: int = DEFAULT_MAX_INPUT_MB * MB) -> Declared:
    """`check`'s sources: files and globs (no AWS access, so no S3 and no stacks)."""
    return declared_sources.declare([str(p) for p in paths], SourceContext(
        cfn_parameters=cfn_parameters, max_input_bytes=max_input_bytes))


def declare(settings: ScanSettings, clients: Any, regions: list[str],
            max_input_bytes: int = DEFAULT_MAX_INPUT_MB * MB) -> Declared:
    """`scan`'s sources: states and plans (paths, globs, S3), then deployed stacks."""
    from driftguard.declared.sources.stacks import DeployedStacks

    declared = declared_sources.declare(
        [*settings.states, *settings.plans],
        SourceContext(s3_client=lambda: clients.client("s3"), max_input_bytes=max_input_bytes))
    if settings.stacks:
        declared.extend(DeployedStacks(clients, settings.stacks, regions).load())
    return declared


def load_ignore(settings: ScanSettings) -> Ignore:
    from driftguard.drift.ignore import Ignore, load_rules

    return Ignore(load_rules(settings.ignore_file) if settings.ignore_file else [])


# --- collect ---------------------------------------------------------------------------


@dataclass
class Live:
    """What the collect stage read from AWS."""

    account: str | None
    regions: list[str]
    resources: list[Resource]
    # The account, types and declared sources that could not be read: drift is not
    # judged there ("not checked" is not "missing").
    not_checked: list[NotChecked]
    # CloudFormation's own verdicts (--cfn-native-drift), and what it could not check.
    verdicts: list[Drift] = field(default_factory=list)
    verdict_gaps: list[NotChecked] = field(default_factory=list)
    api_calls: dict[str, int] = field(default_factory=dict)  # "service:Operation" -> count
    api_throttles: dict[str, int] = field(default_factory=dict)
    # Nothing at all could be read: neither the account nor any type (nor a stack).
    read_nothing: bool = False


def partly_read(config: Config, policies: policy.Policies, declared: Declared
                ) -> dict[str, frozenset[str]]:
    """By type, for the types a scan may collect in part (collect/scope.py), the attributes
    read: none with scan.collect_unread, or with an OPA server (its rules may be more than
    those loaded here); not the declared types, whose drift reads every attribute."""
    from driftguard.catalog import fold_of, specs
    from driftguard.collect.scope import attributes_read
    from driftguard.policy.reads import library_reads, rule_reads

    if config.scan.collect_unread or config.engine != "embedded":
        return {}
    reads = [*rule_reads(policies.files).values(), library_reads(policies.files)]
    declared_types = {r.type for r in declared.resources}
    # a declared fold declares its parent's settings
    declared_types |= {fold[0].tf_type for t in declared_types if (fold := fold_of(t))}
    return {t: names for t, spec in specs().items() if t not in declared_types
            and (names := attributes_read(spec, reads)) is not None}


def collect(config: Config, declared: Declared, clients: Any, regions: list[str],
            progress: Progress | None, with_global: bool,
            read: dict[str, frozenset[str]] | None = None) -> Live:
    """The live resources of the declared types (and scan.types) in `regions`; then,
    when asked, CloudFormation's drift detection on the declared stacks. `read`: by type,
    the attributes read, where the others need not be collected (partly_read)."""
    from driftguard.catalog import spec_for
    from driftguard.collect.account import caller_account
    from driftguard.collect.engine import Collector

    account, gap = caller_account(clients)
    types = {t for t in {r.type for r in declared.resources} | set(config.scan.types)
             if (spec := spec_for(t)) and (with_global or not spec.collect.is_global)}
    inventory = Collector(clients, account=account, max_workers=config.aws.max_workers,
                          progress=progress).collect(types, regions, read)
    for res in inventory.resources:  # AWS's answers are documents too: valid strings only
        check_strings(res.origin, res.policy_input(), f"{res.type} {res.id}")
    gaps = [*([gap] if gap is not None else []), *inventory.not_checked,
            *declared.not_checked]
    live = Live(account, regions, inventory.resources, gaps,
                read_nothing=gap is not None and inventory.read_nothing and not declared.stacks)
    if config.scan.cfn_native_drift and declared.stacks:
        from driftguard.collect.stack_drift import native_drift

        live.verdicts, live.verdict_gaps = native_drift(clients, declared.stacks)
    count_calls(live, clients)
    return live


def count_calls(live: Live, clients: Any) -> None:
    """The AWS API requests made so far (and the throttled ones), by service:Operation."""
    live.api_calls = {f"{svc}:{op}": n for (svc, op), n in sorted(clients.stats.calls.items())}
    live.api_throttles = {f"{svc}:{op}": n
                          for (svc, op), n in sorted(clients.stats.throttles.items())}


def not_collectable(declared: list[Resource], account: str | None, regions: list[str],
                    with_global: bool) -> dict[str, int]:
    """This scan's declared resources of types the catalog cannot collect (no spec; types
    that fold into a catalog type are collected with it), by type."""
    from driftguard.catalog import fold_of, spec_for

    counts = Counter(r.type for r in declared if _in_scope(r, account, regions, with_global))
    return {t: n for t, n in sorted(counts.items())
            if spec_for(t) is None and fold_of(t) is None}


# --- diff ------------------------------------------------------------------------------


@dataclass
class Drifted:
    drifts: list[Drift]
    coverage: list[Coverage]
    findings: list[Finding]  # the drift as DG-DRIFT-* findings
    rules: list[Rule]  # the DG-DRIFT-* rules


def diff(settings: ScanSettings, declared: Declared, live: Live, ignore: Ignore,
         with_global: bool) -> Drifted:
    """Declared (this scan's account and regions) against live; CloudFormation's verdicts
    join driftguard's own. AWS's own gaps do not hide driftguard's verdicts."""
    from driftguard.drift import diff as drift_diff
    from driftguard.drift import native
    from driftguard.drift.findings import drift_findings, drift_rules
    from driftguard.drift.values import hide_values

    in_scope = [r for r in declared.resources
                if _in_scope(r, live.account, live.regions, with_global)]
    drifts, coverage = drift_diff.diff(in_scope, live.resources, live.not_checked, ignore,
                                       _is_aws_default, settings.strict, declared.owns_unread)
    # A declaration that names no account was looked for in this scan's (_in_scope): it is
    # missing there. (Its region, where the declaration says one, is the declaration's.)
    drifts = [d.model_copy(update={"account": live.account})
              if d.kind == "missing" and d.account is None else d for d in drifts]
    drifts = hide_values(native.merge(drifts, live.verdicts), settings.show_values)
    return Drifted(drifts, coverage, drift_findings(drifts, settings.drift_severity),
                   drift_rules(settings.drift_severity))


def terraform_drift(settings: ScanSettings, declared: Declared) -> Drifted:
    """What the plans' own refresh found changed or deleted outside Terraform, as drift
    findings (the DG-DRIFT rules take part only when a plan reports drift): scoped, shown
    and ignored as a scan's drift is."""
    from driftguard.drift.findings import drift_findings, drift_rules
    from driftguard.drift.plan import plan_drift
    from driftguard.drift.values import hide_values

    if not declared.terraform_drift:
        return Drifted([], [], [], [])
    drifts = hide_values(plan_drift(declared.terraform_drift, load_ignore(settings)),
                         settings.show_values)
    return Drifted(drifts, [], drift_findings(drifts, settings.drift_severity, "plan"),
                   drift_rules(settings.drift_severity))


def attribute(settings: ScanSettings, drifts: list[Drift], findings: list[Finding],
              clients: Any, live: Live, now: dt.datetime) -> None:
    """Who made each changed, missing and unmanaged resource's drift (scan.attribution):
    the most likely CloudTrail event, into the drift findings' why."""
    from driftguard.collect.cloudtrail import attribute as from_cloudtrail
    from driftguard.why import changed_by

    assert settings.attribution is not None
    changed_by(findings, drifts, from_cloudtrail(settings.attribution, drifts, clients,
                                                 live.account, live.regions, now))
    count_calls(live, clients)  # CloudTrail's and S3's calls count too


# --- evaluate --------------------------------------------------------------------------


def evaluate(config: Config, extra_policy_dirs: Sequence[Path], resources: list[Resource],
             timer: _Timer, namespaces: Namespaces | None = None,
             documents: Callable[[], list[tuple[str, Any]]] | None = None,
             only: bool = False, policies: policy.Policies | None = None
             ) -> tuple[policy.Policies, list[Finding]]:
    """Every rule over every resource, in one evaluation; and the conftest-style rules
    over each of the `documents` (check's files). Without documents (a scan reads
    AWS), a conftest rule would never run: an error. `only`: the process's only
    evaluation (a check's), whose engine teardown may keep (an organization's scan
    evaluates once per unit). `policies`: already loaded (load_policies)."""
    with timer("policy_load"):
        if policies is None:
            policies = load_policies(config, extra_policy_dirs, namespaces)
        if policies.conftest.rules and documents is None:
            rule = next(iter(policies.conftest.rules.values()))
            raise PolicyError(f"{rule.file}: conftest-style policies (package "
                              f"{rule.package}) run on the files `driftguard check` reads, "
                              "not on a scan")
        engine = make_engine(config.engine, policies.files,
                             policy.policy_data(config.policy.model_dump()), opa=config.opa,
                             timeout=config.policy_timeout, builtin=policy.builtin_dir())
    with timer("evaluate"), closing(engine):
        findings = policy.evaluate(engine, policies, resources)
        if policies.conftest.rules and documents is not None:
            findings += conftest.evaluate(engine, policies.conftest, documents())
    if only:
        teardown.keep(engine)
    return policies, findings


def load_policies(config: Config, extra_policy_dirs: Sequence[Path],
                  namespaces: Namespaces | None = None) -> policy.Policies:
    """The policies a run evaluates: the directories' rules, those of `config.rules` only."""
    return policy.load(policy_dirs(config, extra_policy_dirs), namespaces, config.rules)


def unread(policies: policy.Policies, resources: list[Resource]) -> dict[str, int]:
    """Resources of types no rule reads, by type (from what the rules read: policy/reads)."""
    from driftguard.policy.reads import rule_reads, unread_types

    return unread_types(Counter(r.type for r in resources), rule_reads(policies.files))


# --- assemble --------------------------------------------------------------------------


def name_resources(findings: list[Finding], resources: list[Resource]) -> None:
    """Each finding's resource as people call it (the text report's names): its live id,
    its name (the live one, else the declared one) and whether AWS made it by itself.
    A drift finding names the declared address (missing, changed) or the live id
    (unmanaged); the live resource of a declared one is the one with its type and id."""
    by_address = {(r.origin, r.address): r for r in resources}
    live = {(r.type, r.id): r for r in resources if r.source == "live" and r.id}
    for f in findings:
        found = by_address.get((f.origin, f.resource_address))
        if found is None and f.origin == "live":  # unmanaged: the address is the id
            found = live.get((f.resource_type, f.resource_address))
        if found is None:
            continue
        running = live.get((found.type, found.id), found) if found.id else found
        f.resource_id = found.id
        f.resource_name = _name_tag(running) or (
            _name_tag(found) if running is not found else None)
        f.aws_default = _is_aws_default(running)


def _name_tag(resource: Resource) -> str | None:
    """Its Name tag, else its own name (a security group's) when that is not its id. A scan
    collects both for every type that has them (collect/scope.NAMED_BY)."""
    tags = resource.attributes.get("tags")
    name = tags.get("Name") if isinstance(tags, dict) else None
    if not isinstance(name, str) or not name:
        name = resource.attributes.get("name")
    return name if isinstance(name, str) and name and name != resource.id else None


def assemble(config: Config, sources: list[SourceSummary], resources: int, rules: list[Rule],
             findings: list[Finding], today: dt.date | None, timings: dict[str, float],
             unread_types: dict[str, int] | None = None, **scanned: Any) -> CheckResult:
    """The result: findings in order with the waivers applied, the rules, the threshold,
    the resources no rule reads; `scanned` holds a scan's own fields (kind, drifts,
    coverage, not_collectable, not_checked, ...)."""
    findings.sort(key=finding_order)
    waivers = load_waivers(config.waivers) if config.waivers else []
    stale = apply_waivers(findings, waivers, today or dt.date.today())
    return CheckResult(sources=sources, resources=resources,
                       rules=sorted(rules, key=lambda r: r.id), findings=findings,
                       fail_on=config.fail_on, stale_waivers=stale, timings=timings,
                       unread_types=unread_types or {}, **scanned)


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
