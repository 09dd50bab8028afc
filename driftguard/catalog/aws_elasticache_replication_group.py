from typing import Any

from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, Detail, ResourceSpec


def at_rest(enabled: Any, engine: Any) -> bool:
    """Encrypted at rest; unset is AWS's default: on for Valkey, off for Redis OSS."""
    enabled = c.cfn_bool(enabled)
    return bool(enabled) if enabled is not None else str(engine or "").lower() == "valkey"


def status_enabled(status: Any) -> bool:
    """ElastiCache's AutomaticFailover and MultiAZ: enabled (or enabling)."""
    return str(status or "").lower() in ("enabled", "enabling")


SPEC = ResourceSpec(
    tf_type="aws_elasticache_replication_group",
    cfn_type="AWS::ElastiCache::ReplicationGroup",
    doc="An ElastiCache (Redis OSS or Valkey) replication group: a feature cache, often.",
    tf_id="replication_group_id",
    attrs=(
        Attr("description", "str", "description", tf=("description",), live=("Description",),
             cfn=("ReplicationGroupDescription",)),
        Attr("node_type", "str|null", "cache node type (cache.r7g.large, ...)",
             tf=("node_type",), convert=c.non_empty, live=("CacheNodeType",),
             live_convert=c.non_empty, cfn=("CacheNodeType",), show=True),
        Attr("engine", "str", "redis or valkey", tf=("engine",), default="redis",
             live=("Engine",), cfn=("Engine",), show=True),
        Attr("encrypted", "bool",
             "encrypted at rest (unset: AWS's default, on for Valkey, off for Redis OSS)",
             tf=("at_rest_encryption_enabled", "engine"), convert=at_rest,
             live=("AtRestEncryptionEnabled", "Engine"), live_convert=at_rest,
             cfn=("AtRestEncryptionEnabled", "Engine")),
        Attr("kms_key_id", "str|null",
             "the customer-managed KMS key encrypting it at rest; null: ElastiCache's own",
             tf=("kms_key_id",), convert=c.non_empty, live=("KmsKeyId",),
             live_convert=c.non_empty, cfn=("KmsKeyId",), show=True),
        Attr("encrypted_in_transit", "bool", "TLS between clients and nodes",
             tf=("transit_encryption_enabled",), convert=c.flag,
             live=("TransitEncryptionEnabled",), live_convert=c.flag,
             cfn=("TransitEncryptionEnabled",)),
        Attr("automatic_failover_enabled", "bool", "a replica is promoted when the primary fails",
             tf=("automatic_failover_enabled",), convert=c.flag, live=("AutomaticFailover",),
             live_convert=status_enabled, cfn=("AutomaticFailoverEnabled",)),
        Attr("multi_az_enabled", "bool", "Multi-AZ", tf=("multi_az_enabled",),
             convert=c.flag, live=("MultiAZ",), live_convert=status_enabled,
             cfn=("MultiAZEnabled",)),
        Attr("snapshot_retention_limit", "int", "days automatic backups are kept; 0: none",
             tf=("snapshot_retention_limit",), default=0, live=("SnapshotRetentionLimit",),
             cfn=("SnapshotRetentionLimit",)),
        c.tags(live="list_tags_for_resource.TagList"),
    ),
    sensitive=("auth_token",),
    cfn_sensitive=("AuthToken",),
    links=(c.KMS_KEY,),
    collect=Collect(
        service="elasticache", operation="describe_replication_groups",
        items="ReplicationGroups", id_field="ReplicationGroupId", arn_field="ARN",
        gone=("ReplicationGroupNotFoundFault",),
        skip=("Status", ("deleting",)),  # on its way out: gone, for the code
        details=(Detail("list_tags_for_resource", "ResourceName", source_field="ARN"),),
    ),
)
