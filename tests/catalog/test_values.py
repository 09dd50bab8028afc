"""Reading documents with unknown parts: dotted paths, and `*` steps over lists."""

from __future__ import annotations

import pytest

from driftguard.catalog.values import MASK, UNKNOWN, lookup

BLOCKS = {"blocks": [
    {"ebs": [{"encrypted": "true", "iops": None}], "name": "a"},
    {"ebs": [], "name": "b"},
    {"ebs": [{"encrypted": None, "iops": None}], "name": "c"},
]}


def test_a_star_step_reads_every_element() -> None:
    assert lookup(BLOCKS, None, "blocks.*.ebs.0.encrypted") == ["true", None, None]
    assert lookup(BLOCKS, None, "blocks.*.name") == ["a", "b", "c"]
    assert lookup({"blocks": []}, None, "blocks.*.name") == []
    assert lookup({}, None, "blocks.*.name") is None
    assert lookup({"blocks": "not a list"}, None, "blocks.*.name") is None


def test_other_fields_unknown_leave_the_elements_read_known() -> None:
    """A plan leaves the provider-computed fields of a block unknown (iops here)."""
    unknown = {"blocks": [{"ebs": [{"iops": True}]}, {}, {"ebs": [{"iops": True}]}]}
    assert lookup(BLOCKS, unknown, "blocks.*.ebs.0.encrypted") == ["true", None, None]
    # Reading the whole list, any unknown part makes it unknown.
    assert lookup(BLOCKS, unknown, "blocks") is UNKNOWN


def test_an_element_read_unknown_makes_the_list_unknown() -> None:
    assert lookup(BLOCKS, {"blocks": [{}, {}, {"ebs": [{"encrypted": True}]}]},
                  "blocks.*.ebs.0.encrypted") is UNKNOWN
    assert lookup(BLOCKS, {"blocks": [{}, True]}, "blocks.*.name") is UNKNOWN
    assert lookup(BLOCKS, {"blocks": True}, "blocks.*.name") is UNKNOWN
    assert lookup({}, {"blocks": True}, "blocks.*.name") is UNKNOWN


def test_unknown_trees_with_digit_keys_are_read_as_lists() -> None:
    assert lookup(BLOCKS, {"blocks": {"1": {"name": True}}}, "blocks.*.name") is UNKNOWN
    assert lookup(BLOCKS, {"blocks": {"1": {"ebs": True}}}, "blocks.*.name") == ["a", "b", "c"]


def test_strict_lookup_names_a_block_of_the_wrong_shape() -> None:
    from driftguard.catalog.values import ShapeError

    doc = {"a": [{"b": "x"}], "c": "text", "d": {"e": 1}}
    assert lookup(doc, None, "a.0.b.c") is None  # tolerant: live documents
    with pytest.raises(ShapeError, match=r"^a\.0\.b: a string, not an object or a list$"):
        lookup(doc, None, "a.0.b.c", strict=True)
    with pytest.raises(ShapeError, match=r"^d: an object, not a list$"):
        lookup(doc, None, "d.*.e", strict=True)
    with pytest.raises(ShapeError, match=r"^a\.0\.b: a string"):
        lookup(doc, None, "a.*.b.c", strict=True)
    assert lookup({"a": None}, None, "a.b", strict=True) is None
    assert lookup({"a": MASK}, None, "a.b", strict=True) == MASK  # masked whole: unknown
