"""The data types of the ML estate (file systems, databases, queues, topics, secrets, log
groups, snapshots, bucket policies), each read from a plan, a state-shaped plan and a
template into the same canonical attributes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from plans import change, plan, write

from driftguard.declared.cloudformation import load_bytes
from driftguard.declared.terraform import load
from driftguard.model import Resource

ACCOUNT = "123456789012"
KEY_ARN = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1111-2222"


def from_plan(tmp_path: Path, *changes: dict[str, Any]) -> dict[str, Resource]:
    _, resources = load(write(tmp_path, plan(*changes)))
    return {r.address: r for r in resources}


def from_template(resources: str) -> dict[str, Resource]:
    text = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n" + resources
    return {r.address: r for r in load_bytes("t.yaml", text.encode(), {})}


def with_key_link(expected: dict[str, Any]) -> dict[str, Any]:
    """A type with kms_key_id links its key (catalog.convert.KMS_KEY): null when the key is
    not in the input."""
    return {**expected, "kms_key_manager": None} if "kms_key_id" in expected else expected


def agree(tmp_path: Path, tf_change: dict[str, Any], template: str,
          expected: dict[str, Any]) -> tuple[Resource, Resource]:
    """The plan's one resource and the template's `Logical` read the same, as expected
    (with the kms_key_manager link of a type with kms_key_id: no key is in these inputs)."""
    expected = with_key_link(expected)
    (planned,) = from_plan(tmp_path, tf_change).values()
    templated = from_template(template)["Logical"]
    assert planned.type == templated.type
    assert planned.attributes == expected, "plan"
    assert templated.attributes == expected, "template"
    assert planned.unknown == templated.unknown == []
    return planned, templated


# --- aws_efs_file_system --------------------------------------------------------------------

def test_efs_file_system(tmp_path: Path) -> None:
    agree(tmp_path, change("aws_efs_file_system.datasets", {
        "encrypted": True, "kms_key_id": KEY_ARN, "performance_mode": "maxIO",
        "throughput_mode": "elastic", "tags": {"team": "ml"}, "tags_all": {"team": "ml"}}),
        f"""\
  Logical:
    Type: AWS::EFS::FileSystem
    Properties:
      Encrypted: true
      KmsKeyId: {KEY_ARN}
      PerformanceMode: maxIO
      ThroughputMode: elastic
      FileSystemTags: [{{Key: team, Value: ml}}]
