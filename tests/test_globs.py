"""driftguard.globs: the wildcards of waivers and .driftignore, and of paths (S3 keys as
local globs read files), in linear time."""

from __future__ import annotations

import glob
import time
from pathlib import Path

import pytest

from driftguard.globs import Glob, PathGlob


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


KEYS = ["ml/a.tfstate", "ml/b.tfstate", "ml/ab.tfstate", "ml/a.tfstate.backup",
        "ml/sub/c.tfstate", "ml/sub/deep/d.tfstate", "ml/.hidden.tfstate",
        "ml/.terraform/e.tfstate", "ml/sub/.f.tfstate", "data/x.tfstate", "[x].tfstate",
        "env:/prod/ml/terraform.tfstate", "top.tfstate", "ml/a b.tfstate"]


@pytest.mark.parametrize("pattern", [
    "ml/*.tfstate", "ml/**/*.tfstate", "**/*.tfstate", "**", "ml/**", "ml/?.tfstate",
    "ml/[ab].tfstate", "ml/[!a].tfstate", "*/sub/*", "ml/.*", "ml/.*/*", "**/c.tfstate",
    "ml/**/deep/**/*.tfstate", "**/sub/**", "ml/**/**/d.tfstate", "*.tfstate", "[[]x].tfstate",
    "env:/*/ml/*.tfstate", "ml/a*", "ml/**/.f.tfstate", "ml/.terraform/*", "m?/sub/*/*",
    "ml/a b.tfstate", "ml/*b*", "ml", "nothing/*",
])
def test_a_path_glob_matches_what_a_local_glob_of_the_same_tree_does(
        pattern: str, tmp_path: Path) -> None:
    """PathGlob (S3 keys) against glob.glob (files): the same pattern, the same selection."""
    for key in KEYS:
        (tmp_path / key).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / key).write_text("{}")
    on_disk = sorted({p for p in glob.glob(pattern, root_dir=tmp_path, recursive=True)
                      if (tmp_path / p).is_file()})  # a set: glob repeats for **/**
    assert sorted(k for k in KEYS if PathGlob(pattern).matches(k)) == on_disk


def test_a_path_glob_does_not_backtrack_between_double_stars() -> None:
    start = time.monotonic()
    path = "/".join(["a"] * 2000)
    assert not PathGlob("**/a/" * 200 + "b").matches(path)
    assert PathGlob("**/a" * 200).matches(path)
    assert time.monotonic() - start < 2
