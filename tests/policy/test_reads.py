"""policy/reads.py: which types and attributes each rule reads, scanned from its Rego."""

from __future__ import annotations

from pathlib import Path

import pytest

from driftguard.catalog import specs
from driftguard.errors import PolicyError
from driftguard.policy.evaluate import builtin_dir, load
from driftguard.policy.reads import Reads, library_reads, load_reads

# What the built-in rules read, one idiom or more each (the scan must get every one right).
BUILTIN = {
    "DG-CMP-001": ({"aws_instance"}, {"instance_type", "instance_types"}),  # r.type == ...
    "DG-CMP-002": (set(), {"metadata_http_tokens", "metadata_http_endpoint"}),
    "DG-CMP-003": (set(), {"root_access"}),
    "DG-CTR-001": ({"aws_ecr_repository"}, {"image_tag_mutability"}),  # object.get
    "DG-CTR-002": ({"aws_ecr_repository"}, {"scan_on_push"}),
    "DG-ENC-001": ({"aws_s3_bucket"}, {"encrypted"}),
    "DG-ENC-002": ({"aws_ebs_volume"}, {"encrypted"}),
    "DG-ENC-003": ({"aws_db_instance"}, {"encrypted", "replicate_source_db",
                                         "replicate_source_encrypted",
                                         "replicate_source_key"}),
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
        "instance_key", "subnet_id"}),
    "DG-NET-002": ({"aws_subnet"}, {"map_public_ip_on_launch"}),
    "DG-NET-003": ({"aws_security_group"}, {"ingress"}),
    "DG-NET-004": ({"aws_db_instance"}, {"publicly_accessible"}),  # and with_attribute
    "DG-NET-005": ({"aws_security_group"}, {"ingress"}),
    "DG-NET-006": ({"aws_security_group"}, {"egress"}),
    "DG-NET-007": (set(), {"endpoint_public_access", "public_access_cidrs"}),
    "DG-NET-008": (set(), {"direct_internet_access"}),
    "DG-ENC-009": (set(), {"encrypted"}),  # not r.type in {...}: excluded
    "DG-ENC-010": (set(), {"encrypted_in_transit"}),
    "DG-ENC-011": ({"aws_dynamodb_table", "aws_secretsmanager_secret",
                    "aws_cloudwatch_log_group"},
                   {"kms_encryption", "kms_key_id", "owning_service", "name"}),
    "DG-ENC-012": ({"aws_fsx_lustre_file_system"}, {"kms_key_id", "deployment_type"}),
    "DG-ENC-013": ({"aws_cloudtrail"}, {"kms_key_id"}),
    "DG-NET-009": (set(), {"authorization_type"}),
    "DG-NET-010": (set(), {"internet_facing", "load_balancer_type"}),
    "DG-IAM-001": ({"aws_iam_policy"}, {"policy"}),
    "DG-IAM-002": (set(), {"assume_role_policy"}),
    "DG-IAM-003": ({"aws_s3_bucket", "aws_sqs_queue", "aws_sns_topic"}, {"policy"}),
    "DG-AUD-001": ({"aws_cloudtrail"}, {"log_file_validation"}),
    "DG-AUD-002": ({"aws_kms_key"}, {"key_rotation_enabled", "key_spec", "key_manager"}),
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
    "DG-NET-004": {"publicly_accessible"},
    "DG-ENC-009": {"encrypted"},
    "DG-ENC-010": {"encrypted_in_transit"},
    "DG-NET-009": {"authorization_type"},
    "DG-NET-010": {"internet_facing"},
    "DG-IAM-002": {"assume_role_policy"},
}
# The types a generic rule leaves to others (`not r.type in {...}`).
EXCLUDED = {"DG-ENC-009": {"aws_s3_bucket", "aws_ebs_volume", "aws_db_instance"}}
# Issue 14's types and canonical attributes (its conventions) that rules read before
# their specs land on this branch; test_pending_names_have_not_landed_yet keeps it honest.
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
    assert set(builtin[rule].excluded) == EXCLUDED.get(rule, set())


def test_a_generic_rule_does_not_read_the_types_it_leaves_alone(
        builtin: dict[str, Reads]) -> None:
    reads = builtin["DG-ENC-009"]
    reading = {t for t, s in specs().items() if reads.of(t, s.attr_names) is not None}
    assert reading == {t for t, s in specs().items() if "encrypted" in s.attr_names} - {
        "aws_s3_bucket", "aws_ebs_volume", "aws_db_instance"}
    assert {"aws_efs_file_system", "aws_sqs_queue", "aws_ebs_snapshot"} <= reading


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
    assert len(builtin) >= 24
    for rule, reads in builtin.items():
        assert reads.types or reads.every_type or reads.selectors, f"{rule} reads no type"
        assert reads.attributes, f"{rule} reads no attribute"
        assert reads.types <= set(specs()), f"{rule} reads a type the catalog lacks"
        read = [s for t, s in specs().items() if reads.of(t, s.attr_names) is not None]
        known = {name for spec in read for name in spec.attr_names}
        assert reads.attributes <= known, f"{rule}: {sorted(reads.attributes - known)}"


