"""The generic collector against moto's server (real HTTP), one case per catalog type.

Each case builds resources with boto3 with distinctive settings, collects the type and
checks every attribute the spec reads live, and the API calls the collection made: one
list call per page, each detail call once per resource, nothing else.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest

from driftguard.catalog import spec_for, specs
from driftguard.catalog.spec import ResourceSpec
from driftguard.collect.clients import ClientFactory
from driftguard.collect.engine import Collector, Inventory
from driftguard.model import Resource

ACCOUNT = "123456789012"
REGION = "eu-west-1"
TEAM = {"team": "ml-platform", "env": "prod"}


def tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


# One of the AMIs moto ships (listing them all takes over a second).
AMI = "ami-03cf127a"


def ami() -> str:
    return str(boto3.client("ec2").describe_images(ImageIds=[AMI])["Images"][0]["ImageId"])


def kms_key_arn(description: str = "data key") -> str:
    return str(boto3.client("kms").create_key(Description=description)["KeyMetadata"]["Arn"])


@dataclass
class Built:
    """What a builder made: expected canonical attributes by id, and the regions to scan."""

    expected: dict[str, dict[str, Any]]
    regions: list[str] = field(default_factory=lambda: [REGION])
    # Ids that exist in the account but must not be collected (terminated instances).
    absent: set[str] = field(default_factory=set)
    # Expected ids that the spec flags as AWS's own (aws_default).
    aws_defaults: set[str] = field(default_factory=set)


# --- one builder per catalog type ---------------------------------------------------------

def build_s3_bucket() -> Built:
    s3 = boto3.client("s3")
    key = kms_key_arn()
    where = {"LocationConstraint": REGION}
    s3.create_bucket(Bucket="dg-collect-data", CreateBucketConfiguration=where)
    s3.put_bucket_encryption(Bucket="dg-collect-data", ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {
            "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}]})
    s3.put_bucket_versioning(Bucket="dg-collect-data",
                             VersioningConfiguration={"Status": "Enabled"})
    s3.put_public_access_block(Bucket="dg-collect-data", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": False, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True})
    s3.put_bucket_tagging(Bucket="dg-collect-data", Tagging={"TagSet": tag_list(TEAM)})
    s3.create_bucket(Bucket="dg-collect-bare", CreateBucketConfiguration=where)
    return Built({
        "dg-collect-data": {
            "bucket": "dg-collect-data", "encrypted": True, "sse_algorithm": "aws:kms",
            "kms_key_id": key, "versioning": True,
            "public_access_block": {"block_public_acls": True, "block_public_policy": True,
                                    "ignore_public_acls": False,
                                    "restrict_public_buckets": True},
            "tags": TEAM},
        "dg-collect-bare": {
            "bucket": "dg-collect-bare", "encrypted": False, "sse_algorithm": None,
            "kms_key_id": None, "versioning": False, "public_access_block": None, "tags": {}},
    })


def build_instance() -> Built:
    ec2 = boto3.client("ec2")
    image = ami()
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.30.1.0/24",
                               AvailabilityZone=f"{REGION}b")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="trainer", Description="trainer",
                                      VpcId=vpc)["GroupId"]
    trainer = ec2.run_instances(
        ImageId=image, InstanceType="g5.xlarge", MinCount=1, MaxCount=1, SubnetId=subnet,
        SecurityGroupIds=[group],
        MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
        TagSpecifications=[{"ResourceType": "instance", "Tags": tag_list(
            {**TEAM, "Name": "trainer"})}])["Instances"][0]["InstanceId"]
    default_subnet = next(s for s in ec2.describe_subnets()["Subnets"] if s["DefaultForAz"])
    default_group = ec2.describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [default_subnet["VpcId"]]},
        {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]["GroupId"]
    # A default subnet maps public IPs on launch: this one gets a public address.
    web = ec2.run_instances(
        ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1,
        SubnetId=default_subnet["SubnetId"], SecurityGroupIds=[default_group],
        MetadataOptions={"HttpTokens": "optional", "HttpEndpoint": "disabled"},
    )["Instances"][0]["InstanceId"]
    # Stopped is still there (collected); terminated and shutting down are gone.
    parked, gone = (i["InstanceId"] for i in ec2.run_instances(
        ImageId=image, InstanceType="t3.nano", MinCount=2, MaxCount=2,
        SubnetId=subnet, SecurityGroupIds=[group])["Instances"])
    ec2.stop_instances(InstanceIds=[parked])
    ec2.terminate_instances(InstanceIds=[gone])
    return Built({
        trainer: {"instance_type": "g5.xlarge", "ami": image, "subnet_id": subnet,
                  "associate_public_ip_address": False, "vpc_security_group_ids": [group],
                  "metadata_http_tokens": "required", "metadata_http_endpoint": "enabled",
                  "tags": {**TEAM, "Name": "trainer"}},
        web: {"instance_type": "t3.micro", "ami": image,
              "subnet_id": default_subnet["SubnetId"], "associate_public_ip_address": True,
              "vpc_security_group_ids": [default_group], "metadata_http_tokens": "optional",
              "metadata_http_endpoint": "disabled", "tags": {}},
        parked: {"instance_type": "t3.nano", "ami": image, "subnet_id": subnet,
                 "associate_public_ip_address": False, "vpc_security_group_ids": [group],
                 "metadata_http_tokens": "optional", "metadata_http_endpoint": "enabled",
                 "tags": {}},
    }, absent={gone})


def build_ebs_volume() -> Built:
    ec2 = boto3.client("ec2")
    key = kms_key_arn()
    plain = ec2.create_volume(AvailabilityZone=f"{REGION}b", Size=50, VolumeType="gp3",
                              Encrypted=False, TagSpecifications=[
                                  {"ResourceType": "volume", "Tags": tag_list(TEAM)}])["VolumeId"]
    sealed = ec2.create_volume(AvailabilityZone=f"{REGION}c", Size=500, VolumeType="st1",
                               Encrypted=True, KmsKeyId=key)["VolumeId"]
    return Built({
        plain: {"encrypted": False, "kms_key_id": None, "size": 50, "volume_type": "gp3",
                "availability_zone": f"{REGION}b", "created_with_instance": False,
                "tags": TEAM},
        sealed: {"encrypted": True, "kms_key_id": key, "size": 500, "volume_type": "st1",
                 "availability_zone": f"{REGION}c", "created_with_instance": False,
                 "tags": {}},
    })


def build_db_instance() -> Built:
    rds = boto3.client("rds")
    key = kms_key_arn()
    rds.create_db_instance(
        DBInstanceIdentifier="mlflow-metadata", Engine="postgres",
        DBInstanceClass="db.r6g.large", AllocatedStorage=50, MasterUsername="mlflow",
        MasterUserPassword="never-shown-anywhere", StorageEncrypted=True, KmsKeyId=key,
        PubliclyAccessible=True, MultiAZ=True, Tags=tag_list(TEAM))
    return Built({"mlflow-metadata": {
        "engine": "postgres", "instance_class": "db.r6g.large", "encrypted": True,
        "kms_key_id": key, "publicly_accessible": True, "multi_az": True, "tags": TEAM}})


def build_security_group() -> Built:
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="bastion", Description="admin access",
                                      VpcId=vpc)["GroupId"]
    ec2.create_tags(Resources=[group], Tags=tag_list(TEAM))
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
         "IpRanges": [{"CidrIp": "10.0.0.0/8"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
        {"IpProtocol": "udp", "FromPort": 51820, "ToPort": 51820,
         "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32"}]},
    ])
    return Built({group: {
        "name": "bastion", "vpc_id": vpc, "description": "admin access",
        "ingress": [
            {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidrs": ["0.0.0.0/0"]},
            {"protocol": "tcp", "from_port": 443, "to_port": 443,
             "cidrs": ["10.0.0.0/8", "::/0"]},
            {"protocol": "udp", "from_port": 51820, "to_port": 51820,
             "cidrs": ["2001:db8::/32"]},
        ],
        # AWS's allow-all egress rule, protocol -1 covering every port.
        "egress": [{"protocol": "-1", "from_port": 0, "to_port": 65535,
                    "cidrs": ["0.0.0.0/0"]}],
        "tags": TEAM}})


def build_subnet() -> Built:
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.50.0.0/24",
                               AvailabilityZone=f"{REGION}c")["Subnet"]["SubnetId"]
    ec2.modify_subnet_attribute(SubnetId=public, MapPublicIpOnLaunch={"Value": True})
    ec2.create_tags(Resources=[public], Tags=tag_list(TEAM))
    private = ec2.create_subnet(VpcId=vpc, CidrBlock="10.50.1.0/24",
                                AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]
    return Built({
        public: {"vpc_id": vpc, "cidr_block": "10.50.0.0/24",
                 "availability_zone": f"{REGION}c", "map_public_ip_on_launch": True,
                 "default_for_az": False, "tags": TEAM},
        private: {"vpc_id": vpc, "cidr_block": "10.50.1.0/24",
                  "availability_zone": f"{REGION}a", "map_public_ip_on_launch": False,
                  "default_for_az": False, "tags": {}},
    })


def build_vpc() -> Built:
    ec2 = boto3.client("ec2")
    named = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=named, EnableDnsHostnames={"Value": True})
    ec2.create_tags(Resources=[named], Tags=tag_list(TEAM))
    isolated = ec2.create_vpc(CidrBlock="192.168.0.0/20")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=isolated, EnableDnsSupport={"Value": False})
    return Built({
        named: {"cidr_block": "10.60.0.0/16", "enable_dns_support": True,
                "enable_dns_hostnames": True, "is_default": False, "tags": TEAM},
        isolated: {"cidr_block": "192.168.0.0/20", "enable_dns_support": False,
                   "enable_dns_hostnames": False, "is_default": False, "tags": {}},
    })


def build_ecr_repository() -> Built:
    ecr = boto3.client("ecr")
    key = kms_key_arn()
    ecr.create_repository(repositoryName="models/llm", imageTagMutability="IMMUTABLE",
                          imageScanningConfiguration={"scanOnPush": True},
                          encryptionConfiguration={"encryptionType": "KMS", "kmsKey": key},
                          tags=tag_list(TEAM))
    ecr.create_repository(repositoryName="scratch")
    return Built({
        "models/llm": {"name": "models/llm", "image_tag_mutability": "IMMUTABLE",
                       "scan_on_push": True, "encryption_type": "KMS", "kms_key": key,
                       "tags": TEAM},
        "scratch": {"name": "scratch", "image_tag_mutability": "MUTABLE",
                    "scan_on_push": False, "encryption_type": "AES256", "kms_key": None,
                    "tags": {}},
    })


def build_kms_key() -> Built:
    kms = boto3.client("kms")
    data = kms.create_key(Description="ML data key", Tags=[
        {"TagKey": k, "TagValue": v} for k, v in TEAM.items()])["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=data)
    signing = kms.create_key(Description="model signing", KeyUsage="SIGN_VERIFY",
                             KeySpec="RSA_2048", MultiRegion=True)["KeyMetadata"]["KeyId"]
    return Built({
        data: {"description": "ML data key", "key_usage": "ENCRYPT_DECRYPT",
               "key_rotation_enabled": True, "multi_region": False, "key_manager": "CUSTOMER",
               "tags": TEAM},
        signing: {"description": "model signing", "key_usage": "SIGN_VERIFY",
                  "key_rotation_enabled": False, "multi_region": True,
                  "key_manager": "CUSTOMER", "tags": {}},
    })


def build_ebs_encryption_by_default() -> Built:
    boto3.client("ec2").enable_ebs_encryption_by_default()
    # One setting per region, the region as id: on here, off in the other region.
    return Built({REGION: {"enabled": True}, "us-east-1": {"enabled": False}},
                 regions=[REGION, "us-east-1"], aws_defaults={"us-east-1"})


BUILDERS: dict[str, Callable[[], Built]] = {
    "aws_s3_bucket": build_s3_bucket,
    "aws_instance": build_instance,
    "aws_ebs_volume": build_ebs_volume,
    "aws_db_instance": build_db_instance,
    "aws_security_group": build_security_group,
    "aws_subnet": build_subnet,
    "aws_vpc": build_vpc,
    "aws_ecr_repository": build_ecr_repository,
    "aws_kms_key": build_kms_key,
    "aws_ebs_encryption_by_default": build_ebs_encryption_by_default,
}


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


def list_pages(spec: ResourceSpec, region: str | None) -> int:
    """How many pages the type's list call has, counted with a client of our own."""
    client = boto3.client(spec.collect.service, region_name=region or REGION)
    if not client.can_paginate(spec.collect.operation):
        return 1
    return sum(1 for _ in client.get_paginator(spec.collect.operation).paginate())


