"""collect/scope.py: which detail calls a scan makes for what is read."""

from __future__ import annotations

from pathlib import Path

from driftguard.catalog import specs
from driftguard.collect.scope import attributes_read, details_to_call, unfed
from driftguard.policy.evaluate import builtin_dir, load
from driftguard.policy.reads import Reads, library_reads, rule_reads

POLICIES = Path(__file__).resolve().parents[2] / "policies"
LIBRARY = [POLICIES / "lib/driftguard.rego", POLICIES / "lib/index.rego"]
RULE = ("# METADATA\n# title: t\n# custom:\n#   id: ACME-1\n"
        "package driftguard.rules.acme.r\n\nimport rego.v1\n")


def reads_of(*rule_files: Path) -> list[Reads]:
    files = [(p, p.read_text()) for p in [*LIBRARY, *rule_files]]
    return [*rule_reads(files).values(), library_reads(files)]


def operations(tf_type: str, attributes: frozenset[str] | None) -> list[str]:
    return [d.operation for d in details_to_call(specs()[tf_type], attributes)]


def test_the_bucket_encryption_rule_needs_two_of_five_calls() -> None:
    spec = specs()["aws_s3_bucket"]
    read = attributes_read(spec, reads_of(POLICIES / "encryption/s3_bucket.rego"))
    # encrypted: the rule; kms_key_id: the library's customer-key test; tags: names.
    assert read == {"encrypted", "kms_key_id", "tags"}
    called = details_to_call(spec, read)
    assert [d.operation for d in called] == ["get_bucket_encryption", "get_bucket_tagging"]
    assert unfed(spec, called) == {"versioning", "public_access_block", "policy"}


def test_a_rule_reaching_a_type_through_a_helper_still_gets_its_attributes(
        tmp_path: Path) -> None:
    """The rule's file names no type (a helper does): what it reads is read of every type
    that has it."""
    helper = tmp_path / "helpers.rego"
    helper.write_text('package acme.helpers\n\nimport data.driftguard.lib\n\n'
                      'buckets := lib.resources["aws_s3_bucket"]\n')
    rule = tmp_path / "rule.rego"
    rule.write_text(RULE + "import data.acme.helpers\n\ndeny contains r.key if {\n"
                    "\tsome r in helpers.buckets\n\tr.attributes.versioning == false\n}\n")
    read = attributes_read(specs()["aws_s3_bucket"], reads_of(helper, rule))
    assert read is not None and "versioning" in read


def test_a_rule_reading_attributes_by_computed_names_gets_every_call(tmp_path: Path) -> None:
    rule = tmp_path / "rule.rego"
    rule.write_text(RULE + "import data.driftguard.lib\n\ndeny contains r.key if {\n"
                    '\tsome r in lib.resources["aws_ebs_volume"]\n'
                    "\tsome k, v in r.attributes\n}\n")
    assert attributes_read(specs()["aws_s3_bucket"], reads_of(rule)) is None


def test_every_call_for_all_attributes_and_none_unfed() -> None:
    spec = specs()["aws_s3_bucket"]
    assert details_to_call(spec, None) == spec.collect.details
    assert unfed(spec, spec.collect.details) == frozenset()


def test_a_detail_that_reads_another_detail_brings_it() -> None:
    """A table's tags are listed by its ARN, which describe_table gives (and the ARN is the
    table's live address): the tags alone still need describe_table."""
    assert operations("aws_dynamodb_table", frozenset({"tags"})) == [
        "describe_table", "list_tags_of_resource"]
    assert operations("aws_dynamodb_table", frozenset()) == ["describe_table"]


def test_a_link_brings_its_via_and_goes_with_it() -> None:
    """kms_key_manager is the bucket's key's manager, through kms_key_id, which
    get_bucket_encryption gives: read, it brings that call; unread, it is left out."""
    spec = specs()["aws_s3_bucket"]
    assert operations("aws_s3_bucket", frozenset({"kms_key_manager"})) == [
        "get_bucket_encryption"]
    assert {"kms_key_id", "kms_key_manager"} <= unfed(spec, ())
    assert "kms_key_manager" not in unfed(spec, details_to_call(spec, frozenset({"kms_key_id"})))


def test_types_with_an_aws_default_test_are_read_whole() -> None:
    """aws_default is code over the attributes: which it reads is not known."""
    reads = reads_of(POLICIES / "encryption/s3_bucket.rego")
    for spec in specs().values():
        if spec.aws_default is not None:
            assert attributes_read(spec, reads) is None, spec.tf_type


def test_the_builtin_rules_leave_only_unread_calls_out() -> None:
    """Over the built-in rules, a type's calls are all made but the ones feeding what no
    rule reads (a trail's logging status: get_trail_status)."""
    policies = load([builtin_dir()])
    reads = [*rule_reads(policies.files).values(), library_reads(policies.files)]
    skipped = {t: [d.operation for d in s.collect.details
                   if d not in details_to_call(s, attributes_read(s, reads))]
               for t, s in specs().items()}
    assert {t: ops for t, ops in skipped.items() if ops} == {
        "aws_cloudtrail": ["get_trail_status"]}


def test_a_scan_collects_in_part_with_the_embedded_engine_only() -> None:
    """An OPA server may hold rules beyond those loaded here, and scan.collect_unread asks
    for everything: then no type is collected in part."""
    from driftguard.config import Config
    from driftguard.declared.sources import Declared
    from driftguard.pipeline import load_policies, partly_read

    config = Config()
    policies = load_policies(config, [])
    assert "aws_s3_bucket" in partly_read(config, policies, Declared())
    assert partly_read(config.with_overrides(engine="opa"), policies, Declared()) == {}
    assert partly_read(config.with_overrides(scan={"collect_unread": True}), policies,
                      Declared()) == {}
