"""driftguard.globs: the wildcards of waivers and .driftignore, in linear time."""

from __future__ import annotations

import time

import pytest

from driftguard.globs import Glob


@pytest.mark.parametrize("pattern,text,expected", [
    ("*", "", True), ("*", "anything", True), ("", "", True), ("", "x", False),
    ("abc", "abc", True), ("abc", "abcd", False), ("a?c", "abc", True), ("a?c", "ac", False),
    ("a*", "a", True), ("*c", "abc", True), ("*c", "abd", False), ("a*c", "ac", True),
    ("a*b*c", "aXbYc", True), ("a*b*c", "acb", False), ("*a*a", "aa", True),
    ("*a*a", "a", False), ("**x**", "x", True), ("*?", "", False), ("*?", "z", True),
    ('aws_s3_bucket.b["k"]', 'aws_s3_bucket.b["k"]', True),  # [ ] and " are literal
    ("aws_s3_bucket.b[*]", 'aws_s3_bucket.b["k"]', True), ("a.b", "aXb", False),
    ("(.*", "(.*", True), ("(.*", "(x", False), ("*\n*", "a\nb", True),
])
def test_star_and_question_mark_are_the_only_wildcards(pattern: str, text: str,
                                                       expected: bool) -> None:
    assert Glob(pattern).matches(text) is expected


def test_matching_does_not_backtrack_between_stars() -> None:
    """D10: `*a*a...*c` against `aaa...a` is exponential as `.*a.*a...c`."""
    start = time.monotonic()
    assert not Glob("*a" * 21 + "*c").matches("a" * 40)
    assert not Glob("*a" * 500 + "*b").matches("a" * 20_000)
    assert Glob("*a" * 500 + "*b").matches("a" * 20_000 + "b")
    assert time.monotonic() - start < 2
