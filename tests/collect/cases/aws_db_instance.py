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
    # A read replica names its source (and is encrypted as it is).
    rds.create_db_instance_read_replica(DBInstanceIdentifier="mlflow-replica",
                                        SourceDBInstanceIdentifier="mlflow-metadata",
                                        DBInstanceClass="db.r6g.large")
    # An Aurora cluster's member is aws_rds_cluster_instance's, though listed alike.
    rds.create_db_cluster(DBClusterIdentifier="features", Engine="aurora-postgresql",
                          MasterUsername="ml", MasterUserPassword="never-shown-anywhere")
    rds.create_db_instance(DBInstanceIdentifier="features-1", DBClusterIdentifier="features",
                           Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")
    return Built({
        "mlflow-metadata": {
            "engine": "postgres", "instance_class": "db.r6g.large", "encrypted": True,
            "kms_key_id": key, "publicly_accessible": True, "multi_az": True,
            "replicate_source_db": None, "tags": TEAM},
        # (moto copies the source's settings and tags to the replica.)
        "mlflow-replica": {
            "engine": "postgres", "instance_class": "db.r6g.large", "encrypted": True,
            "kms_key_id": key, "publicly_accessible": True, "multi_az": True,
            "replicate_source_db": "mlflow-metadata", "tags": TEAM},
    }, absent={"features-1"})
