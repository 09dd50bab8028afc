from driftguard.catalog import convert as c
from driftguard.catalog.spec import Attr, Collect, ResourceSpec

# DescribeDBClusters lists DocumentDB and Neptune clusters too: aws_docdb_cluster and
# aws_neptune_cluster declare those, not aws_rds_cluster. A cluster being deleted is gone,
# for the code.
NOT_THIS_TYPE = "contains(['docdb', 'neptune'], Engine) || Status == 'deleting'"

SPEC = ResourceSpec(
    tf_type="aws_rds_cluster",
    cfn_type="AWS::RDS::DBCluster",
    doc=("An RDS DB cluster: Aurora (its instances are aws_rds_cluster_instance) or a "
         "Multi-AZ DB cluster. DocumentDB and Neptune clusters, which the same RDS API "
         "lists, are not collected as this type."),
    tf_id="cluster_identifier",
    attrs=(
        Attr("engine", "str", "aurora-postgresql, aurora-mysql, postgres, mysql",
             tf=("engine",), live=("Engine",), cfn=("Engine",), show=True),
        Attr("encrypted", "bool", "storage encrypted (storage_encrypted)",
             tf=("storage_encrypted",), convert=c.truthy, live=("StorageEncrypted",),
             live_convert=c.truthy, cfn=("StorageEncrypted",)),
        Attr("kms_key_id", "str|null",
             "ARN of the KMS key encrypting it; where the code names none, the AWS-managed "
             "aws/rds key once created (state, live), null in a plan or template",
             tf=("kms_key_id",), convert=c.non_empty, live=("KmsKeyId",),
             live_convert=c.non_empty, cfn=("KmsKeyId",), show=True),
        Attr("deletion_protection", "bool", "deletion protection", tf=("deletion_protection",),
             convert=c.truthy, live=("DeletionProtection",), live_convert=c.truthy,
             cfn=("DeletionProtection",)),
        Attr("iam_database_authentication_enabled", "bool", "IAM database authentication",
             tf=("iam_database_authentication_enabled",), convert=c.truthy,
             live=("IAMDatabaseAuthenticationEnabled",), live_convert=c.truthy,
             cfn=("EnableIAMDatabaseAuthentication",)),
        Attr("backup_retention_period", "int", "days automated backups are kept",
             tf=("backup_retention_period",), default=1, live=("BackupRetentionPeriod",),
             cfn=("BackupRetentionPeriod",)),
        c.tags(live="TagList"),
    ),
    sensitive=("master_password",),
    cfn_sensitive=("MasterUserPassword",),
    links=(c.KMS_KEY,),
    collect=Collect(service="rds", operation="describe_db_clusters", items="DBClusters",
                    id_field="DBClusterIdentifier", arn_field="DBClusterArn",
                    skip=(NOT_THIS_TYPE, (True,))),
)