def expected_calls(spec: ResourceSpec, regions: list[str],
                   resources: list[Resource]) -> Counter[tuple[str, str]]:
    service = spec.collect.service
    units = [None] if spec.collect.is_global else regions
    calls: Counter[tuple[str, str]] = Counter()
    calls[(service, api_name(service, spec.collect.operation))] = sum(
        list_pages(spec, region) for region in units)
    for detail in spec.collect.details:
        calls[(service, api_name(service, detail.operation))] += len(resources)
    return calls


# --- the tests ----------------------------------------------------------------------------

def test_every_catalog_type_has_a_collector_case() -> None:
    assert set(BUILDERS) == set(specs())


@pytest.mark.parametrize("tf_type", sorted(specs()))
def test_collector_reads_every_live_attribute(aws: str, tf_type: str) -> None:
    spec = spec_for(tf_type)
    assert spec is not None
    built = BUILDERS[tf_type]()
    factory, inventory = collect(aws, [tf_type], built.regions)

    assert inventory.not_checked == []
    found = {r.id: r for r in inventory.resources}
    assert set(built.expected) <= set(found), f"not collected: {set(built.expected) - set(found)}"
    assert not built.absent & set(found)
    for ident, expected in built.expected.items():
        res = found[ident]
        # Every attribute the type reads live is checked here, and nothing else is read.
        assert set(expected) == live_attr_names(spec), "update the case for the new attributes"
        assert res.attributes == expected, ident
        assert (res.type, res.source, res.account) == (tf_type, "live", ACCOUNT)
        assert res.region == (None if spec.collect.is_global else
                              (ident if spec.collect.id_field is None else REGION))
        # The live address is the ARN where the list call gives one, else the id.
        if spec.collect.arn_field:
            assert res.address.startswith("arn:aws:") and res.address.endswith(ident)
            assert f":{ACCOUNT}:" in res.address
        else:
            assert res.address == ident
    # Everything else found is something AWS made itself (default VPC, subnets, group).
    for ident, res in found.items():
        aws_own = spec.aws_default is not None and spec.aws_default(res.attributes)
        assert aws_own == (ident not in built.expected or ident in built.aws_defaults), ident

    # One list call per page and per region, each detail call once per resource: no
    # duplicates, no other calls.
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
    assert factory.stats.calls == Counter({("ec2", "DescribeInstances"): 3})


def test_a_global_type_is_listed_once_whatever_the_regions(aws: str) -> None:
    built = build_s3_bucket()
    factory, inventory = collect(aws, ["aws_s3_bucket"], [REGION, "us-east-1", "us-west-2"])
    assert sorted(r.id for r in inventory.resources) == sorted(built.expected)
    assert {r.region for r in inventory.resources} == {None}
    calls = factory.stats.calls
    assert calls[("s3", "ListBuckets")] == 1
    assert calls[("s3", "GetBucketEncryption")] == 2
    assert sum(calls.values()) == 1 + 4 * 2


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