def test_a_selector_the_library_does_not_index_is_a_policy_error(tmp_path: Path) -> None:
    (tmp_path / "r.rego").write_text(
        "# METADATA\n# title: t\n# custom:\n#   id: ACME-1\n"
        "package driftguard.rules.acme.r\n\nimport data.driftguard.lib\nimport rego.v1\n\n"
        'deny contains r.key if {\n\tsome r in lib.with_attribute["bucket"]\n}\n')
    with pytest.raises(PolicyError, match=r'r\.rego: lib\.with_attribute\["bucket"\]: bucket is '
                                          "not an indexed attribute"):
        load_reads([builtin_dir(), tmp_path])


def test_no_builtin_rule_reads_attributes_by_computed_names(builtin: dict[str, Reads]) -> None:
    assert [r for r, reads in builtin.items() if reads.any_attribute] == []


RULE = ("# METADATA\n# title: t\n# custom:\n#   id: ACME-1\n"
        "package driftguard.rules.acme.r\n\nimport data.driftguard.lib\nimport rego.v1\n\n")


@pytest.mark.parametrize("body", [
    'some r in lib.resources["aws_s3_bucket"]\n\tsome k, v in r.attributes\n\tv == false',
    'some r in lib.resources["aws_s3_bucket"]\n\tsome k in {"versioning"}\n'
    '\tr.attributes[k] == false',
    'some r in lib.resources["aws_s3_bucket"]\n\tsome k in {"versioning"}\n'
    '\tlib.attr(r, k) == false',
    'some r in lib.resources["aws_s3_bucket"]\n\tcount(object.keys(r.attributes)) > 3',
    'some r in lib.resources["aws_s3_bucket"]\n\ta := object.get(r, "attributes", {})\n'
    '\ta.versioning == false',
    'some r in lib.resources["aws_s3_bucket"]\n\tcontains(json.marshal(r), "false")',
    'some r in lib.resources["aws_s3_bucket"]\n\tsome path, v in walk(r)\n\tv == false',
])
def test_a_rule_reading_attributes_by_computed_names_reads_them_all(
        tmp_path: Path, body: str) -> None:
    (tmp_path / "r.rego").write_text(RULE + f"deny contains r.key if {{\n\t{body}\n}}\n")
    reads = load_reads([builtin_dir(), tmp_path])["ACME-1"]
    spec = specs()["aws_s3_bucket"]
    assert reads.any_attribute
    assert reads.of("aws_s3_bucket", spec.attr_names) == list(spec.attr_names)
    assert reads.of("aws_ebs_volume", specs()["aws_ebs_volume"].attr_names) is None


def test_literal_names_in_strings_and_comments_are_not_computed_reads(tmp_path: Path) -> None:
    (tmp_path / "r.rego").write_text(RULE + (
        "# reads r.attributes[k] for no k\n"
        'deny contains lib.finding(r, "its attributes are wrong") if {\n'
        '\tsome r in lib.resources["aws_s3_bucket"]\n'
        '\tobject.get(r.attributes, "versioning", null) == false\n'
        '\tnot lib.is_unset(r, "acl")\n}\n'))
    reads = load_reads([builtin_dir(), tmp_path])["ACME-1"]
    assert (reads.any_attribute, reads.attributes) == (False, {"versioning", "acl"})


def test_the_library_reads_by_its_callers_names_and_a_helper_reads_all(
        tmp_path: Path) -> None:
    """The library's accessors read the names their callers give; its own functions read
    a few attributes of every type that has them. A user's helper package that reads
    attributes by computed names makes every attribute read."""
    builtin = load([builtin_dir()]).files
    lib = library_reads(builtin)
    assert (lib.every_type, lib.any_attribute) == (True, False)
    assert {"launch_template_key", "key_manager", "kms_key_manager"} <= lib.attributes
    (tmp_path / "helpers.rego").write_text(
        "package acme.helpers\n\nimport rego.v1\n\n"
        "flags(r) := {k | some k, v in r.attributes; v}\n")
    assert library_reads([*builtin, *load([tmp_path]).files]).any_attribute
