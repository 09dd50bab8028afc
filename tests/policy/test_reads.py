"""policy/reads.py: which types and attributes each rule reads, scanned from its Rego."""

from __future__ import annotations

from pathlib import Path

import pytest

from driftguard.catalog import specs
from driftguard.errors import PolicyError
from driftguard.policy.evaluate import builtin_dir
from driftguard.policy.reads import Reads, load_reads, rules_reading, scan, strip_comments

# What the built-in rules read, one idiom or more each (the scan must get every one right).
BUILTIN = {
    "DG-CMP-001": ({"aws_instance"}, {"instance_type", "instance_types"}),  # r.type == ...
    "DG-CMP-002": (set(), {"metadata_http_tokens", "metadata_http_endpoint"}),
    "DG-CMP-003": (set(), {"root_access"}),
    "DG-CTR-001": ({"aws_ecr_repository"}, {"image_tag_mutability"}),  # object.get
    "DG-CTR-002": ({"aws_ecr_repository"}, {"scan_on_push"}),
    "DG-ENC-001": ({"aws_s3_bucket"}, {"encrypted"}),
    "DG-ENC-002": ({"aws_ebs_volume"}, {"encrypted"}),
    "DG-ENC-003": ({"aws_db_instance"}, {"encrypted"}),
    "DG-ENC-004": ({"aws_s3_bucket"}, {"encrypted", "sse_algorithm", "kms_key_id"}),
    "DG-ENC-005": ({"aws_ebs_encryption_by_default"}, {"enabled"}),
    "DG-ENC-006": (set(), {"root_volume_encrypted", "block_devices_encrypted"}),
    "DG-ENC-007": (set(), {"secrets_encrypted"}),
    "DG-ENC-008": ({"aws_sagemaker_notebook_instance", "aws_sagemaker_endpoint_configuration"},
                   {"kms_key_id"}),
    "DG-NET-001": ({"aws_instance", "aws_eip"}, {
        "associate_public_ip_address", "subnet_map_public_ip_on_launch",  # lib.is_unset
        "subnets_map_public_ip_on_launch", "launch_template_key", "launch_configuration_key",
        "launch_template_associate_public_ip_address", "instance", "network_interface",
        "instance_key"}),
    "DG-NET-002": ({"aws_subnet"}, {"map_public_ip_on_launch"}),
    "DG-NET-003": ({"aws_security_group"}, {"ingress"}),
    "DG-NET-004": ({"aws_db_instance"}, {"publicly_accessible"}),
    "DG-NET-005": ({"aws_security_group"}, {"ingress"}),
    "DG-NET-006": ({"aws_security_group"}, {"egress"}),
    "DG-NET-007": (set(), {"endpoint_public_access", "public_access_cidrs"}),
    "DG-NET-008": (set(), {"direct_internet_access"}),
    "DG-STO-001": ({"aws_s3_bucket"}, {"versioning"}),
    "DG-STO-002": ({"aws_s3_bucket"}, {"public_access_block"}),
}
# The attributes each generic rule selects resources by (lib.with_attribute["x"]).
SELECTORS = {
    "DG-CMP-001": {"instance_type", "instance_types"},
    "DG-CMP-002": {"metadata_http_tokens"},
    "DG-CMP-003": {"root_access"},
    "DG-ENC-006": {"root_volume_encrypted", "block_devices_encrypted"},
    "DG-ENC-007": {"secrets_encrypted"},
    "DG-NET-001": {"associate_public_ip_address", "subnet_map_public_ip_on_launch",
                   "subnets_map_public_ip_on_launch"},
    "DG-NET-007": {"endpoint_public_access"},
    "DG-NET-008": {"direct_internet_access"},
}
# Issue 14's types and canonical attributes (its conventions) that rules read before
# their specs land on this branch; test_pending_names_have_not_landed_yet keeps it honest.
PENDING_TYPES = {  # type: the attributes rules read of it
    "aws_eip": {"instance", "network_interface", "instance_key"},
    "aws_sagemaker_notebook_instance": {"kms_key_id"},
    "aws_sagemaker_endpoint_configuration": {"kms_key_id"},
}
PENDING_ATTRIBUTES = {
    "instance_types", "subnets_map_public_ip_on_launch", "block_devices_encrypted",
    "endpoint_public_access", "public_access_cidrs", "secrets_encrypted",
    "direct_internet_access", "root_access", "launch_template_key",
    "launch_configuration_key", "launch_template_associate_public_ip_address", "instance",
    "network_interface", "instance_key"}


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
    assert set(builtin[rule].selectors) == SELECTORS.get(rule, set())


