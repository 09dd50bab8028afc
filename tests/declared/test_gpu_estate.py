"""The ML estate of issue 14 as a Terraform plan and as CloudFormation declares it
(tests/cfn/gpu-estate.yaml), and their compliant twins: the same canonical resources from
both, so that every rule judges them alike.

The plan is tests/gpu_estate.py's, built the way `terraform show -json` writes it (AWS
provider v5)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from gpu_estate import estate
from plans import write
from twins import assert_same_canonical_attributes, load_twins, twin_verdicts

from driftguard import pipeline
from driftguard.config import Config
from driftguard.model import Resource

TWINS = {False: "gpu-estate.yaml", True: "gpu-estate-compliant.yaml"}


def by_name(resources: list[Resource]) -> dict[str, Resource]:
    return {r.address.split(".")[-1]: r for r in resources}


@pytest.fixture(scope="module", params=[False, True], ids=["violating", "compliant"])
def twins(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> tuple[dict[str, Resource], dict[str, Resource]]:
    terraform, cloudformation = load_twins(tmp_path_factory, estate, TWINS[request.param],
                                           request.param)
    return by_name(terraform), by_name(cloudformation)


def test_the_plan_and_the_template_declare_the_same_resources(twins: Any) -> None:
    terraform, cloudformation = twins
    assert sorted(terraform) == sorted(cloudformation)
    assert {n: r.type for n, r in terraform.items()} == {
        n: r.type for n, r in cloudformation.items()}


def test_the_same_canonical_attributes_from_both(twins: Any) -> None:
    # Read from both (Terraform-only bookkeeping such as is_default is not).
    assert_same_canonical_attributes(*twins, lambda spec: {
        a.name for a in spec.attrs if a.tf and a.cfn} | {link.name for link in spec.links})


# --- the verdicts: the same from the plan and the template, rule by rule -------------------

# What the issue asks the gate to find in this estate (rule -> resources), and nothing else.
EXPECTED = {
    "DG-CMP-001": {"Gpu", "Spot", "Nodes", "Notebook", "Serving", "Batch"},
    "DG-CMP-002": {"Gpu"},
    "DG-CMP-003": {"Notebook"},
    "DG-ENC-006": {"Gpu"},
    "DG-ENC-007": {"Training"},
    "DG-ENC-008": {"Notebook", "Serving"},
    "DG-NET-001": {"Gpu", "BastionIp"},
    "DG-NET-002": {"Public"},
    "DG-NET-007": {"Training"},
    "DG-NET-008": {"Notebook"},
}


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[bool, str], Any]:
    return twin_verdicts(tmp_path_factory, estate, TWINS)


@pytest.mark.parametrize("source", ["terraform", "cloudformation"])
def test_the_estate_breaks_exactly_the_rules_it_should(verdicts: Any, source: str) -> None:
    found = {rule: {name for name, *_ in hits} for rule, hits in verdicts[(False, source)].items()}
    assert found == EXPECTED
    assert not any(unknown for hits in verdicts[(False, source)].values()
                   for _, _, unknown, _ in hits), "nothing here is unknown until apply"


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_the_plan_and_the_template_find_the_same_rule_by_rule(verdicts: Any, rule: str) -> None:
    assert verdicts[(False, "terraform")][rule] == verdicts[(False, "cloudformation")][rule]


@pytest.mark.parametrize("source", ["terraform", "cloudformation"])
def test_the_compliant_twin_passes(verdicts: Any, source: str) -> None:
    assert dict(verdicts[(True, source)]) == {}


def test_the_template_names_the_groups_that_launch_it(tmp_path: Path) -> None:
    """The finding names the resource to edit (the launch template) and who launches it."""
    result = pipeline.check([write(tmp_path, estate(False))], Config())
    [finding] = [f for f in result.findings if f.rule_id == "DG-ENC-006"]
    assert finding.resource_address == "aws_launch_template.Gpu"
    assert finding.message.endswith("(launched by aws_autoscaling_group.Spot, "
                                    "aws_autoscaling_group.Trainers)")
