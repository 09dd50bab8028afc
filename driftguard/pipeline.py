"""Wires the stages: declared sources -> policies -> result."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from pathlib import Path

from driftguard.config import Config
from driftguard.declared.sources import load_all
from driftguard.model import CheckResult
from driftguard.policy import evaluate as policy
from driftguard.policy.embedded import EmbeddedEngine
from driftguard.waivers import apply_waivers, load_waivers


def policy_dirs(config: Config, extra: Sequence[Path] = ()) -> list[Path]:
    builtin = [policy.builtin_dir()] if config.builtin_policies else []
    return [*builtin, *config.policy_dirs, *extra]


def check(
    paths: Sequence[Path],
    config: Config,
    extra_policy_dirs: Sequence[Path] = (),
    today: dt.date | None = None,
) -> CheckResult:
    timings: dict[str, float] = {}
    start = time.perf_counter()
    resources, sources = load_all([str(p) for p in paths])
    timings["load"] = time.perf_counter() - start

    start = time.perf_counter()
    policies = policy.load(policy_dirs(config, extra_policy_dirs))
    engine = EmbeddedEngine(policies.files, policy.policy_data(config.policy.model_dump()))
    timings["policy_load"] = time.perf_counter() - start

    start = time.perf_counter()
    findings = policy.evaluate(engine, policies, resources)
    timings["evaluate"] = time.perf_counter() - start
    waivers = load_waivers(config.waivers) if config.waivers else []
    stale = apply_waivers(findings, waivers, today or dt.date.today())
    return CheckResult(
        sources=sources,
        resources=len(resources),
        rules=sorted(policies.rules.values(), key=lambda r: r.id),
        findings=findings,
        fail_on=config.fail_on,
        stale_waivers=stale,
        timings=timings,
    )