def test_required_tags_reads_tags_of_every_type_that_has_them(
        builtin: dict[str, Reads]) -> None:
    reads = builtin["DG-TAG-001"]
    assert (reads.types, reads.every_type, reads.attributes) == (set(), True, {"tags"})
    reading = {t for t, s in specs().items() if reads.of(t, s.attr_names) is not None}
    assert reading == {t for t, s in specs().items() if "tags" in s.attr_names}
    assert "aws_ebs_encryption_by_default" not in reading  # it has no tags


def test_every_builtin_rule_reads_real_canonical_attributes(builtin: dict[str, Reads]) -> None:
    """Whatever rules are added: each reads catalog types, and only attributes they have
    (a scan that picked up a rule's field, `protocol`, or a message word would fail).
    The names of issue 14 whose specs have not landed yet are PENDING."""
    assert len(builtin) >= 24
    for rule, reads in builtin.items():
        assert reads.types or reads.every_type or reads.selectors, f"{rule} reads no type"
        assert reads.attributes, f"{rule} reads no attribute"
        assert reads.types <= set(specs()) | set(PENDING_TYPES), \
            f"{rule} reads a type the catalog lacks"
        read = [s for t, s in specs().items() if reads.of(t, s.attr_names) is not None]
        known = {name for spec in read for name in spec.attr_names} | PENDING_ATTRIBUTES
        known |= {name for t in reads.types & set(PENDING_TYPES) for name in PENDING_TYPES[t]}
        assert reads.attributes <= known, f"{rule}: {sorted(reads.attributes - known)}"


def test_pending_names_have_not_landed_yet() -> None:
    """Once a spec brings a type or attribute, it leaves PENDING (so that a name a rule
    reads but no spec gives is seen); when issue 14's types have all landed, PENDING is
    empty, and a name still in it is a rule and a spec that disagree."""
    landed_types = set(PENDING_TYPES) & set(specs())
    landed = PENDING_ATTRIBUTES & {n for s in specs().values() for n in s.attr_names}
    assert not landed_types and not landed, (
        f"in the catalog now, remove from PENDING_* in {__file__}: "
        f"{sorted(landed_types | landed)}")


def test_generic_rules_read_the_types_that_have_their_attributes(
        builtin: dict[str, Reads]) -> None:
    reads = builtin["DG-CMP-001"]
    assert reads.of("aws_instance", specs()["aws_instance"].attr_names) == ["instance_type"]
    assert reads.of("aws_launch_template", ["instance_type", "metadata_http_tokens"]) == [
        "instance_type"]
    assert reads.of("aws_future", ["instance_types", "name"]) == ["instance_types"]
    assert reads.of("aws_db_instance", specs()["aws_db_instance"].attr_names) is None
    assert builtin["DG-CMP-002"].of("aws_launch_configuration", [
        "metadata_http_tokens", "metadata_http_endpoint", "image_id"]) == [
        "metadata_http_tokens", "metadata_http_endpoint"]


def test_a_selector_the_library_does_not_index_is_a_policy_error(tmp_path: Path) -> None:
    (tmp_path / "rule.rego").write_text(
        "# METADATA\n# title: t\n# custom:\n#   id: ACME-X-001\n"
        "package driftguard.rules.acme.x\n\nimport data.driftguard.lib\nimport rego.v1\n\n"
        'deny contains lib.finding(r, "x") if {\n'
        '\tsome r in lib.with_attribute["publicly_accessible"]\n'
        '\tr.attributes.publicly_accessible\n}\n')
    with pytest.raises(PolicyError, match=r"rule\.rego: .*publicly_accessible is not an indexed"):
        load_reads([builtin_dir(), tmp_path])
    (tmp_path / "rule.rego").write_text(
        (tmp_path / "rule.rego").read_text().replace("publicly_accessible", "root_access"))
    assert load_reads([builtin_dir(), tmp_path])["ACME-X-001"].selectors == {"root_access"}


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
