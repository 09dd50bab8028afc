"""lib.with_attribute and lib.resources: the indexes driftguard sends with the input
(input.attribute_index, input.type_index, built in Python) and the ones
data.driftguard.index builds in Rego without them agree."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import regorus

from driftguard.model import Resource
from driftguard.pipeline import declare_files
from driftguard.policy.evaluate import builtin_dir, load, policy_input

REPO = Path(__file__).resolve().parents[2]
INPUTS = [REPO / "configs/examples/ml-plan.json", REPO / "configs/examples/ml-state.tfstate",
          REPO / "tests/cfn/estate.yaml"]


def _by_name(engine: regorus.Engine, doc: dict[str, Any],
             query: str = "data.driftguard.lib.with_attribute") -> dict[str, set[str]]:
    engine.set_input(doc)
    value = json.loads(engine.eval_query_as_json(query))
    return {name: {r["key"] for r in rs}
            for name, rs in value["result"][0]["expressions"][0]["value"].items()}


def _synthetic() -> list[Resource]:
    def res(name: str, attributes: dict[str, Any], unknown: list[str]) -> Resource:
        return Resource(type="aws_launch_template", address=f"aws_launch_template.{name}",
                        source="plan", origin="p.json", attributes=attributes, unknown=unknown)
    return [res("a", {"instance_type": None, "name": "a"}, ["metadata_http_tokens"]),
            res("b", {}, []), res("c", {"root_access": True}, ["tags"])]


@pytest.fixture(scope="module")
def engine() -> tuple[regorus.Engine, frozenset[str]]:
    policies = load([builtin_dir()])
    assert policies.indexed and "instance_type" in policies.indexed
    e = regorus.Engine()
    for path, text in policies.files:
        e.add_policy(str(path), text)
    return e, policies.indexed


@pytest.mark.parametrize("source", [*INPUTS, None], ids=lambda p: p.name if p else "synthetic")
def test_sent_and_built_indexes_agree(engine: Any, source: Path | None) -> None:
    e, indexed = engine
    resources = declare_files([source]).resources if source else _synthetic()
    sent = policy_input(resources, indexed)
    assert "attribute_index" in sent
    built = {k: v for k, v in sent.items() if k != "attribute_index"}
    assert _by_name(e, sent) == _by_name(e, built)
    assert _by_name(e, sent), "nothing indexed: the comparison proves nothing"


@pytest.mark.parametrize("source", [*INPUTS, None], ids=lambda p: p.name if p else "synthetic")
def test_sent_and_built_type_groups_agree(engine: Any, source: Path | None) -> None:
    e, indexed = engine
    resources = declare_files([source]).resources if source else _synthetic()
    sent = policy_input(resources, indexed)
    built = {k: v for k, v in sent.items() if k != "type_index"}
    groups = _by_name(e, sent, "data.driftguard.lib.resources")
    assert groups == _by_name(e, built, "data.driftguard.lib.resources")
    assert groups == {t: {r.key for r in resources if r.type == t}
                      for t in {r.type for r in resources}}


def test_the_index_holds_positions_of_set_null_and_unknown_attributes(engine: Any) -> None:
    _, indexed = engine
    doc = policy_input(_synthetic(), indexed)
    assert doc["attribute_index"] == {"instance_type": [0], "metadata_http_tokens": [0],
                                      "root_access": [2]}


def test_no_index_without_the_library() -> None:
    assert "attribute_index" not in policy_input(_synthetic(), None)
