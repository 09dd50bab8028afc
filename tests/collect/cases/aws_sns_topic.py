"""The collector case of aws_sns_topic (moto)."""

from __future__ import annotations

import json

import boto3

from cases import ACCOUNT, REGION, TEAM, Built, kms_key_arn, tag_list


def default_policy(arn: str) -> dict[str, object]:
    """SNS's default topic policy, as policy_document reads it."""
    return {"Version": "2008-10-17", "Id": "__default_policy_ID", "Statement": [{
        "Sid": "__default_statement_ID", "Effect": "Allow", "Principal": {"AWS": ["*"]},
        "Action": sorted(["SNS:GetTopicAttributes", "SNS:SetTopicAttributes",
                          "SNS:AddPermission", "SNS:RemovePermission", "SNS:DeleteTopic",
                          "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"]),
        "Resource": [arn], "Condition": {"StringEquals": {"AWS:SourceOwner": [ACCOUNT]}}}]}


def build() -> Built:
    sns = boto3.client("sns")
    key = kms_key_arn()
    events = sns.create_topic(Name="dg-events.fifo", Tags=tag_list(TEAM), Attributes={
        "FifoTopic": "true", "KmsMasterKeyId": key, "DisplayName": "events"})["TopicArn"]
    publish = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "sns:Publish", "Resource": events}]}
    sns.set_topic_attributes(TopicArn=events, AttributeName="Policy",
                             AttributeValue=json.dumps(publish))
    alerts = sns.create_topic(Name="dg-alerts", Attributes={
        "KmsMasterKeyId": "alias/aws/sns"})["TopicArn"]
    plain = sns.create_topic(Name="dg-plain")["TopicArn"]
    assert plain == f"arn:aws:sns:{REGION}:{ACCOUNT}:dg-plain"
    return Built({
        events: {"fifo_topic": True, "display_name": "events", "encrypted": True,
                 "kms_master_key_id": key, "kms_key_id": key, "tags": TEAM, "policy": {
                     "Version": "2012-10-17", "Statement": [{
                         "Effect": "Allow", "Principal": {"Service": ["s3.amazonaws.com"]},
                         "Action": ["sns:Publish"], "Resource": [events]}]}},
        alerts: {"fifo_topic": False, "display_name": None, "encrypted": True,
                 "kms_master_key_id": "alias/aws/sns", "kms_key_id": None, "tags": {},
                 "policy": default_policy(alerts)},
        plain: {"fifo_topic": False, "display_name": None, "encrypted": False,
                "kms_master_key_id": None, "kms_key_id": None, "tags": {},
                "policy": default_policy(plain)},
    })
