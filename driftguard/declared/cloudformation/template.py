"""Reading a CloudFormation template (JSON or YAML) safely and checking its structure.

YAML goes through PyYAML's safe loader (libyaml when present) with constructors for the
short-form intrinsic tags only: any other tag is an error, never an object. Duplicate keys
are errors (CloudFormation rejects them; most parsers silently keep the last). Aliases are
allowed but bounded, as in every YAML input (documents.py: a "billion laughs" bomb is
rejected before anything walks it).
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from typing import Any

import yaml

from driftguard.documents import load_yaml, loads_json, yaml_problem
from driftguard.errors import InputError

FORMAT_VERSION = "2010-09-09"
SECTIONS = ("Parameters", "Mappings", "Conditions", "Resources", "Outputs", "Metadata",
            "Rules")
LOGICAL_ID = re.compile(r"^[A-Za-z0-9]+$")
# The short forms and the long form each one stands for.
SHORT_TAGS = {
    "Ref": "Ref", "Condition": "Condition", "GetAtt": "Fn::GetAtt", "Sub": "Fn::Sub",
    "If": "Fn::If", "Equals": "Fn::Equals", "And": "Fn::And", "Or": "Fn::Or", "Not": "Fn::Not",
    "FindInMap": "Fn::FindInMap", "Select": "Fn::Select", "Split": "Fn::Split",
    "Join": "Fn::Join", "GetAZs": "Fn::GetAZs", "Base64": "Fn::Base64", "Cidr": "Fn::Cidr",
    "ImportValue": "Fn::ImportValue", "Transform": "Fn::Transform", "Length": "Fn::Length",
    "ToJsonString": "Fn::ToJsonString",
}
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int | None) -> None:
        super().__init__(key)
        self.key, self.line = key, line


_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc]  # a loader class chosen at import time
    """Safe loader + CloudFormation's tags; timestamps stay strings (2010-09-09)."""


def _mapping(loader: Any, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark,
                f"found a {type(key).__name__} as a key", key_node.start_mark)
        if key in out:
            raise _DuplicateKey(key, key_node.start_mark.line + 1)
        out[key] = loader.construct_object(value_node, deep=True)
    return out


def _intrinsic(name: str) -> Any:
    def construct(loader: Any, node: yaml.Node) -> dict[str, Any]:
        value: Any
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if name == "Fn::GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        elif isinstance(node, yaml.MappingNode):
            value = _mapping(loader, node)
        return {name: value}
    return construct


def _string(loader: Any, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _string)
for _short, _long in SHORT_TAGS.items():
    _Loader.add_constructor(f"!{_short}", _intrinsic(_long))


def _decode(origin: str, data: bytes) -> str:
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), "utf-8")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(origin, f"not {encoding} text (byte {exc.start})") from None


def parse_yaml(origin: str, data: bytes) -> Any:
    text = _decode(origin, data)
    if not text.strip():
        raise InputError(origin, "the file is empty")
    try:
        return load_yaml(origin, text, _Loader, _yaml_problem)
    except _DuplicateKey as dup:
        raise InputError(origin, f"duplicate key {dup.key!r} at line {dup.line}") from None


def _yaml_problem(exc: yaml.YAMLError) -> str:
    unsupported = isinstance(exc, yaml.constructor.ConstructorError)
    text = yaml_problem(exc, "unsupported YAML" if unsupported else "invalid YAML")
    if "could not determine a constructor for the tag" in text:
        tag = text.rsplit(" ", 1)[-1]
        text = f"{text.split(':', 1)[0]}: tag {tag} is not a CloudFormation intrinsic"
    return text


def parse_json(origin: str, data: bytes) -> Any:
    """A JSON template (duplicate keys are errors, as in every JSON document here)."""
    return loads_json(origin, _decode(origin, data))


def transforms(doc: dict[str, Any]) -> list[str]:
    value = doc.get("Transform")
    if value is None:
        return []
    return [value] if isinstance(value, str) else [t for t in value if isinstance(t, str)]


def validate(origin: str, doc: Any) -> dict[str, Any]:
    """The template's structure as CloudFormation checks it before anything else."""
    if not isinstance(doc, dict):
        raise InputError(origin, "not a CloudFormation template: the document is a "
                                 f"{type(doc).__name__}, not a mapping")
    if "Resources" not in doc:
        keys = ", ".join(sorted(map(str, doc))[:6]) or "none"
        raise InputError(origin, f"not a CloudFormation template: no Resources section "
                                 f"(top-level keys: {keys})")
    if "AWSTemplateFormatVersion" in doc and doc["AWSTemplateFormatVersion"] != FORMAT_VERSION:
        raise InputError(origin, f"AWSTemplateFormatVersion must be {FORMAT_VERSION!r}, found "
                                 f"{doc['AWSTemplateFormatVersion']!r}")
    for section in SECTIONS:
        if section in doc and not isinstance(doc[section], dict):
            raise InputError(origin, f"{section} must be a mapping, found "
                                     f"{type(doc[section]).__name__}")
    transform = doc.get("Transform")
    if transform is not None and not isinstance(transform, str | list):
        raise InputError(origin, f"Transform must be a name or a list of names, found "
                                 f"{type(transform).__name__}")
    if not doc["Resources"]:
        raise InputError(origin, "Resources is empty: a template declares at least one resource")
    language_extensions = "AWS::LanguageExtensions" in transforms(doc)
    # Condition names may hold other characters (cfn-lint's own examples use `&`).
    for section in ("Parameters", "Resources", "Outputs"):
        for name in doc.get(section) or {}:
            if language_extensions and str(name).startswith("Fn::ForEach::"):
                continue
            if not isinstance(name, str) or not LOGICAL_ID.match(name):
                raise InputError(origin, f"{section}: {name!r} is not a valid logical id "
                                         "(letters and digits only)")
    for name, resource in doc["Resources"].items():
        if language_extensions and name.startswith("Fn::ForEach::"):
            continue
        if not isinstance(resource, dict):
            raise InputError(origin, f"resource {name} must be a mapping, found "
                                     f"{type(resource).__name__}")
        if not isinstance(resource.get("Type"), str) or not resource["Type"]:
            raise InputError(origin, f"resource {name} has no Type")
        if not isinstance(resource.get("Properties", {}), dict):
            raise InputError(origin, f"resource {name}: Properties must be a mapping, found "
                                     f"{type(resource['Properties']).__name__}")
        condition = resource.get("Condition")
        if condition is not None and condition not in (doc.get("Conditions") or {}):
            raise InputError(origin, f"resource {name}: Condition {condition!r} is not "
                                     "defined in Conditions")
    return doc
