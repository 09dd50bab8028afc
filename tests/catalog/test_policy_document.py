"""catalog.convert.policy_document: one policy, one canonical shape, whatever wrote it.

The documents are the ones real sources give: Terraform's `jsonencode` (keys sorted,
lists kept) and `aws_iam_policy_document` (scalars for single values, `Sid: ""` in older
providers), CloudFormation objects (YAML scalars, booleans unquoted), S3's
GetBucketPolicy (compact, account ids rewritten as root ARNs), IAM's URL-encoded
documents, SNS's default topic policy.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from driftguard.catalog.convert import policy_document

BUCKET = "arn:aws:s3:::acme-ml-data"

# Terraform: jsonencode({Version = ..., Statement = [{...}]}) writes keys sorted, compact.
TF_JSONENCODE = (
    '{"Statement":[{"Action":["s3:GetObject","s3:ListBucket"],"Effect":"Allow",'
    '"Principal":{"AWS":["123456789012"]},"Resource":["arn:aws:s3:::acme-ml-data",'
    '"arn:aws:s3:::acme-ml-data/*"],"Sid":"ReadData"}],"Version":"2012-10-17"}')

# What S3's GetBucketPolicy gives back for it: the account as its root ARN, another order.
S3_LIVE = (
    '{"Version":"2012-10-17","Statement":[{"Sid":"ReadData","Effect":"Allow","Principal":'
    '{"AWS":"arn:aws:iam::123456789012:root"},"Action":["s3:ListBucket","s3:GetObject"],'
    '"Resource":["arn:aws:s3:::acme-ml-data/*","arn:aws:s3:::acme-ml-data"]}]}')

# A CloudFormation template's PolicyDocument, as the YAML parser gives it.
CFN_OBJECT: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [{
        "Sid": "ReadData", "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": ["s3:GetObject", "s3:ListBucket", "s3:GetObject"],
        "Resource": [BUCKET, f"{BUCKET}/*"]}],
}

# data "aws_iam_policy_document" (provider 4.x): a Sid of "" on every statement, scalars.
TF_POLICY_DOCUMENT = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "",
      "Effect": "Deny",
      "Action": "s3:*",
      "Resource": "arn:aws:s3:::acme-ml-data/*",
      "Principal": "*",
      "Condition": {
        "Bool": {
          "aws:SecureTransport": "false"
        }
      }
    }
  ]
}"""

CFN_DENY_INSECURE: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": {  # a single statement need not be a list
        "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": ["s3:*"],
        "Resource": [f"{BUCKET}/*"], "Condition": {"Bool": {"aws:SecureTransport": False}}},
}

# IAM's API (GetRole's AssumeRolePolicyDocument, GetPolicyVersion's Document) URL-encodes.
IAM_URL_ENCODED = (
    "%7B%22Version%22%3A%20%222012-10-17%22%2C%20%22Statement%22%3A%20%5B%7B%22Effect%22"
    "%3A%20%22Allow%22%2C%20%22Principal%22%3A%20%7B%22Service%22%3A%20%22lambda.amazonaws"
    ".com%22%7D%2C%20%22Action%22%3A%20%22sts%3AAssumeRole%22%7D%5D%7D")

# SNS gives every topic this policy unless the code sets one.
SNS_DEFAULT = (
    '{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":'
    '"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":['
    '"SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission",'
    '"SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe",'
    '"SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":'
    '"arn:aws:sns:eu-west-1:123456789012:events","Condition":{"StringEquals":'
    '{"AWS:SourceOwner":"123456789012"}}}]}')


def test_terraform_s3_and_cloudformation_give_one_document() -> None:
    canonical = policy_document(TF_JSONENCODE)
    assert canonical == policy_document(S3_LIVE) == policy_document(CFN_OBJECT)
    assert canonical == {
        "Statement": [{
            "Action": ["s3:GetObject", "s3:ListBucket"], "Effect": "Allow",
            "Principal": {"AWS": ["123456789012"]},
            "Resource": [BUCKET, f"{BUCKET}/*"], "Sid": "ReadData"}],
        "Version": "2012-10-17",
    }


