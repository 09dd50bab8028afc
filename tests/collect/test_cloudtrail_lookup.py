"""LookupEvents for attribution (collect/cloudtrail.py), on its own budget and cache.

moto does not implement CloudTrail's LookupEvents, so these tests answer it with
botocore's Stubber on a real botocore client: the Stubber checks each request's parameters
and each canned answer against CloudTrail's service model, as AWS would shape them. The
trail's log files in S3 are tested on moto's server (tests/scan/test_scan_attribution.py).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from driftguard.collect.cloudtrail import LookupCache, attribute
from driftguard.config import AttributionSettings
from driftguard.model import Attribution, Drift

ACCOUNT = "123456789012"
NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


class StubbedClients:
    """A client factory whose CloudTrail clients (one per region) answer from a Stubber."""

    def __init__(self) -> None:
        self.stubs: dict[str, Stubber] = {}
        self.clients: dict[str, Any] = {}

    def stub(self, region: str) -> Stubber:
        if region not in self.stubs:
            client = boto3.client("cloudtrail", region_name=region, aws_access_key_id="x",
                                  aws_secret_access_key="x")
            self.clients[region], self.stubs[region] = client, Stubber(client)
            self.stubs[region].activate()
        return self.stubs[region]

    def client(self, service: str, region: str | None = None,
               max_attempts: int | None = None) -> Any:
        assert service == "cloudtrail" and max_attempts == 2  # one retry: never a long wait
        self.stub(region or "eu-west-1")
        return self.clients[region or "eu-west-1"]

    def done(self) -> None:
        for stub in self.stubs.values():
            stub.assert_no_pending_responses()


def event(name: str, resource: str, when: dt.datetime, identity: dict[str, Any],
          agent: str = "aws-cli/2.15.0 Python/3.11.6") -> dict[str, Any]:
    record = {"eventVersion": "1.09", "userIdentity": identity,
              "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "eventSource": "ec2.amazonaws.com",
              "eventName": name, "awsRegion": "eu-west-1", "userAgent": agent,
              "requestParameters": {"resource": resource}, "readOnly": False,
              "eventID": f"ev-{name}", "eventType": "AwsApiCall"}
    return {"EventId": f"ev-{name}", "EventName": name, "ReadOnly": "false",
            "EventTime": when, "EventSource": "ec2.amazonaws.com", "Username": "alice",
            "Resources": [{"ResourceType": "AWS::EC2::Instance", "ResourceName": resource}],
            "CloudTrailEvent": json.dumps(record)}


def sso(session: str) -> dict[str, Any]:
    role = "AWSReservedSSO_PowerUser_89abcdef01234567"
    return {"type": "AssumedRole", "principalId": f"AROA:{session}",
            "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session}",
            "accountId": ACCOUNT, "sessionContext": {"sessionIssuer": {
                "type": "Role", "arn": f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/"
                f"sso.amazonaws.com/eu-west-1/{role}", "userName": role}}}


def expect(stub: Stubber, resource: str, events: list[dict[str, Any]]) -> None:
    stub.add_response("lookup_events", {"Events": events}, expected_params={
        "LookupAttributes": [{"AttributeKey": "ResourceName", "AttributeValue": resource}],
        "StartTime": ANY, "EndTime": ANY, "MaxResults": 50})


def drift(kind: str, ident: str, region: str | None = "eu-west-1",
          rtype: str = "aws_instance") -> Drift:
    return Drift(kind=kind, type=rtype, id=ident, address=ident, account=ACCOUNT,  # type: ignore[arg-type]
                 region=region)


class Clock:
    def __init__(self) -> None:
        self.now, self.slept = 0.0, []  # type: ignore[var-annotated]

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def run(clients: StubbedClients, drifts: list[Drift], clock: Clock | None = None,
        cache: LookupCache | None = None, **settings: Any) -> dict[str, Any]:
    clock = clock or Clock()
    return attribute(AttributionSettings(**settings), drifts, clients, ACCOUNT,
                     ["eu-west-1"], NOW, cache=cache or LookupCache(clock=clock),
                     clock=clock, sleep=clock.sleep)


def test_each_drift_gets_its_likely_event_within_the_rate() -> None:
    clients, clock = StubbedClients(), Clock()
    day = dt.timedelta(days=1)
    changed, missing = drift("changed", "i-0aaa"), drift("missing", "vol-0bbb")
    stray = drift("unmanaged", "ml-scratch", region=None, rtype="aws_iam_role")
    expect(clients.stub("eu-west-1"), "i-0aaa", [
        event("ModifyInstanceAttribute", "i-0aaa", NOW - day, sso("alice@example.com")),
        event("RunInstances", "i-0aaa", NOW - 30 * day, sso("bob@example.com"))])
    expect(clients.stub("eu-west-1"), "vol-0bbb", [
        event("DeleteVolume", "vol-0bbb", NOW - 2 * day, sso("carol@example.com"))])
    expect(clients.stub("us-east-1"), "ml-scratch", [])  # IAM's calls are logged there
    out = run(clients, [changed, missing, stray], clock)
    clients.done()
    a = out[changed.fingerprint]
    assert isinstance(a, Attribution)
    assert (a.principal, a.api_call, a.source, a.evidence, a.time) == (
        "SSO permission set PowerUser (session alice@example.com)",
        "ec2:ModifyInstanceAttribute", "cli", "lookup_events", NOW - day)
    assert out[missing.fingerprint].api_call == "ec2:DeleteVolume"
    assert out[stray.fingerprint] == ("no event of LookupEvents (the last 90 days) names it")
    assert clock.slept == [1.0, 1.0]  # one call a second: below AWS's two


def test_answers_are_cached_across_scans() -> None:
    clients, clock = StubbedClients(), Clock()
    cache = LookupCache(ttl=900, clock=clock)
    changed = drift("changed", "i-0aaa")
    expect(clients.stub("eu-west-1"), "i-0aaa", [
        event("ModifyInstanceAttribute", "i-0aaa", NOW, sso("alice@example.com"))])
    first = run(clients, [changed], clock, cache)
    second = run(clients, [changed], clock, cache)  # a second call would find no answer
    clients.done()
    assert first == second
    clock.now += 901
    expect(clients.stub("eu-west-1"), "i-0aaa", [])
    assert isinstance(run(clients, [changed], clock, cache)[changed.fingerprint], str)
    clients.done()


def test_the_budget_leaves_the_rest_unattributed_and_says_so() -> None:
    clients = StubbedClients()
    one, two = drift("changed", "i-0aaa"), drift("changed", "i-0bbb")
    expect(clients.stub("eu-west-1"), "i-0aaa", [])
    out = run(clients, [one, two], max_lookups=1)
    clients.done()
    assert out[two.fingerprint] == "LookupEvents budget spent (1 call, 0s of 30s)"


def test_access_denied_stops_asking_and_says_why() -> None:
    clients = StubbedClients()
    one, two = drift("changed", "i-0aaa"), drift("missing", "i-0bbb")
    clients.stub("eu-west-1").add_client_error(
        "lookup_events", "AccessDeniedException", "User is not authorized to perform: "
        "cloudtrail:LookupEvents", 400)
    out = run(clients, [one, two])
    clients.done()
    reason = ("LookupEvents: access denied: AccessDeniedException: User is not authorized "
              "to perform: cloudtrail:LookupEvents")
    assert out == {one.fingerprint: reason, two.fingerprint: reason}


def test_no_account_no_attribution() -> None:
    one = drift("changed", "i-0aaa")
    out = attribute(AttributionSettings(), [one], StubbedClients(), None, ["eu-west-1"], NOW)
    assert out == {one.fingerprint: "the account could not be identified"}


@pytest.mark.parametrize("kind", ["changed", "missing", "unmanaged"])
def test_every_drift_class_is_attributed(kind: str) -> None:
    clients = StubbedClients()
    d = drift(kind, "i-0ccc")
    expect(clients.stub("eu-west-1"), "i-0ccc", [
        event("StopInstances", "i-0ccc", NOW, sso("dan@example.com"))])
    assert run(clients, [d])[d.fingerprint].api_call == "ec2:StopInstances"
