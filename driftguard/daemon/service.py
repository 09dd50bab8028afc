"""`driftguard serve`: scheduled scans, metrics, history, HTTP endpoints.

Each job runs in the scheduler's thread pool, never overlapping itself (max_instances=1,
missed runs coalesced into one). A failing job is logged and counted; the others go on.
On SIGTERM/SIGINT the scheduler stops taking runs, a scan in progress gets
`serve.shutdown_timeout` seconds to finish, and is abandoned (not recorded) after that.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
import time
from dataclasses import dataclass
from typing import Any

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from prometheus_client import CollectorRegistry, ProcessCollector

from driftguard import pipeline
from driftguard.collect.clients import AccountClients
from driftguard.config import Config
from driftguard.daemon.jobs import ScanJob, build_jobs, cron_trigger
from driftguard.daemon.metrics import ScanMetrics
from driftguard.drift.findings import drift_rules
from driftguard.history import HistoryStore
from driftguard.model import CheckResult
from driftguard.notify.notifier import Notifier
from driftguard.org.runner import Scan, scan_organization
from driftguard.org.shard import Shard

log = logging.getLogger("driftguard.serve")


class _SkipsLoggedOnce(logging.Filter):
    """APScheduler's own warning for a skipped or missed run: the daemon logs each of
    those itself (_on_skipped, with its metric), so the line would come twice."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = str(record.msg)
        return not ((text.startswith("Execution of job") and "skipped" in text)
                    or (text.startswith("Run time of job") and "was missed by" in text))


_SKIPS = _SkipsLoggedOnce()
for _name in ("apscheduler.scheduler", "apscheduler.executors.default"):
    logging.getLogger(_name).addFilter(_SKIPS)


class NothingRead(Exception):
    """A scan whose every call to AWS failed: the job failed (last_scan_ok 0), not merely
    incomplete, so that the ScanFailing alert fires."""

@dataclass
class JobState:
    attempts: int = 0
    running: bool = False
    triggered: bool = False  # POST /api/v1/scan asked for a run that has not started yet
    failing: bool = False
    last_error: str | None = None
    last_finished: float | None = None


