"""Several AWS accounts in one moto server: each reached through an assumed role (moto
keeps one backend per account id), each with a bucket and, per region, a group with SSH
open to the world."""

from __future__ import annotations

from typing import Any

import boto3

REGIONS = ["eu-west-1", "us-east-1", "us-west-2"]


def account_ids(count: int) -> list[str]:
    return [f"{n}" * 12 if n < 10 else f"{n:012d}" for n in range(1, count + 1)]


def session(account: str, role: str = "driftguard") -> boto3.Session:
    creds = boto3.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName="estate")["Credentials"]
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                         aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"])


def build(accounts: list[str], regions: list[str] = REGIONS) -> None:
    for account in accounts:
        s = session(account)
        s.client("s3", region_name=regions[0]).create_bucket(
            Bucket=f"ml-data-{account}",
            CreateBucketConfiguration={"LocationConstraint": regions[0]})
        for region in regions:
            ec2 = s.client("ec2", region_name=region)
            group = ec2.create_security_group(GroupName="bastion", Description="ssh")["GroupId"]
            ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[{
                "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])


def config(accounts: list[str], regions: list[str] = REGIONS, **extra: Any) -> dict[str, Any]:
    return {"accounts": [{"id": a, "role_arn": f"arn:aws:iam::{a}:role/driftguard",
                          "regions": regions} for a in accounts],
            "scan": {"types": ["aws_s3_bucket", "aws_security_group"]}, **extra}
