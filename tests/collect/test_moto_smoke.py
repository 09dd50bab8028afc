"""The moto fixture itself: a real HTTP server, reset between tests."""

from __future__ import annotations

import boto3


def test_fixture_gives_an_empty_account_each_time(aws: str) -> None:
    s3 = boto3.client("s3")
    assert s3.list_buckets()["Buckets"] == []
    s3.create_bucket(Bucket="smoke-test",
                     CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert boto3.client("sts").get_caller_identity()["Account"] == "123456789012"


def test_state_from_the_previous_test_is_gone(aws: str) -> None:
    assert boto3.client("s3").list_buckets()["Buckets"] == []
