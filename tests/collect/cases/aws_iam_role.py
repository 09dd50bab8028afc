"""The collector case of aws_iam_role."""

from __future__ import annotations

import json

import boto3

from cases import ACCOUNT, TEAM, Built, tag_list


def trust(principal: dict[str, str]) -> dict[str, object]:
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]}


def build() -> Built:
    iam = boto3.client("iam")
    boundary = f"arn:aws:iam::{ACCOUNT}:policy/ml-boundary"
    iam.create_role(RoleName="trainer", Path="/ml/", Description="training jobs",
                    MaxSessionDuration=7200, PermissionsBoundary=boundary, Tags=tag_list(TEAM),
                    AssumeRolePolicyDocument=json.dumps(
                        trust({"Service": "sagemaker.amazonaws.com"})))
    iam.create_role(RoleName="break-glass", AssumeRolePolicyDocument=json.dumps(
        trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"})))
    # What AWS makes: a service-linked role, and a console-made role for a service; a
    # role on the service path that an account can assume is not AWS's.
    linked = iam.create_service_linked_role(
        AWSServiceName="autoscaling.amazonaws.com")["Role"]["RoleName"]
    iam.create_role(RoleName="fn-role-x1y2", Path="/service-role/",
                    AssumeRolePolicyDocument=json.dumps(
                        trust({"Service": "lambda.amazonaws.com"})))
    iam.create_role(RoleName="not-a-service", Path="/service-role/",
                    AssumeRolePolicyDocument=json.dumps(trust({"AWS": ACCOUNT})))

    def service_trust(service: str) -> dict[str, object]:
        return {"Version": "2012-10-17", "Statement": [{
            "Action": ["sts:AssumeRole"], "Effect": "Allow",
            "Principal": {"Service": [service]}}]}

    root_trust = {"Version": "2012-10-17", "Statement": [{
        "Action": ["sts:AssumeRole"], "Effect": "Allow", "Principal": {"AWS": [ACCOUNT]}}]}
    return Built({
        "trainer": {"name": "trainer", "path": "/ml/", "description": "training jobs",
                    "assume_role_policy": service_trust("sagemaker.amazonaws.com"),
                    "max_session_duration": 7200, "permissions_boundary": boundary,
                    "tags": TEAM},
        "break-glass": {"name": "break-glass", "path": "/", "description": None,
                        "assume_role_policy": root_trust, "max_session_duration": 3600,
                        "permissions_boundary": None, "tags": {}},
        linked: {"name": linked, "path": "/aws-service-role/autoscaling.amazonaws.com/",
                 "description": None,
                 "assume_role_policy": service_trust("autoscaling.amazonaws.com"),
                 "max_session_duration": 3600, "permissions_boundary": None, "tags": {}},
        "fn-role-x1y2": {"name": "fn-role-x1y2", "path": "/service-role/",
                         "description": None,
                         "assume_role_policy": service_trust("lambda.amazonaws.com"),
                         "max_session_duration": 3600, "permissions_boundary": None,
                         "tags": {}},
        "not-a-service": {"name": "not-a-service", "path": "/service-role/",
                          "description": None, "assume_role_policy": root_trust,
                          "max_session_duration": 3600, "permissions_boundary": None,
                          "tags": {}},
    }, aws_defaults={linked, "fn-role-x1y2"})
