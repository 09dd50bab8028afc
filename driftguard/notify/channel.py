"""The seam between what driftguard announces and the service that carries it.

The Notifier (notifier.py) does the channel-neutral work once: routing by account and
severity, the outbox, ordering, delivery deadlines and retries (delivery.py), secrets
and their redaction (secrets.py). A channel (slack.py, ...) does the rest, behind
`Channel`: it renders the events below into payloads (JSON objects, stored as such in
the outbox), and opens the destinations that send one payload and say how that went.
Adding a channel is one file with a `Channel` and one line in registry.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from driftguard.model import CheckResult, Finding, Severity

if TYPE_CHECKING:
    from driftguard.notify.secrets import Secrets

Payload = dict[str, Any]  # a JSON object: it is stored in the outbox as JSON


# --- what is announced ---------------------------------------------------------------

@dataclass(frozen=True)
class ScanChanges:
    """What changed since the last scan of a job: the findings routed to one destination."""

    job: str
    result: CheckResult
    new: list[Finding]
    resolved: list[Finding]


@dataclass(frozen=True)
class Digest:
    """Everything still open for one destination, each with when it was first seen."""

    job: str
    open_findings: list[tuple[Finding, datetime]]
    now: datetime


@dataclass(frozen=True)
class JobStatus:
    """A scheduled job starts failing (its error, secrets redacted) or recovers."""

    job: str
    failing: bool
    error: str | None


@dataclass(frozen=True)
class Report:
    """A one-shot `check` or `scan` (`--slack`): the findings routed to one destination."""

    result: CheckResult
    findings: list[Finding]


Event = ScanChanges | Digest | JobStatus | Report


# --- how one payload went --------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """`sent`; `rejected` (the payload is bad: drop it); `failed` (it was not delivered:
    keep it for later); `unconfirmed` (the request reached the service, but its answer
    did not come: it may have been delivered, so it is not sent again unless the
    destination is `idempotent`).

    A failure is `retryable` when trying again within this call may help (an overloaded
    or rate-limiting service); else it waits for a later call (a revoked secret, an
    unknown channel). `retry_after`: the service asked for this pause first (HTTP 429);
    the Notifier does not knock again before it is over."""

    status: Literal["sent", "rejected", "failed", "unconfirmed"]
    detail: str = ""  # secret-free: it is logged and stored in the outbox
    retryable: bool = False
    retry_after: float | None = None


# --- what a channel implements -----------------------------------------------------------

class Destination(Protocol):
    """Where payloads go: a webhook, a channel reached with a token, ...

    `idempotent`: the service takes an idempotency key (`send`'s `key`, the same for every
    attempt at one message) and posts a message once however often it gets it, so an
    unconfirmed attempt may be retried. Without one (Slack's webhooks and chat.postMessage
    have none), a request that may have been delivered is never sent again."""

    name: str  # stable and secret-free: the outbox keys messages by it
    idempotent: bool

    def send(self, payload: Payload, timeout: float, key: str) -> Outcome:
        """Deliver once (no retries: the caller retries). Raising means the request did not
        reach the service (connection refused, DNS, TLS, a bad URL): retryable. When it
        may have (no answer within `timeout`, the connection dropped after the request
        went out), `unconfirmed`."""
        ...


class RouteSettings(Protocol):
    """A route of the channel's config section: findings that match go to its
    destination instead of the default one."""

    @property
    def accounts(self) -> Sequence[str]: ...  # empty: any account

    @property
    def min_severity(self) -> Severity: ...


class ChannelSettings(Protocol):
    """What the Notifier reads of a channel's config section (`slack:`, ...)."""

    @property
    def enabled(self) -> bool: ...

    @property
    def min_severity(self) -> Severity: ...  # of the default destination

    @property
    def routes(self) -> Sequence[RouteSettings]: ...

    @property
    def secrets_file(self) -> Path | None: ...

    @property
    def timeout(self) -> float: ...  # seconds per request

    @property
    def max_wait(self) -> float: ...  # seconds of retries per call


class Channel(Protocol):
    """A notification service. Built from its config section (see registry.py)."""

    name: str  # lower case, secret-free: log lines and the source of config errors
    title: str  # for people: "Slack"

    def destination(self, route: Any, secrets: Secrets) -> Destination:
        """The default destination (`route` None), or that of one of the settings' routes.
        Secrets come from `secrets` only (so that they are redacted); InputError when the
        config cannot work (a missing secret)."""
        ...

    def owns(self, destination: str) -> bool:
        """Whether an outbox destination name is one of this channel's: channels may
        share an outbox, and each delivers (or drops, when no longer configured) only
        its own. Names must not overlap between channels."""
        ...

    def render(self, event: Event) -> Payload:
        """The payload that announces the event: within the service's limits, no
        attribute value unless the settings allow it, never a masked one."""
        ...
