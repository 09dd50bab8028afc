"""What the catalog knows about each AWS service its types are collected from.

A fact about a service (not about one type) lives here once: the sustained request rate
that stays below AWS's documented throttling limits, and the IAM actions that are not
named after their API operation or whose prefix is not botocore's service name (from the
AWS Service Authorization Reference). A type of
a new service adds its service here; the lint checks that every spec's service is listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Service:
    # Calls per second per account and region; None: no limit of driftguard's own.
    rate: float | None = None
    # API operation -> IAM action, where IAM names the action otherwise.
    iam_actions: dict[str, str] = field(default_factory=dict)
    # IAM's prefix for the service's actions, where it is not botocore's name for it
    # (ELBv2's actions are elasticloadbalancing:...).
    iam_prefix: str | None = None


SERVICES: dict[str, Service] = {
    # CloudTrail allows 10 transactions per second for its Get, Describe and List APIs.
    "cloudtrail": Service(rate=10.0),
    # DynamoDB documents ListTagsOfResource at 10 calls per second per account (its other
    # control-plane reads allow far more); each table costs a DescribeTable and a
    # ListTagsOfResource. (The budget is per Region: a scan of several Regions at once may
    # meet throttling there, which the retries absorb.)
    "dynamodb": Service(rate=10.0),
    # EFS publishes no per-operation read quota; its DescribeFileSystems pages 100 (up to
    # 1,000) file systems, so a scan makes few calls. IAM names EFS elasticfilesystem.
    "efs": Service(rate=10.0, iam_prefix="elasticfilesystem"),
    # EC2's token bucket for Describe* calls refills at 20/s per account and region. Its
    # list calls send MaxResults (1,000, or the operation's largest page): AWS recommends
    # only paginated Describe* requests, as unpaginated ones are prone to throttling and
    # timeouts.
    "ec2": Service(rate=20.0),
    # ELBv2 throttles Describe* calls per account and region with a token bucket of 40:
    # 10/s sustained leaves it room.
    "elbv2": Service(rate=10.0, iam_prefix="elasticloadbalancing"),
    # IAM documents no per-API request rate; its token buckets are per account, for every
    # caller and Region together (IAM is global): 10/s leaves room for the account's own.
    "iam": Service(rate=10.0),
    # Lambda's control-plane API quota: 15 requests per second for all but GetFunction and
    # GetPolicy, per account and region.
    "lambda": Service(rate=15.0),
    # S3 documents its request rate per bucket prefix: 5,500 GET/HEAD (3,500 writes) per
    # second. A bucket's configuration reads (encryption, versioning, ...) are GETs on that
    # bucket, one of each per scan, so only ListBuckets is shared; 3,500/s stays below
    # either figure, and the scan's concurrency (aws.max_workers) bounds it well before.
    "s3": Service(rate=3500.0, iam_actions={
        "ListBuckets": "s3:ListAllMyBuckets",
        "GetBucketEncryption": "s3:GetEncryptionConfiguration",
        "GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
        "ListObjectsV2": "s3:ListBucket",
    }),
    # ElastiCache publishes no read quota; DescribeReplicationGroups pages 100 groups (with
    # everything read here but tags, one ListTagsForResource each).
    "elasticache": Service(rate=10.0),
    # FSx publishes no read quota; DescribeFileSystems pages up to 2,147 file systems, with
    # everything read here, tags included.
    "fsx": Service(rate=10.0),
    # CloudWatch Logs documents DescribeLogGroups at 10 transactions per second per account
    # and Region (pages of 50); each log group also costs a ListTagsForResource.
    "logs": Service(rate=10.0),
    # Secrets Manager's request quotas run to hundreds of calls a second; ListSecrets pages
    # 100 secrets with everything read here, so a scan makes few calls.
    "secretsmanager": Service(rate=20.0),
    # SNS throttles its control-plane APIs per account and Region, some at tens of calls a
    # second (ListTopics pages 100 topics; each topic costs two calls): 10/s stays below.
    "sns": Service(rate=10.0),
    # SQS documents no quota for its control-plane reads; ListQueues pages 1,000 queues,
    # and each queue costs its GetQueueAttributes and ListQueueTags.
    "sqs": Service(rate=20.0),
    # RDS, ECR and KMS read APIs allow tens to hundreds per second.
    "rds": Service(rate=20.0),
    "ecr": Service(rate=20.0),
    "kms": Service(rate=50.0),
    # EC2 Auto Scaling publishes no number for its API throttling (its Describe calls are
    # throttled per account and region, and DescribeAutoScalingGroups by response size:
    # IncludeInstances=False helps). Its Describe* calls page 100 at a time, so a scan
    # makes few: 10/s keeps well below where users report throttling.
    "autoscaling": Service(rate=10.0),
    # EKS, SageMaker and Batch document no per-API request rate for their control-plane
    # reads (their Service Quotas list resource counts only); they throttle per account
    # and region. 10/s is a conservative sustained rate; botocore's retries absorb more.
    "eks": Service(rate=10.0),
    "sagemaker": Service(rate=10.0),
    "batch": Service(rate=10.0),
}


def default_rates() -> dict[str, float]:
    """Service -> calls/s, for the services that have a rate."""
    return {name: s.rate for name, s in SERVICES.items() if s.rate is not None}


def iam_action(service: str, operation: str) -> str:
    """The IAM action that allows `operation` (an API name such as ListBuckets)."""
    known = SERVICES.get(service)
    renamed = known.iam_actions.get(operation) if known else None
    prefix = (known.iam_prefix if known else None) or service
    return renamed or f"{prefix}:{operation}"
