"""report/indented_json writes what json.dumps writes, byte for byte: indented, and for
documents of JSON values compact too (through msgspec where its text is json's), on every
corner of JSON's types, on random documents, and on the real plans of the corpus."""

from __future__ import annotations

import enum
import json
import random
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from driftguard.report.indented_json import as_json, compact, dumps, indent


class Color(enum.StrEnum):
    red = "r\u00e9d"


class Level(enum.IntEnum):
    high = 3


CORNERS: list[Any] = [
    {}, [], (), "", 0, -0.0, None, True, False,
    {"a": [], "b": {}, "c": [[], [{}]]},
    [1, 2.5, 1e-7, 1e16, 10**30, float("nan"), float("inf"), -float("inf")],
    "quote \" backslash \\ newline \n tab \t nul \x00 é 😀 \ud800",
    {7: "int key", 2.5: "float key", True: "true key", False: "false", None: "null key"},
    (1, (2, (3,))),
    {"enum": Color.red, "int_enum": Level.high, Color.red: "enum key"},
]


@pytest.mark.parametrize("ensure_ascii", [True, False])
@pytest.mark.parametrize("doc", CORNERS, ids=range(len(CORNERS)))
def test_corners_are_written_as_json_writes_them(doc: Any, ensure_ascii: bool) -> None:
    assert dumps(doc, ensure_ascii) == json.dumps(doc, indent=2, ensure_ascii=ensure_ascii)


def _json_values(rng: random.Random, depth: int = 0) -> Any:
    """A document of JSON values: every escape and kind of text, floats of every form."""
    text = "".join(chr(rng.choice([rng.randint(0, 0x7F), rng.randint(0x20, 0x7E),
                                   rng.randint(0x80, 0xD7FF), rng.randint(0xE000, 0x10FFFF)]))
                   for _ in range(rng.randint(0, 8)))
    scalars = [None, True, False, rng.randint(-10**25, 10**25), rng.randint(0, 300),
               rng.uniform(-1e6, 1e6), rng.random() * 10 ** rng.randint(-30, 30),
               float(rng.randint(0, 10**18)), text, text.encode("ascii", "ignore").decode(),
               f"m5.large:{rng.randint(0, 9)}.{rng.randint(0, 9)}"]
    if depth > 4 or rng.random() < 0.4:
        return rng.choice(scalars)
    if rng.random() < 0.5:
        return [_json_values(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    keys = [text, "b", "a", "B", "_", "a a", "\x01", "\x7f", "\u00e9", "k1.5", "1e16"]
    return {rng.choice(keys) + str(rng.randint(0, 3)): _json_values(rng, depth + 1)
            for _ in range(rng.randint(0, 5))}


def test_random_documents() -> None:
    rng = random.Random(19)
    for _ in range(500):
        doc = _json_values(rng)
        for ensure_ascii in (True, False):
            assert dumps(doc, ensure_ascii) == json.dumps(doc, indent=2,
                                                          ensure_ascii=ensure_ascii)


def test_the_corpus_plans_and_states(corpus_dir: Path) -> None:
    files = sorted([*corpus_dir.glob("plan/*.json"), *corpus_dir.glob("state/*.json")])
    assert files
    for path in files:
        try:
            doc = json.loads(path.read_bytes())
        except ValueError:
            continue  # the corpus's malformed files
        assert dumps(doc) == json.dumps(doc, indent=2), path
        assert compact(doc, sort_keys=True) == json.dumps(doc, sort_keys=True,
                                                          separators=(",", ":")), path


def test_what_json_cannot_write_is_refused_as_json_refuses_it() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        dumps({"a": {1, 2}})
    with pytest.raises(TypeError, match="keys must be"):
        dumps({(1, 2): "tuple key"})


# --- documents of JSON values (as_json, compact, indent) --------------------------------


def test_json_values_are_written_as_json_writes_them() -> None:
    rng = random.Random(23)
    for _ in range(3000):
        doc = _json_values(rng)
        for sort_keys in (False, True):
            assert compact(doc, sort_keys) == json.dumps(doc, sort_keys=sort_keys,
                                                         separators=(",", ":")), doc
        if as_json(doc) is not None:
            assert indent(doc) == json.dumps(doc, indent=2), doc


@pytest.mark.parametrize("doc", [
    {"ratio": 0.5}, [1e16], [1e-05], {"a": [2.0]}, {"note": "caf\u00e9"}, ["\x7f"],
    {1: "int key"}, {"a": 1, 2: "mixed keys"}, [10**30],
], ids=str)
def test_where_msgspec_would_differ_json_writes(doc: Any) -> None:
    for sort_keys in (False, True):
        try:
            expected = json.dumps(doc, sort_keys=sort_keys, separators=(",", ":"))
        except TypeError as exc:  # json cannot sort int keys among str ones
            with pytest.raises(TypeError, match=str(exc)):
                compact(doc, sort_keys)
            continue
        assert compact(doc, sort_keys) == expected


def test_a_report_document_is_written_by_msgspec(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path is taken: for ASCII text without floats json.dumps is not called."""
    doc = {"findings": [{"rule_id": "DG-ENC-001", "message": "m5.large: no \"kms\"\n",
                         "resource": {"address": 'module.a["k"].aws_s3_bucket.b[0]'},
                         "count": 10**20, "waived": False, "waiver": None}]}
    expected = json.dumps(doc, indent=2), json.dumps(doc, sort_keys=True,
                                                     separators=(",", ":"))

    def refused(*args: Any, **kwargs: Any) -> str:
        raise AssertionError("json.dumps called")

    monkeypatch.setattr("driftguard.report.indented_json.json", SimpleNamespace(dumps=refused))
    assert as_json(doc) is not None
    assert (indent(doc), compact(doc, sort_keys=True)) == expected


@pytest.mark.parametrize("kind", ["check", "big scan"])
def test_a_json_report_is_what_json_dumps_writes(kind: str) -> None:
    """Either path of json_report.render (msgspec for a check's ASCII text without floats;
    json.dumps for a scan's coverage ratios) writes json.dumps's text, sealed with the
    digest of json.dumps's sorted compact text."""
    import hashlib

    from driftguard.report import json_report
    from tests.report.big_report import big_scan
    from tests.report.test_report_formats import make_result

    result = make_result() if kind == "check" else big_scan(2_000)
    text = json_report.render(result)
    doc = json.loads(text)
    assert text == json.dumps(doc, indent=2) + "\n"
    content = {k: v for k, v in doc.items() if k not in ("digest", "driftguard_version")}
    sorted_text = json.dumps(content, sort_keys=True, separators=(",", ":"))
    assert doc["digest"] == "sha256:" + hashlib.sha256(sorted_text.encode()).hexdigest()
    assert (as_json(content) is None) == (kind == "big scan")  # the path it took


def test_the_float_search_finds_what_the_plain_pattern_finds() -> None:
    """as_json searches its text with each class of bytes written as one: it finds a
    number with a fraction or an exponent exactly where the plain pattern does."""
    import re

    from driftguard.report.indented_json import _CLASSES, _FLOAT

    plain = re.compile(rb"[:,\[]-?[0-9]+[.eE]")
    rng = random.Random(5)
    alphabet = b':,[]{}"-.eEaz0123456789'
    for _ in range(20_000):
        text = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert bool(plain.search(text)) == bool(_FLOAT.search(text.translate(_CLASSES))), text
