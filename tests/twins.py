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
from driftguard.config import Config

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
