"""Slack, as a notification channel: Block Kit messages (slack_blocks.py), posted through
an incoming webhook (its URL is the secret) or to a channel with a bot token
(`chat.postMessage`), and Slack's answers classified.

Both go through slack-sdk with its own retry handlers off: the Notifier retries, honouring
`429 Retry-After` and backing off on 5xx (retryable), dropping a message Slack refuses as
malformed (rejected), and keeping the others (an unknown channel, a revoked token) for
later. slack-sdk logs request URLs and headers (the webhook URL, the bearer token) at
debug level: its clients get a logger that drops everything.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from driftguard.errors import InputError
from driftguard.notify import slack_blocks
from driftguard.notify.channel import (
    Destination,
    Digest,
    Event,
    JobStatus,
    Outcome,
    Payload,
    Report,
    ScanChanges,
)
from driftguard.notify.secrets import Secrets

if TYPE_CHECKING:
    from driftguard.config import SlackRoute, SlackSettings

# Never registered with logging's manager, so nothing propagates to the root logger.
SILENT = logging.Logger("driftguard.notify.slack-sdk", level=logging.CRITICAL + 1)
SILENT.addHandler(logging.NullHandler())

# Errors that say the message itself is bad: sending it again cannot help.
REJECTED = frozenset({
    "invalid_payload", "invalid_blocks", "invalid_blocks_format", "msg_too_long",
    "msg_blocks_too_long", "invalid_arguments", "no_text", "too_many_attachments",
    "invalid_json", "json_not_object",
})


class Slack:
    name = "slack"
    title = "Slack"

    def __init__(self, settings: SlackSettings) -> None:
        self.settings = settings
        self._client: Any = None  # bot mode: one Web API client for every channel

    def destination(self, route: SlackRoute | None, secrets: Secrets) -> Destination:
        s = self.settings
        if s.mode == "bot":
            if route is None and not s.channel:
                raise InputError("slack", "bot mode needs slack.channel (the default channel)")
            if self._client is None:
                self._client = bot_client(secrets.get(s.token_env), s.api_base_url)
            channel = s.channel if route is None else route.channel
            assert channel is not None  # the config checks that routes name one
            return BotChannel(channel, self._client)
        env_name = s.webhook_url_env if route is None else route.webhook_url_env
        assert env_name is not None
        return Webhook(env_name, secrets.get(env_name))

    def owns(self, destination: str) -> bool:
        return destination.startswith(("webhook:", "channel:"))

    def render(self, event: Event) -> Payload:
        values, url = self.settings.include_values, self.settings.report_url
        match event:
            case ScanChanges():
                return slack_blocks.scan_changes(event.job, event.result, event.new,
                                                 event.resolved, include_values=values,
                                                 report_url=url)
            case Digest():
                return slack_blocks.digest(event.job, event.open_findings, event.now,
                                           include_values=values, report_url=url)
            case JobStatus():
                return slack_blocks.job_status(event.job, event.failing, event.error)
            case Report():
                return slack_blocks.report(event.result, event.findings,
                                           include_values=values, report_url=url)


# --- destinations ----------------------------------------------------------------------

@dataclass(frozen=True)
class Response:
    status: int
    error: str = ""  # Slack's error code: `invalid_blocks`, `channel_not_found`, ...
    retry_after: float | None = None


def _unconfirmed(exc: Exception, timeout: float) -> Outcome | None:
    """The outcome of an exception from slack-sdk's urllib transport, when the request had
    gone out: urllib raises URLError for what fails before the request is sent (connect,
    DNS, TLS), anything else (a read timeout, a connection closed before the answer)
    while waiting for the answer, when Slack may already have posted the message. None:
    not sent (the caller retries)."""
    from http.client import HTTPException
    from urllib.error import URLError

    if isinstance(exc, URLError) or not isinstance(exc, OSError | HTTPException):
        return None
    what = (f"no answer within {timeout:g}s" if isinstance(exc, TimeoutError)
            else f"the connection closed before the answer ({type(exc).__name__})")
    return Outcome("unconfirmed", what)


class _Destination:
    """Sends one payload (its `_post` speaks Slack's API) and says how it went: a request
    that may have reached Slack without an answer is unconfirmed, never retried."""

    def send(self, payload: Payload, timeout: float, key: str = "") -> Outcome:
        try:
            return classify(self._post(payload, timeout))
        except Exception as exc:
            outcome = _unconfirmed(exc, timeout)
            if outcome is None:
                raise
            return outcome

    def _post(self, payload: Payload, timeout: float) -> Response:
        raise NotImplementedError


class Webhook(_Destination):
    # An incoming webhook takes no idempotency key: a message that may have been posted
    # is never sent again (docs/slack.md, "Delivery").
    idempotent = False

    def __init__(self, env_name: str, url: str) -> None:
        from slack_sdk.webhook import WebhookClient

        self.name = f"webhook:{env_name}"
        self._client = WebhookClient(url=url, retry_handlers=[], logger=SILENT)

    def _post(self, payload: Payload, timeout: float) -> Response:
        self._client.timeout = timeout  # type: ignore[assignment]  # typed int, used as float
        resp = self._client.send_dict(payload)
        error = "" if resp.status_code < 300 else str(resp.body or "").strip()[:80]
        return Response(resp.status_code, error, _retry_after(resp.headers))


class BotChannel(_Destination):
    idempotent = False  # chat.postMessage takes no idempotency key either

    def __init__(self, channel: str, client: Any) -> None:
        self.name = f"channel:{channel}"
        self._channel = channel
        self._client = client

    def _post(self, payload: Payload, timeout: float) -> Response:
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


def classify(resp: Response) -> Outcome:
    """Rate limited (429) and server trouble (5xx, 408): retryable; a malformed message:
    rejected; anything else (unknown channel, revoked token): kept for a later call."""
    if 200 <= resp.status < 300:
        return Outcome("sent")
    detail = f"HTTP {resp.status}" + (f" {resp.error}" if resp.error else "")
    if resp.status == 429:
        return Outcome("failed", detail, retryable=True, retry_after=resp.retry_after)
    if resp.error in REJECTED:
        return Outcome("rejected", detail)
    return Outcome("failed", detail, retryable=resp.status >= 500 or resp.status == 408)
