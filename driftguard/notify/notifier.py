"""What the daemon (and `--slack`) calls: build the messages, route them, queue them in the
outbox, deliver what can be delivered within the section's `max_wait` (`slack.max_wait`).
Channel-neutral: the channel (channel.py; Slack's is slack.py) renders the messages and
sends them; routing, the outbox, ordering, deadlines and redaction are done here.

Routing: a finding goes to the first route whose accounts and min_severity match it,
else to the default destination (for Slack: the webhook at `slack.webhook_url_env`, or
`slack.channel` with the bot token) if it is at or above the section's `min_severity`.
Job status messages go to the default destination. Waived findings are not announced.

No method raises on a delivery problem: failures are logged (secrets redacted) and the
message stays in the outbox for the next call.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from driftguard.model import CheckResult, Finding, Severity
from driftguard.notify.channel import (
    Channel,
    ChannelSettings,
    Destination,
    Digest,
    Event,
    JobStatus,
    Report,
    ScanChanges,
)
from driftguard.notify.delivery import Sender
from driftguard.notify.outbox import Outbox, Pending
from driftguard.notify.secrets import Redactor, Secrets

log = logging.getLogger(__name__)


@dataclass
class _Route:
    destination: Destination
    accounts: frozenset[str]
    min_severity: Severity

    def matches(self, f: Finding, account: str | None) -> bool:
        return f.severity >= self.min_severity and (
            not self.accounts or account in self.accounts)


class Notifier:
    def __init__(self, settings: ChannelSettings, outbox_path: Path | None,
                 environ: Mapping[str, str] = os.environ, *,
                 channel: Channel | None = None) -> None:
        """The channel is the one that serves `settings` (registry.py) unless given.
        InputError if the channel is enabled but a secret is missing (bad config)."""
        if channel is None:
            from driftguard.notify.registry import channel_for

            channel = channel_for(settings)
        self.settings = settings
        self.channel = channel
        self.enabled = settings.enabled
        self._lock = threading.Lock()
        self._not_before: dict[str, float] = {}  # destination -> monotonic time (429)
        self.last_problem = ""  # the latest delivery failure, secrets redacted
        self.routes: list[_Route] = []
        self.redact = Redactor([])
        if self.enabled:
            secrets = Secrets(environ, settings.secrets_file, channel.name)
            self.default = _Route(channel.destination(None, secrets), frozenset(),
                                  settings.min_severity)
            self.routes = [_Route(channel.destination(r, secrets), frozenset(r.accounts),
                                  r.min_severity) for r in settings.routes]
            self.redact = Redactor(secrets.handed_out)
            self.sender = Sender(settings.timeout, self.redact)
        self.outbox = Outbox(outbox_path)

    # --- the interface the daemon calls -------------------------------------------

    def scan_changes(self, job: str, result: CheckResult, new: list[Finding],
                     resolved: list[Finding]) -> None:
        """New and resolved findings at or above the threshold, per destination."""
        if not self.enabled:
            return
        for name, event in self._scan_changes(job, result, new, resolved):
            self._queue(name, event)
        self.flush()

    def queue_scan_changes(self, db: sqlite3.Connection, job: str, result: CheckResult,
                           new: list[Finding], resolved: list[Finding]) -> None:
        """What scan_changes sends, written to the outbox through `db` (in the caller's
        transaction: the history's, HistoryStore.record's `also`) and not sent: flush()
        after the commit. Raises if it cannot be written, so that the caller's transaction
        is rolled back with it (the next scan then finds the same changes)."""
        if not self.enabled:
            return
        for name, event in self._scan_changes(job, result, new, resolved):
            self.outbox.add(name, self.channel.render(event), db=db)

    def _scan_changes(self, job: str, result: CheckResult, new: list[Finding],
                      resolved: list[Finding]) -> list[tuple[str, ScanChanges]]:
        account = _account(result)
        new_by = self._route(new, account)
        resolved_by = self._route(resolved, account)
        return [(name, ScanChanges(job, result, new_by.get(name, []),
                                   resolved_by.get(name, [])))
                for name in dict.fromkeys([*new_by, *resolved_by])]

    def digest(self, job: str, open_findings: list[tuple[Finding, datetime]]) -> None:
        """Everything still open with its age, per destination."""
        if not self.enabled:
            return
        first_seen = {id(f): when for f, when in open_findings}
        routed = self._route([f for f, _ in open_findings], None)
        routed.setdefault(self.default.destination.name, [])  # "nothing open" is news too
        now = datetime.now(UTC)
        for name, findings in routed.items():
            pairs = [(f, _aware(first_seen[id(f)])) for f in findings]
            self._queue(name, Digest(job, pairs, now))
        self.flush()

    def job_status(self, job: str, failing: bool, error: str | None) -> None:
        if not self.enabled:
            return
        self._queue(self.default.destination.name,
                    JobStatus(job, failing, self.redact(error) if error else None))
        self.flush()

    def flush(self) -> int:
        """Send the backlog, oldest first per destination; returns how many remain."""
        if not self.enabled:
            return self._left()
        deadline = time.monotonic() + self.settings.max_wait
        by_name = {r.destination.name: r.destination for r in [self.default, *self.routes]}
        # Another thread's flush is at it (and picks up what was just queued): no second
        # sender, and no scan waits behind another one's trouble.
        if not self._lock.acquire(blocking=False):
            return self._left()
        try:
            for name in self._destinations():
                dest = by_name.get(name)
                if dest is None:
                    for m in self.outbox.pending(name):
                        self.outbox.mark_failed(m.id, "destination no longer configured",
                                                rejected=True)
                    log.warning("%s: dropped messages for %s: no longer configured",
                                self.channel.name, name)
                    continue
                if self._not_before.get(name, 0.0) > time.monotonic():
                    self.last_problem = f"{name}: rate limited by {self.channel.title}"
                    continue  # the service asked us to wait
                self._drain(dest, deadline)
        finally:
            self._lock.release()
        return self._left()

    # --- one-shot runs -------------------------------------------------------------

    def report(self, result: CheckResult) -> str | None:
        """Post a one-shot report to every destination that has findings for it (the
        default one always); None when delivered, else what went wrong."""
        if not self.enabled:
            return f"{self.channel.title} is not enabled"
        shown = [f for f in result.findings if not f.waived]
        routed = self._route(shown, _account(result))
        routed.setdefault(self.default.destination.name, [])
        for name, findings in routed.items():
            self._queue(name, Report(result, findings))
        left = self.flush()
        if not left:
            return None
        return f"{left} message{'s' if left > 1 else ''} not delivered ({self.last_problem})"

    # --- inside ------------------------------------------------------------------

    def _route(self, findings: list[Finding], account: str | None) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = {}
        for f in findings:
            if f.waived:
                continue
            where = getattr(f, "account", None) or account
            route = next((r for r in self.routes if r.matches(f, where)), None)
            if route is None and self.default.matches(f, where):
                route = self.default
            if route is not None:
                out.setdefault(route.destination.name, []).append(f)
        return out

    def _queue(self, destination: str, event: Event) -> None:
        payload = self.channel.render(event)
        try:
            self.outbox.add(destination, payload)
        except Exception as exc:  # a locked or full database must not stop a scan
            log.error("%s: cannot queue a message for %s: %s", self.channel.name,
                      destination, self.redact(str(exc)))

    def _destinations(self) -> list[str]:
        """This channel's destinations with pending messages (an outbox may be shared)."""
        return [d for d in self.outbox.destinations() if self.channel.owns(d)]

    def _left(self) -> int:
        return sum(self.outbox.count(d) for d in self._destinations())

    def _drain(self, dest: Destination, deadline: float) -> None:
        while batch := self.outbox.pending(dest.name):  # again: others may queue meanwhile
            if not self._send(dest, batch, deadline):
                return

    def _send(self, dest: Destination, batch: list[Pending], deadline: float) -> bool:
        """Send in order; False at the first message that must wait (the service is down)."""
        for message in batch:
            outcome = self.sender.send(dest, message.payload, deadline, message.key)
            if outcome.status == "sent":
                self.outbox.mark_sent(message.id)
                continue
            if outcome.status == "unconfirmed":  # maybe posted: sending it again could be
                self.outbox.mark_sent(message.id, f"unconfirmed: {outcome.detail}")  # twice
                self.last_problem = f"{dest.name}: {outcome.detail}"
                log.warning("%s: %s did not confirm message %d (%s); it may have been "
                            "posted, so it is not sent again", self.channel.name, dest.name,
                            message.id, outcome.detail)
                return False  # the service is slow or hanging: the rest waits
            self.outbox.mark_failed(message.id, outcome.detail,
                                    rejected=outcome.status == "rejected")
            self.last_problem = f"{dest.name}: {outcome.detail}"
            if outcome.status == "rejected":
                log.error("%s: %s refused message %d: %s", self.channel.name, dest.name,
                          message.id, outcome.detail)
                continue
            if outcome.retry_after:
                self._not_before[dest.name] = time.monotonic() + outcome.retry_after
            log.warning("%s: %s unavailable (%s); %d message(s) kept for later",
                        self.channel.name, dest.name, outcome.detail,
                        len(self.outbox.pending(dest.name)))
            return False  # keep the order: nothing newer goes before this one
        return True


def _account(result: CheckResult) -> str | None:
    """The scanned account: the result's own (daemon scans) or the one its drift names."""
    account = getattr(result, "account", None)
    if account:
        return str(account)
    found = {d.account for d in result.drifts if d.account}
    return found.pop() if len(found) == 1 else None


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)
