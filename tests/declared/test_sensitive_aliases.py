"""Sensitivity applies to every alias of an attribute (D5): `tags` and `tags_all` are one
canonical attribute, so a value marked sensitive under one is masked under the other."""

from __future__ import annotations

from typing import Any

from driftguard.declared.terraform import load_document
from driftguard.model import MASK


def plan(after_sensitive: dict[str, Any]) -> dict[str, Any]:
    tags = {"Name": "trainer", "ApiKey": "SECRET-CANARY-PLAN-TAG"}
    return {"format_version": "1.2", "resource_changes": [{
        "address": "aws_instance.trainer", "mode": "managed", "type": "aws_instance",
        "name": "trainer", "change": {"actions": ["create"], "after": {
            "instance_type": "t3.large", "tags": dict(tags), "tags_all": dict(tags)},
            "after_unknown": {}, "after_sensitive": after_sensitive}}]}


def test_a_tag_sensitive_in_tags_is_masked_in_tags_all() -> None:
    _, [res] = load_document("plan.json", plan({"tags": {"ApiKey": True}}))
    assert res.raw["tags_all"] == {"Name": "trainer", "ApiKey": MASK}
    assert res.raw["tags"] == {"Name": "trainer", "ApiKey": MASK}
    assert "tags" in res.unknown and "tags" not in res.attributes  # never compared, shown
    assert res.attributes["instance_type"] == "t3.large"


def test_the_other_way_round_and_other_attributes_untouched() -> None:
    _, [res] = load_document("plan.json", plan({"tags_all": {"ApiKey": True}}))
    assert res.raw["tags"]["ApiKey"] == MASK and res.raw["tags"]["Name"] == "trainer"
    assert "SECRET-CANARY" not in repr(res)
