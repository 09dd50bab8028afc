"""The collector case of aws_db_instance."""

from __future__ import annotations

import boto3

from cases import TEAM, Built, kms_key_arn, tag_list


def build() -> Built:
    rds = boto3.client("rds")
    key = kms_key_arn()
    rds.create_db_instance(
        DBInstanceIdentifier="mlflow-metadata", Engine="postgres",
        DBInstanceClass="db.r6g.large", AllocatedStorage=50, MasterUsername="mlflow",
        MasterUserPassword="never-shown-anywhere", StorageEncrypted=True, KmsKeyId=key,
        PubliclyAccessible=True, MultiAZ=True, Tags=tag_list(TEAM))
    # An Aurora cluster's member is aws_rds_cluster_instance's, though listed alike.
    rds.create_db_cluster(DBClusterIdentifier="features", Engine="aurora-postgresql",
                          MasterUsername="ml", MasterUserPassword="never-shown-anywhere")
    rds.create_db_instance(DBInstanceIdentifier="features-1", DBClusterIdentifier="features",
                           Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")
    return Built({"mlflow-metadata": {
        "engine": "postgres", "instance_class": "db.r6g.large", "encrypted": True,
        "kms_key_id": key, "publicly_accessible": True, "multi_az": True, "tags": TEAM}},
        absent={"features-1"})
