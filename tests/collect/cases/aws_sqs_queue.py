"""The collector case of aws_sqs_queue (moto)."""

from __future__ import annotations

import json

import boto3

from cases import ACCOUNT, REGION, TEAM, Built, kms_key_arn


def build() -> Built:
    sqs = boto3.client("sqs")
    key = kms_key_arn()
    arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:dg-jobs.fifo"
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sqs:SendMessage", "Resource": arn}]}
    jobs = sqs.create_queue(QueueName="dg-jobs.fifo", tags=TEAM, Attributes={
        "FifoQueue": "true", "KmsMasterKeyId": key, "VisibilityTimeout": "300",
        "MessageRetentionPeriod": "86400", "Policy": json.dumps(policy)})["QueueUrl"]
    plain = sqs.create_queue(QueueName="dg-plain", Attributes={
        "SqsManagedSseEnabled": "false"})["QueueUrl"]
    aws_key = sqs.create_queue(QueueName="dg-aws-key", Attributes={
        "KmsMasterKeyId": "alias/aws/sqs"})["QueueUrl"]
    return Built({
        jobs: {"fifo_queue": True, "encrypted": True, "kms_master_key_id": key,
               "kms_key_id": key, "visibility_timeout_seconds": 300,
               "message_retention_seconds": 86400, "tags": TEAM, "policy": {
                   "Version": "2012-10-17", "Statement": [{
                       "Effect": "Allow", "Principal": {"Service": ["events.amazonaws.com"]},
                       "Action": ["sqs:SendMessage"], "Resource": [arn]}]}},
        plain: {"fifo_queue": False, "encrypted": False, "kms_master_key_id": None,
                "kms_key_id": None, "visibility_timeout_seconds": 30,
                "message_retention_seconds": 345600, "tags": {}, "policy": None},
        aws_key: {"fifo_queue": False, "encrypted": True, "kms_master_key_id": "alias/aws/sqs",
                  "kms_key_id": None, "visibility_timeout_seconds": 30,
                  "message_retention_seconds": 345600, "tags": {}, "policy": None},
    })
