"""Scan many units in one process: a bounded number at once, each account's units sharing
one session (assumed-role credentials, cached and refreshed) and one API rate budget."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from driftguard import pipeline
from driftguard.collect.clients import AccountClients
from driftguard.config import Config
from driftguard.errors import DriftguardError, NoCredentials
from driftguard.model import CheckResult, NotChecked
from driftguard.org.shard import Shard
from driftguard.org.units import Unit, expand_units
from driftguard.results.merge import merge


@dataclass(frozen=True)
class UnitResult:
    unit: Unit
    result: CheckResult
    seconds: float

    @property
    def failed(self) -> bool:
        """Something in the unit could not be read (see result.not_checked)."""
        return self.result.incomplete


def unit_config(config: Config, unit: Unit) -> Config:
    """The config one unit is scanned with: its region, its role, its declared sources."""
    return config.with_overrides(
        aws={"regions": [unit.region], "role_arn": unit.role_arn,
             "external_id": unit.external_id},
        scan={"states": list(unit.states), "plans": list(unit.plans),
              "stacks": list(unit.stacks)})


Scan = Callable[..., CheckResult]  # pipeline.scan's signature


def scan_units(config: Config, units: Sequence[Unit], clients: AccountClients | None = None,
               extra_policy_dirs: Sequence[Path] = (), scan: Scan = pipeline.scan,
               ) -> list[UnitResult]:
    """Every unit, at most aws.max_units at once; a unit that fails is reported as not
    checked for that unit only."""
    clients = clients or AccountClients(config.aws)

    def one(unit: Unit) -> UnitResult:
        started = time.monotonic()
        if unit.error is not None:
            return UnitResult(unit, unreachable(config, unit, "DescribeRegions", unit.error),
                              time.monotonic() - started)
        factory = clients.factory(unit.role_arn, unit.external_id, unit.region)
        factory.stats.reset()
        try:
            result = scan(unit_config(config, unit), extra_policy_dirs, clients=factory,
                          with_global=unit.home)
        except NoCredentials:
            raise  # the same for every unit: one error, not one gap per unit
        except DriftguardError as exc:
            return UnitResult(unit, unreachable(config, unit, "load", str(exc)),
                              time.monotonic() - started)
        for gap in result.not_checked:  # a gap before the account was known names none
            gap.account = gap.account or unit.account
            gap.region = gap.region or (None if gap.type != "*" else unit.region)
        result.account = result.account or unit.account
        return UnitResult(unit, result, time.monotonic() - started)

    with ThreadPoolExecutor(config.aws.max_units, thread_name_prefix="unit") as pool:
        return list(pool.map(one, units))


def unreachable(config: Config, unit: Unit, operation: str, reason: str) -> CheckResult:
    """The result of a unit that could not be scanned: everything in it not checked."""
    return CheckResult(kind="scan", sources=[], resources=0, rules=[], findings=[],
                       fail_on=config.fail_on, account=unit.account, regions=[unit.region],
                       not_checked=[NotChecked(type="*", account=unit.account,
                                               region=unit.region, operation=operation,
                                               reason=reason)], read_nothing=True)


def scan_organization(config: Config, clients: AccountClients, shard: Shard | None = None,
                      extra_policy_dirs: Sequence[Path] = (), scan: Scan = pipeline.scan,
                      ) -> tuple[CheckResult, list[UnitResult]]:
    """The configured accounts' units (this shard's share of them), scanned and merged."""
    units = expand_units(config, clients.for_account)
    if shard is not None:
        units = shard.select(units, key=lambda u: u.key)
    if not config.scan.types:
        bare = sorted({u.account for u in units if not (u.states or u.plans or u.stacks)})
        if bare:
            raise DriftguardError(f"accounts {', '.join(bare)}: nothing to compare: give "
                                  "their states, plans or stacks, or scan.types")
    results = scan_units(config, units, clients, extra_policy_dirs, scan)
    return merge_unit_results(config, results), results


def merge_unit_results(config: Config, results: Sequence[UnitResult]) -> CheckResult:
    """All units as one scan result (none: an empty, complete one)."""
    if not results:
        return CheckResult(kind="scan", sources=[], resources=0, rules=[], findings=[],
                           fail_on=config.fail_on)
    return merge([(r.unit.key, r.result) for r in results], fail_on=config.fail_on)
