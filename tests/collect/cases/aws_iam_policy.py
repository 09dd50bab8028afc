"""The collector case of aws_iam_policy."""

from __future__ import annotations

import json

import boto3

from cases import TEAM, Built, tag_list


def build() -> Built:
    iam = boto3.client("iam")
    read = {"Version": "2012-10-17", "Statement": {
        "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-data/*"}}
    made = iam.create_policy(PolicyName="read-data", Path="/ml/", Description="read the data",
                             PolicyDocument=json.dumps(read), Tags=tag_list(TEAM))["Policy"]
    # A second version made the default: its document is the one read.
    write = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"],
        "Resource": ["arn:aws:s3:::acme-data/*"]}]}
    iam.create_policy_version(PolicyArn=made["Arn"], PolicyDocument=json.dumps(write),
                              SetAsDefault=True)
    admin = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    console = iam.create_policy(PolicyName="AWSLambdaBasicExecutionRole-1a2b",
                                Path="/service-role/",
                                PolicyDocument=json.dumps(admin))["Policy"]["Arn"]
    return Built({
        made["Arn"]: {"name": "read-data", "path": "/ml/", "description": "read the data",
                      "policy": {"Version": "2012-10-17", "Statement": [{
                          "Action": ["s3:GetObject", "s3:PutObject"], "Effect": "Allow",
                          "Resource": ["arn:aws:s3:::acme-data/*"]}]},
                      "tags": TEAM},
        console: {"name": "AWSLambdaBasicExecutionRole-1a2b", "path": "/service-role/",
                  "description": None,
                  "policy": {"Version": "2012-10-17", "Statement": [{
                      "Action": ["*"], "Effect": "Allow", "Resource": ["*"]}]},
                  "tags": {}},
    }, aws_defaults={console})