def test_star_principal_scalars_booleans_and_empty_sid() -> None:
    canonical = policy_document(TF_POLICY_DOCUMENT)
    assert canonical == policy_document(CFN_DENY_INSECURE)
    assert canonical is not None
    assert canonical["Statement"] == [{
        "Action": ["s3:*"], "Condition": {"Bool": {"aws:SecureTransport": ["false"]}},
        "Effect": "Deny", "Principal": {"AWS": ["*"]}, "Resource": [f"{BUCKET}/*"]}]


def test_url_encoded_json_string_and_decoded_object_agree() -> None:
    decoded = json.loads(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":'
        '{"Service":["lambda.amazonaws.com"]},"Action":["sts:AssumeRole"]}]}')
    assert policy_document(IAM_URL_ENCODED) == policy_document(decoded) == {
        "Statement": [{"Action": ["sts:AssumeRole"], "Effect": "Allow",
                       "Principal": {"Service": ["lambda.amazonaws.com"]}}],
        "Version": "2012-10-17"}


def test_missing_version_is_awss_default() -> None:
    bare = {"Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]}
    assert policy_document(bare) == policy_document({**bare, "Version": "2008-10-17"})
    assert policy_document(bare) != policy_document({**bare, "Version": "2012-10-17"})


def test_default_sns_policy_keeps_id_and_sids() -> None:
    canonical = policy_document(SNS_DEFAULT)
    assert canonical is not None
    assert (canonical["Id"], canonical["Version"]) == ("__default_policy_ID", "2008-10-17")
    (statement,) = canonical["Statement"]
    assert statement["Sid"] == "__default_statement_ID"
    assert statement["Principal"] == {"AWS": ["*"]}
    assert statement["Action"][:2] == ["SNS:AddPermission", "SNS:DeleteTopic"]
    assert statement["Resource"] == ["arn:aws:sns:eu-west-1:123456789012:events"]
    assert statement["Condition"] == {"StringEquals": {"AWS:SourceOwner": ["123456789012"]}}


def test_several_principal_kinds_and_values_sorted() -> None:
    doc = {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {
        "Service": ["sagemaker.amazonaws.com", "batch.amazonaws.com"],
        "AWS": ["arn:aws:iam::210987654321:role/ci", "arn:aws-cn:iam::123456789012:root"]}}]}
    (statement,) = policy_document(doc)["Statement"]  # type: ignore[index]
    assert statement["Principal"] == {
        "AWS": ["123456789012", "arn:aws:iam::210987654321:role/ci"],
        "Service": ["batch.amazonaws.com", "sagemaker.amazonaws.com"]}


def test_condition_numbers_and_lists_are_sets_of_strings() -> None:
    one = {"Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": BUCKET,
                          "Condition": {"NumericLessThanEquals": {"s3:max-keys": 10},
                                        "StringEquals": {"s3:prefix": ["b/", "a/"]}}}]}
    two = {"Statement": [{"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": [BUCKET],
                          "Condition": {"StringEquals": {"s3:prefix": ["a/", "b/", "a/"]},
                                        "NumericLessThanEquals": {"s3:max-keys": "10"}}}]}
    assert policy_document(one) == policy_document(two)


def test_statement_order_is_kept_and_differences_stay_differences() -> None:
    allow = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Principal": "*"}
    deny = {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*", "Principal": "*"}
    first = policy_document({"Statement": [allow, deny]})
    assert first is not None and [s["Effect"] for s in first["Statement"]] == ["Allow", "Deny"]
    assert policy_document({"Statement": [allow]}) != policy_document(
        {"Statement": [{**allow, "Action": "s3:*"}]})
    assert policy_document({"Statement": [allow]}) != policy_document(
        {"Statement": [{**allow, "Principal": {"AWS": "123456789012"}}]})


@pytest.mark.parametrize("nothing", [None, "", "  ", {}])
def test_no_policy_is_none(nothing: Any) -> None:
    assert policy_document(nothing) is None


@pytest.mark.parametrize("bad", ["not json", "[1, 2]", '"text"'])
def test_text_that_is_no_policy_is_an_error(bad: str) -> None:
    with pytest.raises(ValueError):
        policy_document(bad)


def test_canonical_documents_are_fixed_points() -> None:
    for doc in (TF_JSONENCODE, S3_LIVE, CFN_OBJECT, TF_POLICY_DOCUMENT, IAM_URL_ENCODED,
                SNS_DEFAULT):
        once = policy_document(doc)
        assert policy_document(once) == once
        assert policy_document(json.dumps(once)) == once
