"""No false positives: real-world Terraform states from the corpus, their AWS resources
recreated in moto with the same settings, scan with no drift at all.

moto makes its own ids (and its account is 123456789012): each case recreates a state's
resources and maps the state's ids to moto's; a copy of the state with those ids (and the
account) rewritten, every other attribute as in the corpus file, is what is scanned.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto_estate import ACCOUNT

from driftguard.catalog import canonical_type, specs
from driftguard.cli import main

Ids = dict[str, str]  # the corpus state's id -> moto's id


def ec2(region: str) -> Any:
    return boto3.client("ec2", region_name=region)


def instances_of(doc: dict[str, Any], rtype: str) -> list[dict[str, Any]]:
    return [i["attributes"] for r in doc["resources"] if r["type"] == rtype
            and r["mode"] == "managed" for i in r["instances"]]


def default_vpc(region: str) -> str:
    return str(ec2(region).describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}]
                                         )["Vpcs"][0]["VpcId"])


def default_subnet(region: str, zone: str) -> str:
    return str(ec2(region).describe_subnets(Filters=[
        {"Name": "default-for-az", "Values": ["true"]},
        {"Name": "availability-zone", "Values": [zone]}])["Subnets"][0]["SubnetId"])


def default_group(region: str, vpc: str) -> str:
    return str(ec2(region).describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}],
    )["SecurityGroups"][0]["GroupId"])


def tags(attributes: dict[str, Any], key: str = "Key", value: str = "Value"
         ) -> list[dict[str, str]]:
    return [{key: k, value: v} for k, v in (attributes.get("tags") or {}).items()]


def tag_specs(kind: str, attributes: dict[str, Any]) -> list[dict[str, Any]]:
    found = tags(attributes)
    return [{"ResourceType": kind, "Tags": found}] if found else []


def make_vpcs(doc: dict[str, Any], region: str, ids: Ids) -> None:
    for a in instances_of(doc, "aws_default_vpc"):
        ids[a["id"]] = default_vpc(region)
    for a in instances_of(doc, "aws_vpc"):
        vpc = ec2(region).create_vpc(CidrBlock=a["cidr_block"], InstanceTenancy=a[
            "instance_tenancy"])["Vpc"]["VpcId"]
        ec2(region).modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={
            "Value": a["enable_dns_support"]})
        ec2(region).modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={
            "Value": a["enable_dns_hostnames"]})
        if tags(a):
            ec2(region).create_tags(Resources=[vpc], Tags=tags(a))
        ids[a["id"]] = vpc


def make_subnets(doc: dict[str, Any], region: str, ids: Ids) -> None:
    for a in instances_of(doc, "aws_default_subnet"):
        ids[a["id"]] = default_subnet(region, a["availability_zone"])
        ids[a["vpc_id"]] = default_vpc(region)
        # A default subnet's range is the zone's in that account: moto's, once applied here.
        live = ec2(region).describe_subnets(SubnetIds=[ids[a["id"]]])["Subnets"][0]
        ids[f'"cidr_block": "{a["cidr_block"]}"'] = f'"cidr_block": "{live["CidrBlock"]}"'
    for a in instances_of(doc, "aws_subnet"):
        if a["vpc_id"] not in ids:  # a VPC declared elsewhere: it exists, undeclared here
            ids[a["vpc_id"]] = ec2(region).create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2(region).create_subnet(
            VpcId=ids[a["vpc_id"]], CidrBlock=a["cidr_block"],
            AvailabilityZone=a["availability_zone"])["Subnet"]["SubnetId"]
        if a["map_public_ip_on_launch"]:
            ec2(region).modify_subnet_attribute(SubnetId=subnet,
                                                MapPublicIpOnLaunch={"Value": True})
        if tags(a):
            ec2(region).create_tags(Resources=[subnet], Tags=tags(a))
        ids[a["id"]] = subnet


def make_buckets(doc: dict[str, Any], region: str, ids: Ids) -> None:
    s3 = boto3.client("s3", region_name=region)
    for a in instances_of(doc, "aws_s3_bucket"):
        s3.create_bucket(Bucket=a["bucket"], ACL=a["acl"], CreateBucketConfiguration={
            "LocationConstraint": a["region"]})
        assert a["server_side_encryption_configuration"] == []
        if any(v["enabled"] for v in a["versioning"]):
            s3.put_bucket_versioning(Bucket=a["bucket"],
                                     VersioningConfiguration={"Status": "Enabled"})
        if tags(a):
            s3.put_bucket_tagging(Bucket=a["bucket"], Tagging={"TagSet": tags(a)})
        ids[a["id"]] = a["bucket"]  # bucket names are the ids: kept
    for a in instances_of(doc, "aws_s3_bucket_policy"):  # the policy text as Terraform wrote it
        s3.put_bucket_policy(Bucket=a["bucket"], Policy=a["policy"])


# --- one recreation per corpus state: (region, build) -----------------------------------

Recreate = Callable[[dict[str, Any], str], Ids]  # (state document, region) -> ids


def built_by(*makers: Callable[[dict[str, Any], str, Ids], None]) -> Recreate:
    """A recreation that runs these makers in turn, collecting their ids."""
    def build(doc: dict[str, Any], region: str) -> Ids:
        ids: Ids = {}
        for make in makers:
            make(doc, region, ids)
        return ids
    return build


vpc_state = built_by(make_vpcs)
subnet_state = built_by(make_subnets)
pulumi_state = built_by(make_vpcs, make_subnets, make_buckets)
bucket_state = built_by(make_buckets)


def volume_state(doc: dict[str, Any], region: str) -> Ids:
    ids: Ids = {}
    for a in instances_of(doc, "aws_ebs_volume"):
        assert not a["encrypted"] and not a["snapshot_id"]
        ids[a["id"]] = ec2(region).create_volume(
            AvailabilityZone=a["availability_zone"], Size=a["size"], VolumeType=a["type"],
            Encrypted=False, TagSpecifications=tag_specs("volume", a))["VolumeId"]
    return ids


def kms_state(doc: dict[str, Any], region: str) -> Ids:
    kms = boto3.client("kms", region_name=region)
    ids: Ids = {}
    for a in instances_of(doc, "aws_kms_key"):
        made = kms.create_key(Description=a["description"], KeyUsage=a["key_usage"],
                              KeySpec=a["customer_master_key_spec"], Policy=a["policy"],
                              Tags=tags(a, "TagKey", "TagValue"))["KeyMetadata"]["KeyId"]
        if a["enable_key_rotation"]:
            kms.enable_key_rotation(KeyId=made)
        if not a["is_enabled"]:
            kms.disable_key(KeyId=made)
        ids[a["id"]] = made
    return ids


def instance_state(doc: dict[str, Any], region: str) -> Ids:
    ids: Ids = {}
    for a in instances_of(doc, "aws_instance"):
        zone = a["availability_zone"]
        vpc = default_vpc(region)
        ids[a["subnet_id"]] = default_subnet(region, zone)
        [group] = a["vpc_security_group_ids"]
        ids[group] = default_group(region, vpc)
        options = a["metadata_options"][0]
        made = ec2(region).run_instances(
            ImageId=a["ami"], InstanceType=a["instance_type"], MinCount=1, MaxCount=1,
            SubnetId=ids[a["subnet_id"]], SecurityGroupIds=[ids[group]],
            MetadataOptions={"HttpTokens": options["http_tokens"],
                             "HttpEndpoint": options["http_endpoint"],
                             "HttpPutResponseHopLimit": options["http_put_response_hop_limit"]},
            TagSpecifications=tag_specs("instance", a))["Instances"][0]
        ids[a["id"]] = made["InstanceId"]
        ids[a["root_block_device"][0]["volume_id"]] = made["BlockDeviceMappings"][0]["Ebs"][
            "VolumeId"]
        ids[a["primary_network_interface_id"]] = made["NetworkInterfaces"][0][
            "NetworkInterfaceId"]
    return ids


def ecr_state(doc: dict[str, Any], region: str) -> Ids:
    ecr = boto3.client("ecr", region_name=region)
    ids: Ids = {}
    for a in instances_of(doc, "aws_ecr_repository"):
        ecr.create_repository(
            repositoryName=a["name"], imageTagMutability=a["image_tag_mutability"],
            imageScanningConfiguration={
                "scanOnPush": a["image_scanning_configuration"][0]["scan_on_push"]},
            encryptionConfiguration={
                "encryptionType": a["encryption_configuration"][0]["encryption_type"]})
        ids[a["id"]] = a["name"]
    return ids


def db_state(doc: dict[str, Any], region: str) -> Ids:
    rds = boto3.client("rds", region_name=region)
    ids: Ids = {}
    for a in instances_of(doc, "aws_db_instance"):
        made = rds.create_db_instance(
            DBInstanceIdentifier=a["identifier"], DBName=a["name"], Engine=a["engine"],
            EngineVersion=a["engine_version"], DBInstanceClass=a["instance_class"],
            AllocatedStorage=a["allocated_storage"], StorageType=a["storage_type"],
            MasterUsername=a["username"], MasterUserPassword=a["password"],
            StorageEncrypted=a["storage_encrypted"], MultiAZ=a["multi_az"],
            PubliclyAccessible=a["publicly_accessible"], Port=a["port"],
            AvailabilityZone=a["availability_zone"])["DBInstance"]
        ids[a["resource_id"]] = made["DbiResourceId"]
        ids[a["id"]] = a["identifier"]
    return ids


def security_group_state(doc: dict[str, Any], region: str) -> Ids:
    ids: Ids = {}
    client = ec2(region)
    for a in instances_of(doc, "aws_default_security_group"):
        ids[a["vpc_id"]] = default_vpc(region)
        ids[a["id"]] = default_group(region, ids[a["vpc_id"]])
        # AWS's default group lets its members in (moto's has no ingress): as the state says.
        assert [(r["protocol"], r["self"]) for r in a["ingress"]] == [("-1", True)]
        client.authorize_security_group_ingress(GroupId=ids[a["id"]], IpPermissions=[
            {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": ids[a["id"]]}]}])
        if tags(a):
            client.create_tags(Resources=[ids[a["id"]]], Tags=tags(a))
    for a in instances_of(doc, "aws_security_group"):
        group = client.create_security_group(GroupName=a["name"],
                                             Description=a["description"],
                                             VpcId=ids[a["vpc_id"]])["GroupId"]
        client.create_tags(Resources=[group], Tags=tags(a))
        permissions = [
            {"IpProtocol": r["protocol"], **({} if r["protocol"] == "-1" else {
                "FromPort": r["from_port"], "ToPort": r["to_port"]}),
             "IpRanges": [{"CidrIp": c, "Description": r["description"]}
                          for c in r["cidr_blocks"]],
             "Ipv6Ranges": [{"CidrIpv6": c} for c in r["ipv6_cidr_blocks"]]}
            for r in a["ingress"]]
        client.authorize_security_group_ingress(GroupId=group, IpPermissions=permissions)
        # The group comes with AWS's allow-all egress: the state's egress is exactly that.
        assert [(r["protocol"], r["cidr_blocks"]) for r in a["egress"]] == [
            ("-1", ["0.0.0.0/0"])]
        ids[a["id"]] = group
    return ids


PREFIX = "snyk__driftctl__pkg__iac__terraform__state__test__"
# Per case, a region and the states recreated there, scanned together (one scan, to keep
# the suite fast; each drift entry names its state). States that would see each other's
# resources (a VPC one declares, another leaves undeclared) are separate cases.
CASES: dict[str, tuple[str, list[tuple[str, Recreate]]]] = {
    "driftctl-eu-west-3": ("eu-west-3", [
        (f"{PREFIX}aws_ec2_ebs_volume__terraform.tfstate", volume_state),
        (f"{PREFIX}aws_kms_key__terraform.tfstate", kms_state),
        (f"{PREFIX}aws_ec2_instance__terraform.tfstate", instance_state),
        (f"{PREFIX}aws_ecr_repository__terraform.tfstate", ecr_state),
        (f"{PREFIX}aws_db_instance__terraform.tfstate", db_state),
        (f"{PREFIX}aws_vpc_security_group__terraform.tfstate", security_group_state),
        (f"{PREFIX}aws_s3_full__terraform.tfstate", bucket_state),
    ]),
    "driftctl-aws_vpc": ("us-east-1", [(f"{PREFIX}aws_vpc__terraform.tfstate", vpc_state)]),
    "driftctl-aws_subnet": ("us-east-1", [
        (f"{PREFIX}aws_subnet__terraform.tfstate", subnet_state)]),
    "pulumi-0.13": ("us-west-2", [(
        "pulumi__pulumi-terraform__examples_v1__localstate-python__terraform.0-13-0.tfstate",
        pulumi_state)]),
}


def rewrite(text: str, ids: Ids, accounts: set[str]) -> str:
    """The state's ids (in ids, ARNs, references) and account ids, replaced by moto's."""
    if ids:  # at once: a replacement is not replaced again (two subnets swapping ranges)
        olds = re.compile("|".join(re.escape(old) for old in sorted(ids, key=len, reverse=True)))
        text = olds.sub(lambda m: ids[m[0]], text)
    for account in accounts:
        text = text.replace(account, ACCOUNT)
    return text


def declared_accounts(doc: dict[str, Any]) -> set[str]:
    found = set()
    for rtype in {r["type"] for r in doc["resources"]}:
        for a in instances_of(doc, rtype):
            arn = a.get("arn") or ""
            if arn.count(":") >= 5 and arn.split(":")[4]:
                found.add(arn.split(":")[4])
    return found


def declared_counts(doc: dict[str, Any]) -> Counter[str]:
    # aws_default_vpc is an aws_vpc (a catalog alias), and so on.
    counts: Counter[str] = Counter()
    for rtype in {r["type"] for r in doc["resources"]}:
        if canonical_type(rtype) in specs() and instances_of(doc, rtype):
            counts[canonical_type(rtype)] += len(instances_of(doc, rtype))
    return counts


@pytest.mark.parametrize("case", list(CASES))
def test_a_freshly_applied_corpus_state_is_in_sync(
        aws: str, corpus_dir: Path, case: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DRIFTGUARD_CONFIG", raising=False)
    region, states = CASES[case]
    args: list[str] = []
    declared: Counter[str] = Counter()
    for name, recreate in states:
        original = (corpus_dir / "state" / name).read_text(encoding="utf-8")
        doc = json.loads(original)
        ids = recreate(doc, region)
        state = tmp_path / name
        state.write_text(rewrite(original, ids, declared_accounts(doc)), encoding="utf-8")
        # Only ids and accounts changed: the same resources, the same other attributes.
        copy = json.loads(state.read_text(encoding="utf-8"))
        assert [(r["type"], r["name"], len(r["instances"])) for r in copy["resources"]] == [
            (r["type"], r["name"], len(r["instances"])) for r in doc["resources"]]
        args += ["--state", str(state)]
        declared += declared_counts(doc)

    capsys.readouterr()
    code = main(["scan", *args, "--region", region, "--format", "json", "--no-progress"])
    report = json.loads(capsys.readouterr().out)
    assert report["not_checked"] == []
    assert report["drift"] == [], json.dumps(report["drift"], indent=1)
    assert code in (0, 1)  # policy violations, if any, are not the point here
    # Every declared resource was found and compared: in sync, not skipped.
    assert {c["type"]: c["managed"] for c in report["coverage"]} == declared
    assert all(c["unmanaged"] == 0 for c in report["coverage"])
