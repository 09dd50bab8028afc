"""What moto's server cannot play, played by botocore's Stubber: the collector's own calls
(the engine, the spec's details, their missing_ok codes) against responses that Stubber
checks against the service model (required members, types, enums), and requests it
checks against the parameters expected here.

Each test names what moto lacks. The collector runs with one detail worker, so the calls
come in the order the spec lists them, item by item, as Stubber expects them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import boto3
from botocore.stub import Stubber
from cases import ACCOUNT, REGION

from driftguard.catalog import spec_for
from driftguard.collect.clients import ClientFactory
from driftguard.collect.engine import Collector, Inventory

NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


class StubbedFactory(ClientFactory):
    """Clients with no endpoint behind them: every call is answered by its Stubber."""

    def __init__(self) -> None:
        super().__init__(default_region=REGION, session=boto3.Session(
            aws_access_key_id="x", aws_secret_access_key="x", region_name=REGION))
        self.stubs: dict[str, Stubber] = {}

    def _new_client(self, service: str, region: str, max_attempts: int | None = None) -> Any:
        client = super()._new_client(service, region, max_attempts)
        self.stubs[service] = Stubber(client)
        self.stubs[service].activate()
        return client

    def stub(self, service: str) -> Stubber:
        self.client(service)
        return self.stubs[service]


def collect(tf_type: str, play: Callable[[StubbedFactory], None]) -> Inventory:
    factory = StubbedFactory()
    play(factory)
    inventory = Collector(factory, account=ACCOUNT, max_workers=1).collect([tf_type],
                                                                           [REGION])
    for stub in factory.stubs.values():
        stub.assert_no_pending_responses()
    return inventory


def key_arn(key: str) -> str:
    return f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key}"


def key_metadata(key: str, spec: str, usage: str) -> dict[str, Any]:
    return {"KeyMetadata": {
        "AWSAccountId": ACCOUNT, "KeyId": key, "Arn": key_arn(key), "CreationDate": NOW,
        "Enabled": True, "Description": "", "KeyUsage": usage, "KeyState": "Enabled",
        "Origin": "AWS_KMS", "KeyManager": "CUSTOMER", "KeySpec": spec, "MultiRegion": False}}


def test_kms_rotation_period_and_keys_that_cannot_rotate() -> None:
    """moto leaves RotationPeriodInDays out of GetKeyRotationStatus, and answers the call
    for an asymmetric key, where AWS refuses it (UnsupportedOperationException: such keys
    cannot rotate). Refused, the key reads not rotating, and the type is still checked."""
    data, signing = "1234abcd-12ab-34cd-56ef-1234567890ab", "0987dcba-09fe-87dc-65ba-ab0987654321"

    def play(factory: StubbedFactory) -> None:
        kms = factory.stub("kms")
        kms.add_response("list_keys", {"Keys": [
            {"KeyId": data, "KeyArn": key_arn(data)},
            {"KeyId": signing, "KeyArn": key_arn(signing)}], "Truncated": False}, {"Limit": 1000})
        kms.add_response("describe_key", key_metadata(data, "SYMMETRIC_DEFAULT",
                                                      "ENCRYPT_DECRYPT"), {"KeyId": data})
        kms.add_response("get_key_rotation_status", {
            "KeyRotationEnabled": True, "KeyId": key_arn(data), "RotationPeriodInDays": 180,
            "NextRotationDate": NOW}, {"KeyId": data})
        kms.add_response("list_resource_tags", {"Tags": [], "Truncated": False},
                         {"KeyId": data})
        kms.add_response("describe_key", key_metadata(signing, "RSA_2048", "SIGN_VERIFY"),
                         {"KeyId": signing})
        kms.add_client_error("get_key_rotation_status", "UnsupportedOperationException",
                             "arn is not a symmetric key", 400,
                             expected_params={"KeyId": signing})
        kms.add_response("list_resource_tags", {"Tags": [], "Truncated": False},
                         {"KeyId": signing})

    inventory = collect("aws_kms_key", play)
    assert inventory.not_checked == []
    found = {r.id: r.attributes for r in inventory.resources}
    assert (found[data]["key_rotation_enabled"], found[data]["rotation_period_in_days"],
            found[data]["key_spec"]) == (True, 180, "SYMMETRIC_DEFAULT")
    assert (found[signing]["key_rotation_enabled"], found[signing]["rotation_period_in_days"],
            found[signing]["key_spec"]) == (False, None, "RSA_2048")


def test_iam_user_permissions_boundary() -> None:
    """moto's GetUser never returns PermissionsBoundary (and it lacks
    PutUserPermissionsBoundary); AWS returns it, with the tags, in GetUser only."""
    boundary = f"arn:aws:iam::{ACCOUNT}:policy/ml-boundary"
    user = {"Path": "/automation/", "UserName": "ci-deployer", "UserId": "AIDACKCEVSQ6C2EXAMPLE",
            "Arn": f"arn:aws:iam::{ACCOUNT}:user/automation/ci-deployer", "CreateDate": NOW}

    def play(factory: StubbedFactory) -> None:
        iam = factory.stub("iam")
        iam.add_response("list_users", {"Users": [user], "IsTruncated": False},
                         {"MaxItems": 1000})
        iam.add_response("get_user", {"User": {
            **user, "PermissionsBoundary": {
                "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                "PermissionsBoundaryArn": boundary},
            "Tags": [{"Key": "team", "Value": "ml"}]}}, {"UserName": "ci-deployer"})

    inventory = collect("aws_iam_user", play)
    assert [(r.id, r.region, r.attributes) for r in inventory.resources] == [
        ("ci-deployer", None, {"name": "ci-deployer", "path": "/automation/",
                               "permissions_boundary": boundary, "tags": {"team": "ml"}})]


def test_a_requester_managed_vpc_endpoint_is_aws_own() -> None:
    """moto cannot make an endpoint that a service manages for you (RequesterManaged);
    AWS lists such endpoints with the account's own."""
    def endpoint(ident: str, managed: bool) -> dict[str, Any]:
        return {"VpcEndpointId": ident, "VpcEndpointType": "Interface", "VpcId": "vpc-0aaa",
                "ServiceName": f"com.amazonaws.vpce.{REGION}.vpce-svc-0bbb",
                "State": "available", "RouteTableIds": [], "SubnetIds": ["subnet-0ccc"],
                "Groups": [], "PrivateDnsEnabled": False, "RequesterManaged": managed,
                "NetworkInterfaceIds": ["eni-0ddd"], "DnsEntries": [],
                "CreationTimestamp": NOW, "Tags": [], "OwnerId": ACCOUNT}

    def play(factory: StubbedFactory) -> None:
        factory.stub("ec2").add_response("describe_vpc_endpoints", {"VpcEndpoints": [
            endpoint("vpce-0made", True), endpoint("vpce-0ours", False),
            {**endpoint("vpce-0gone", False), "State": "deleted"}]}, {"MaxResults": 1000})

    inventory = collect("aws_vpc_endpoint", play)
    spec = spec_for("aws_vpc_endpoint")
    assert spec is not None and spec.aws_default is not None
    assert {r.id: spec.aws_default(r.attributes) for r in inventory.resources} == {
        "vpce-0made": True, "vpce-0ours": False}
