"""`driftguard scan` of the data types end to end against moto's server: file systems,
databases, caches, queues, topics, secrets, log groups, snapshots and a bucket policy,
built with boto3, declared by a Terraform state shaped as the AWS provider v5 writes it
(the computed attributes refreshed from AWS included). Fresh, it is in sync with nothing
unmanaged; each type changed behind the code's back is changed, one created by hand is
unmanaged, each deleted is missing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto_estate import ACCOUNT, REGION, State, drift_of, scan_json, tag_list, tags_of

TAGS = {"team": "ml-platform"}
DATA_TYPES = ("aws_efs_file_system", "aws_fsx_lustre_file_system", "aws_rds_cluster",
              "aws_rds_cluster_instance", "aws_dynamodb_table",
              "aws_elasticache_replication_group", "aws_sqs_queue", "aws_sns_topic",
              "aws_secretsmanager_secret", "aws_cloudwatch_log_group", "aws_ebs_snapshot")


def compact(doc: dict[str, Any]) -> str:
    """jsonencode(...) as Terraform writes it: keys sorted, no spaces."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"))


class DataEstate:
    """One resource of each data type and the state that declares it; `ids` by type."""

    def __init__(self) -> None:
        self.state = State()
        self.ids: dict[str, str] = {}
        self.key = boto3.client("kms").create_key(Description="data")["KeyMetadata"]["Arn"]
        self.ids["key"] = self.key

    def build(self) -> DataEstate:
        for make in (self._efs, self._fsx, self._rds, self._dynamodb, self._elasticache,
                     self._sqs, self._sns, self._secret, self._log_groups, self._snapshot,
                     self._bucket_policy):
            make()
        return self

    def _efs(self) -> None:
        made = boto3.client("efs").create_file_system(
            CreationToken="datasets", Encrypted=True, KmsKeyId=self.key,
            Tags=tag_list({**TAGS, "Name": "datasets"}))
        fs = self.ids["aws_efs_file_system"] = made["FileSystemId"]
        self.state.add("aws_efs_file_system", "datasets", {
            "arn": made["FileSystemArn"], "id": fs, "availability_zone_id": "",
            "availability_zone_name": "", "creation_token": "datasets",
            "dns_name": f"{fs}.efs.{REGION}.amazonaws.com", "encrypted": True,
            "kms_key_id": self.key, "lifecycle_policy": [], "name": "datasets",
            "number_of_mount_targets": 0, "owner_id": ACCOUNT,
            "performance_mode": "generalPurpose",
            "protection": [{"replication_overwrite": "ENABLED"}],
            "provisioned_throughput_in_mibps": 0,
            "size_in_bytes": [{"value": 6144, "value_in_ia": 0, "value_in_standard": 6144}],
            "throughput_mode": "bursting", "tags": {**TAGS, "Name": "datasets"},
            "tags_all": {**TAGS, "Name": "datasets"}})

    def _fsx(self) -> None:
        ec2 = boto3.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.90.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.90.1.0/24",
                                   AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]
        made = boto3.client("fsx").create_file_system(
            FileSystemType="LUSTRE", StorageCapacity=1200, SubnetIds=[subnet],
            StorageType="SSD", KmsKeyId=self.key, Tags=tag_list(TAGS),
            LustreConfiguration={"DeploymentType": "PERSISTENT_2",
                                 "PerUnitStorageThroughput": 125})["FileSystem"]
        self.ids["aws_fsx_lustre_file_system"] = made["FileSystemId"]
        self.state.add("aws_fsx_lustre_file_system", "scratch", {
            "arn": made["ResourceARN"], "id": made["FileSystemId"],
            "deployment_type": "PERSISTENT_2", "storage_capacity": 1200,
            "storage_type": "SSD", "subnet_ids": [subnet], "security_group_ids": [],
            "kms_key_id": self.key, "per_unit_storage_throughput": 125,
            "data_compression_type": "NONE", "dns_name": made["DNSName"],
            "network_interface_ids": [], "owner_id": ACCOUNT, "vpc_id": vpc,
            "weekly_maintenance_start_time": "", **tags_of(TAGS)})

    def _rds(self) -> None:
        rds = boto3.client("rds")
        cluster = rds.create_db_cluster(
            DBClusterIdentifier="features", Engine="aurora-postgresql",
            MasterUsername="ml", MasterUserPassword="s3cr3t-pa55word", StorageEncrypted=True,
            KmsKeyId=self.key, BackupRetentionPeriod=7, Tags=tag_list(TAGS))["DBCluster"]
        self.ids["aws_rds_cluster"] = "features"
        self.state.add("aws_rds_cluster", "features", {
            "arn": cluster["DBClusterArn"], "id": "features",
            "cluster_identifier": "features", "cluster_identifier_prefix": "",
            "engine": "aurora-postgresql", "engine_mode": "provisioned",
            "engine_version": cluster["EngineVersion"], "storage_encrypted": True,
            "kms_key_id": self.key, "deletion_protection": False,
            "iam_database_authentication_enabled": False, "backup_retention_period": 7,
            "master_username": "ml", "master_password": "s3cr3t-pa55word",
            "skip_final_snapshot": True, **tags_of(TAGS)},
            sensitive=("master_password",), schema_version=2)
        writer = rds.create_db_instance(
            DBInstanceIdentifier="features-1", DBClusterIdentifier="features",
            Engine="aurora-postgresql", DBInstanceClass="db.r6g.large",
            Tags=tag_list(TAGS))["DBInstance"]
        self.ids["aws_rds_cluster_instance"] = "features-1"
        self.state.add("aws_rds_cluster_instance", "writer", {
            "arn": writer["DBInstanceArn"], "id": "features-1", "identifier": "features-1",
            "identifier_prefix": "", "cluster_identifier": "features",
            "engine": "aurora-postgresql", "instance_class": "db.r6g.large",
            "publicly_accessible": False, "storage_encrypted": True, "kms_key_id": self.key,
            "promotion_tier": 0, "auto_minor_version_upgrade": True, **tags_of(TAGS)})

    def _dynamodb(self) -> None:
        table = boto3.client("dynamodb").create_table(
            TableName="features", BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "entity", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "entity", "KeyType": "HASH"}],
            SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": self.key},
            Tags=tag_list(TAGS))["TableDescription"]
        self.ids["aws_dynamodb_table"] = "features"
        self.state.add("aws_dynamodb_table", "features", {
            "arn": table["TableArn"], "id": "features", "name": "features",
            "billing_mode": "PAY_PER_REQUEST", "hash_key": "entity", "range_key": "",
            "attribute": [{"name": "entity", "type": "S"}],
            "server_side_encryption": [{"enabled": True, "kms_key_arn": self.key}],
            "point_in_time_recovery": [{"enabled": False}], "stream_enabled": False,
            "stream_view_type": "", "stream_arn": "", "deletion_protection_enabled": False,
            "table_class": "STANDARD", "read_capacity": 0, "write_capacity": 0,
            "ttl": [{"attribute_name": "", "enabled": False}], **tags_of(TAGS)}, schema_version=1)

    def _elasticache(self) -> None:
        group = boto3.client("elasticache").create_replication_group(
            ReplicationGroupId="features", ReplicationGroupDescription="feature cache",
            Engine="redis", CacheNodeType="cache.r7g.large", NumCacheClusters=1,
            AtRestEncryptionEnabled=True, TransitEncryptionEnabled=True,
            Tags=tag_list(TAGS))["ReplicationGroup"]
        self.ids["aws_elasticache_replication_group"] = "features"
        self.state.add("aws_elasticache_replication_group", "features", {
            "arn": group["ARN"], "id": "features", "replication_group_id": "features",
            "description": "feature cache", "engine": "redis", "engine_version": "7.1",
            "engine_version_actual": "7.1.0", "node_type": "cache.r7g.large",
            "num_cache_clusters": 1, "at_rest_encryption_enabled": True,
            "transit_encryption_enabled": True, "kms_key_id": "", "auth_token": "",
            "automatic_failover_enabled": False, "multi_az_enabled": False,
            "snapshot_retention_limit": 0, "port": 6379, **tags_of(TAGS)},
            sensitive=("auth_token",), schema_version=2)

    def _sqs(self) -> None:
        sqs = boto3.client("sqs")
        url = sqs.create_queue(QueueName="jobs", tags=TAGS)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        policy = compact({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sqs:SendMessage", "Resource": arn}]})
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy})
        self.ids["aws_sqs_queue"] = url
        self.state.add("aws_sqs_queue", "jobs", {
            "arn": arn, "id": url, "url": url, "name": "jobs", "name_prefix": "",
            "fifo_queue": False, "content_based_deduplication": False,
            "deduplication_scope": "", "fifo_throughput_limit": "", "delay_seconds": 0,
            "kms_data_key_reuse_period_seconds": 300, "kms_master_key_id": "",
            "max_message_size": 262144, "message_retention_seconds": 345600,
            "policy": policy, "receive_wait_time_seconds": 0, "redrive_allow_policy": "",
            "redrive_policy": "", "sqs_managed_sse_enabled": True,
            "visibility_timeout_seconds": 30, **tags_of(TAGS)})
        self.state.add("aws_sqs_queue_policy", "jobs", {
            "id": url, "queue_url": url, "policy": policy}, schema_version=1)

    def _sns(self) -> None:
        sns = boto3.client("sns")
        arn = sns.create_topic(Name="events", Tags=tag_list(TAGS), Attributes={
            "KmsMasterKeyId": "alias/aws/sns"})["TopicArn"]
        self.ids["aws_sns_topic"] = arn
        # No policy in the code: the state records SNS's default one, as refreshed.
        policy = sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"]
        self.state.add("aws_sns_topic", "events", {
            "arn": arn, "id": arn, "name": "events", "name_prefix": "", "display_name": "",
            "fifo_topic": False, "content_based_deduplication": False,
            "kms_master_key_id": "alias/aws/sns", "owner": ACCOUNT, "policy": policy,
            "signature_version": 0, "tracing_config": "", **tags_of(TAGS)})

    def _secret(self) -> None:
        sm = boto3.client("secretsmanager")
        arn = sm.create_secret(Name="ml/api-token", Description="model API token",
                               KmsKeyId=self.key, Tags=tag_list(TAGS))["ARN"]
        self.ids["aws_secretsmanager_secret"] = arn
        self.state.add("aws_secretsmanager_secret", "token", {
            "arn": arn, "id": arn, "name": "ml/api-token", "name_prefix": "",
            "description": "model API token", "kms_key_id": self.key, "policy": "",
            "recovery_window_in_days": 30, "force_overwrite_replica_secret": False,
            "replica": [], **tags_of(TAGS)})
        # RDS manages its clusters' master passwords as secrets of its own.
        sm.create_secret(Name="rds!cluster-0123", SecretString="x", Tags=tag_list(
            {"aws:secretsmanager:owningService": "rds"}))

    def _log_groups(self) -> None:
        logs = boto3.client("logs")
        logs.create_log_group(logGroupName="/ml/training", kmsKeyId=self.key, tags=TAGS)
        logs.put_retention_policy(logGroupName="/ml/training", retentionInDays=30)
        self.ids["aws_cloudwatch_log_group"] = "/ml/training"
        self.state.add("aws_cloudwatch_log_group", "training", {
            "arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/ml/training",
            "id": "/ml/training", "name": "/ml/training", "name_prefix": "",
            "kms_key_id": self.key, "log_group_class": "STANDARD", "retention_in_days": 30,
            "skip_destroy": False, **tags_of(TAGS)})
        # What Lambda writes by itself, declared by no code.
        logs.create_log_group(logGroupName="/aws/lambda/score")

    def _snapshot(self) -> None:
        ec2 = boto3.client("ec2")
        volume = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=20)["VolumeId"]
        snapshot = ec2.create_snapshot(VolumeId=volume, Description="features, nightly",
                                       TagSpecifications=[{"ResourceType": "snapshot",
                                                           "Tags": tag_list(TAGS)}])
        ident = self.ids["aws_ebs_snapshot"] = snapshot["SnapshotId"]
        self.state.add("aws_ebs_snapshot", "features", {
            "arn": f"arn:aws:ec2:{REGION}::snapshot/{ident}", "id": ident,
            "volume_id": volume, "description": "features, nightly", "encrypted": False,
            "kms_key_id": "", "owner_id": ACCOUNT, "owner_alias": "", "outpost_arn": "",
            "storage_tier": "standard", "volume_size": 20, "data_encryption_key_id": "",
            "permanent_restore": None, "temporary_restore_days": None, **tags_of(TAGS)})
        # Not declared, but the volume is: only the snapshot is checked here.
        self.ids["snapshot_volume"] = volume

    def _bucket_policy(self) -> None:
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket="acme-ml-shared", CreateBucketConfiguration={
            "LocationConstraint": REGION})
        policy = compact({"Version": "2012-10-17", "Statement": [{
            "Sid": "ReadShared", "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::acme-ml-shared/*"}]})
        s3.put_bucket_policy(Bucket="acme-ml-shared", Policy=policy)
        self.state.add("aws_s3_bucket", "shared", {
            "arn": "arn:aws:s3:::acme-ml-shared", "id": "acme-ml-shared",
            "bucket": "acme-ml-shared", "bucket_prefix": "", "force_destroy": False,
            "object_lock_enabled": False, "policy": policy, "tags": None, "tags_all": {}})
        self.state.add("aws_s3_bucket_policy", "shared", {
            "id": "acme-ml-shared", "bucket": "acme-ml-shared", "policy": policy})


