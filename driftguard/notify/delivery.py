"""Posting one message to Slack, with bounded retries.

Two kinds of destination: an incoming webhook (its URL is the secret) and a channel
reached with a bot token through `chat.postMessage`. Both go through slack-sdk with its
own retry handlers off: the retries here honour `429 Retry-After`, back off on 5xx and
connection errors, and stop at a deadline, so that a Slack outage costs a scan at most
`slack.max_wait` seconds. slack-sdk logs request URLs and headers (the webhook URL, the
bearer token) at debug level: its clients get a logger that drops everything.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from driftguard.notify.secrets import Redactor

log = logging.getLogger(__name__)

# Never registered with logging's manager, so nothing propagates to the root logger.
SILENT = logging.Logger("driftguard.notify.slack-sdk", level=logging.CRITICAL + 1)
SILENT.addHandler(logging.NullHandler())

# Errors that say the message itself is bad: sending it again cannot help.
REJECTED = frozenset({
    "invalid_payload", "invalid_blocks", "invalid_blocks_format", "msg_too_long",
    "msg_blocks_too_long", "invalid_arguments", "no_text", "too_many_attachments",
    "invalid_json", "json_not_object",
})
MAX_BACKOFF = 8.0


@dataclass(frozen=True)
class Response:
    status: int
    error: str = ""  # Slack's error code: `invalid_blocks`, `channel_not_found`, ...
    retry_after: float | None = None


@dataclass(frozen=True)
class Outcome:
    """`sent`; `rejected` (the message is bad: drop it); `failed` (keep it for later)."""

    status: Literal["sent", "rejected", "failed"]
    detail: str = ""
    retry_after: float | None = None  # Slack asked for this pause (429) before giving up


class Destination(Protocol):
    name: str  # stable and secret-free: the outbox keys messages by it

    def post(self, payload: dict[str, Any], timeout: float) -> Response: ...


class Webhook:
    def __init__(self, env_name: str, url: str) -> None:
        from slack_sdk.webhook import WebhookClient

        self.name = f"webhook:{env_name}"
        self._client = WebhookClient(url=url, retry_handlers=[], logger=SILENT)

    def post(self, payload: dict[str, Any], timeout: float) -> Response:
        self._client.timeout = timeout  # type: ignore[assignment]
        resp = self._client.send_dict(payload)
        error = "" if resp.status_code < 300 else str(resp.body or "").strip()[:80]
        return Response(resp.status_code, error, _retry_after(resp.headers))


class Channel:
    def __init__(self, channel: str, client: Any) -> None:
        self.name = f"channel:{channel}"
        self._channel = channel
        self._client = client

    def post(self, payload: dict[str, Any], timeout: float) -> Response:
        from slack_sdk.errors import SlackApiError

        self._client.timeout = timeout
        try:
            self._client.chat_postMessage(channel=self._channel, **payload)
        except SlackApiError as exc:
            resp = exc.response
            status = resp.status_code if resp.status_code != 200 else 400  # ok: false
            error = resp.data.get("error", "") if isinstance(resp.data, dict) else ""
            return Response(status, str(error)[:80], _retry_after(resp.headers))
        return Response(200)


def bot_client(token: str, base_url: str) -> Any:
    from slack_sdk import WebClient

    return WebClient(token=token, base_url=base_url.rstrip("/") + "/", retry_handlers=[],
                     logger=SILENT)


def _retry_after(headers: Any) -> float | None:
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            value = value[0] if isinstance(value, list) else value
            try:
                return max(0.0, float(value))
            except (TypeError, ValueError):
                return None
    return None


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

    def send(self, dest: Destination, payload: dict[str, Any], deadline: float) -> Outcome:
        attempt = 0
        while True:
            remaining = deadline - self.clock()
            if remaining <= 0:
                return Outcome("failed", "out of time")
            try:
                resp = dest.post(payload, timeout=min(self.timeout, remaining))
            except Exception as exc:  # connection refused, timeout, bad URL...: never raise
                outcome, wait = Outcome("failed", self._describe(exc)), _backoff(attempt)
            else:
                outcome, wait = _classify(resp), _wait(resp, attempt)
            if outcome.status != "failed" or wait is None:
                return outcome
            if self.clock() + wait > deadline:
                return outcome
            self.sleep(wait)
            attempt += 1

    def _describe(self, exc: Exception) -> str:
        return self.redact(f"{type(exc).__name__}: {exc}")[:200]


def _classify(resp: Response) -> Outcome:
    if 200 <= resp.status < 300:
        return Outcome("sent")
    detail = f"HTTP {resp.status}" + (f" {resp.error}" if resp.error else "")
    if resp.status == 429:
        return Outcome("failed", detail, resp.retry_after)
    if resp.error in REJECTED:
        return Outcome("rejected", detail)
    return Outcome("failed", detail)


def _wait(resp: Response, attempt: int) -> float | None:
    """Seconds before the next try now, or None: not worth retrying in this call (an
    unknown channel or a revoked token stays so until someone fixes the config)."""
    if resp.status == 429:
        return resp.retry_after if resp.retry_after is not None else _backoff(attempt)
    if resp.status >= 500 or resp.status == 408:
        return _backoff(attempt)
    return None


def _backoff(attempt: int) -> float:
    return min(MAX_BACKOFF, 0.5 * 2 ** attempt) + random.uniform(0, 0.25)
