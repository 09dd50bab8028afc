"""The collector case of aws_s3_bucket."""

from __future__ import annotations

import json

import boto3

from cases import REGION, TEAM, Built, kms_key_arn, tag_list


def build() -> Built:
    s3 = boto3.client("s3")
    key = kms_key_arn()
    where = {"LocationConstraint": REGION}
    s3.create_bucket(Bucket="dg-collect-data", CreateBucketConfiguration=where)
    s3.put_bucket_encryption(Bucket="dg-collect-data", ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {
            "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}]})
    s3.put_bucket_versioning(Bucket="dg-collect-data",
                             VersioningConfiguration={"Status": "Enabled"})
    s3.put_public_access_block(Bucket="dg-collect-data", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": False, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True})
    s3.put_bucket_tagging(Bucket="dg-collect-data", Tagging={"TagSet": tag_list(TEAM)})
    s3.put_bucket_policy(Bucket="dg-collect-data", Policy=json.dumps({
        "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                       "Resource": "arn:aws:s3:::dg-collect-data/*",
                       "Condition": {"Bool": {"aws:SecureTransport": False}}}]}))
    s3.create_bucket(Bucket="dg-collect-bare", CreateBucketConfiguration=where)
    return Built({
        "dg-collect-data": {
            "bucket": "dg-collect-data", "encrypted": True, "sse_algorithm": "aws:kms",
            "kms_key_id": key, "versioning": True,
            "public_access_block": {"block_public_acls": True, "block_public_policy": True,
                                    "ignore_public_acls": False,
                                    "restrict_public_buckets": True},
            "policy": {"Version": "2008-10-17", "Statement": [{
                "Effect": "Deny", "Principal": {"AWS": ["*"]}, "Action": ["s3:*"],
                "Resource": ["arn:aws:s3:::dg-collect-data/*"],
                "Condition": {"Bool": {"aws:SecureTransport": ["false"]}}}]},
            "tags": TEAM},
        "dg-collect-bare": {
            "bucket": "dg-collect-bare", "encrypted": False, "sse_algorithm": None,
            "kms_key_id": None, "versioning": False, "public_access_block": None, "policy": None,
            "tags": {}},
    })
