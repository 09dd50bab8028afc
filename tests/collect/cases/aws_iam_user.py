"""The collector case of aws_iam_user.

moto implements neither PutUserPermissionsBoundary nor a boundary given to CreateUser in
GetUser's answer: a user's boundary is played by botocore's Stubber in
tests/collect/test_collect_stubbed.py."""

from __future__ import annotations

import boto3

from cases import TEAM, Built, tag_list


def build() -> Built:
    iam = boto3.client("iam")
    iam.create_user(UserName="ci-deployer", Path="/automation/", Tags=tag_list(TEAM))
    iam.create_user(UserName="alice")
    return Built({
        "ci-deployer": {"name": "ci-deployer", "path": "/automation/",
                        "permissions_boundary": None, "tags": TEAM},
        "alice": {"name": "alice", "path": "/", "permissions_boundary": None, "tags": {}},
    })
