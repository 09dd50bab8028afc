"""The collector case of aws_rds_cluster_instance (moto)."""

from __future__ import annotations

import boto3

from cases import TEAM, Built, tag_list


def build() -> Built:
    rds = boto3.client("rds")
    rds.create_db_cluster(DBClusterIdentifier="dg-features", Engine="aurora-postgresql",
                          MasterUsername="ml", MasterUserPassword="never-shown-anywhere")
    rds.create_db_instance(DBInstanceIdentifier="dg-features-1", DBClusterIdentifier=(
        "dg-features"), Engine="aurora-postgresql", DBInstanceClass="db.r6g.large",
        PubliclyAccessible=True, Tags=tag_list(TEAM))
    rds.create_db_instance(DBInstanceIdentifier="dg-features-2", DBClusterIdentifier=(
        "dg-features"), Engine="aurora-postgresql", DBInstanceClass="db.serverless")
    # An instance outside any cluster is aws_db_instance's.
    rds.create_db_instance(DBInstanceIdentifier="dg-alone", Engine="postgres",
                           DBInstanceClass="db.t4g.micro", AllocatedStorage=20,
                           MasterUsername="ml", MasterUserPassword="never-shown-anywhere")
    return Built({
        "dg-features-1": {"cluster_identifier": "dg-features", "instance_class": "db.r6g.large",
                          "engine": "aurora-postgresql", "publicly_accessible": True,
                          "tags": TEAM},
        "dg-features-2": {"cluster_identifier": "dg-features", "instance_class": "db.serverless",
                          "engine": "aurora-postgresql", "publicly_accessible": False,
                          "tags": {}},
    }, absent={"dg-alone"})
