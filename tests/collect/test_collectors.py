"""The generic collector against moto's server (real HTTP), one case per catalog type.

Each case (tests/collect/cases/<type>.py) builds resources with boto3 with distinctive
settings; the test collects the type and checks every attribute the spec reads live, and
the API calls the collection made: one list call per page, each detail call once per
resource, nothing else. The cases are found by the catalog's type names: a new type needs
its case file, and nothing else here.
"""

from __future__ import annotations

import functools
import importlib
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import jmespath
import pytest
from cases import ACCOUNT, AMI, REGION, Built, ami

from driftguard.catalog import spec_for, specs
from driftguard.catalog.spec import ResourceSpec
from driftguard.collect.clients import ClientFactory, RateBudget
from driftguard.collect.engine import Collector, Inventory
from driftguard.model import Resource

CASES = Path(__file__).parent / "cases"


def case_file(tf_type: str) -> Path:
    return CASES / f"{tf_type}.py"


def builder(tf_type: str) -> Callable[[], Built]:
    """The `build` of the type's case module; a clear failure when there is none."""
    path = case_file(tf_type)
    if not path.is_file():
        pytest.fail(f"{tf_type} has no collector case: add {path.relative_to(CASES.parents[2])} "
                    "defining `build() -> Built` (see tests/collect/cases/__init__.py)",
                    pytrace=False)
    build = getattr(importlib.import_module(f"cases.{tf_type}"), "build", None)
    if not callable(build):
        pytest.fail(f"{path.name} defines no `build() -> Built`", pytrace=False)
    return build


# --- helpers ------------------------------------------------------------------------------

def live_attr_names(spec: ResourceSpec) -> set[str]:
    return {a.name for a in spec.attrs if a.live}


@functools.cache
def shared_session() -> boto3.Session:
    """One session for these tests: botocore loads its service models once. (The keys it
    caches are the `aws` fixture's, the same in every test.)"""
    return boto3.Session()


def factory_for(endpoint: str) -> ClientFactory:
    return ClientFactory(endpoint_url=endpoint, default_region=REGION,
                         session=shared_session())


def collect(endpoint: str, types: list[str], regions: list[str]
            ) -> tuple[ClientFactory, Inventory]:
    factory = factory_for(endpoint)
    inventory = Collector(factory, account=ACCOUNT).collect(types, regions)
    return factory, inventory


def api_name(service: str, method: str) -> str:
    return str(boto3.client(service).meta.method_to_api_mapping[method])


def pages(client: Any, operation: str, **params: Any) -> list[dict[str, Any]]:
    if not client.can_paginate(operation):
        return [getattr(client, operation)(**params)]
    return list(client.get_paginator(operation).paginate(**params))


def list_pages(spec: ResourceSpec, region: str | None) -> Counter[str]:
    """How many pages the type's list calls have (per parent where it has parents, and
    the parents' list), counted with a client of our own."""
    client = boto3.client(spec.collect.service, region_name=region or REGION)
    collect, parent = spec.collect, spec.collect.parent
    args = dict(collect.args)
    if parent is None:
        return Counter({collect.operation: len(pages(client, collect.operation, **args))})
    listed = pages(client, parent.operation)
    counts = Counter({parent.operation: len(listed)})
    for parent_id in (i for page in listed for i in jmespath.search(parent.items, page)):
        counts[collect.operation] += len(pages(client, collect.operation,
                                               **{**args, parent.param: parent_id}))
    return counts


def listed(spec: ResourceSpec, region: str | None) -> int:
    """How many resources the type's list call has (less those it skips), counted with a
    client of our own."""
    client = boto3.client(spec.collect.service, region_name=region or REGION)
    items = [i for page in pages(client, spec.collect.operation, **dict(spec.collect.args))
             for i in jmespath.search(spec.collect.items, page) or []]
    return sum(1 for i in items if spec.collect.skip is None
               or jmespath.search(spec.collect.skip[0], i) not in spec.collect.skip[1])


def expected_calls(spec: ResourceSpec, regions: list[str],
                   resources: list[Resource]) -> Counter[tuple[str, str]]:
    """The type's list pages and its details once per resource; and the same for the types
    its links read along (Collect.needs, transitively), once per type and region."""
    calls = own_calls(spec, regions, len(resources))
    for tf_type in sorted(needed(spec)):
        need = spec_for(tf_type)
        assert need is not None
        for region in [None] if need.collect.is_global else regions:
            calls += own_calls(need, [region or REGION], listed(need, region))
    return calls


