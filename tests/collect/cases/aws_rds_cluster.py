"""The collector case of aws_rds_cluster (moto; it gives an unencrypted cluster the
KmsKeyId "default_kms_key_id", where AWS gives none: read as it comes)."""

from __future__ import annotations

import boto3

from cases import TEAM, Built, kms_key_arn, tag_list


def build() -> Built:
    rds = boto3.client("rds")
    key = kms_key_arn()
    rds.create_db_cluster(
        DBClusterIdentifier="dg-features", Engine="aurora-postgresql", MasterUsername="ml",
        MasterUserPassword="never-shown-anywhere", StorageEncrypted=True, KmsKeyId=key,
        DeletionProtection=True, EnableIAMDatabaseAuthentication=True,
        BackupRetentionPeriod=14, Tags=tag_list(TEAM))
    rds.create_db_cluster(DBClusterIdentifier="dg-scratch", Engine="aurora-mysql",
                          MasterUsername="ml", MasterUserPassword="never-shown-anywhere")
    # A Neptune cluster, listed by the same call, is aws_neptune_cluster's.
    rds.create_db_cluster(DBClusterIdentifier="dg-graph", Engine="neptune",
                          MasterUsername="ml", MasterUserPassword="never-shown-anywhere")
    return Built({
        "dg-features": {"engine": "aurora-postgresql", "encrypted": True, "kms_key_id": key,
                        "deletion_protection": True,
                        "iam_database_authentication_enabled": True,
                        "backup_retention_period": 14, "tags": TEAM},
        "dg-scratch": {"engine": "aurora-mysql", "encrypted": False,
                       "kms_key_id": "default_kms_key_id",
                       "deletion_protection": False,
                       "iam_database_authentication_enabled": False,
                       "backup_retention_period": 1, "tags": {}},
    }, absent={"dg-graph"})
