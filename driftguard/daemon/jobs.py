"""The daemon's scan jobs: each one a schedule and a complete effective config."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from pydantic import ValidationError

from driftguard.config import DEFAULT_INTERVAL, Config, JobSettings
from driftguard.errors import InputError


@dataclass(frozen=True)
class ScanJob:
    name: str
    config: Config  # the base config with the job's aws/scan overrides applied
    trigger: BaseTrigger
    interval: float  # seconds between runs (for cron: between the next two)


def build_jobs(config: Config, where: str = "configuration") -> list[ScanJob]:
    settings = config.serve.jobs or [JobSettings(name="default", interval=DEFAULT_INTERVAL)]
    names = [s.name for s in settings]
    if len(set(names)) != len(names):
        raise InputError(where, "serve.jobs: job names must be unique")
    return [_job(config, index, s, where) for index, s in enumerate(settings)]


def _job(config: Config, index: int, settings: JobSettings, where: str) -> ScanJob:
    raw = config.model_dump()
    raw["aws"].update(settings.aws)
    raw["scan"].update(settings.scan)
    try:
        effective = Config.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise InputError(where, f"serve.jobs.{index} ({settings.name}): {loc}: {err['msg']}")\
            from None
    if effective.scan.compares_nothing():
        raise InputError(where, f"serve.jobs.{index} ({settings.name}): nothing to compare: "
                                "give scan.states, scan.plans or scan.types")
    trigger: BaseTrigger
    if settings.cron is not None:
        trigger = CronTrigger.from_crontab(settings.cron, timezone=dt.UTC)
        trigger.jitter = settings.jitter or None
        interval = _cron_period(trigger)
    else:
        assert settings.interval is not None  # JobSettings fills the default
        trigger = IntervalTrigger(seconds=settings.interval, jitter=settings.jitter or None,
                                  timezone=dt.UTC)
        interval = settings.interval
    return ScanJob(settings.name, effective, trigger, interval)


def _cron_period(trigger: CronTrigger) -> float:
    now = dt.datetime.now(dt.UTC)
    first = trigger.get_next_fire_time(None, now)
    second = trigger.get_next_fire_time(first, first + dt.timedelta(seconds=1)) if first else None
    return (second - first).total_seconds() if first and second else 0.0

