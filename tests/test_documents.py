"""driftguard.documents: every input document decoded with the same limits."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml

from driftguard import documents
from driftguard.catalog.values import OutOfRange, check_finite
from driftguard.declared.sources.file import load_file
from driftguard.errors import InputError


def test_json_numbers_are_finite() -> None:
    assert documents.loads_json("d.json", b'{"a": 1.5e10, "b": -0.0, "c": 12}') == {
        "a": 1.5e10, "b": -0.0, "c": 12}
    for text, problem in (("1e400", "the number 1e400 is out of range"),
                          ("-1e999", "the number -1e999 is out of range"),
                          ("NaN", "NaN is not a JSON number"),
                          ("Infinity", "Infinity is not a JSON number")):
        with pytest.raises(InputError, match=f"^d.json: not valid JSON: {problem}$"):
            documents.loads_json("d.json", f'{{"a": [{text}]}}'.encode())


def test_json_nesting_python_cannot_parse_is_too_deep() -> None:
    with pytest.raises(InputError, match="^d.json: the document is nested too deeply$"):
        documents.loads_json("d.json", "[" * 50_000 + "]" * 50_000)


def test_lone_surrogates_are_found_with_their_path() -> None:
    with pytest.raises(InputError, match=r"^d.json: a\[1\].b: a string holds '\\udc00', a "
                                         "lone surrogate, which is not valid Unicode$"):
        documents.loads_json("d.json", b'{"a": [1, {"b": "x\\udc00"}]}')
    with pytest.raises(InputError, match=r"^d.json: k\\ud800: a string holds"):
        documents.loads_json("d.json", '{"k\\ud800": 1}')  # a key, from text
    # A pair is one character; an escaped backslash is no escape.
    assert documents.loads_json("d.json", b'["\\ud83d\\ude00", "\\\\ud800"]') == [
        "\U0001f600", "\\ud800"]


def test_check_strings_names_where_and_check_text_names_the_setting() -> None:
    with pytest.raises(InputError, match=r"^live: aws_kms_key k: attributes.tags.a: a "):
        documents.check_strings("live", {"attributes": {"tags": {"a": "\ud800"}}},
                                "aws_kms_key k")
    documents.check_strings("live", {"a": ["é", "\U0001f600"]})
    with pytest.raises(InputError, match="^--parameter: not valid UTF-8$"):
        documents.check_text("--parameter", "N=\udcff")


def test_yaml_without_libyaml_is_checked_for_surrogates_too() -> None:
    class Pure(yaml.SafeLoader):
        pass

    with pytest.raises(InputError, match=r"^c.yaml: a: a string holds '\\ud800'"):
        documents.load_yaml("c.yaml", 'a: "\\ud800"\n', Pure)


def test_yaml_dates_that_do_not_exist_are_errors_at_their_line() -> None:
    assert str(documents.load_yaml("c.yaml", "d: 2027-02-28\n")["d"]) == "2027-02-28"
    with pytest.raises(InputError, match="^c.yaml: invalid YAML at line 2: '2027-02-30' is "
                                         r"not a date or time \(day is out of range"):
        documents.load_yaml("c.yaml", "a: 1\nd: 2027-02-30\n")


def test_yaml_alias_bombs_are_refused_and_modest_aliases_are_fine() -> None:
    lines = ['x0: &a0 ["l","l","l","l","l","l","l","l","l"]'] + [
        f"x{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 9)]
    with pytest.raises(InputError, match="alias bomb"):
        documents.load_yaml("c.yaml", "\n".join(lines) + "\n")
    assert documents.load_yaml("c.yaml", "a: &x [1, 2]\nb: *x\nc: *x\n")["c"] == [1, 2]


def test_text_is_utf8_or_has_a_bom() -> None:
    assert documents.decode("f", "é".encode()) == "é"
    assert documents.decode("f", "é".encode("utf-16")) == "é"  # with its BOM
    with pytest.raises(InputError, match=r"^f: not utf-8 text \(byte 2\)$"):
        documents.decode("f", b"ab\xff")


# --- the fast parse (jiter) of big Terraform files -------------------------------------


def test_the_fast_parse_is_the_strict_parse_on_the_corpus(corpus_dir: Path) -> None:
    files = [p for p in sorted(corpus_dir.rglob("*.json")) if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        try:
            strict = documents.loads_json(path, data)
        except InputError:
            continue  # the fast parse's errors are the strict parse's: below
        fast = documents.loads_json(path, data, fast=True)
        assert fast == strict, path
        assert json.dumps(fast) == json.dumps(strict), path  # -0.0, 1.0 and 1 kept apart


@pytest.mark.parametrize("text", [
    '{"a": 1, "a": 2}', '{"a": NaN}', '{"a": Infinity}', '[1,]', '["\\ud800"]',
    '["x\\udc00"]', "[" * 5000 + "]" * 5000, '{"a": ' + "1" * 5000 + "}",
])
def test_what_the_fast_parse_refuses_the_strict_parse_says(text: str) -> None:
    with pytest.raises(InputError) as strict:
        documents.loads_json("d.json", text.encode())
    with pytest.raises(InputError) as fast:
        documents.loads_json("d.json", text.encode(), fast=True)
    assert str(fast.value) == str(strict.value)


def test_the_fast_parse_takes_what_only_the_strict_one_decodes() -> None:
    for data in ("\ufeff[1]".encode(), "[1]".encode("utf-16"), b'["\\ud83d\\ude00"]'):
        assert documents.loads_json("d.json", data, fast=True) == documents.loads_json(
            "d.json", data)


def test_a_number_that_overflows_is_named_in_a_file_loaded_fast(tmp_path: Path) -> None:
    """The fast parse reads 1e400 as infinity; the loader's check of what it reads sends
    the file to the strict parse, which names the number (declared/files.load_json)."""
    plan = {"format_version": "1.2", "resource_changes": [{
        "address": "aws_ebs_volume.a", "mode": "managed", "type": "aws_ebs_volume",
        "name": "a", "change": {"actions": ["create"], "after": {"size": "@N"}}}]}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan).replace('"@N"', "1e400"))
    with pytest.raises(InputError, match="not valid JSON: the number 1e400 is out of range"):
        load_file(path)
    path.write_text(json.dumps(plan).replace('"@N"', "4"))
    assert load_file(path)[1][0].attributes["size"] == 4


def test_check_finite_finds_infinity_and_nan_at_any_depth() -> None:
    check_finite({"a": [1, 2.5, {"b": "inf"}], "c": None})
    for value in (math.inf, [-math.inf], {"a": {"b": [math.nan]}}):
        with pytest.raises(OutOfRange):
            check_finite(value)
