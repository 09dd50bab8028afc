"""Same estate, same verdicts: tests/cfn/estate.yaml and its Terraform twin (a plan built
here the way `terraform show -json` writes it, with provider v4+ split S3 resources and
standalone security group rules) give the same findings, rule by rule."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from plans import change, plan, write

from driftguard import pipeline
from driftguard.catalog import specs
from driftguard.config import Config, PolicySettings
from driftguard.policy import evaluate as policy
from driftguard.policy.reads import load_reads

TEMPLATE = Path(__file__).resolve().parents[1] / "cfn" / "estate.yaml"
TAGS = {"owner": "ml-platform"}
KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1111-2222"


def _not_in_cloudformation() -> set[str]:
    """Rules that no resource in a template can reach: they read no catalog type that has
    a CloudFormation type (account settings; types whose specs have not landed)."""
    reads = load_reads([policy.builtin_dir()])
    in_cfn = {t: s.attr_names for t, s in specs().items() if s.cfn_type}
    return {rule for rule, r in reads.items()
            if all(r.of(t, names) is None for t, names in in_cfn.items())}


NOT_IN_CLOUDFORMATION = _not_in_cloudformation()


def tagged(values: dict[str, Any]) -> dict[str, Any]:
    return {**values, "tags": TAGS, "tags_all": TAGS}


def ref(attr: str, *targets: str) -> dict[str, Any]:
    return {"unknown": {attr: True}, "refs": {attr: list(targets)}}


def bucket(name: str, bucket_name: str, tags: bool = False) -> list[dict[str, Any]]:
    values = {"bucket": bucket_name, "acl": None}
    return [change(f"aws_s3_bucket.{name}", tagged(values) if tags else values)]


def sse(name: str, bucket_name: str, algorithm: str, key: str | None = None) -> dict[str, Any]:
    return change(f"aws_s3_bucket_server_side_encryption_configuration.{name}", {
        "bucket": bucket_name, "rule": [{"apply_server_side_encryption_by_default": [
            {"sse_algorithm": algorithm, "kms_master_key_id": key}]}]})


def terraform_estate() -> dict[str, Any]:
    instance = {"ami": "ami-0abcdef1234567890"}
    return plan(
        change("aws_vpc.Main", tagged({"cidr_block": "10.0.0.0/16"})),
        change("aws_subnet.Public", tagged({"cidr_block": "10.0.0.0/24",
                                            "map_public_ip_on_launch": True}),
               **ref("vpc_id", "aws_vpc.Main.id", "aws_vpc.Main")),
        change("aws_subnet.Private", {"cidr_block": "10.0.1.0/24",
                                      "map_public_ip_on_launch": False},
               **ref("vpc_id", "aws_vpc.Main.id", "aws_vpc.Main")),
        *bucket("SecureData", "acme-ml-platform-secure", tags=True),
        sse("SecureData", "acme-ml-platform-secure", "aws:kms", KEY_ARN),
        change("aws_s3_bucket_versioning.SecureData", {
            "bucket": "acme-ml-platform-secure",
            "versioning_configuration": [{"status": "Enabled"}]}),
        change("aws_s3_bucket_public_access_block.SecureData", {
            "bucket": "acme-ml-platform-secure", "block_public_acls": True,
            "block_public_policy": True, "ignore_public_acls": True,
            "restrict_public_buckets": True}),
        *bucket("PlainData", "acme-plain", tags=True),
        sse("PlainData", "acme-plain", "AES256"),
        *bucket("AwsKeyData", "acme-aws-key"),
        sse("AwsKeyData", "acme-aws-key", "aws:kms"),
        change("aws_s3_bucket_versioning.AwsKeyData", {
            "bucket": "acme-aws-key", "versioning_configuration": [{"status": "Suspended"}]}),
        *bucket("Open", "acme-open"),
        change("aws_s3_bucket_acl.Open", {"bucket": "acme-open", "acl": "public-read"}),
        change("aws_s3_bucket_public_access_block.Open", {
            "bucket": "acme-open", "block_public_acls": False, "block_public_policy": True,
            "ignore_public_acls": True, "restrict_public_buckets": True}),
        change("aws_ebs_volume.EncVol", tagged({"availability_zone": "eu-west-1a", "size": 100,
                                                "encrypted": True, "type": "gp3"})),
        change("aws_ebs_volume.PlainVol", {"availability_zone": "eu-west-1a", "size": 50,
                                           "encrypted": False}),
        change("aws_db_instance.EncDb", tagged({
            "engine": "postgres", "instance_class": "db.t3.micro", "storage_encrypted": True,
            "publicly_accessible": False})),
        change("aws_db_instance.OpenDb", {
            "engine": "mysql", "instance_class": "db.t3.micro", "storage_encrypted": False,
            "publicly_accessible": True, "multi_az": True}),
        change("aws_instance.Good", tagged({
            **instance, "instance_type": "t3.large",
            "metadata_options": [{"http_tokens": "required", "http_endpoint": "enabled"}]}),
            unknown={"subnet_id": True, "vpc_security_group_ids": True},
            refs={"subnet_id": ["aws_subnet.Private.id", "aws_subnet.Private"],
                  "vpc_security_group_ids": ["aws_security_group.Admin.id"]}),
        change("aws_instance.Bad", {**instance, "instance_type": "x1e.32xlarge",
                                    "associate_public_ip_address": True},
               **ref("subnet_id", "aws_subnet.Private.id", "aws_subnet.Private")),
        change("aws_instance.ViaSubnet", {**instance, "instance_type": "g5.xlarge",
                                          "metadata_options": [{"http_tokens": "optional"}]},
               **ref("subnet_id", "aws_subnet.Public.id", "aws_subnet.Public")),
        change("aws_security_group.Admin", {
            "description": "admin access",
            "ingress": [{"protocol": "tcp", "from_port": 22, "to_port": 22,
                         "cidr_blocks": ["0.0.0.0/0"]}],
            # CloudFormation leaves AWS's allow-all egress rule on a group that sets none.
            "egress": [{"protocol": "-1", "from_port": 0, "to_port": 0,
                        "cidr_blocks": ["0.0.0.0/0"]}]},
            **ref("vpc_id", "aws_vpc.Main.id")),
        change("aws_vpc_security_group_ingress_rule.AdminFromAllPorts", {
            "ip_protocol": "tcp", "from_port": 443, "to_port": 443},
            unknown={"security_group_id": True, "referenced_security_group_id": True},
            refs={"security_group_id": ["aws_security_group.Admin.id"],
                  "referenced_security_group_id": ["aws_security_group.AllPorts.id"]}),
        change("aws_security_group.AllPorts", {
            "description": "everything from anywhere",
            "ingress": [{"protocol": "-1", "from_port": 0, "to_port": 0,
                         "ipv6_cidr_blocks": ["::/0"]}],
            "egress": [{"protocol": "tcp", "from_port": 443, "to_port": 443,
                        "cidr_blocks": ["10.0.0.0/8"]}]},
            **ref("vpc_id", "aws_vpc.Main.id")),
        change("aws_security_group.Standalone", {
            "description": "rules defined apart", "ingress": [],
            "egress": [{"protocol": "tcp", "from_port": 443, "to_port": 443,
                        "cidr_blocks": ["10.0.0.0/8"]}]},
            **ref("vpc_id", "aws_vpc.Main.id")),
        change("aws_security_group_rule.StandaloneRdp", {
            "type": "ingress", "protocol": "tcp", "from_port": 3389, "to_port": 3389,
            "cidr_blocks": ["0.0.0.0/0"]},
            **ref("security_group_id", "aws_security_group.Standalone.id")),
        change("aws_ecr_repository.Registry", tagged({
            "name": "models", "image_tag_mutability": "IMMUTABLE",
            "image_scanning_configuration": [{"scan_on_push": True}]})),
        change("aws_ecr_repository.Scratch", {"name": "scratch",
                                              "image_tag_mutability": "MUTABLE"}),
        change("aws_kms_key.Key", tagged({"description": "data key",
                                          "enable_key_rotation": True})),
    )


def verdicts(path: Path, name_of: Any) -> dict[str, set[tuple[Any, ...]]]:
    config = Config(policy=PolicySettings(required_tags=["owner"]))
    result = pipeline.check([path], config)
    out: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
    for f in result.findings:
        out[f.rule_id].add((name_of(f.resource_address), f.level, f.unknown, f.message))
    return out


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any]]:
    plan_path = write(tmp_path_factory.mktemp("tf"), terraform_estate())
    terraform = verdicts(plan_path, lambda address: address.split(".")[-1])
    cloudformation = verdicts(TEMPLATE, lambda address: address)
    return terraform, cloudformation


RULES = sorted(r.id for r in policy.load([policy.builtin_dir()]).rules.values()
               if r.id not in NOT_IN_CLOUDFORMATION)


# The rules this estate is built to break (the ML estates of issues 14 and 15, in
# test_gpu_estate.py and test_data_estate.py, break the others; test_data_estate.py checks
# that the estates together break every rule a template can reach).
EXERCISED = ["DG-CMP-001", "DG-CMP-002", "DG-CTR-001", "DG-CTR-002", "DG-ENC-001", "DG-ENC-002",
             "DG-ENC-003", "DG-ENC-004", "DG-ENC-006", "DG-NET-001", "DG-NET-002", "DG-NET-003",
             "DG-NET-004", "DG-NET-005", "DG-NET-006", "DG-STO-001", "DG-STO-002", "DG-TAG-001"]


def test_the_estate_exercises_the_rules_it_is_built_for(both: Any) -> None:
    terraform, _ = both
    assert set(EXERCISED) <= set(RULES)
    assert sorted(terraform) == EXERCISED, "a rule the estate never triggers proves nothing"


@pytest.mark.parametrize("rule", RULES)
def test_same_findings_rule_by_rule(both: Any, rule: str) -> None:
    terraform, cloudformation = both
    assert cloudformation.get(rule, set()) == terraform.get(rule, set())
