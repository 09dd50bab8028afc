"""The client factory against a real endpoint (moto behind the fault proxy)."""

from __future__ import annotations

import pytest
from botocore.exceptions import BotoCoreError, ClientError
from collect.faultproxy import FaultProxy, Rule

from driftguard.collect.clients import ClientFactory
from driftguard.collect.responses import MalformedResponse


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


def test_an_error_page_is_an_aws_error_and_retried(fault_proxy: FaultProxy) -> None:
    """A 500 whose body is a load balancer's text page, not EC2's XML: the generic error
    botocore makes of such a page for REST services (code: the status), retried as 5xx."""
    fault_proxy.inject(Rule("ec2", mode="500"))
    clients = ClientFactory(max_attempts=2, endpoint_url=fault_proxy.url)
    with pytest.raises(ClientError) as caught:
        clients.client("ec2").describe_vpcs()
    assert caught.value.response["Error"] == {"Code": "500",
                                              "Message": "Internal Server Error"}
    assert len(fault_proxy.seen("ec2")) == 2


@pytest.mark.parametrize("mode", ["empty200", "garbage200", "truncate"])
def test_a_malformed_answer_is_a_botocore_error(fault_proxy: FaultProxy, mode: str) -> None:
    """Every caller's `except BotoCoreError` catches it; counted as a call, not retried."""
    fault_proxy.inject(Rule("ec2", "DescribeVpcs", mode))
    clients = ClientFactory(max_attempts=3, endpoint_url=fault_proxy.url)
    with pytest.raises(MalformedResponse, match="DescribeVpcs: HTTP 200 with") as caught:
        clients.client("ec2").describe_vpcs()
    assert isinstance(caught.value, BotoCoreError)
    assert "<DescribeVpcsResponse>" in str(caught.value)
    assert clients.stats.calls[("ec2", "DescribeVpcs")] == 1


def test_an_answer_without_a_member_the_model_requires_is_malformed(
        fault_proxy: FaultProxy) -> None:
    """`{}` parses as an answer with no endpoint configurations; SageMaker's model says
    ListEndpointConfigs always has the list (an empty one when there are none)."""
    fault_proxy.inject(Rule("sagemaker", "ListEndpointConfigs", "object200"))
    clients = ClientFactory(max_attempts=1, endpoint_url=fault_proxy.url)
    with pytest.raises(MalformedResponse, match="without EndpointConfigs, which the service"):
        clients.client("sagemaker").list_endpoint_configs()
    fault_proxy.inject()
    assert clients.client("sagemaker").list_endpoint_configs()["EndpointConfigs"] == []
