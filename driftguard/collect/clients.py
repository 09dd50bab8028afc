"""One client factory: retries, per-region caching, endpoint override, call accounting,
assumed-role credentials that refresh themselves, and a per-service rate budget."""

from __future__ import annotations

import functools
import os
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.session
from botocore.config import Config as BotoConfig
from botocore.credentials import AssumeRoleCredentialFetcher, DeferredRefreshableCredentials

from driftguard.collect.ratelimit import TokenBucket

# Sustained request rates per account and region that stay below AWS's documented
# throttling limits: EC2's token bucket for Describe* calls refills at 20/s per account
# and region; S3 serves thousands of GETs per second per prefix; RDS, ECR and KMS read
# APIs allow tens to hundreds per second.
DEFAULT_RATES = {"s3": 100.0, "ec2": 20.0, "rds": 20.0, "ecr": 20.0, "kms": 50.0}


def environment_region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


class RateBudget:
    """A token bucket per (service, region), as AWS counts its limits; share one between
    the client factories of an account so that its units together stay under them."""

    def __init__(self, rates: dict[str, float] | None = None) -> None:
        self._rates = {**DEFAULT_RATES, **(rates or {})}
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
                                         region_name=region, endpoint_url=endpoint_url),
        source_credentials=base.get_credentials(), role_arn=role_arn, extra_args=extra)
    core = botocore.session.Session()
    core._credentials = DeferredRefreshableCredentials(  # noqa: SLF001 - botocore's own way
        method="assume-role", refresh_using=fetcher.fetch_credentials)
    # One loader for all accounts: it caches the parsed service models (EC2's alone takes
    # a quarter second to load), which a session per account would otherwise reload.
    core.register_component("data_loader", base._session.get_component("data_loader"))
    return boto3.Session(botocore_session=core)

THROTTLING_CODES = {
    "Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded",
    "TooManyRequestsException", "SlowDown", "RequestThrottled", "RequestThrottledException",
}


@dataclass
class ApiStats:
    """AWS API calls (HTTP attempts, retries included) and throttles, per service/operation."""

    calls: Counter[tuple[str, str]] = field(default_factory=Counter)
    throttles: Counter[tuple[str, str]] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def reset(self) -> None:
        """Start counting afresh (a factory reused for the next scan of its unit)."""
        with self._lock:
            self.calls.clear()
            self.throttles.clear()

    def on_attempt(self, response: Any = None, operation: Any = None, **_: Any) -> None:
        """botocore's needs-retry fires after every HTTP attempt; must return None."""
        if operation is None:
            return
        key = (operation.service_model.service_name, operation.name)
        parsed = response[1] if isinstance(response, tuple) and len(response) > 1 else {}
        code = ((parsed or {}).get("Error") or {}).get("Code")
        with self._lock:
            self.calls[key] += 1
            if code in THROTTLING_CODES:
                self.throttles[key] += 1


class ClientFactory:
    """boto3 clients with botocore retries (standard or adaptive), one per (service, region).

    Credentials come from the standard chain, or from an assumed role when given. The
    endpoint is the config's, else $AWS_ENDPOINT_URL (botocore reads that itself).
    """

    def __init__(
        self,
        *,
        retry_mode: str = "standard",
        max_attempts: int = 5,
        endpoint_url: str | None = None,
        role_arn: str | None = None,
        external_id: str | None = None,
        default_region: str | None = None,
        max_pool_connections: int = 32,
        timeout: float = 30.0,
        session: boto3.Session | None = None,
        budget: RateBudget | None = None,
    ) -> None:
        self.endpoint_url = endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None
        self.default_region = default_region or environment_region()
        self.stats = ApiStats()
        self._config = BotoConfig(
            retries={"mode": retry_mode, "max_attempts": max_attempts},
            max_pool_connections=max_pool_connections,
            connect_timeout=timeout,
            read_timeout=timeout,
        )
        self.budget = budget or RateBudget()
        self._session = session or boto3.Session()
        if role_arn:
            self._session = assumed_role_session(self._session, role_arn, external_id,
                                                 self.default_region, self.endpoint_url)
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str, region: str | None = None) -> Any:
        region = region or self.default_region
        key = (service, region)
        with self._lock:
            if key not in self._clients:
                self._clients[key] = self._new_client(service, region)
            return self._clients[key]

    def _new_client(self, service: str, region: str) -> Any:
        client = self._session.client(service, region_name=region, endpoint_url=self.endpoint_url,
                                config=self._config)
        client.meta.events.register("needs-retry", self.stats.on_attempt)
        return client
