"""Local files: a path or a glob of paths, each a Terraform plan or state, or a
CloudFormation template (JSON, or YAML by its name); which one is told by its content."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from driftguard.declared import cloudformation, terraform
from driftguard.declared.files import detect, load_json, parse_json, read_bytes
from driftguard.declared.sources.base import Declared, Source, SourceContext
from driftguard.locations import DEFAULT_MAX_INPUT_MB, MB, expand
from driftguard.model import Resource, SourceSummary, TerraformDrift

SCHEME = ""  # names without a scheme are paths


def sources(spec: str, context: SourceContext) -> list[Source]:
    """One source per file that the path or glob names."""
    return [LocalFile(path, context.cfn_parameters, context.max_input_bytes)
            for path in expand(spec)]


@dataclass(frozen=True)
class LocalFile:
    origin: str
    cfn_parameters: dict[str, str] | None = None
    max_input_bytes: int = DEFAULT_MAX_INPUT_MB * MB

    def load(self) -> Declared:
        kind, found, drift = _load(Path(self.origin), self.cfn_parameters,
                                   self.max_input_bytes)
        return Declared(resources=found, summaries=[
            SourceSummary(path=self.origin, kind=kind, resources=len(found))],
            terraform_drift=[drift] if drift else [])


def load_file(path: Path, cfn_parameters: dict[str, str] | None = None,
              max_input_bytes: int = DEFAULT_MAX_INPUT_MB * MB) -> tuple[str, list[Resource]]:
    """(kind, resources) of a Terraform plan or state, or a CloudFormation template."""
    kind, found, _ = _load(path, cfn_parameters, max_input_bytes)
    return kind, found


def _load(path: Path, cfn_parameters: dict[str, str] | None, max_input_bytes: int
          ) -> tuple[str, list[Resource], TerraformDrift | None]:
    """load_file's, and a plan's drift (its resource_drift)."""
    data, origin = read_bytes(path, max_input_bytes), str(path)
    if cloudformation.is_yaml_file(path, data):
        return "cloudformation", cloudformation.load_bytes(origin, data, cfn_parameters), None

    def load(doc: Any) -> tuple[str, list[Resource], TerraformDrift | None]:
        if detect(origin, doc) == "cloudformation":  # parsed again, the template's way
            return "cloudformation", cloudformation.load_bytes(origin, data, cfn_parameters,
                                                               yaml_text=False), None
        kind, found = terraform.load_document(origin, doc)
        return kind, found, terraform.plan_drift(origin, doc) if kind == "plan" else None

    return load_json(origin, data, load)


def read_document(path: Path, max_input_bytes: int = DEFAULT_MAX_INPUT_MB * MB) -> Any:
    """The file's parsed document, as conftest gives it to its policies: a plan's or a
    state's JSON as it is, a template's JSON or YAML (intrinsic tags as their long
    form, `!Ref X` as {"Ref": "X"})."""
    from driftguard.declared.cloudformation import template

    data, origin = read_bytes(path, max_input_bytes), str(path)
    if cloudformation.is_yaml_file(path, data):
        return template.parse_yaml(origin, data)
    return parse_json(origin, data)
