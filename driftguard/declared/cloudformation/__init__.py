"""CloudFormation templates (JSON, YAML) and deployed stacks as declared sources.

`load_bytes` reads a template file for `driftguard check`; `load_document` maps an already
parsed template, also a deployed stack's (declared/sources/stacks.py gives it the stack's
parameters and physical ids).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from driftguard.declared.cloudformation import dependencies, parameters, template
from driftguard.declared.cloudformation.intrinsics import Resolver, pseudo_parameters
from driftguard.declared.cloudformation.mapping import StackContext, build
from driftguard.model import Resource

__all__ = ["StackContext", "is_yaml_file", "load_bytes", "load_document"]

YAML_SUFFIXES = (".yaml", ".yml", ".template", ".cfn")
PSEUDO_GIVEN = ("AWS::Region", "AWS::AccountId", "AWS::StackName")


def is_yaml_file(path: str | Path, data: bytes) -> bool:
    """YAML templates are told by their name (.yaml, .yml, .template); a file whose text
    starts with `{` is read as JSON whatever its name."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return Path(path).suffix.lower() in YAML_SUFFIXES and head not in (b"{", b"[")


def load_bytes(origin: str, data: bytes, given: dict[str, str] | None = None,
               yaml_text: bool = True) -> list[Resource]:
    parse = template.parse_yaml if yaml_text else template.parse_json
    return load_document(origin, parse(origin, data), given or {})


def load_document(origin: str, doc: Any, given: dict[str, str],
                  stack: StackContext | None = None) -> list[Resource]:
    doc = template.validate(origin, doc)
    dependencies.check(origin, doc)
    if stack is not None:
        pseudo = pseudo_parameters(stack.region, stack.account, stack.name,
                                   given.get("AWS::StackId"))
    else:
        pseudo = pseudo_parameters(*(given.get(name) for name in PSEUDO_GIVEN))
    values = parameters.values(origin, doc.get("Parameters") or {}, given,
                               resolved_given=stack is not None)
    resolver = Resolver(origin, doc, values, pseudo, stack.physical if stack else None)
    return build(origin, doc, resolver, stack)