""", {"encrypted": True, "kms_key_id": KEY_ARN, "performance_mode": "maxIO",
      "throughput_mode": "elastic", "availability_zone_name": None, "tags": {"team": "ml"}})


# --- aws_s3_bucket_policy, folded into aws_s3_bucket ----------------------------------------

READ_DATA = {"Version": "2012-10-17", "Statement": [{
    "Sid": "ReadData", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
    "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-ml-data/*"}]}
CANONICAL_READ_DATA = {"Version": "2012-10-17", "Statement": [{
    "Sid": "ReadData", "Effect": "Allow", "Principal": {"AWS": [ACCOUNT]},
    "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::acme-ml-data/*"]}]}


def test_bucket_policy_folds_into_its_bucket_parsed(tmp_path: Path) -> None:
    resources = from_plan(
        tmp_path,
        change("aws_s3_bucket.data", {"bucket": "acme-ml-data"}, unknown={"policy": True}),
        change("aws_s3_bucket_policy.data", {"policy": json.dumps(READ_DATA)},
               unknown={"bucket": True}, refs={"bucket": ["aws_s3_bucket.data.id"]}),
        change("aws_s3_bucket.bare", {"bucket": "acme-bare"}, unknown={"policy": True}),
    )
    assert resources["aws_s3_bucket.data"].attributes["policy"] == CANONICAL_READ_DATA
    # The provider computes the bucket's own (deprecated) policy argument: not set here.
    assert resources["aws_s3_bucket.bare"].attributes["policy"] is None
    assert resources["aws_s3_bucket.bare"].unknown == []


def test_deprecated_inline_bucket_policy_reads_the_same(tmp_path: Path) -> None:
    resources = from_plan(tmp_path, change("aws_s3_bucket.data", {
        "bucket": "acme-ml-data", "policy": json.dumps(READ_DATA, indent=2)}))
    assert resources["aws_s3_bucket.data"].attributes["policy"] == CANONICAL_READ_DATA


def test_bucket_policy_unknown_until_apply_stays_unknown(tmp_path: Path) -> None:
    resources = from_plan(
        tmp_path,
        change("aws_s3_bucket.data", {"bucket": "acme-ml-data"}),
        change("aws_s3_bucket_policy.data", {}, unknown={"bucket": True, "policy": True},
               refs={"bucket": ["aws_s3_bucket.data.id"], "policy": [
                   "data.aws_iam_policy_document.read.json"]}),
    )
    bucket = resources["aws_s3_bucket.data"]
    assert "policy" not in bucket.attributes and bucket.unknown == ["policy"]


def test_template_bucket_policy_folds_into_its_bucket() -> None:
    resources = from_template("""\
  Data:
    Type: AWS::S3::Bucket
    Properties: {BucketName: acme-ml-data}
  DataPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Data
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Sid: ReadData
            Effect: Allow
            Principal: {AWS: !Sub 'arn:aws:iam::123456789012:root'}
            Action: [s3:GetObject]
            Resource: arn:aws:s3:::acme-ml-data/*
  Bare:
    Type: AWS::S3::Bucket
""")
    assert resources["Data"].attributes["policy"] == CANONICAL_READ_DATA
    assert resources["Bare"].attributes["policy"] is None


# --- aws_sqs_queue ---------------------------------------------------------------------------

SEND = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
    "Action": "sqs:SendMessage", "Resource": "*"}]}
CANONICAL_SEND = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": ["events.amazonaws.com"]},
    "Action": ["sqs:SendMessage"], "Resource": ["*"]}]}
QUEUE = {"fifo_queue": False, "encrypted": True, "kms_master_key_id": None, "kms_key_id": None,
         "visibility_timeout_seconds": 30, "message_retention_seconds": 345600, "policy": None,
         "tags": {}}


def test_sqs_queue_defaults_to_sse_sqs_in_plans_and_templates(tmp_path: Path) -> None:
    # sqs_managed_sse_enabled is computed when the code leaves it out: AWS's default applies.
    agree(tmp_path, change("aws_sqs_queue.jobs", {"name": "jobs"},
                           unknown={"sqs_managed_sse_enabled": True, "policy": True}),
          "  Logical:\n    Type: AWS::SQS::Queue\n", QUEUE)


def test_sqs_queue_kms_key_and_aws_managed_alias(tmp_path: Path) -> None:
    agree(tmp_path, change("aws_sqs_queue.jobs", {
        "fifo_queue": True, "kms_master_key_id": KEY_ARN, "visibility_timeout_seconds": 300,
        "sqs_managed_sse_enabled": False, "policy": json.dumps(SEND)}), f"""\
  Logical:
    Type: AWS::SQS::Queue
    Properties: {{FifoQueue: 'true', KmsMasterKeyId: {KEY_ARN}, VisibilityTimeout: 300}}
  LogicalPolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Logical]
      PolicyDocument: {json.dumps(SEND)}
""", {**QUEUE, "fifo_queue": True, "kms_master_key_id": KEY_ARN, "kms_key_id": KEY_ARN,
      "visibility_timeout_seconds": 300, "policy": CANONICAL_SEND})
    (queue,) = from_plan(tmp_path, change("aws_sqs_queue.q", {
        "kms_master_key_id": "alias/aws/sqs", "sqs_managed_sse_enabled": False})).values()
    assert (queue.attributes["encrypted"], queue.attributes["kms_key_id"]) == (True, None)
    (queue,) = from_plan(tmp_path, change("aws_sqs_queue.q", {
        "sqs_managed_sse_enabled": False})).values()
    assert queue.attributes["encrypted"] is False


def test_queue_policies_fold_into_their_queues(tmp_path: Path) -> None:
    resources = from_plan(
        tmp_path,
        change("aws_sqs_queue.jobs", {"name": "jobs"}, unknown={"url": True, "policy": True}),
        change("aws_sqs_queue_policy.jobs", {"policy": json.dumps(SEND)},
               unknown={"queue_url": True}, refs={"queue_url": ["aws_sqs_queue.jobs.url"]}))
    assert resources["aws_sqs_queue.jobs"].attributes["policy"] == CANONICAL_SEND
    # One AWS::SQS::QueuePolicy for several queues, by Ref and by URL.
    url = f"https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/other"
    templated = from_template(f"""\
  Jobs:
    Type: AWS::SQS::Queue
  Dead:
    Type: AWS::SQS::Queue
  Lone:
    Type: AWS::SQS::Queue
  Both:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Jobs, !GetAtt Dead.QueueUrl, {url}]
      PolicyDocument: {json.dumps(SEND)}
""")
    assert templated["Jobs"].attributes["policy"] == CANONICAL_SEND
    assert templated["Dead"].attributes["policy"] == CANONICAL_SEND
    assert templated["Lone"].attributes["policy"] is None


# --- aws_sns_topic ---------------------------------------------------------------------------

def test_sns_topic_and_its_policy(tmp_path: Path) -> None:
    publish = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "sns:Publish", "Resource": "*"}]}
    canonical = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": ["s3.amazonaws.com"]},
        "Action": ["sns:Publish"], "Resource": ["*"]}]}
    expected = {"fifo_topic": False, "display_name": None, "encrypted": True,
                "kms_master_key_id": "alias/aws/sns", "kms_key_id": None, "policy": canonical,
                "tags": {"team": "ml"}}
    agree(tmp_path, change("aws_sns_topic.events", {
        "name": "events", "kms_master_key_id": "alias/aws/sns", "policy": json.dumps(publish),
        "tags": {"team": "ml"}}), f"""\
  Logical:
    Type: AWS::SNS::Topic
    Properties:
      KmsMasterKeyId: alias/aws/sns
      Tags: [{{Key: team, Value: ml}}]
  Policy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Logical]
      PolicyDocument: {json.dumps(publish)}
""", expected)
    resources = from_plan(
        tmp_path,
        change("aws_sns_topic.events", {"name": "events"}, unknown={"arn": True, "policy": True}),
        change("aws_sns_topic_policy.events", {"policy": json.dumps(publish)},
               unknown={"arn": True}, refs={"arn": ["aws_sns_topic.events.arn"]}))
    topic = resources["aws_sns_topic.events"]
    assert topic.attributes["policy"] == canonical
    assert (topic.attributes["encrypted"], topic.attributes["kms_key_id"]) == (False, None)


# --- aws_secretsmanager_secret ---------------------------------------------------------------

def test_secret_metadata_and_never_its_value(tmp_path: Path) -> None:
    agree(tmp_path, change("aws_secretsmanager_secret.token", {
        "name": "api-token", "description": "", "kms_key_id": "alias/aws/secretsmanager"}),
        """\
  Logical:
    Type: AWS::SecretsManager::Secret
    Properties: {Name: api-token, SecretString: hunter2-in-the-template}
""", {"name": "api-token", "description": None, "kms_key_id": None, "owning_service": None,
      "tags": {}})
    secret = from_template("""\
  Logical:
    Type: AWS::SecretsManager::Secret
    Properties: {Name: api-token, SecretString: hunter2-in-the-template}
""")["Logical"]
    assert "hunter2" not in json.dumps(secret.raw)


# --- aws_cloudwatch_log_group ----------------------------------------------------------------

def test_log_group(tmp_path: Path) -> None:
    agree(tmp_path, change("aws_cloudwatch_log_group.training", {
        "name": "/ml/training", "retention_in_days": 90, "kms_key_id": KEY_ARN,
        "log_group_class": "STANDARD", "skip_destroy": False}), f"""\
  Logical:
    Type: AWS::Logs::LogGroup
    Properties: {{LogGroupName: /ml/training, RetentionInDays: 90, KmsKeyId: {KEY_ARN}}}
""", {"name": "/ml/training", "retention_in_days": 90, "kms_key_id": KEY_ARN,
      "log_group_class": "STANDARD", "tags": {}})


# --- aws_ebs_snapshot ------------------------------------------------------------------------

def test_ebs_snapshot_reads_what_the_provider_computes(tmp_path: Path) -> None:
    (snapshot,) = from_plan(tmp_path, change(
        "aws_ebs_snapshot.features", {"volume_id": "vol-0123", "description": "nightly",
                                      "storage_tier": "standard"},
        unknown={"encrypted": True, "kms_key_id": True, "id": True})).values()
    # encrypted and kms_key_id come from the volume: unknown until apply (not "not set",
    # as other computed attributes the code leaves out: the tags here).
    assert snapshot.attributes == {"volume_id": "vol-0123", "description": "nightly",
                                   "storage_tier": "standard", "tags": {},
                                   "kms_key_manager": None}
    assert snapshot.unknown == ["encrypted", "kms_key_id"]
    # Known once applied (a state, or a plan of an existing snapshot).
    (snapshot,) = from_plan(tmp_path, change(
        "aws_ebs_snapshot.features", {"volume_id": "vol-0123", "encrypted": True,
                                      "kms_key_id": KEY_ARN}, actions=("no-op",))).values()
    assert (snapshot.attributes["encrypted"], snapshot.attributes["kms_key_id"]) == (
        True, KEY_ARN)


# --- aws_elasticache_replication_group -------------------------------------------------------

CACHE = {"description": "feature cache", "node_type": "cache.r7g.large", "engine": "valkey",
         "encrypted": True, "kms_key_id": None, "encrypted_in_transit": False,
         "automatic_failover_enabled": False, "multi_az_enabled": False,
         "snapshot_retention_limit": 0, "tags": {}}


def test_replication_group_valkey_encrypts_at_rest_by_default(tmp_path: Path) -> None:
    agree(tmp_path, change("aws_elasticache_replication_group.features", {
        "replication_group_id": "features", "description": "feature cache",
        "node_type": "cache.r7g.large", "engine": "valkey"}), """\
  Logical:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: feature cache
      CacheNodeType: cache.r7g.large
      Engine: valkey
""", CACHE)


def test_replication_group_redis_with_transit_encryption_and_auth(tmp_path: Path) -> None:
    planned, templated = agree(tmp_path, change("aws_elasticache_replication_group.features", {
        "replication_group_id": "features", "description": "feature cache",
        "node_type": "cache.r7g.large", "engine": "redis", "at_rest_encryption_enabled": False,
        "transit_encryption_enabled": True, "automatic_failover_enabled": True,
        "multi_az_enabled": True, "auth_token": "hunter2-token-value"}), """\
  Logical:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: feature cache
      CacheNodeType: cache.r7g.large
      Engine: redis
      TransitEncryptionEnabled: 'true'
      AutomaticFailoverEnabled: true
      MultiAZEnabled: true
      AuthToken: hunter2-token-value
""", {**CACHE, "engine": "redis", "encrypted": False, "encrypted_in_transit": True,
      "automatic_failover_enabled": True, "multi_az_enabled": True})
    assert "hunter2" not in json.dumps(planned.raw) + json.dumps(templated.raw)


# --- aws_rds_cluster -------------------------------------------------------------------------

def test_rds_cluster_and_its_password_never_shown(tmp_path: Path) -> None:
    planned, templated = agree(tmp_path, change("aws_rds_cluster.features", {
        "cluster_identifier": "features", "engine": "aurora-postgresql",
        "storage_encrypted": True, "kms_key_id": KEY_ARN, "deletion_protection": True,
        "backup_retention_period": 7, "master_password": "hunter2-db-password"}), f"""\
  Logical:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      StorageEncrypted: true
      KmsKeyId: {KEY_ARN}
      DeletionProtection: true
      BackupRetentionPeriod: 7
      MasterUserPassword: hunter2-db-password
""", {"engine": "aurora-postgresql", "encrypted": True, "kms_key_id": KEY_ARN,
      "deletion_protection": True, "iam_database_authentication_enabled": False,
      "backup_retention_period": 7, "tags": {}})
    assert "hunter2" not in json.dumps(planned.raw) + json.dumps(templated.raw)


# --- aws_rds_cluster_instance (and aws_db_instance: one CloudFormation type, two types) -----

def test_a_template_tells_cluster_members_from_instances(tmp_path: Path) -> None:
    resources = from_template("""\
  Cluster:
    Type: AWS::RDS::DBCluster
    Properties: {Engine: aurora-postgresql, StorageEncrypted: true}
  Logical:
    Type: AWS::RDS::DBInstance
    Properties:
      DBClusterIdentifier: !Ref Cluster
      Engine: aurora-postgresql
      DBInstanceClass: db.r6g.large
      PubliclyAccessible: true
  Alone:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: postgres, DBInstanceClass: db.t4g.micro, AllocatedStorage: '20'}
""")
    assert resources["Logical"].type == "aws_rds_cluster_instance"
    assert resources["Alone"].type == "aws_db_instance"
    assert resources["Cluster"].type == "aws_rds_cluster"
    assert resources["Logical"].unknown == ["cluster_identifier"]  # the cluster's Ref
    (planned,) = from_plan(tmp_path, change("aws_rds_cluster_instance.writer", {
        "identifier": "features-1", "cluster_identifier": "features",
        "engine": "aurora-postgresql", "instance_class": "db.r6g.large",
        "publicly_accessible": True})).values()
    assert planned.attributes == {
        **resources["Logical"].attributes, "cluster_identifier": "features"} == {
        "cluster_identifier": "features", "instance_class": "db.r6g.large",
        "engine": "aurora-postgresql", "publicly_accessible": True, "tags": {}}


# --- aws_fsx_lustre_file_system --------------------------------------------------------------

def test_fsx_lustre_and_other_fsx_file_systems_in_a_template(tmp_path: Path) -> None:
    expected = {"deployment_type": "PERSISTENT_2", "storage_capacity": 2400,
                "storage_type": "SSD", "per_unit_storage_throughput": 250,
                "data_compression_type": "NONE", "kms_key_id": KEY_ARN,
                "subnet_ids": ["subnet-0123"], "tags": {}}
    agree(tmp_path, change("aws_fsx_lustre_file_system.datasets", {
        "deployment_type": "PERSISTENT_2", "storage_capacity": 2400,
        "per_unit_storage_throughput": 250, "kms_key_id": KEY_ARN,
        "subnet_ids": ["subnet-0123"]}), f"""\
  Logical:
    Type: AWS::FSx::FileSystem
    Properties:
      FileSystemType: LUSTRE
      StorageCapacity: 2400
      SubnetIds: [subnet-0123]
      KmsKeyId: {KEY_ARN}
      LustreConfiguration: {{DeploymentType: PERSISTENT_2, PerUnitStorageThroughput: 250}}
""", expected)
    windows = from_template("""\
  Home:
    Type: AWS::FSx::FileSystem
    Properties:
      FileSystemType: WINDOWS
      StorageCapacity: 32
      SubnetIds: [subnet-0123]
      WindowsConfiguration: {ThroughputCapacity: 8}
""")["Home"]
    assert windows.type == "AWS::FSx::FileSystem"  # not a catalog type


# --- aws_dynamodb_table ----------------------------------------------------------------------

def test_dynamodb_table(tmp_path: Path) -> None:
    agree(tmp_path, change("aws_dynamodb_table.features", {
        "name": "features", "billing_mode": "PAY_PER_REQUEST", "hash_key": "entity",
        "range_key": "ts", "stream_enabled": True, "stream_view_type": "NEW_IMAGE",
        "server_side_encryption": [{"enabled": True, "kms_key_arn": KEY_ARN}],
        "deletion_protection_enabled": True, "table_class": ""}), f"""\
  Logical:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{{AttributeName: entity, AttributeType: S}}]
      KeySchema:
        - {{AttributeName: entity, KeyType: HASH}}
        - {{AttributeName: ts, KeyType: RANGE}}
      StreamSpecification: {{StreamViewType: NEW_IMAGE}}
      SSESpecification: {{SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: {KEY_ARN}}}
      DeletionProtectionEnabled: true
""", {"billing_mode": "PAY_PER_REQUEST", "hash_key": "entity", "range_key": "ts",
      "kms_encryption": True, "kms_key_id": KEY_ARN, "stream_enabled": True,
      "deletion_protection_enabled": True, "table_class": "STANDARD", "tags": {}})


def test_dynamodb_table_with_dynamodbs_own_key(tmp_path: Path) -> None:
    agree(tmp_path, change("aws_dynamodb_table.runs", {"name": "runs", "hash_key": "run"}),
          """\
  Logical:
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema: [{AttributeName: run, KeyType: HASH}]
""", {"billing_mode": "PROVISIONED", "hash_key": "run", "range_key": None,
      "kms_encryption": False, "kms_key_id": None, "stream_enabled": False,
      "deletion_protection_enabled": False, "table_class": "STANDARD", "tags": {}})
