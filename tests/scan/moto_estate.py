"""Helpers for the scan tests: an estate built in moto with boto3, and the Terraform state
(format 4, shaped as the AWS provider writes it) that declares exactly what was built."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest

from driftguard.cli import main
from driftguard.declared.state_writer import TerraformState

ACCOUNT = "123456789012"
REGION = "eu-west-1"
AMI = "ami-03cf127a"  # one of the AMIs moto ships
TAGS = {"team": "ml-platform", "env": "prod"}


def scan_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    """`driftguard scan ARGS` in this region, as JSON: (exit code, report)."""
    capsys.readouterr()
    code = main(["scan", *args, "--region", REGION, "--format", "json", "--no-progress"])
    out, err = capsys.readouterr()
    assert err == "", err
    return code, json.loads(out)


def drift_of(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    """(kind, type, id, address, changes) of each drift entry, in the report's order."""
    return [(d["kind"], d["type"], d["id"], d["address"],
             [(c["attribute"], c["declared"], c["live"]) for c in d["changes"]])
            for d in report["drift"]]


def allow(actions: list[str]) -> str:
    """An IAM policy document allowing `actions` on every resource."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": actions, "Resource": "*"}]})


def scanner_key(actions: list[str], user: str = "driftguard-scanner") -> dict[str, str]:
    """An IAM user allowed exactly `actions`, and its access key. Make it (and whatever
    the test needs) before moto enforces IAM: see scan_as."""
    iam = boto3.client("iam")
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="scan", PolicyDocument=allow(actions))
    return dict(iam.create_access_key(UserName=user)["AccessKey"])


def enforce_iam(endpoint: str) -> None:
    """moto's server checks IAM from now on (the `aws` fixture turns it off again)."""
    request = urllib.request.Request(f"{endpoint}/moto-api/reset-auth", data=b"0",
                                     headers={"Content-Type": "text/plain"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.loads(response.read())["PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT"]


def scan_as(key: dict[str, str], endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """IAM enforced, and every boto3 session from now on (driftguard's too) uses `key`."""
    enforce_iam(endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # it cached the other keys


def tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


State = TerraformState



def tf_rule(protocol: str, from_port: int, to_port: int, cidrs: list[str],
            ipv6: list[str] | None = None, description: str = "") -> dict[str, Any]:
    return {"protocol": protocol, "from_port": from_port, "to_port": to_port,
            "cidr_blocks": cidrs, "ipv6_cidr_blocks": ipv6 or [], "prefix_list_ids": [],
            "security_groups": [], "self": False, "description": description}


def tags_of(tags: dict[str, str]) -> dict[str, Any]:
    return {"tags": dict(tags), "tags_all": dict(tags)}


@dataclass
class Estate:
    """A small ML account, every catalog type once, and the state that declares it."""

    state: State = field(default_factory=State)
    ids: dict[str, str] = field(default_factory=dict)

    def build(self) -> Estate:
        self._network()
        self._compute()
        self._storage()
        return self

    # -- network -------------------------------------------------------------------------
    def _network(self) -> None:
        ec2 = boto3.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
        ec2.create_tags(Resources=[vpc], Tags=tag_list(TAGS))
        self.ids["vpc"] = vpc
        self.state.add("aws_vpc", "main", {
            "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/{vpc}", "id": vpc,
            "assign_generated_ipv6_cidr_block": False, "cidr_block": "10.0.0.0/16",
            "enable_dns_hostnames": True, "enable_dns_support": True,
            "instance_tenancy": "default", "ipv6_cidr_block": "", "owner_id": ACCOUNT,
            **tags_of(TAGS)}, schema_version=1)
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24",
                                   AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]
        ec2.create_tags(Resources=[subnet], Tags=tag_list(TAGS))
        self.ids["subnet"] = subnet
        self.state.add("aws_subnet", "private", {
            "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{subnet}", "id": subnet,
            "assign_ipv6_address_on_creation": False, "availability_zone": f"{REGION}a",
            "cidr_block": "10.0.1.0/24", "map_public_ip_on_launch": False,
            "ipv6_cidr_block": "", "owner_id": ACCOUNT, "vpc_id": vpc, **tags_of(TAGS)},
            index_key=0, schema_version=1)
        group = ec2.create_security_group(GroupName="app", Description="app servers",
                                          VpcId=vpc)["GroupId"]
        ec2.create_tags(Resources=[group], Tags=tag_list(TAGS))
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
             "IpRanges": [{"CidrIp": "10.0.0.0/16"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
        self.ids["sg"] = group
        self.state.add("aws_security_group", "app", {
            "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{group}", "id": group,
            "name": "app", "name_prefix": "", "description": "app servers", "vpc_id": vpc,
            "owner_id": ACCOUNT, "revoke_rules_on_delete": False,
            "ingress": [tf_rule("tcp", 443, 443, ["10.0.0.0/16"], ["::/0"], "https")],
            "egress": [tf_rule("-1", 0, 0, ["0.0.0.0/0"])], **tags_of(TAGS)},
            schema_version=1)

    # -- compute -------------------------------------------------------------------------
    def _compute(self) -> None:
        ec2 = boto3.client("ec2")
        made = ec2.run_instances(
            ImageId=AMI, InstanceType="t3.large", MinCount=1, MaxCount=1,
            SubnetId=self.ids["subnet"], SecurityGroupIds=[self.ids["sg"]],
            MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
            TagSpecifications=[{"ResourceType": "instance",
                                "Tags": tag_list({**TAGS, "Name": "trainer"})}],
        )["Instances"][0]
        trainer = made["InstanceId"]
        self.ids["trainer"] = trainer
        self.ids["trainer_root"] = made["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
        self.state.add("aws_instance", "trainer", {
            "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{trainer}", "id": trainer,
            "ami": AMI, "instance_type": "t3.large", "subnet_id": self.ids["subnet"],
            "associate_public_ip_address": False, "availability_zone": f"{REGION}a",
            "vpc_security_group_ids": [self.ids["sg"]], "security_groups": [],
            "metadata_options": [{"http_endpoint": "enabled", "http_put_response_hop_limit": 1,
                                  "http_tokens": "required", "instance_metadata_tags": ""}],
            "root_block_device": [{"delete_on_termination": True, "device_name": "/dev/sda1",
                                   "encrypted": False, "volume_size": 8,
                                   "volume_id": self.ids["trainer_root"]}],
            "instance_state": "running", **tags_of({**TAGS, "Name": "trainer"})},
            schema_version=1)
        ec2.enable_ebs_encryption_by_default()
        self.state.add("aws_ebs_encryption_by_default", "this",
                       {"id": REGION, "enabled": True})

    # -- storage -------------------------------------------------------------------------
    def _storage(self) -> None:
        kms = boto3.client("kms")
        key = kms.create_key(Description="ML data key", Tags=[
            {"TagKey": k, "TagValue": v} for k, v in TAGS.items()])["KeyMetadata"]
        kms.enable_key_rotation(KeyId=key["KeyId"])
        self.ids["key"], self.ids["key_arn"] = key["KeyId"], key["Arn"]
        self.state.add("aws_kms_key", "data", {
            "arn": key["Arn"], "id": key["KeyId"], "key_id": key["KeyId"],
            "description": "ML data key", "enable_key_rotation": True, "is_enabled": True,
            "customer_master_key_spec": "SYMMETRIC_DEFAULT", "key_usage": "ENCRYPT_DECRYPT",
            "multi_region": False, "deletion_window_in_days": 10, **tags_of(TAGS)})
        self._buckets(key["Arn"])
        volume = boto3.client("ec2").create_volume(
            AvailabilityZone=f"{REGION}a", Size=100, VolumeType="gp3", Encrypted=True,
            KmsKeyId=key["Arn"],
            TagSpecifications=[{"ResourceType": "volume", "Tags": tag_list(TAGS)}])["VolumeId"]
        self.ids["volume"] = volume
        self.state.add("aws_ebs_volume", "cache", {
            "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:volume/{volume}", "id": volume,
            "availability_zone": f"{REGION}a", "encrypted": True, "kms_key_id": key["Arn"],
            "size": 100, "type": "gp3", "iops": 3000, "throughput": 125,
            "multi_attach_enabled": False, "snapshot_id": "", **tags_of(TAGS)})
        repo = boto3.client("ecr").create_repository(
            repositoryName="models", imageTagMutability="IMMUTABLE",
            imageScanningConfiguration={"scanOnPush": True},
            tags=tag_list(TAGS))["repository"]
        self.state.add("aws_ecr_repository", "models", {
            "arn": repo["repositoryArn"], "id": "models", "name": "models",
            "image_tag_mutability": "IMMUTABLE",
            "image_scanning_configuration": [{"scan_on_push": True}],
            "encryption_configuration": [{"encryption_type": "AES256", "kms_key": ""}],
            "registry_id": ACCOUNT, "repository_url": repo["repositoryUri"],
            **tags_of(TAGS)})
        db = boto3.client("rds").create_db_instance(
            DBInstanceIdentifier="mlflow", Engine="postgres", DBInstanceClass="db.t3.medium",
            AllocatedStorage=20, MasterUsername="mlflow", MasterUserPassword="s3cr3t-pa55word",
            StorageEncrypted=True, KmsKeyId=key["Arn"], PubliclyAccessible=False,
            Tags=tag_list(TAGS))["DBInstance"]
        self.state.add("aws_db_instance", "metadata", {
            "arn": db["DBInstanceArn"], "id": db["DbiResourceId"], "identifier": "mlflow",
            "resource_id": db["DbiResourceId"], "engine": "postgres",
            "instance_class": "db.t3.medium", "allocated_storage": 20, "username": "mlflow",
            "password": "s3cr3t-pa55word", "storage_encrypted": True,
            "kms_key_id": key["Arn"], "publicly_accessible": False, "multi_az": False,
            **tags_of(TAGS)}, sensitive=("password",), schema_version=2)

    def _buckets(self, key_arn: str) -> None:
        s3 = boto3.client("s3")
        where = {"LocationConstraint": REGION}
        sse = {"sse_algorithm": "aws:kms", "kms_master_key_id": key_arn}
        # Provider v4+: the settings are resources of their own (the bucket's computed
        # copies are in its attributes too, as the provider refreshes them).
        name = "acme-ml-data"
        s3.create_bucket(Bucket=name, CreateBucketConfiguration=where)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tag_list(TAGS)})
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [
            {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                    "KMSMasterKeyID": key_arn}}]})
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True})
        self.state.add("aws_s3_bucket", "data", {
            "arn": f"arn:aws:s3:::{name}", "id": name, "bucket": name, "bucket_prefix": "",
            "force_destroy": False, "object_lock_enabled": False,
            "server_side_encryption_configuration": [{"rule": [{
                "apply_server_side_encryption_by_default": [sse],
                "bucket_key_enabled": False}]}],
            "versioning": [{"enabled": True, "mfa_delete": False}], **tags_of(TAGS)})
        self.state.add("aws_s3_bucket_server_side_encryption_configuration", "data", {
            "id": name, "bucket": name, "expected_bucket_owner": "",
            "rule": [{"apply_server_side_encryption_by_default": [sse],
                      "bucket_key_enabled": False}]})
        self.state.add("aws_s3_bucket_versioning", "data", {
            "id": name, "bucket": name, "expected_bucket_owner": "", "mfa": None,
            "versioning_configuration": [{"status": "Enabled", "mfa_delete": ""}]})
        self.state.add("aws_s3_bucket_public_access_block", "data", {
            "id": name, "bucket": name, "block_public_acls": True,
            "block_public_policy": True, "ignore_public_acls": True,
            "restrict_public_buckets": True})
        # Provider v3: settings inline in the bucket. A dotted name (ignore rules escape it).
        name = "acme.ml.logs"
        s3.create_bucket(Bucket=name, CreateBucketConfiguration=where)
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [
            {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        self.state.add("aws_s3_bucket", "logs", {
            "arn": f"arn:aws:s3:::{name}", "id": name, "bucket": name, "acl": "private",
            "region": REGION, "force_destroy": False, "policy": None,
            "server_side_encryption_configuration": [{"rule": [{
                "apply_server_side_encryption_by_default": [
                    {"sse_algorithm": "AES256", "kms_master_key_id": ""}],
                "bucket_key_enabled": False}]}],
            "versioning": [{"enabled": True, "mfa_delete": False}], "tags": None,
            "tags_all": {}})
