"""driftguard.policy.recursion: recursive functions refused before evaluation, as OPA does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import regorus

from driftguard.errors import PolicyError
from driftguard.policy import recursion

POLICIES = Path(__file__).parents[2] / "policies"


def engine(**files: str) -> regorus.Engine:
    e = regorus.Engine()
    for name, text in files.items():
        e.add_policy(f"{name}.rego", text)
    return e


def cycle(**files: str) -> tuple[str, list[str]] | None:
    return recursion.find_cycle(json.loads(engine(**files).get_ast_as_json()))


V1 = "import rego.v1\n"


def test_a_function_calling_itself() -> None:
    assert cycle(p="package x\n" + V1 + "f(n) := y if { y := f(n) }\n") == (
        "p.rego:3:1", ["data.x.f", "data.x.f"])


def test_cycles_through_other_packages_aliases_and_else() -> None:
    found = cycle(a="package a\n" + V1 + "import data.b as other\nf(n) := other.g(n)\n",
                  b="package b\n" + V1 + "g(n) := 1 if { n > 9 } else := data.a.f(n)\n")
    assert found == ("a.rego:4:1", ["data.a.f", "data.b.g", "data.a.f"])
    lib = cycle(lib="package driftguard.lib\n" + V1 + "h(n) := data.driftguard.rules.u.k(n)\n",
                u="package driftguard.rules.u\n" + V1 + "import data.driftguard.lib\n"
                  "k(n) := lib.h(n)\n")
    assert lib is not None and lib[1][0] == lib[1][-1]


def test_no_cycle_without_recursion() -> None:
    assert cycle(a="package a\n" + V1 + "f(n) := g(n) + count(numbers.range(1, n))\n"
                   "g(n) := object.get({}, n, 0)\n",
                 b="package b\n" + V1 + "f(n) := data.a.f(n)\n") is None  # same name
    with_rules = engine(p=POLICIES.joinpath("lib/driftguard.rego").read_text())
    recursion.check(with_rules)


def test_the_builtin_policies_have_none() -> None:
    e = regorus.Engine()
    for path in sorted(POLICIES.rglob("*.rego")):
        e.add_policy(str(path), path.read_text())
    recursion.check(e)


def test_check_is_one_line_as_opa_words_it() -> None:
    e = regorus.Engine()
    e.add_policy("p.rego", "package x\n" + V1 + "deny contains m if { m := f(1) }\n"
                           "f(n) := y if { y := f(n) }\n")
    with pytest.raises(PolicyError, match=r"^p\.rego:4:1: rego_recursion_error: function "
                                          r"data\.x\.f is recursive: data\.x\.f -> data\.x\.f$"):
        recursion.check(e)
