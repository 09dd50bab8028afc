"""The drift engine on hand-made resources: classes, scoping, ignore rules, defaults."""

from __future__ import annotations

from typing import Any

import pytest

from driftguard.drift.diff import diff
from driftguard.drift.ignore import Ignore, parse_rules
from driftguard.errors import InputError
from driftguard.model import NotChecked, Resource


def res(type_: str, id_: str, source: str = "state", **attributes: Any) -> Resource:
    return Resource(type=type_, id=id_, address=f"{type_}.{id_}" if source != "live" else id_,
                    source=source, origin="live" if source == "live" else "main.tfstate",
                    attributes=attributes)


def live(type_: str, id_: str, **attributes: Any) -> Resource:
    return res(type_, id_, "live", **attributes)


def never_default(_: Resource) -> bool:
    return False


def run(declared, found, not_checked=(), ignore="", strict=False, defaults=never_default):
    return diff(declared, found, list(not_checked), Ignore(parse_rules(ignore)), defaults,
                strict)


def test_classes_unmanaged_missing_changed_and_in_sync() -> None:
    declared = [
        res("aws_instance", "i-1", instance_type="p4d.24xlarge", tags={"team": "ml"}),
        res("aws_instance", "i-2", instance_type="t3.large"),
        res("aws_ebs_volume", "vol-1", encrypted=True),
    ]
    found = [
        live("aws_instance", "i-1", instance_type="p5.48xlarge",
             tags={"team": "ml", "aws:cloudformation:stack-name": "x"}),
        live("aws_instance", "i-2", instance_type="t3.large"),
        live("aws_instance", "i-9", instance_type="g5.xlarge"),
    ]
    drifts, coverage = run(declared, found)
    assert [(d.kind, d.id) for d in drifts] == [
        ("missing", "vol-1"), ("changed", "i-1"), ("unmanaged", "i-9")]
    changed = drifts[1]
    assert [(c.attribute, c.declared, c.live) for c in changed.changes] == [
        ("instance_type", "p4d.24xlarge", "p5.48xlarge")]  # aws: tags are not drift
    assert changed.address == "aws_instance.i-1" and changed.origin == "main.tfstate"
    assert [(c.type, c.managed, c.unmanaged, c.ratio) for c in coverage] == [
        ("aws_instance", 2, 1, pytest.approx(2 / 3))]


def test_only_attributes_the_code_set_are_compared() -> None:
    declared = [res("aws_instance", "i-1", instance_type="t3.large",
                    associate_public_ip_address=None, metadata_http_tokens=None)]
    found = [live("aws_instance", "i-1", instance_type="t3.large",
                  associate_public_ip_address=True, metadata_http_tokens="optional")]
    drifts, _ = run(declared, found)
    assert drifts == []


def test_unknown_declared_values_and_unread_live_values_are_not_compared() -> None:
    d = res("aws_ebs_volume", "vol-1", size=100)
    d.unknown = ["encrypted"]
    drifts, _ = run([d], [live("aws_ebs_volume", "vol-1", size=100, encrypted=False)])
    assert drifts == []
    drifts, _ = run([res("aws_vpc", "vpc-1", enable_dns_support=True)],
                    [live("aws_vpc", "vpc-1")])  # not read live: not compared
    assert drifts == []


def test_ids_and_arns_of_the_same_key_are_equal() -> None:
    declared = [res("aws_ebs_volume", "vol-1", kms_key_id="arn:aws:kms:eu-west-1:1:key/abc")]
    drifts, _ = run(declared, [live("aws_ebs_volume", "vol-1", kms_key_id="abc")])
    assert drifts == []


def test_not_checked_type_never_reports_missing() -> None:
    declared = [res("aws_s3_bucket", "data"), res("aws_instance", "i-1")]
    gap = NotChecked(type="aws_s3_bucket", operation="list_buckets",
                     reason="access denied: AccessDenied")
    drifts, _ = run(declared, [], [gap])
    assert [(d.kind, d.id) for d in drifts] == [("missing", "i-1")]


def test_region_and_account_narrow_the_match() -> None:
    d = res("aws_instance", "i-1")
    d.region = "eu-west-1"
    other = live("aws_instance", "i-1")
    other.region = "us-east-1"
    drifts, _ = run([d], [other])
    assert sorted(x.kind for x in drifts) == ["missing", "unmanaged"]


def test_ignore_rules_wildcards_negation_and_attributes() -> None:
    declared = [res("aws_instance", "i-1", instance_type="t3.large", tags={"a": "1"})]
    found = [
        live("aws_instance", "i-1", instance_type="t3.xlarge", tags={"a": "2"}),
        live("aws_s3_bucket", "scratch-1"), live("aws_s3_bucket", "scratch-keep"),
        live("aws_s3_bucket", "logs.example.com"),
    ]
    rules = """
    # buckets: ignore scratch ones, but keep one
    aws_s3_bucket.scratch-*
    !aws_s3_bucket.scratch-keep
    aws_s3_bucket.logs\\.example\\.com
    aws_instance.i-1.tags
    """
    drifts, _ = run(declared, found, ignore=rules)
    assert [(d.kind, d.id) for d in drifts] == [("changed", "i-1"), ("unmanaged", "scratch-keep")]
    assert [c.attribute for c in drifts[0].changes] == ["instance_type"]


def test_bad_ignore_line_is_a_clear_error() -> None:
    with pytest.raises(InputError) as exc:
        parse_rules("aws_instance\n", ".driftignore")
    assert ".driftignore: line 1" in str(exc.value)


def test_aws_created_defaults_are_ignored_unless_strict() -> None:
    found = [live("aws_vpc", "vpc-default", is_default=True), live("aws_vpc", "vpc-2")]

    def is_default(r: Resource) -> bool:
        return bool(r.attributes.get("is_default"))

    drifts, _ = run([], found, defaults=is_default)
    assert [d.id for d in drifts] == ["vpc-2"]
    drifts, _ = run([], found, defaults=is_default, strict=True)
    assert [d.id for d in drifts] == ["vpc-2", "vpc-default"]


def test_output_is_deterministic_whatever_the_input_order() -> None:
    declared = [res("aws_instance", f"i-{n}", instance_type="t3.large") for n in range(20)]
    found = [live("aws_instance", f"i-{n}", instance_type="t3.xlarge") for n in range(5, 30)]
    first, _ = run(declared, found)
    second, _ = run(list(reversed(declared)), list(reversed(found)))
    assert [d.model_dump() for d in first] == [d.model_dump() for d in second]


def test_paths_into_an_attribute_are_refused_not_ignored_silently() -> None:
    with pytest.raises(InputError) as exc:
        parse_rules("aws_vpc.vpc-1.tags.owner\n", ".driftignore")
    assert "line 1" in str(exc.value) and "one canonical attribute" in str(exc.value)
