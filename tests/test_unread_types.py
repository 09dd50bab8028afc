"""The gate says what it does not understand: resources of types no rule reads (check and
scan), and declared types the catalog cannot collect (scan)."""

from __future__ import annotations

import json
from pathlib import Path

from plans import change, plan, write

from driftguard import pipeline
from driftguard.config import Config
from driftguard.model import CheckResult, Resource, Severity
from driftguard.policy.evaluate import builtin_dir
from driftguard.policy.reads import is_read, load_reads, unread_types
from driftguard.report import json_report, text
from driftguard.report.summary import type_counts
from driftguard.results.merge import merge
from driftguard.results.reader import read_report


def test_what_rules_read() -> None:
    reads = load_reads([builtin_dir()])
    assert is_read(reads, "aws_s3_bucket")  # named by rules
    assert is_read(reads, "aws_instance")  # and by generic rules' attributes
    assert is_read(reads, "aws_s3_bucket_versioning")  # folds into versioning, read
    assert is_read(reads, "aws_security_group_rule")
    assert is_read(reads, "AWS::EC2::SecurityGroupIngress")  # CloudFormation's fold
    assert not is_read(reads, "aws_glue_job")  # not in the catalog
    assert not is_read(reads, "AWS::Glue::Job")
    assert unread_types({"aws_glue_job": 2, "aws_s3_bucket": 5, "aws_foo": 1, "aws_bar": 0},
                        reads) == {"aws_foo": 1, "aws_glue_job": 2}


def test_a_type_no_rule_reads_is_read_once_a_rule_reads_it(tmp_path: Path) -> None:
    (tmp_path / "kms.rego").write_text(
        "# METADATA\n# title: keys rotate\n# custom:\n#   id: ACME-KMS-001\n"
        "package driftguard.rules.acme.kms\n\nimport data.driftguard.lib\nimport rego.v1\n\n"
        'deny contains lib.finding(r, "no rotation") if {\n'
        '\tsome r in lib.resources["aws_nat_gateway"]\n'
        '\tr.attributes.connectivity_type == "public"\n}\n')
    without = {k: v for k, v in load_reads([builtin_dir()]).items() if k != "DG-TAG-001"}
    assert not is_read(without, "aws_nat_gateway")  # only the tags rule reads it
    assert is_read(load_reads([builtin_dir(), tmp_path]), "aws_nat_gateway")


def _plan(tmp_path: Path) -> Path:
    return write(tmp_path, plan(
        change("aws_ebs_volume.v", {"encrypted": True}),
        change("aws_glue_job.a", {"name": "a"}),
        change("aws_glue_job.b", {"name": "b"}),
        change("aws_route53_zone.z", {"name": "example.com"}),
    ))


def test_check_counts_them_in_text_and_json(tmp_path: Path) -> None:
    result = pipeline.check([_plan(tmp_path)], Config())
    assert result.resources == 4
    assert result.unread_types == {"aws_glue_job": 2, "aws_route53_zone": 1}
    lines = text.render(result).splitlines()
    assert lines[-2] == "types no rule reads: aws_glue_job (2), aws_route53_zone (1)"
    assert lines[-1].endswith(f". 4 resources in 1 file, 3 of types no rule reads, "
                              f"{len(result.rules)} rules.")
    doc = json.loads(json_report.render(result))
    assert doc["summary"]["unread_resources"] == 3
    assert doc["unread_types"] == {"aws_glue_job": 2, "aws_route53_zone": 1}


def test_nothing_said_when_every_type_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, plan(change("aws_ebs_volume.v", {"encrypted": True})))
    result = pipeline.check([path], Config())
    assert result.unread_types == {}
    out = text.render(result)
    assert "no rule reads" not in out
    assert json.loads(json_report.render(result))["summary"]["unread_resources"] == 0


def test_type_counts_stay_short() -> None:
    counts = {f"aws_t{i}": i for i in range(1, 9)}
    assert type_counts(counts) == ("aws_t8 (8), aws_t7 (7), aws_t6 (6), aws_t5 (5), aws_t4 (4)"
                                   " and 3 more types")
    assert type_counts({"aws_b": 1, "aws_a": 1}) == "aws_a (1), aws_b (1)"


def _declared(type_: str, address: str, region: str | None = "eu-west-1") -> Resource:
    return Resource(type=type_, address=address, source="state", origin="s.tfstate",
                    region=region, id=address)


def test_scan_lists_declared_types_the_catalog_cannot_collect() -> None:
    declared = [_declared("aws_glue_job", "aws_glue_job.a", None),
                _declared("aws_glue_job", "aws_glue_job.b", None),
                _declared("aws_instance", "aws_instance.i"),
                _declared("aws_s3_bucket_versioning", "aws_s3_bucket_versioning.v"),  # folds
                _declared("AWS::Glue::Job", "stack/Job"),
                _declared("aws_glue_job", "aws_glue_job.other", "us-east-1")]
    assert pipeline.not_collectable(declared, "123456789012", ["eu-west-1"], True) == {
        "AWS::Glue::Job": 1, "aws_glue_job": 2}


def _scan_result() -> CheckResult:
    return CheckResult(kind="scan", sources=[], resources=5, rules=[], findings=[],
                       fail_on=Severity.low, unread_types={"aws_kms_key": 2},
                       not_collectable={"aws_iam_role": 3})


def test_scan_report_lines_and_round_trip() -> None:
    result = _scan_result()
    out = text.render(result).splitlines()
    assert out[:2] == ["not collectable (no catalog type): aws_iam_role (3)",
                       "types no rule reads: aws_kms_key (2)"]
    assert "5 live resources, 2 of types no rule reads, 0 declared" in out[-1]
    rendered = json_report.render(result)
    doc = json.loads(rendered)
    assert doc["not_collectable"] == {"aws_iam_role": 3}
    assert doc["summary"]["not_collectable"] == 3
    again = read_report("r.json", rendered)
    assert (again.unread_types, again.not_collectable) == ({"aws_kms_key": 2},
                                                           {"aws_iam_role": 3})
    assert json_report.render(again) == rendered


def test_older_reports_without_the_fields_still_read() -> None:
    doc = json.loads(json_report.render(_scan_result()))
    del doc["unread_types"], doc["not_collectable"]
    doc["digest"] = json_report.digest(doc)  # fields added in v1, the digest since
    again = read_report("old.json", json.dumps(doc))
    assert again.unread_types == {} and again.not_collectable == {}


def test_merged_shards_add_them_up() -> None:
    a, b = _scan_result(), _scan_result()
    b.units = ["1/eu-west-2"]  # another unit, not a repeat
    b.unread_types = {"aws_kms_key": 1, "aws_vpc": 4}
    merged = merge([("a.json", a), ("b.json", b)])
    assert merged.unread_types == {"aws_kms_key": 3, "aws_vpc": 4}
    assert merged.not_collectable == {"aws_iam_role": 6}