class Daemon:
    def __init__(self, config: Config, *, registry: CollectorRegistry | None = None,
                 scan: Scan | None = None, where: str = "configuration",
                 shard: Shard | None = None) -> None:
        self.config = config
        self.shard = shard
        self.jobs = {job.name: job for job in build_jobs(config, where)}
        if registry is None:  # our own: with the process's memory, CPU and open files
            registry = CollectorRegistry()
            ProcessCollector(registry=registry)
        self.registry = registry
        self.metrics = ScanMetrics(self.registry)
        self.history = HistoryStore(config.serve.history)
        self.state = {name: JobState() for name in self.jobs}
        # Clients live as long as their job: making them anew for every scan costs time
        # and memory, and assumed-role credentials refresh themselves.
        self._clients = {job.name: AccountClients(job.config.aws) for job in self.jobs.values()}
        self._scan = scan or pipeline.scan
        # Slack (disabled: every call is a no-op); its outbox lives in the history file.
        self.notifier = Notifier(config.slack, config.serve.history)
        self._stopping = threading.Event()
        self._idle = threading.Condition()
        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=len(self.jobs) + 2)},
            job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
            timezone=dt.UTC,
        )
        self.scheduler.add_listener(self._on_skipped, EVENT_JOB_MAX_INSTANCES | EVENT_JOB_MISSED)
        rules = drift_rules(config.scan.drift_severity) + list(
            pipeline.load_policies(config, ()).rules.values())
        for job in self.jobs.values():
            self.metrics.prepare(job.name, rules, job.interval, time.time())
            first_run = dt.datetime.now(dt.UTC)  # scan at start, then on schedule
            self.scheduler.add_job(self.run_job, job.trigger, args=[job.name], id=job.name,
                                   name=job.name, next_run_time=first_run)
        if config.slack.enabled:  # the backlog goes out when Slack is back, not next scan
            self.scheduler.add_job(self.notifier.flush, IntervalTrigger(seconds=60),
                                   id="slack-flush")
        if config.slack.enabled and config.slack.digest_cron:
            self.scheduler.add_job(self.send_digest, cron_trigger(
                config.slack.digest_cron, "slack.digest_cron", where), id="slack-digest")

    # --- the scheduler's side ---

    def run_job(self, name: str) -> None:
        job, state = self.jobs[name], self.state[name]
        if self._stopping.is_set():
            return
        with self._idle:
            state.running, state.triggered = True, False
        started = time.monotonic()
        try:
            result = self._scan_job(job)
            # A scan that cannot be recorded (the history, with its messages) failed too.
            self._finished(job, state, result, time.monotonic() - started)
        except Exception as exc:  # noqa: BLE001 - one job's failure must not stop the daemon
            self._failed(job, state, exc, time.monotonic() - started)
        finally:
            with self._idle:
                state.running = False
                state.attempts += 1
                self._idle.notify_all()

    def _scan_job(self, job: ScanJob) -> CheckResult:
        """One account (the credentials'), or this shard's (account, region) units."""
        if not job.config.multi_account():
            clients = self._clients[job.name].configured()
            clients.stats.reset()
            return self._scan(job.config, clients=clients)
        result, units = scan_organization(job.config, self._clients[job.name], self.shard,
                                          scan=self._scan)
        self.metrics.units_scanned(job.name, units, time.time())
        return result

    def _finished(self, job: ScanJob, state: JobState, result: CheckResult,
                  duration: float) -> None:
        if self._stopping.is_set():
            log.warning("job %s: scan finished during shutdown; not recorded", job.name)
            return
        if result.read_nothing:  # a scan that could read nothing at all has failed
            first = result.not_checked[0].reason if result.not_checked else "no answer"
            self._failed(job, state, NothingRead(f"nothing could be read from AWS: {first}"),
                         duration)
            return
        now = time.time()
        changes = self.history.record(
            job.name, result.findings, now,
            not_checked=result.not_checked,
            status="incomplete" if result.incomplete else "ok",
            # The scan's messages are committed with it: none is lost to a crash.
            also=lambda db, made: self.notifier.queue_scan_changes(
                db, job.name, result, made.new, made.resolved))
        open_findings = self.history.open_findings(job.name)
        # A job's first scan is its baseline: what was there at start is not new drift
        # (counting it would make the new-drift alert race the first scrape).
        appeared = [] if changes.baseline else changes.new
        self.metrics.scan_finished(job.name, result, appeared, changes.resolved,
                                   open_findings, now, duration)
        self.notifier.flush()
        if state.failing:
            log.info("job %s: recovered", job.name)
            self.notifier.job_status(job.name, False, None)
        state.failing, state.last_error, state.last_finished = False, None, now
        log.info("job %s: scan done in %.1fs: %d resources, %d findings (%d new, %d resolved)"
                 "%s", job.name, duration, result.resources, len(result.findings),
                 len(changes.new), len(changes.resolved),
                 f", {len(result.not_checked)} not checked" if result.incomplete else "")

    def _failed(self, job: ScanJob, state: JobState, exc: Exception, duration: float) -> None:
        reason = type(exc).__name__  # a bounded label: the error class
        message = str(exc).splitlines()[0] if str(exc) else reason
        self.metrics.scan_failed(job.name, reason, time.time(), duration)
        if not state.failing:
            self.notifier.job_status(job.name, True, message)
        state.failing, state.last_error = True, message
        log.error("job %s: scan failed: %s", job.name, message)

    def send_digest(self) -> None:
        """Everything still open, with its age, per job."""
        for name in self.jobs:
            self.notifier.digest(name, [
                (o.finding, dt.datetime.fromtimestamp(o.first_seen, dt.UTC))
                for o in self.history.open_findings(name)])

    def _on_skipped(self, event: JobEvent) -> None:
        if event.job_id not in self.jobs:
            return
        self.metrics.skipped.labels(event.job_id).inc()
        log.warning("job %s: run skipped, the previous one is still going", event.job_id)

    # --- lifecycle ---

    def start(self) -> None:
        self.scheduler.start()

    def ready(self) -> bool:
        """Every job has finished its first scan attempt and the scheduler runs."""
        return self.scheduler.running and all(s.attempts for s in self.state.values())

    def trigger(self, names: list[str]) -> list[str]:
        """Run the jobs now, unless one is scanning (or about to, for an earlier trigger):
        then nothing starts and those are returned. A run that comes due while its job
        scans is skipped, so a trigger would be lost: it is refused instead (409)."""
        now = dt.datetime.now(dt.UTC)
        with self._idle:
            busy = [n for n in names if self.state[n].running or self.state[n].triggered]
            if busy:
                return busy
            for name in names:
                self.state[name].triggered = True
                self.scheduler.modify_job(name, next_run_time=now)
        return []

    def stop(self, timeout: float | None = None) -> bool:
        """Stop scheduling; wait up to `timeout` for running scans. True if none was
        abandoned."""
        timeout = self.config.serve.shutdown_timeout if timeout is None else timeout
        self._stopping.set()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        with self._idle:
            clean = self._idle.wait_for(
                lambda: not any(s.running for s in self.state.values()), timeout)
        if not clean:
            log.warning("shutdown: abandoning the scan in progress after %.0fs", timeout)
        return clean

    def status(self) -> dict[str, Any]:
        return {name: {"attempts": s.attempts, "running": s.running, "failing": s.failing,
                       "last_error": s.last_error, "last_finished": s.last_finished}
                for name, s in self.state.items()}


def stop_signals() -> threading.Event:
    """An event set on SIGTERM or SIGINT, from now on: installed before the daemon says
    it listens, so a signal that comes right after is a clean stop, not a kill."""
    received = threading.Event()

    def handler(signum: int, _frame: Any) -> None:
        log.info("received %s, shutting down", signal.Signals(signum).name)
        received.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, handler)
    return received


def wait_for_signal(received: threading.Event) -> None:
    """Block until `received` (stop_signals) is set."""
    while not received.wait(1):
        pass
