"""One client factory: retries, per-region caching, endpoint override, call accounting,
assumed-role credentials that refresh themselves, a per-service rate budget, and answers
held to the service model (responses.py: a malformed answer is a failed call)."""

from __future__ import annotations

import functools
import os
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import boto3
import botocore.session
from botocore.config import Config as BotoConfig
from botocore.credentials import AssumeRoleCredentialFetcher, DeferredRefreshableCredentials

from driftguard.aws_errors import THROTTLING_CODES
from driftguard.catalog.services import default_rates
from driftguard.collect.ratelimit import TokenBucket
from driftguard.collect.responses import checked
from driftguard.config import AccountSettings, AwsSettings


def endpoint(url: str | None) -> str | None:
    """The AWS endpoint to use: `url` or $AWS_ENDPOINT_URL, without any `user:password@`.

    botocore never sends a URL's userinfo (requests are signed with the AWS credentials),
    but it quotes the endpoint in its errors ("Could not connect to the endpoint URL:
    ..."), and those become not-checked reasons, /readyz, log lines and Slack messages.
    Dropping it here, where every client's endpoint passes, keeps it out of all of them."""
    url = url or os.environ.get("AWS_ENDPOINT_URL") or None
    if url is None or "@" not in url:
        return url
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def environment_region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


class RateBudget:
    """A token bucket per (service, region), as AWS counts its limits; share one between
    the client factories of an account so that its units together stay under them."""

    def __init__(self, rates: dict[str, float] | None = None) -> None:
        self._rates = {**default_rates(), **(rates or {})}
        self._buckets: dict[tuple[str, str | None], TokenBucket] = {}
        self._lock = threading.Lock()

    def acquire(self, service: str, region: str | None = None) -> None:
        rate = self._rates.get(service)
        if rate is None:
            return
        with self._lock:
            bucket = self._buckets.setdefault((service, region), TokenBucket(rate))
        bucket.acquire()


def assumed_role_session(base: boto3.Session, role_arn: str, external_id: str | None,
                         region: str, endpoint_url: str | None) -> boto3.Session:
    """A session whose credentials come from sts:AssumeRole, fetched on first use and
    refreshed by botocore before they expire (long-running daemons outlive the hour)."""
    extra: dict[str, Any] = {"RoleSessionName": "driftguard"}
    if external_id:
        extra["ExternalId"] = external_id
    fetcher = AssumeRoleCredentialFetcher(
        client_creator=functools.partial(base._session.create_client,  # noqa: SLF001
                                         region_name=region, endpoint_url=endpoint(endpoint_url)),
        source_credentials=base.get_credentials(), role_arn=role_arn, extra_args=extra)
    core = botocore.session.Session()
    core._credentials = DeferredRefreshableCredentials(  # noqa: SLF001 - botocore's own way
        method="assume-role", refresh_using=fetcher.fetch_credentials)
    # One loader for all accounts: it caches the parsed service models (EC2's alone takes
    # a quarter second to load), which a session per account would otherwise reload.
    core.register_component("data_loader", base._session.get_component("data_loader"))
    return checked(boto3.Session(botocore_session=core))


# Told of each retry and each throttle as it happens: (event, service, region, operation),
# event "retry" or "throttle"; operation as the API names it (DescribeInstances).
ApiWatcher = Callable[[str, str, str, str], None]


@dataclass
class ApiStats:
    """AWS API calls (HTTP attempts, retries included) and throttles, per service/operation;
    and the watchers told of retries and throttles as they happen (a scan's progress)."""

    calls: Counter[tuple[str, str]] = field(default_factory=Counter)
    throttles: Counter[tuple[str, str]] = field(default_factory=Counter)
    watchers: list[ApiWatcher] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def reset(self) -> None:
        """Start counting afresh (a factory reused for the next scan of its unit)."""
        with self._lock:
            self.calls.clear()
            self.throttles.clear()

    def on_send(self, service: str, event_name: str = "", **_: Any) -> None:
        """botocore's before-send fires before every HTTP attempt (also those whose answer
        then cannot be used); must return None, else botocore takes it for the answer."""
        key = (service, event_name.rsplit(".", 1)[-1])
        with self._lock:
            self.calls[key] += 1

    def on_attempt(self, region: str = "", response: Any = None, operation: Any = None,
                   **_: Any) -> None:
        """botocore's needs-retry fires after every answered attempt; must return None."""
        if operation is None:
            return
        key = (operation.service_model.service_name, operation.name)
        parsed = response[1] if isinstance(response, tuple) and len(response) > 1 else {}
        code = ((parsed or {}).get("Error") or {}).get("Code")
        if code in THROTTLING_CODES:
            with self._lock:
                self.throttles[key] += 1
            self._tell("throttle", key[0], region, key[1])

    def on_request(self, service: str, region: str, request: Any = None,
                   operation_name: str = "", **_: Any) -> None:
        """botocore's request-created fires before every attempt; its context counts them
        (attempt 2 and later are retries). Must return None."""
        context = getattr(request, "context", None) or {}
        if (context.get("retries") or {}).get("attempt", 1) > 1:
            self._tell("retry", service, region, operation_name)

    def _tell(self, event: str, service: str, region: str, operation: str) -> None:
        for watcher in list(self.watchers):
            watcher(event, service, region, operation)


