"""policy/reads.py: which types and attributes each rule reads, scanned from its Rego."""

from __future__ import annotations

from pathlib import Path

import pytest

from driftguard.catalog import specs
from driftguard.policy.evaluate import builtin_dir
from driftguard.policy.reads import Reads, load_reads, rules_reading, scan, strip_comments

# What the built-in rules read, one idiom or more each (the scan must get every one right).
BUILTIN = {
    "DG-CMP-001": ({"aws_instance"}, {"instance_type"}),  # x.attributes in a comprehension
    "DG-CMP-002": ({"aws_instance"}, {"metadata_http_tokens", "metadata_http_endpoint"}),
    "DG-CTR-001": ({"aws_ecr_repository"}, {"image_tag_mutability"}),  # object.get
    "DG-CTR-002": ({"aws_ecr_repository"}, {"scan_on_push"}),
    "DG-ENC-001": ({"aws_s3_bucket"}, {"encrypted"}),
    "DG-ENC-002": ({"aws_ebs_volume"}, {"encrypted"}),
    "DG-ENC-003": ({"aws_db_instance"}, {"encrypted"}),
    "DG-ENC-004": ({"aws_s3_bucket"}, {"encrypted", "sse_algorithm", "kms_key_id"}),
    "DG-ENC-005": ({"aws_ebs_encryption_by_default"}, {"enabled"}),
    "DG-NET-001": ({"aws_instance"}, {"associate_public_ip_address",  # lib.is_unset
                                      "subnet_map_public_ip_on_launch"}),
    "DG-NET-002": ({"aws_subnet"}, {"map_public_ip_on_launch"}),
    "DG-NET-003": ({"aws_security_group"}, {"ingress"}),
    "DG-NET-004": ({"aws_db_instance"}, {"publicly_accessible"}),
    "DG-NET-005": ({"aws_security_group"}, {"ingress"}),
    "DG-NET-006": ({"aws_security_group"}, {"egress"}),
    "DG-STO-001": ({"aws_s3_bucket"}, {"versioning"}),
    "DG-STO-002": ({"aws_s3_bucket"}, {"public_access_block"}),
}


@pytest.fixture(scope="module")
def builtin() -> dict[str, Reads]:
    return load_reads([builtin_dir()])


def test_enc_001_reads_the_bucket_encrypted(builtin: dict[str, Reads]) -> None:
    reads = builtin["DG-ENC-001"]
    assert reads.of("aws_s3_bucket", specs()["aws_s3_bucket"].attr_names) == ["encrypted"]
    assert reads.of("aws_ebs_volume", specs()["aws_ebs_volume"].attr_names) is None


@pytest.mark.parametrize("rule", sorted(BUILTIN))
def test_builtin_rule_reads(builtin: dict[str, Reads], rule: str) -> None:
    types, attributes = BUILTIN[rule]
    assert (set(builtin[rule].types), builtin[rule].every_type,
            set(builtin[rule].attributes)) == (types, False, attributes)


def test_required_tags_reads_tags_of_every_type_that_has_them(
        builtin: dict[str, Reads]) -> None:
    reads = builtin["DG-TAG-001"]
    assert (reads.types, reads.every_type, reads.attributes) == (set(), True, {"tags"})
    reading = {t for t, s in specs().items() if reads.of(t, s.attr_names) is not None}
    assert reading == {t for t, s in specs().items() if "tags" in s.attr_names}
    assert "aws_ebs_encryption_by_default" not in reading  # it has no tags


def test_every_builtin_rule_reads_real_canonical_attributes(builtin: dict[str, Reads]) -> None:
    """Whatever rules are added: each reads catalog types, and only attributes they have
    (a scan that picked up a rule's field, `protocol`, or a message word would fail)."""
    assert len(builtin) >= 18
    for rule, reads in builtin.items():
        assert reads.types or reads.every_type, f"{rule} reads no type"
        assert reads.attributes, f"{rule} reads no attribute"
        assert reads.types <= set(specs()), f"{rule} reads a type the catalog lacks"
        read = specs().values() if reads.every_type else [specs()[t] for t in reads.types]
        known = {name for spec in read for name in spec.attr_names}
        assert reads.attributes <= known, f"{rule}: {sorted(reads.attributes - known)}"


def test_comments_are_not_code_and_strings_keep_their_hash() -> None:
    text = ('# lib.resources["aws_vpc"] and r.attributes.cidr_block\n'
            'x := "a # b" # "enabled" in r.unknown\n'
            'y := `raw # r.attributes.not_a_comment`\n')
    assert strip_comments(text) == ('\nx := "a # b" \n'
                                    'y := `raw # r.attributes.not_a_comment`\n')
    assert scan(text)[0] == set()


def test_every_idiom_is_recognized() -> None:
    types, every, attributes = scan('''
        some r in input.resources
        r.type == "aws_vpc"
        "aws_subnet" == s.type
        object.get(r.attributes, "cidr_block", null)
        r.attributes["enable_dns_support"]
        r.attributes.is_default == false
        "tags" in r.unknown
        lib.attr(r, "enable_dns_hostnames")
        lib.is_unset(s, "map_public_ip_on_launch")
        lib.unknown_finding(s, "vpc_id")
        data.driftguard.lib.is_unknown(s, "availability_zone")
    ''')
    assert types == {"aws_vpc", "aws_subnet"} and not every
    assert attributes == {"cidr_block", "enable_dns_support", "is_default", "tags",
                          "enable_dns_hostnames", "map_public_ip_on_launch", "vpc_id",
                          "availability_zone"}
    assert scan("some r in input.resources\nr.attributes.tags\n")[1] is True
    assert scan('some t, rs in lib.resources\n')[1] is True
    assert scan('rs := lib.resources[t]\n')[1] is True
    assert scan('rs := lib.resources["aws_vpc"]\n')[1] is False


def test_user_rules_count_and_non_rules_do_not(tmp_path: Path) -> None:
    (tmp_path / "vpc.rego").write_text(
        "# METADATA\n# title: VPCs resolve DNS\n# custom:\n#   id: ACME-NET-001\n"
        "package driftguard.rules.acme.vpc_dns\n\nimport data.driftguard.lib\nimport rego.v1\n\n"
        'deny contains lib.finding(r, "no DNS") if {\n'
        '\tsome r in lib.resources["aws_vpc"]\n\tr.attributes.enable_dns_support == false\n}\n')
    (tmp_path / "vpc_test.rego").write_text(
        "package driftguard.rules.acme.vpc_dns\n\nimport rego.v1\n\n"
        'test_x if { lib.resources["aws_kms_key"] }\n')
    (tmp_path / "conftest.rego").write_text(  # conftest-style: the raw document, no rule
        'package main\n\ndeny contains "x" if input.resource.aws_vpc\n')
    reads = load_reads([builtin_dir(), tmp_path])
    assert reads["ACME-NET-001"] == Reads("ACME-NET-001", frozenset({"aws_vpc"}), False,
                                          frozenset({"enable_dns_support"}))
    assert not any("main" in rule for rule in reads)
    vpc = rules_reading(reads, "aws_vpc", specs()["aws_vpc"].attr_names)
    assert {"id": "ACME-NET-001", "attributes": ["enable_dns_support"]} in vpc
    assert {"id": "DG-TAG-001", "attributes": ["tags"]} in vpc
    assert all(r["id"] != "ACME-NET-001" for r in rules_reading(
        reads, "aws_kms_key", specs()["aws_kms_key"].attr_names))  # only its test reads it
