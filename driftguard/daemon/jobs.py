"""The daemon's scan jobs: each one a schedule and a complete effective config.

Crontab lines (serve.jobs[].cron, slack.digest_cron) are checked here, not in config.py,
so that reading a config does not import the scheduler; `serve` checks them as it loads
its config (check_schedules), with the text a bad setting gets there."""

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


def cron_trigger(line: str, setting: str, where: str) -> CronTrigger:
    """The trigger of a crontab line; a bad line is `WHERE: SETTING: Value error, why`,
    as any invalid setting of the config reads."""
    try:
        return CronTrigger.from_crontab(line, timezone=dt.UTC)
    except ValueError as exc:  # names the bad field
        raise InputError(where, f"{setting}: Value error, {exc}") from None


def check_schedules(config: Config, where: str = "configuration") -> None:
    """Every crontab line of the config parses."""
    for index, job in enumerate(config.serve.jobs):
        if job.cron is not None:
            cron_trigger(job.cron, f"serve.jobs.{index}", where)
    if config.slack.digest_cron is not None:
        cron_trigger(config.slack.digest_cron, "slack.digest_cron", where)


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
    if effective.scan.compares_nothing() and not effective.multi_account():
        raise InputError(where, f"serve.jobs.{index} ({settings.name}): nothing to compare: "
                                "give scan.states, scan.plans or scan.types")
    trigger: BaseTrigger
    if settings.cron is not None:
        trigger = cron_trigger(settings.cron, f"serve.jobs.{index}", where)
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

