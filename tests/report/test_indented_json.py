"""report/indented_json writes what json.dumps(indent=2) writes, byte for byte: on every
corner of JSON's types, on random documents, and on the real plans of the corpus."""

from __future__ import annotations

import enum
import json
import random
from pathlib import Path
from typing import Any

import pytest

from driftguard.report.indented_json import dumps


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


def _random_doc(rng: random.Random, depth: int = 0) -> Any:
    scalars = [None, True, False, rng.randint(-10**20, 10**20), rng.uniform(-1e6, 1e6),
               rng.random() * 10 ** rng.randint(-30, 30),
               "".join(chr(rng.choice([rng.randint(0, 127), rng.randint(128, 0x10FFFF)]))
                       for _ in range(rng.randint(0, 6)))]
    if depth > 4 or rng.random() < 0.4:
        return rng.choice([s for s in scalars if not isinstance(s, str) or
                           all(not 0xD800 <= ord(c) <= 0xDFFF for c in s)])
    if rng.random() < 0.5:
        return [_random_doc(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {f"k{rng.randint(0, 99)}\u00e9": _random_doc(rng, depth + 1)
            for _ in range(rng.randint(0, 4))}


def test_random_documents() -> None:
    rng = random.Random(19)
    for _ in range(500):
        doc = _random_doc(rng)
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


def test_what_json_cannot_write_is_refused_as_json_refuses_it() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        dumps({"a": {1, 2}})
    with pytest.raises(TypeError, match="keys must be"):
        dumps({(1, 2): "tuple key"})
