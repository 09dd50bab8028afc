"""Estate twins: one estate as a Terraform plan (built with tests/plans.py) and as a
CloudFormation template under tests/cfn/, each with a compliant twin; their verdicts, in
a form that compares the two sources rule by rule."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from plans import write

from driftguard import pipeline
from driftguard.catalog import spec_for
from driftguard.catalog.spec import ResourceSpec
from driftguard.config import Config
from driftguard.declared.sources import load_file
from driftguard.model import Resource

CFN = Path(__file__).resolve().parent / "cfn"
Verdicts = dict[str, set[tuple[str, str, bool, str]]]


def verdicts_of(path: Path) -> Verdicts:
    """Rule -> (resource name, level, unknown, message), resources named as in the
    template (a plan's messages name other resources by address: aws_instance.Bastion)."""
    result = pipeline.check([path], Config())
    out: Verdicts = defaultdict(set)
    for f in result.findings:
        message = re.sub(r"\baws_[a-z0-9_]+\.", "", f.message)
        out[f.rule_id].add((f.resource_address.split(".")[-1], f.level, f.unknown, message))
    return out


def twin_verdicts(tmp_path_factory: pytest.TempPathFactory,
                  estate: Callable[[bool], dict[str, Any]], templates: dict[bool, str]
                  ) -> dict[tuple[bool, str], Verdicts]:
    """(compliant, "terraform" or "cloudformation") -> the verdicts of that twin."""
    out = {}
    for compliant, template in templates.items():
        path = write(tmp_path_factory.mktemp("tf"), estate(compliant))
        out[(compliant, "terraform")] = verdicts_of(path)
        out[(compliant, "cloudformation")] = verdicts_of(CFN / template)
    return out


def load_twins(tmp_path_factory: pytest.TempPathFactory, estate: Callable[[bool], dict[str, Any]],
               template: str, compliant: bool) -> tuple[list[Resource], list[Resource]]:
    """The resources of one twin: (from the plan, from the template)."""
    _, terraform = load_file(write(tmp_path_factory.mktemp("tf"), estate(compliant)))
    _, cloudformation = load_file(CFN / template)
    return terraform, cloudformation


def assert_same_canonical_attributes(terraform: dict[str, Resource],
                                     cloudformation: dict[str, Resource],
                                     compared: Callable[[ResourceSpec], set[str]]) -> None:
    """What both sources know before apply or deploy is the same; what either leaves
    unknown (ids, references) is unknown, never a value. `compared`: the attributes of a
    type that both sources read (`name` is not: Terraform's is the resource's own)."""
    for name, tf in terraform.items():
        cfn = cloudformation[name]
        spec = spec_for(tf.type)
        assert spec is not None
        both = compared(spec)
        shared = (set(tf.attributes) & set(cfn.attributes) & both) - {"name"}
        assert {k: _comparable(tf)[k] for k in shared} == {
            k: _comparable(cfn)[k] for k in shared}, name
        known_one_side = ((set(tf.attributes) ^ set(cfn.attributes)) & both) - {"name"}
        assert known_one_side <= set(tf.unknown) | set(cfn.unknown), (name, known_one_side)


def _comparable(res: Resource) -> dict[str, Any]:
    """Canonical attributes, links to other resources compared by the target's name."""
    return {name: value.rsplit("#", 1)[-1].split(".")[-1]
            if name.endswith("_key") and isinstance(value, str) else value
            for name, value in res.attributes.items()}
