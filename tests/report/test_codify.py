"""The codify formats: Terraform import blocks and the .driftignore baseline of a scan's
unmanaged resources (golden files in test_report_formats.py; moto end to end in
tests/scan/test_scan_codify.py)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from test_report_formats import make_scan_result

from driftguard.drift.ignore import Ignore, parse_rules
from driftguard.model import CheckResult, Drift, Severity
from driftguard.report import driftignore, terraform_import
from driftguard.report.terraform_import import hcl_string, resource_name

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")  # what the names are: valid Terraform names
BLOCK = re.compile(r'import \{\n  to = (\S+)\n  id = ("(?:[^"\\]|\\.)*")\n\}')


def blocks(text: str) -> list[tuple[str, str]]:
    return BLOCK.findall(text)


def test_every_unmanaged_resource_is_imported_once_by_its_types_import_id() -> None:
    result = make_scan_result()
    found = blocks(terraform_import.render(result))
    unmanaged = [d for d in result.drifts if d.kind == "unmanaged"]
    assert len(found) == len(unmanaged)
    ids = {to: ident for to, ident in found}
    assert ids["aws_cloudtrail.audit"] == '"arn:aws:cloudtrail:eu-west-1:123456789012:trail/audit"'
    assert ids["aws_ebs_encryption_by_default.eu_west_1"] == '"default"'
    assert ids["aws_instance.i_0a1"] == '"i-0a1"'
    assert "aws_ebs_volume" not in terraform_import.render(result)  # missing is not imported


def test_blocks_are_grouped_by_type_in_order() -> None:
    types = [to.split(".")[0] for to, _ in blocks(terraform_import.render(make_scan_result()))]
    assert types == sorted(types)


@pytest.mark.parametrize("ident", [
    "i-0abc", "1234abcd-12ab-34cd-56ef-1234567890ab", "logs.example.com", "acme/models",
    "arn:aws:iam::123456789012:policy/team/Deploy", "https://sqs.x/123/jobs", "---", "",
    "ÄÖÜ", "_x", "9", "arn:aws:sns:eu-west-1:123456789012:alerts"])
def test_names_are_terraform_identifiers(ident: str) -> None:
    assert IDENTIFIER.match(resource_name("aws_sns_topic", ident, set()))


def test_names_are_unique_within_a_type() -> None:
    taken: set[str] = set()
    names = [resource_name("aws_s3_bucket", i, taken)
             for i in ("logs.example.com", "logs-example-com", "logs_example_com", "LOGS")]
    assert names == ["logs_example_com", "logs_example_com_2", "logs_example_com_3", "logs"]


def test_ids_are_quoted_hcl_strings_without_templates() -> None:
    assert hcl_string('a"b\\c') == '"a\\"b\\\\c"'
    assert hcl_string("${var.x} %{ if }") == '"$${var.x} %%{ if }"'
    assert hcl_string("a\nb\x01") == '"a\\nb\\u0001"'


def test_no_unmanaged_resources_is_a_file_of_comments() -> None:
    text = terraform_import.render(CheckResult(kind="scan", sources=[], resources=0, rules=[],
                                               findings=[], fail_on=Severity.low))
    assert all(line.startswith("#") for line in text.splitlines())
    assert "Nothing to import" in text


@pytest.mark.skipif(shutil.which("terraform") is None, reason="no terraform on PATH")
def test_terraform_reads_the_blocks_as_canonical_hcl() -> None:
    """`terraform fmt` parses the file (a syntax error fails it) and would change nothing."""
    text = terraform_import.render(make_scan_result())
    done = subprocess.run(["terraform", "fmt", "-"], input=text, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == text


# --- the .driftignore baseline ---------------------------------------------------------

def test_the_baseline_ignores_exactly_its_resources() -> None:
    result = make_scan_result()
    ignore = Ignore(parse_rules(driftignore.render(result)))
    for d in result.drifts:
        assert d.id is not None
        assert ignore.resource(d.type, d.id) == (d.kind == "unmanaged"), d
    assert not ignore.resource("aws_s3_bucket", "logsXexample.com")  # a dot is a dot
    assert not ignore.resource("aws_instance", "i-0a1x")


def test_each_rule_says_what_where_and_when_it_was_found() -> None:
    lines = driftignore.render(make_scan_result()).splitlines()
    rule = lines.index("aws_instance.i-0a1")
    assert lines[rule - 1] == ("# aws_instance i-0a1 in 123456789012/eu-west-1: unmanaged, "
                               "found 2026-11-02T08:00:00Z")  # first seen, by the history
    other = lines.index("aws_instance.i-0b2")
    assert lines[other - 1].endswith("found 2026-12-01T09:30:00Z")  # this scan's time
    assert lines.count("aws_s3_bucket.logs\\.example\\.com") == 1


def test_a_baseline_merged_into_an_existing_file_keeps_it_and_adds_what_is_new() -> None:
    result = make_scan_result()
    existing = "# ours\naws_instance.i-0a1\n!aws_iam_role.keep\n"
    merged = driftignore.merge_into(existing, result)
    assert merged.startswith(existing)
    assert merged.count("aws_instance.i-0a1\n") == 1
    assert "aws_instance.i-0b2" in merged
    assert driftignore.merge_into(merged, result) == merged  # nothing new: unchanged
    parse_rules(merged)


def test_a_resource_listed_twice_is_one_rule() -> None:
    twice = make_scan_result()
    twice.drifts.append(Drift(kind="unmanaged", type="aws_instance", id="i-0a1",
                              address="i-0a1", account="123456789012", region="eu-west-1"))
    text = driftignore.render(twice)
    assert text.count("\naws_instance.i-0a1\n") == 1