@pytest.fixture
def estate(aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DataEstate:
    monkeypatch.chdir(tmp_path)
    for key in ("DRIFTGUARD_CONFIG", "DRIFTGUARD_FAIL_ON"):
        monkeypatch.delenv(key, raising=False)
    return DataEstate().build()


def scan(capsys: pytest.CaptureFixture[str], state: Path, *extra: str) -> dict[str, Any]:
    config = state.parent / "driftguard.yaml"
    config.write_text("builtin_policies: false\n", encoding="utf-8")
    _, report = scan_json(capsys, "--state", str(state), "--config", str(config), *extra)
    assert report["not_checked"] == []
    return report


def ours(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [d for d in drift_of(report) if d[1] in (*DATA_TYPES, "aws_s3_bucket")]


def change_each_behind_the_codes_back(ids: dict[str, str]) -> None:
    boto3.client("efs").tag_resource(ResourceId=ids["aws_efs_file_system"],
                                     Tags=tag_list({"owner": "someone"}))
    fsx = boto3.client("fsx")
    fsx.tag_resource(ResourceARN=fsx.describe_file_systems(FileSystemIds=[
        ids["aws_fsx_lustre_file_system"]])["FileSystems"][0]["ResourceARN"],
        Tags=tag_list({"owner": "someone"}))
    rds = boto3.client("rds")
    rds.modify_db_cluster(DBClusterIdentifier="features", DeletionProtection=True)
    rds.modify_db_instance(DBInstanceIdentifier="features-1", PubliclyAccessible=True)
    boto3.client("dynamodb").update_table(TableName="features",
                                          DeletionProtectionEnabled=True)
    boto3.client("elasticache").modify_replication_group(ReplicationGroupId="features",
                                                         SnapshotRetentionLimit=5)
    sqs, url = boto3.client("sqs"), ids["aws_sqs_queue"]
    # moto's SetQueueAttributes drops the policy unless given again (AWS keeps it).
    policy = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "600", **policy})
    boto3.client("sns").set_topic_attributes(TopicArn=ids["aws_sns_topic"],
                                             AttributeName="KmsMasterKeyId",
                                             AttributeValue=ids["key"])
    boto3.client("secretsmanager").update_secret(SecretId=ids["aws_secretsmanager_secret"],
                                                 Description="rotated by hand")
    boto3.client("logs").put_retention_policy(logGroupName="/ml/training", retentionInDays=7)
    boto3.client("ec2").create_tags(Resources=[ids["aws_ebs_snapshot"]],
                                    Tags=tag_list({"owner": "someone"}))
    boto3.client("s3").put_bucket_policy(Bucket="acme-ml-shared", Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::acme-ml-shared/*"}]}))


def create_one_of_each_by_hand(ids: dict[str, str]) -> dict[str, str]:
    """One more resource of each type that no code declares: their ids by type."""
    ec2, rds = boto3.client("ec2"), boto3.client("rds")
    subnet = boto3.client("fsx").describe_file_systems(FileSystemIds=[
        ids["aws_fsx_lustre_file_system"]])["FileSystems"][0]["SubnetIds"]
    rds.create_db_cluster(DBClusterIdentifier="adhoc", Engine="aurora-mysql",
                          MasterUsername="ml", MasterUserPassword="s3cr3t-pa55word")
    rds.create_db_instance(DBInstanceIdentifier="features-2", DBClusterIdentifier="features",
                           Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")
    boto3.client("dynamodb").create_table(
        TableName="adhoc", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}])
    boto3.client("elasticache").create_replication_group(
        ReplicationGroupId="adhoc", ReplicationGroupDescription="by hand",
        CacheNodeType="cache.t4g.micro", NumCacheClusters=1)
    boto3.client("logs").create_log_group(logGroupName="/ml/adhoc")
    return {
        "aws_efs_file_system": boto3.client("efs").create_file_system(
            CreationToken="adhoc")["FileSystemId"],
        "aws_fsx_lustre_file_system": boto3.client("fsx").create_file_system(
            FileSystemType="LUSTRE", StorageCapacity=1200,
            SubnetIds=subnet)["FileSystem"]["FileSystemId"],
        "aws_rds_cluster": "adhoc", "aws_rds_cluster_instance": "features-2",
        "aws_dynamodb_table": "adhoc", "aws_elasticache_replication_group": "adhoc",
        "aws_sqs_queue": boto3.client("sqs").create_queue(QueueName="adhoc")["QueueUrl"],
        "aws_sns_topic": boto3.client("sns").create_topic(Name="adhoc")["TopicArn"],
        "aws_secretsmanager_secret": boto3.client("secretsmanager").create_secret(
            Name="ml/adhoc", SecretString="x")["ARN"],
        "aws_cloudwatch_log_group": "/ml/adhoc",
        "aws_ebs_snapshot": ec2.create_snapshot(VolumeId=ids["snapshot_volume"])[
            "SnapshotId"],
    }


def delete_each(ids: dict[str, str]) -> None:
    boto3.client("efs").delete_file_system(FileSystemId=ids["aws_efs_file_system"])
    boto3.client("fsx").delete_file_system(FileSystemId=ids["aws_fsx_lustre_file_system"])
    rds = boto3.client("rds")
    rds.delete_db_instance(DBInstanceIdentifier="features-1", SkipFinalSnapshot=True)
    rds.modify_db_cluster(DBClusterIdentifier="features", DeletionProtection=False)
    rds.delete_db_instance(DBInstanceIdentifier="features-2", SkipFinalSnapshot=True)
    rds.delete_db_cluster(DBClusterIdentifier="features", SkipFinalSnapshot=True)
    ddb = boto3.client("dynamodb")
    ddb.update_table(TableName="features", DeletionProtectionEnabled=False)
    ddb.delete_table(TableName="features")
    boto3.client("elasticache").delete_replication_group(ReplicationGroupId="features")
    boto3.client("sqs").delete_queue(QueueUrl=ids["aws_sqs_queue"])
    boto3.client("sns").delete_topic(TopicArn=ids["aws_sns_topic"])
    boto3.client("secretsmanager").delete_secret(SecretId=ids["aws_secretsmanager_secret"],
                                                 ForceDeleteWithoutRecovery=True)
    boto3.client("logs").delete_log_group(logGroupName="/ml/training")
    boto3.client("ec2").delete_snapshot(SnapshotId=ids["aws_ebs_snapshot"])
    boto3.client("s3").delete_bucket_policy(Bucket="acme-ml-shared")


def test_data_types_in_sync_then_changed_unmanaged_and_missing(
        estate: DataEstate, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    state = estate.state.write(tmp_path / "terraform.tfstate")
    ids = estate.ids
    report = scan(capsys, state)
    assert report["drift"] == [], json.dumps(report["drift"], indent=1)
    coverage = {c["type"]: (c["managed"], c["unmanaged"]) for c in report["coverage"]}
    assert {t: coverage.get(t) for t in DATA_TYPES} == dict.fromkeys(DATA_TYPES, (1, 0))

    change_each_behind_the_codes_back(ids)
    strays = create_one_of_each_by_hand(ids)
    someone = {**TAGS, "owner": "someone"}
    changed = {
        "aws_efs_file_system": [("tags", {**TAGS, "Name": "datasets"},
                                 {**someone, "Name": "datasets"})],
        "aws_fsx_lustre_file_system": [("tags", TAGS, someone)],
        "aws_rds_cluster": [("deletion_protection", False, True)],
        "aws_rds_cluster_instance": [("publicly_accessible", False, True)],
        "aws_dynamodb_table": [("deletion_protection_enabled", False, True)],
        "aws_elasticache_replication_group": [("snapshot_retention_limit", 0, 5)],
        "aws_sqs_queue": [("visibility_timeout_seconds", 30, 600)],
        "aws_sns_topic": [("kms_master_key_id", "alias/aws/sns", ids["key"])],
        "aws_secretsmanager_secret": [("description", "model API token",
                                       "rotated by hand")],
        "aws_cloudwatch_log_group": [("retention_in_days", 30, 7)],
        "aws_ebs_snapshot": [("tags", TAGS, someone)],
    }
    report = scan(capsys, state, "--show-values")  # tags, descriptions and policies too
    found = {(d[0], d[1]): d for d in ours(report)}
    for tf_type, changes in changed.items():
        kind, _, ident, _, got = found[("changed", tf_type)]
        assert (ident, got) == (ids[tf_type], changes), tf_type
        assert found[("unmanaged", tf_type)][2] == strays[tf_type], tf_type
    (_, _, bucket, _, [(attribute, _, public)]) = found[("changed", "aws_s3_bucket")]
    assert (bucket, attribute, public["Statement"][0]["Principal"]) == (
        "acme-ml-shared", "policy", {"AWS": ["*"]})
    assert len(ours(report)) == 2 * len(DATA_TYPES) + 1, ours(report)

    delete_each(ids)
    report = scan(capsys, state)
    kinds = {(d[0], d[1], d[2]) for d in ours(report)}
    assert {(k, t) for k, t, _ in kinds if k == "missing"} == {
        ("missing", t) for t in DATA_TYPES}
    assert {("missing", t, ids[t]) for t in DATA_TYPES} <= kinds
    assert ("changed", "aws_s3_bucket", "acme-ml-shared") in kinds  # its policy is gone


def rule_findings(report: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(rule, type, address) of each rule's finding (drift's own left out)."""
    return {(f["rule_id"], f["resource"]["type"], f["resource"]["address"])
            for f in report["findings"] if not f["rule_id"].startswith("DG-DRIFT-")}


def test_the_rules_leave_what_aws_made_alone(estate: DataEstate, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """The built-in rules on the fresh estate, live: what AWS made by itself (Lambda's log
    group, RDS's secret) and AWS's defaults (SNS's topic policy, SQS-managed encryption) are
    not findings; what the code made is judged as in a plan."""
    state = estate.state.write(tmp_path / "terraform.tfstate")
    _, report = scan_json(capsys, "--state", str(state))
    assert report["drift"] == []
    snapshot = estate.ids["aws_ebs_snapshot"]
    # The state's bucket has no encryption, versioning or public access block, and its
    # snapshot is of an unencrypted volume: those are the code's.
    assert rule_findings(report) == {
        ("DG-ENC-001", "aws_s3_bucket", "acme-ml-shared"),
        ("DG-STO-001", "aws_s3_bucket", "acme-ml-shared"),
        ("DG-STO-002", "aws_s3_bucket", "acme-ml-shared"),
        ("DG-ENC-009", "aws_ebs_snapshot", snapshot)}
    # AWS's own were read (strict: unmanaged), and judged by no rule.
    _, strict = scan_json(capsys, "--state", str(state), "--strict")
    unmanaged = {(d["type"], d["id"]) for d in strict["drift"] if d["kind"] == "unmanaged"}
    assert ("aws_cloudwatch_log_group", "/aws/lambda/score") in unmanaged
    assert any(t == "aws_secretsmanager_secret" and "rds!cluster-0123" in i
               for t, i in unmanaged)
    assert rule_findings(strict) == rule_findings(report)
