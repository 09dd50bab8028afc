"""driftguard.documents: every input document decoded with the same limits."""

from __future__ import annotations

import pytest
import yaml

from driftguard import documents
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
