"""One client factory: retries, per-region caching, endpoint override, call accounting."""

from __future__ import annotations

import os
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config as BotoConfig

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
    ) -> None:
        self.endpoint_url = endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None
        self.default_region = (default_region or os.environ.get("AWS_REGION")
                               or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1")
        self.stats = ApiStats()
        self._config = BotoConfig(
            retries={"mode": retry_mode, "max_attempts": max_attempts},
            max_pool_connections=max_pool_connections,
            connect_timeout=timeout,
            read_timeout=timeout,
        )
        self._session = session or boto3.Session()
        self._role = (role_arn, external_id)
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
        session = self._assumed_session() if self._role[0] else self._session
        client = session.client(service, region_name=region, endpoint_url=self.endpoint_url,
                                config=self._config)
        client.meta.events.register("needs-retry", self.stats.on_attempt)
        return client

    def _assumed_session(self) -> boto3.Session:
        role_arn, external_id = self._role
        sts = self._session.client("sts", region_name=self.default_region,
                                   endpoint_url=self.endpoint_url, config=self._config)
        params = {"RoleArn": role_arn, "RoleSessionName": "driftguard"}
        if external_id:
            params["ExternalId"] = external_id
        creds = sts.assume_role(**params)["Credentials"]
        return boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                             aws_secret_access_key=creds["SecretAccessKey"],
                             aws_session_token=creds["SessionToken"])
