"""Template parameter values: `--parameter K=V`, parameter files, defaults.

Parameter files take the shapes `aws cloudformation` reads:
- `create-stack --parameters file://p.json`: [{"ParameterKey": K, "ParameterValue": V}, ...]
- `deploy --parameter-overrides file://p.json`: that list, or ["K=V", ...], or
  {"Parameters": {K: V}} (a CodePipeline template configuration file).
`AWS::Region` and `AWS::AccountId` may be given the same way to resolve pseudo parameters.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from driftguard.catalog.values import UNKNOWN
from driftguard.documents import check_text
from driftguard.errors import DriftguardError, InputError
from driftguard.model import MASK

# Parameters whose value CloudFormation looks up at deploy (an SSM parameter's value).
RESOLVED_AT_DEPLOY = "AWS::SSM::Parameter::Value<"


def parse_assignment(text: str) -> tuple[str, str]:
    key, sep, value = check_text("--parameter", text).partition("=")
    if not sep or not key.strip():
        raise DriftguardError(f"--parameter {text!r}: expected KEY=VALUE")
    return key.strip(), value


def load_file(path: Path) -> dict[str, str]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise InputError(path, f"cannot read parameters file: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(path, f"parameters file is not valid JSON: {exc}") from None
    if isinstance(doc, dict) and isinstance(doc.get("Parameters"), dict):
        return {str(k): _string(v) for k, v in doc["Parameters"].items()}
    if isinstance(doc, list):
        out: dict[str, str] = {}
        for number, item in enumerate(doc, start=1):
            if isinstance(item, str) and "=" in item:
                key, value = item.split("=", 1)
                out[key] = value
            elif isinstance(item, dict) and isinstance(item.get("ParameterKey"), str):
                if "ParameterValue" in item:
                    out[item["ParameterKey"]] = _string(item["ParameterValue"])
            else:  # its shape, never its content: a value may be a NoEcho password
                raise InputError(path, f"parameters file entry {number} ({_shape(item)}) is "
                                       "neither {ParameterKey, ParameterValue} nor "
                                       "\"KEY=VALUE\"")
        return out
    raise InputError(path, "parameters file must be a list of {ParameterKey, ParameterValue} "
                           "or \"KEY=VALUE\", or {\"Parameters\": {KEY: VALUE}}")


def _shape(item: Any) -> str:
    """What an entry is, without a value of it: `an object with ParameterKey (a number),
    ParameterValue`, `a string without "="`."""
    if isinstance(item, dict):
        keys = [f"{k} ({_kind(v)})" if k == "ParameterKey" else str(k)
                for k, v in list(item.items())[:5]
                if isinstance(k, str) and len(k) <= 40 and k.isidentifier()]
        return "an object with " + (", ".join(keys) if keys else "other keys")
    if isinstance(item, str):
        return 'a string without "="'
    return _kind(item)


def _kind(value: Any) -> str:
    kinds = {bool: "a boolean", int: "a number", float: "a number", str: "a string",
             list: "a list", dict: "an object", type(None): "null"}
    return kinds.get(type(value), "a value")


def _string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(map(str, value))
    return str(value)


def values(origin: str, declared: dict[str, Any], given: dict[str, str],
           resolved_given: bool = False) -> dict[str, Any]:
    """Each declared parameter's value: given, else its Default, else UNKNOWN.

    NoEcho values are masked. SSM-typed parameters are unknown unless `resolved_given`
    (a deployed stack's ResolvedValue). List types are lists.
    """
    out: dict[str, Any] = {}
    for name, spec in declared.items():
        if not isinstance(spec, dict):
            raise InputError(origin, f"parameter {name} must be a mapping")
        kind = str(spec.get("Type", "String"))
        if name in given:
            value: Any = given[name]
        elif "Default" in spec and not kind.startswith(RESOLVED_AT_DEPLOY):
            value = _string(spec["Default"])
        else:
            value = UNKNOWN
        if kind.startswith(RESOLVED_AT_DEPLOY) and not resolved_given:
            value = UNKNOWN
        if value is UNKNOWN:
            pass
        elif _is_true(spec.get("NoEcho")):
            value = MASK
        elif kind == "CommaDelimitedList" or "List<" in kind:
            value = [v.strip() for v in value.split(",")] if value else []
        out[name] = value
    return out


def _is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")
