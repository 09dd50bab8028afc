"""The collector case of aws_elasticache_replication_group (moto)."""

from __future__ import annotations

import boto3

from cases import TEAM, Built, kms_key_arn, tag_list


def build() -> Built:
    cache = boto3.client("elasticache")
    key = kms_key_arn()
    cache.create_replication_group(
        ReplicationGroupId="dg-features", ReplicationGroupDescription="feature cache",
        Engine="redis", CacheNodeType="cache.r7g.large", NumCacheClusters=2,
        AutomaticFailoverEnabled=True, MultiAZEnabled=True, AtRestEncryptionEnabled=True,
        KmsKeyId=key, TransitEncryptionEnabled=True, SnapshotRetentionLimit=7,
        AuthToken="never-shown-anywhere-1234", Tags=tag_list(TEAM))
    cache.create_replication_group(
        ReplicationGroupId="dg-scratch", ReplicationGroupDescription="scratch",
        Engine="redis", CacheNodeType="cache.t4g.micro", NumCacheClusters=1)
    # Listed while AWS deletes it: gone, for the code.
    cache.create_replication_group(ReplicationGroupId="dg-leaving",
                                   ReplicationGroupDescription="leaving", NumCacheClusters=1)
    cache.delete_replication_group(ReplicationGroupId="dg-leaving")
    return Built({
        "dg-features": {
            "description": "feature cache", "node_type": "cache.r7g.large", "engine": "redis",
            "encrypted": True, "kms_key_id": key, "encrypted_in_transit": True,
            "automatic_failover_enabled": True, "multi_az_enabled": True,
            "snapshot_retention_limit": 7, "tags": TEAM},
        "dg-scratch": {
            "description": "scratch", "node_type": "cache.t4g.micro", "engine": "redis",
            "encrypted": False, "kms_key_id": None, "encrypted_in_transit": False,
            "automatic_failover_enabled": False, "multi_az_enabled": False,
            "snapshot_retention_limit": 0, "tags": {}},
    }, absent={"dg-leaving"})