class ClientFactory:
    """boto3 clients with botocore retries (standard or adaptive), one per (service, region).

    Credentials come from `session` (default: the standard chain; AccountClients passes
    an assumed-role one). The endpoint is the config's, else $AWS_ENDPOINT_URL.
    """

    def __init__(
        self,
        *,
        retry_mode: str = "standard",
        max_attempts: int = 5,
        endpoint_url: str | None = None,
        default_region: str | None = None,
        max_pool_connections: int = 32,
        timeout: float = 30.0,
        session: boto3.Session | None = None,
        budget: RateBudget | None = None,
    ) -> None:
        self.endpoint_url = endpoint(endpoint_url)
        self.default_region = default_region or environment_region()
        self.stats = ApiStats()
        self._config = BotoConfig(
            # botocore's `max_attempts` counts retries (N sends N + 1 requests);
            # `total_max_attempts` counts every request, the first one included, which is
            # what aws.max_attempts promises.
            retries={"mode": retry_mode, "total_max_attempts": max_attempts},
            max_pool_connections=max_pool_connections,
            connect_timeout=timeout,
            read_timeout=timeout,
        )
        self.budget = budget or RateBudget()
        self._session = checked(session or boto3.Session())
        self._clients: dict[tuple[str, str, int | None], Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str, region: str | None = None,
               max_attempts: int | None = None) -> Any:
        """`max_attempts`: fewer requests per call than the configured ones, for a call that
        must not hold the scan up (attribution's LookupEvents)."""
        region = region or self.default_region
        key = (service, region, max_attempts)
        with self._lock:
            if key not in self._clients:
                self._clients[key] = self._new_client(service, region, max_attempts)
            return self._clients[key]

    def _new_client(self, service: str, region: str, max_attempts: int | None = None) -> Any:
        config = self._config if max_attempts is None else self._config.merge(BotoConfig(
            retries={"mode": self._config.retries["mode"], "total_max_attempts": max_attempts}))
        client = self._session.client(service, region_name=region, endpoint_url=self.endpoint_url,
                                      config=config)
        client.meta.events.register("before-send", functools.partial(
            self.stats.on_send, client.meta.service_model.service_name))
        client.meta.events.register("needs-retry", functools.partial(
            self.stats.on_attempt, region))
        client.meta.events.register("request-created", functools.partial(
            self.stats.on_request, client.meta.service_model.service_name, region))
        return client


class AccountClients:
    """Client factories per (account, region) over one session and one rate budget per
    account.

    Sessions and budgets live as long as this object (credentials refresh themselves).
    Factories are kept for the most recent units only: a unit's clients cost about 2 MB,
    which thousands of units would turn into gigabytes, while making them again costs
    ~0.07 s of CPU per unit and scan."""

    def __init__(self, aws: AwsSettings, base: boto3.Session | None = None) -> None:
        self._aws = aws
        self._base = checked(base or boto3.Session())
        self._shared: dict[tuple[str | None, str | None], tuple[boto3.Session, RateBudget]] = {}
        self._factories: OrderedDict[tuple[str | None, str | None, str], ClientFactory] = (
            OrderedDict())
        self._keep = max(16, 4 * aws.max_units)
        self._lock = threading.Lock()

    def factory(self, role_arn: str | None, external_id: str | None, region: str | None
                ) -> ClientFactory:
        """`region` None: the environment's default region."""
        region = region or environment_region()
        aws = self._aws
        with self._lock:
            key = (role_arn, external_id, region)
            if key in self._factories:
                self._factories.move_to_end(key)
                return self._factories[key]
            if (role_arn, external_id) not in self._shared:
                session = (assumed_role_session(self._base, role_arn, external_id, region,
                                                aws.endpoint_url) if role_arn else self._base)
                self._shared[(role_arn, external_id)] = (session, RateBudget(aws.rates))
            session, budget = self._shared[(role_arn, external_id)]
            made = ClientFactory(retry_mode=aws.retry_mode, max_attempts=aws.max_attempts,
                                 endpoint_url=aws.endpoint_url, default_region=region,
                                 timeout=aws.timeout, session=session, budget=budget)
            self._factories[key] = made
            if len(self._factories) > self._keep:
                self._factories.popitem(last=False)
            return made

    def configured(self) -> ClientFactory:
        """The account the `aws` settings name: their role (or none), their first region."""
        return self.factory(self._aws.role_arn, self._aws.external_id, self._first_region())

    def for_account(self, account: AccountSettings) -> ClientFactory:
        return self.factory(account.role_arn, account.external_id, self._first_region())

    def _first_region(self) -> str | None:
        return self._aws.regions[0] if self._aws.regions else None