def own_calls(spec: ResourceSpec, regions: list[str], resources: int
              ) -> Counter[tuple[str, str]]:
    service = spec.collect.service
    units = [None] if spec.collect.is_global else regions
    calls: Counter[tuple[str, str]] = Counter()
    for region in units:
        for operation, count in list_pages(spec, region).items():
            calls[(service, api_name(service, operation))] += count
    for detail in spec.collect.details:
        calls[(service, api_name(service, detail.operation))] += resources
    return calls


def needed(spec: ResourceSpec) -> set[str]:
    """The types read along with `spec` (not itself)."""
    out: set[str] = set()
    todo = list(spec.collect.needs)
    while todo:
        tf_type = todo.pop()
        if tf_type not in out and tf_type != spec.tf_type:
            out.add(tf_type)
            need = spec_for(tf_type)
            todo.extend(need.collect.needs if need else ())
    return out


# --- the tests ----------------------------------------------------------------------------

def test_every_catalog_type_has_a_collector_case() -> None:
    missing = [str(case_file(t).relative_to(CASES.parents[2])) for t in specs()
               if not case_file(t).is_file()]
    assert missing == [], "add a collector case for each new catalog type"
    cases = {p.stem for p in CASES.glob("*.py") if not p.stem.startswith("_")}
    assert cases == set(specs()), "a case file for a type the catalog does not have"
    for tf_type in sorted(cases):
        builder(tf_type)


@pytest.mark.parametrize("tf_type", sorted(specs()))
def test_collector_reads_every_live_attribute(aws: str, tf_type: str) -> None:
    spec = spec_for(tf_type)
    assert spec is not None
    built = builder(tf_type)()
    factory, inventory = collect(aws, [tf_type], built.regions)

    assert inventory.not_checked == []
    found = {r.id: r for r in inventory.resources}
    assert set(built.expected) <= set(found), f"not collected: {set(built.expected) - set(found)}"
    assert not built.absent & set(found)
    for ident, expected in built.expected.items():
        res = found[ident]
        # Every attribute the type reads live is checked here, and nothing else is read.
        assert set(expected) == live_attr_names(spec), "update the case for the new attributes"
        linked = {link.name for link in spec.links}  # test_live_links_* checks them
        assert {k: v for k, v in res.attributes.items() if k not in linked} == expected, ident
        assert (res.type, res.source, res.account) == (tf_type, "live", ACCOUNT)
        assert res.region == (None if spec.collect.is_global else
                              (ident if spec.collect.id_field is None else REGION))
        # The live address is the ARN where the list call gives one, else the id.
        if spec.collect.arn_field:
            # It names the resource (an EKS node group's ARN ends with a uuid after it).
            assert res.address.startswith("arn:aws:")
            assert all(part in res.address for part in ident.split(":")), ident
            assert f":{ACCOUNT}:" in res.address
        else:
            assert res.address == ident
    # Everything else found is something AWS made itself (default VPC, subnets, group).
    for ident, res in found.items():
        aws_own = spec.aws_default is not None and spec.aws_default(res.attributes)
        assert aws_own == (ident not in built.expected or ident in built.aws_defaults), ident

    # One list call per page and per region, each detail call once per resource (and so
    # for the types read along): no duplicates, no other calls.
    assert factory.stats.calls == expected_calls(spec, built.regions, inventory.resources)
    assert not factory.stats.throttles


def test_list_calls_follow_every_page_once(aws: str) -> None:
    """describe_instances in pages of 5 (injected into the collector's own client): 12
    running instances and a terminated one make 3 pages, so 3 list calls."""
    ec2 = boto3.client("ec2")
    image = ami()
    ids = [ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1,
                             MaxCount=1)["Instances"][0]["InstanceId"] for _ in range(13)]
    ec2.terminate_instances(InstanceIds=ids[-1:])
    factory = factory_for(aws)

    def page_size(params: dict[str, Any], **_: Any) -> None:
        params["MaxResults"] = 5

    factory.client("ec2", REGION).meta.events.register(
        "provide-client-params.ec2.DescribeInstances", page_size)
    inventory = Collector(factory, account=ACCOUNT).collect(["aws_instance"], [REGION])
    assert sorted(r.id for r in inventory.resources) == sorted(ids[:-1])
    # And the volumes read along (the root volumes' encryption): one page, none per instance.
    assert factory.stats.calls == Counter({("ec2", "DescribeInstances"): 3,
                                           ("ec2", "DescribeVolumes"): 1})


