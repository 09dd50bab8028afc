"""The client factory against a real endpoint (moto behind the fault proxy)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from collect.faultproxy import FaultProxy, Rule

from driftguard.collect.clients import ClientFactory


@pytest.mark.parametrize("attempts", [1, 2])
def test_max_attempts_counts_every_request(fault_proxy: FaultProxy, attempts: int) -> None:
    """aws.max_attempts N sends N requests in all (botocore's own `max_attempts` would
    send N + 1: it counts the retries only)."""
    fault_proxy.inject(Rule("sts", mode="throttle"))
    clients = ClientFactory(max_attempts=attempts, endpoint_url=fault_proxy.url)
    with pytest.raises(ClientError, match="Throttling"):
        clients.client("sts").get_caller_identity()
    assert len(fault_proxy.seen("sts")) == attempts
    assert clients.stats.calls[("sts", "GetCallerIdentity")] == attempts
