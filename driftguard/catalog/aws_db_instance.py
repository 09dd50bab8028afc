from driftguard.catalog import convert as c
from driftguard.catalog.spec import KEY, Attr, Collect, Link, ResourceSpec

SPEC = ResourceSpec(
    tf_type="aws_db_instance",
    cfn_type="AWS::RDS::DBInstance",
    doc=("An RDS database instance, outside any cluster (a cluster's members are "
         "aws_rds_cluster_instance, in CloudFormation too: an AWS::RDS::DBInstance with a "
         "DBClusterIdentifier)."),
    tf_id="identifier",
    attrs=(
        Attr("engine", "str", "database engine", tf=("engine",), live=("Engine",), cfn=("Engine",),
             show=True),
        Attr("instance_class", "str", "db.r6g.large, ...", tf=("instance_class",),
             live=("DBInstanceClass",), cfn=("DBInstanceClass",), show=True),
        Attr("encrypted", "bool",
             "storage encrypted (storage_encrypted); a read replica's is its source's, "
             "whatever a plan or template says before it exists",
             tf=("storage_encrypted",),
             convert=c.truthy, live=("StorageEncrypted",), live_convert=c.truthy,
             cfn=("StorageEncrypted",)),
        Attr("kms_key_id", "str|null", "KMS key; null when not set", tf=("kms_key_id",),
             convert=c.non_empty,
             live=("KmsKeyId",), live_convert=c.non_empty, cfn=("KmsKeyId",), show=True),
        Attr("publicly_accessible", "bool", "reachable from the internet",
             tf=("publicly_accessible",), convert=c.truthy, live=("PubliclyAccessible",),
             live_convert=c.truthy, cfn=("PubliclyAccessible",)),
        Attr("multi_az", "bool", "multi-AZ deployment", tf=("multi_az",), convert=c.truthy,
             live=("MultiAZ",), live_convert=c.truthy, cfn=("MultiAZ",)),
        # AWS names a source in this region by its identifier where the code may give its
        # ARN (Terraform asks for the ARN with a db_subnet_group_name): not compared.
        Attr("replicate_source_db", "str|null",
             "the source DB instance of a read replica (identifier, or ARN for a source in "
             "another region); null: not a replica",
             tf=("replicate_source_db",), convert=c.non_empty,
             live=("ReadReplicaSourceDBInstanceIdentifier",), live_convert=c.non_empty,
             cfn=("SourceDBInstanceIdentifier",), drift=False),
        c.tags(live="TagList"),
    ),
    links=(
        c.KMS_KEY,
        # A read replica is encrypted as its source is (the same key in its region, or the
        # key the code names for another region): rules judge it by its source.
        Link("replicate_source_encrypted", "a read replica's source's encrypted, when the "
             "source is in the same input; else null",
             via="replicate_source_db", target_type="aws_db_instance",
             target_attr="encrypted"),
        Link("replicate_source_key", "a read replica's source, when in the same input",
             via="replicate_source_db", target_type="aws_db_instance", target_attr=KEY),
    ),
    sensitive=("password",),
    cfn_sensitive=("MasterUserPassword",),
    # DescribeDBInstances lists the members of RDS clusters too (aws_rds_cluster_instance),
    # and DocumentDB's and Neptune's instances, which are all cluster members.
    collect=Collect(service="rds", operation="describe_db_instances", items="DBInstances",
                    id_field="DBInstanceIdentifier", arn_field="DBInstanceArn",
                    skip=("DBClusterIdentifier != `null`", (True,))),
)
