from typing import Any

from driftguard.catalog import convert as c
from driftguard.catalog.spec import SET, Attr, Collect, ResourceSpec

# DescribeDBInstances lists every instance: this type takes the members of RDS clusters
# (aws_db_instance the others); DocumentDB's and Neptune's are their own types'. One being
# deleted is gone, for the code.
NOT_A_MEMBER = ("DBClusterIdentifier == `null` || contains(['docdb', 'neptune'], Engine)"
                " || DBInstanceStatus == 'deleting'")


def made_with_its_cluster(attributes: dict[str, Any]) -> bool:
    """A Multi-AZ DB cluster's instances (engines mysql and postgres, not Aurora's) come
    with the cluster: Terraform declares only the aws_rds_cluster."""
    engine = str(attributes.get("engine") or "")
    return bool(engine) and not engine.startswith("aurora")


SPEC = ResourceSpec(
    tf_type="aws_rds_cluster_instance",
    cfn_type="AWS::RDS::DBInstance",
    cfn_when=("DBClusterIdentifier", SET),
    doc=("An instance of an RDS cluster (an Aurora writer or reader). CloudFormation "
         "declares it as an AWS::RDS::DBInstance with a DBClusterIdentifier. Storage "
         "encryption is the cluster's (aws_rds_cluster). A Multi-AZ DB cluster's "
         "instances, which RDS makes with the cluster, are AWS's own."),
    tf_id="identifier",
    attrs=(
        Attr("cluster_identifier", "str", "the cluster it belongs to",
             tf=("cluster_identifier",), live=("DBClusterIdentifier",),
             cfn=("DBClusterIdentifier",)),
        Attr("instance_class", "str", "db.r6g.large, db.serverless, ...",
             tf=("instance_class",), live=("DBInstanceClass",), cfn=("DBInstanceClass",),
             show=True),
        Attr("engine", "str", "aurora-postgresql, aurora-mysql, ...", tf=("engine",),
             live=("Engine",), cfn=("Engine",), show=True),
        Attr("publicly_accessible", "bool", "reachable from the internet",
             tf=("publicly_accessible",), convert=c.truthy, live=("PubliclyAccessible",),
             live_convert=c.truthy, cfn=("PubliclyAccessible",)),
        c.tags(live="TagList"),
    ),
    collect=Collect(service="rds", operation="describe_db_instances", items="DBInstances",
                    id_field="DBInstanceIdentifier", arn_field="DBInstanceArn",
                    skip=(NOT_A_MEMBER, (True,))),
    aws_default=made_with_its_cluster,
)
