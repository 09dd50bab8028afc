"""Sending one payload to one destination, with bounded retries.

The channel's destination sends once and classifies the answer (channel.Outcome); here it
is retried while that may help: after the pause the service asked for (429
Retry-After), with backoff on retryable failures and on errors that never reached the
service, and never past a deadline, so that an outage of the service costs a scan at
most `max_wait` seconds. A request that may have been delivered (`unconfirmed`: no answer
in time) is not retried blindly: only where the destination is idempotent (the service
takes the message's key and posts it once).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from driftguard.notify.channel import Destination, Outcome, Payload
from driftguard.notify.secrets import Redactor

MAX_BACKOFF = 8.0


class Sender:
    """One message to one destination: retried until it is sent, rejected, or the
    deadline comes."""

    def __init__(self, timeout: float, redact: Redactor,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.timeout = timeout
        self.redact = redact
        self.sleep = sleep
        self.clock = clock

    def send(self, dest: Destination, payload: Payload, deadline: float, key: str = ""
             ) -> Outcome:
        """`key`: the message's idempotency key (the outbox's), the same at every attempt."""
        attempt = 0
        while True:
            remaining = deadline - self.clock()
            if remaining <= 0:
                return Outcome("failed", "out of time")
            try:
                outcome = dest.send(payload, timeout=min(self.timeout, remaining), key=key)
            except Exception as exc:  # connection refused, bad URL...: never raise
                outcome = Outcome("failed", self._describe(exc), retryable=True)
            if outcome.status == "unconfirmed":
                if not getattr(dest, "idempotent", False):
                    return outcome  # it may have been delivered: never twice
                outcome = Outcome("failed", outcome.detail, retryable=True)
            wait = _wait(outcome, attempt)
            if outcome.status != "failed" or wait is None:
                return outcome
            if self.clock() + wait > deadline:
                return outcome
            self.sleep(wait)
            attempt += 1

    def _describe(self, exc: Exception) -> str:
        return self.redact(f"{type(exc).__name__}: {exc}")[:200]


def _wait(outcome: Outcome, attempt: int) -> float | None:
    """Seconds before the next try now, or None: not worth retrying in this call (an
    unknown channel or a revoked token stays so until someone fixes the config)."""
    if not outcome.retryable:
        return None
    return outcome.retry_after if outcome.retry_after is not None else _backoff(attempt)


def _backoff(attempt: int) -> float:
    return float(min(MAX_BACKOFF, 0.5 * 2 ** attempt) + random.uniform(0, 0.25))