def _many_groups(count: int) -> None:
    autoscaling = boto3.client("autoscaling")
    autoscaling.create_launch_configuration(LaunchConfigurationName="many", ImageId=ami(),
                                            InstanceType="t3.micro")
    for i in range(count):
        autoscaling.create_auto_scaling_group(AutoScalingGroupName=f"g{i:03d}", MinSize=0,
                                              MaxSize=1, LaunchConfigurationName="many",
                                              AvailabilityZones=[f"{REGION}a"])


def _many_configurations(count: int) -> None:
    autoscaling = boto3.client("autoscaling")
    for i in range(count):
        autoscaling.create_launch_configuration(LaunchConfigurationName=f"c{i:03d}",
                                                ImageId=AMI, InstanceType="t3.micro")


def _many_roles(count: int) -> None:
    iam = boto3.client("iam")
    for i in range(count):
        iam.create_role(RoleName=f"r{i:03d}", AssumeRolePolicyDocument="{}")


def _many_policies(count: int) -> None:
    iam, document = boto3.client("iam"), json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
    for i in range(count):
        iam.create_policy(PolicyName=f"p{i:03d}", PolicyDocument=document)


@pytest.mark.parametrize(("tf_type", "count", "make"), [
    ("aws_autoscaling_group", 51, _many_groups),
    ("aws_launch_configuration", 51, _many_configurations),
    ("aws_iam_role", 101, _many_roles),
    ("aws_iam_policy", 101, _many_policies),
])
def test_one_list_call_reads_more_than_the_default_page(
        aws: str, tf_type: str, count: int, make: Callable[[int], None]) -> None:
    """AWS pages these list calls below their largest page by default (auto-scaling groups
    and launch configurations 50 of 100, IAM roles and policies 100 of 1,000), and so does
    moto: the collector asks for the largest page, so one call reads one more than the
    default page holds."""
    make(count)
    spec = spec_for(tf_type)
    assert spec is not None
    # Unthrottled: the detail calls at IAM's 10 a second would take 10 to 20 s.
    factory = ClientFactory(endpoint_url=aws, default_region=REGION, session=shared_session(),
                            budget=RateBudget({spec.collect.service: 1e6}))
    inventory = Collector(factory, account=ACCOUNT).collect([tf_type], [REGION])
    assert len([r for r in inventory.resources if r.type == tf_type]) == count
    operation = api_name(spec.collect.service, spec.collect.operation)
    assert factory.stats.calls[(spec.collect.service, operation)] == 1


def test_a_global_type_is_listed_once_whatever_the_regions(aws: str) -> None:
    built = builder("aws_s3_bucket")()
    factory, inventory = collect(aws, ["aws_s3_bucket"], [REGION, "us-east-1", "us-west-2"])
    assert sorted(r.id for r in inventory.resources) == sorted(built.expected)
    assert {r.region for r in inventory.resources} == {None}
    calls = factory.stats.calls
    assert calls[("s3", "ListBuckets")] == 1
    assert calls[("s3", "GetBucketEncryption")] == 2
    spec = spec_for("aws_s3_bucket")
    assert spec is not None
    assert sum(calls.values()) == 1 + len(spec.collect.details) * 2


def test_regional_types_are_listed_once_per_region(aws: str) -> None:
    ec2 = boto3.client("ec2", region_name="us-east-1")
    there = ec2.create_volume(AvailabilityZone="us-east-1a", Size=10)["VolumeId"]
    here = boto3.client("ec2").create_volume(AvailabilityZone=f"{REGION}a",
                                             Size=20)["VolumeId"]
    factory, inventory = collect(aws, ["aws_ebs_volume"], [REGION, "us-east-1"])
    assert {(r.id, r.region) for r in inventory.resources} == {
        (here, REGION), (there, "us-east-1")}
    assert factory.stats.calls == Counter({("ec2", "DescribeVolumes"): 2})


