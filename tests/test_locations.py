"""S3 locations (locations.py) against moto's server: a key, a prefix, and a glob in the
key (`s3://tf-states/ml/*.tfstate`, as README.md shows it)."""

from __future__ import annotations

import boto3
import pytest

from driftguard.errors import InputError
from driftguard.locations import read_s3

REGION = "eu-west-1"


@pytest.fixture
def bucket(aws: str) -> str:
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="tf-states", CreateBucketConfiguration={
        "LocationConstraint": REGION})
    for key in ("ml/app.tfstate", "ml/net.tfstate", "ml/old/app.tfstate", "ml/notes.txt",
                "web/app.tfstate"):
        s3.put_object(Bucket="tf-states", Key=key, Body=key.encode())
    return "tf-states"


def keys(url: str) -> list[str]:
    return [name for name, _ in read_s3(url, lambda: boto3.client("s3"), ".tfstate", "state")]


def test_a_glob_reads_every_key_it_matches_in_order(bucket: str) -> None:
    # `*` crosses `/`, as in waivers and .driftignore rules
    assert keys("s3://tf-states/ml/*.tfstate") == [
        "s3://tf-states/ml/app.tfstate", "s3://tf-states/ml/net.tfstate",
        "s3://tf-states/ml/old/app.tfstate"]
    assert keys("s3://tf-states/*/app.tfstate") == [
        "s3://tf-states/ml/app.tfstate", "s3://tf-states/ml/old/app.tfstate",
        "s3://tf-states/web/app.tfstate"]
    assert keys("s3://tf-states/ml/???.tfstate") == [
        "s3://tf-states/ml/app.tfstate", "s3://tf-states/ml/net.tfstate"]


def test_a_key_and_a_prefix_as_before(bucket: str) -> None:
    assert keys("s3://tf-states/ml/app.tfstate") == ["s3://tf-states/ml/app.tfstate"]
    assert keys("s3://tf-states/web/") == ["s3://tf-states/web/app.tfstate"]


def test_a_glob_that_matches_nothing_is_an_error(bucket: str) -> None:
    with pytest.raises(InputError, match="no object matches this pattern"):
        keys("s3://tf-states/ml/*.json")