def test_aws_defaults_are_collected_and_flagged(aws: str) -> None:
    """moto makes the default VPC, its subnets and security group, as AWS does; an
    instance's root volume comes with it. All are collected, and flagged as AWS's own."""
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.70.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.70.0.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="app", Description="app",
                                      VpcId=vpc)["GroupId"]
    instance = ec2.run_instances(ImageId=ami(), InstanceType="t3.micro", MinCount=1,
                                 MaxCount=1, SubnetId=subnet)["Instances"][0]
    root = instance["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
    volume = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=1)["VolumeId"]
    defaults = {
        "aws_vpc": {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v["IsDefault"]},
        "aws_subnet": {s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]
                       if s["DefaultForAz"]},
        "aws_security_group": {g["GroupId"] for g in
                               ec2.describe_security_groups()["SecurityGroups"]
                               if g["GroupName"] == "default"},
        "aws_ebs_volume": {root},
    }
    ours = {"aws_vpc": {vpc}, "aws_subnet": {subnet}, "aws_security_group": {group},
            "aws_ebs_volume": {volume}}
    assert len(defaults["aws_vpc"]) == 1 and len(defaults["aws_subnet"]) == 3
    # The default VPC's group, and the one AWS made with our VPC.
    assert len(defaults["aws_security_group"]) == 2

    _, inventory = collect(aws, list(defaults), [REGION])
    assert inventory.not_checked == []
    for tf_type in defaults:
        spec = spec_for(tf_type)
        assert spec is not None and spec.aws_default is not None
        found = {r.id: spec.aws_default(r.attributes) for r in inventory.resources
                 if r.type == tf_type}
        assert found == {**dict.fromkeys(defaults[tf_type], True),
                         **dict.fromkeys(ours[tf_type], False)}, tf_type


def test_live_links_resolve_by_id_and_read_needed_types_along(aws: str) -> None:
    """An instance's subnet link, live: by the subnet's id when subnets are collected too;
    null when they are not (as a declared subnet outside the input)."""
    built = builder("aws_instance")()
    _, inventory = collect(aws, ["aws_instance", "aws_subnet"], built.regions)
    subnets = {r.id: r for r in inventory.resources if r.type == "aws_subnet"}
    for ident in built.expected:
        instance = next(r for r in inventory.resources if r.id == ident)
        subnet = subnets[instance.attributes["subnet_id"]]
        assert instance.attributes["subnet_map_public_ip_on_launch"] is (
            subnet.attributes["map_public_ip_on_launch"])
    assert any(r.attributes["subnet_map_public_ip_on_launch"] for r in inventory.resources
               if r.type == "aws_instance"), "the case has an instance in a public subnet"
    _, alone = collect(aws, ["aws_instance"], built.regions)
    assert all(r.attributes["subnet_map_public_ip_on_launch"] is None for r in alone.resources)


def test_live_read_replicas_link_their_source(aws: str) -> None:
    """A read replica's source, live: the DB instance it names, listed alike."""
    built = builder("aws_db_instance")()
    _, inventory = collect(aws, ["aws_db_instance"], built.regions)
    by_id = {r.id: r for r in inventory.resources}
    replica, source = by_id["mlflow-replica"], by_id["mlflow-metadata"]
    assert (replica.attributes["replicate_source_encrypted"],
            replica.attributes["replicate_source_key"]) == (True, source.key)
    assert (source.attributes["replicate_source_encrypted"],
            source.attributes["replicate_source_key"]) == (None, None)


def test_a_detail_that_pages_is_read_to_its_last_page(aws: str) -> None:
    """DynamoDB's tags come 10 a page (moto's page, as AWS's): a table with 12 reads all
    12, in 2 calls, after the DescribeTable whose ARN they take."""
    tags = {f"k{n:02}": str(n) for n in range(12)}
    boto3.client("dynamodb").create_table(
        TableName="tagged", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
    factory, inventory = collect(aws, ["aws_dynamodb_table"], [REGION])
    [table] = inventory.resources
    assert table.attributes["tags"] == tags
    assert factory.stats.calls == Counter({
        ("dynamodb", "ListTables"): 1, ("dynamodb", "DescribeTable"): 1,
        ("dynamodb", "ListTagsOfResource"): 2})


def test_a_detail_whose_source_gave_nothing_is_not_called() -> None:
    """moto always gives a table its ARN; botocore's Stubber (responses checked against
    DynamoDB's model) plays a DescribeTable without one: ListTagsOfResource, which takes
    it, is then not called, and the table is read without tags."""
    from botocore.stub import Stubber

    factory = ClientFactory(default_region=REGION, session=boto3.Session(
        aws_access_key_id="x", aws_secret_access_key="x", region_name=REGION))
    client = factory.client("dynamodb", REGION)
    with Stubber(client) as stub:
        stub.add_response("list_tables", {"TableNames": ["runs"]}, {})
        stub.add_response("describe_table", {"Table": {
            "TableName": "runs", "KeySchema": [{"AttributeName": "run", "KeyType": "HASH"}]}},
            {"TableName": "runs"})
        inventory = Collector(factory, account=ACCOUNT).collect(["aws_dynamodb_table"],
                                                                [REGION])
        stub.assert_no_pending_responses()
    [table] = inventory.resources
    assert (table.id, table.address, table.attributes["hash_key"]) == ("runs", "runs", "run")
    assert table.attributes["tags"] == {}
