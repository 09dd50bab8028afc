"""CloudFormation intrinsic functions, resolved as far as they can be before deploy.

What only a deploy can tell (Fn::GetAtt, Fn::ImportValue, Fn::GetAZs, a resource's
physical id, a parameter without a value) resolves to UNKNOWN, as plans mark values
"known after apply". AWS::NoValue removes the property or list item that holds it.
While resolving a resource's properties, every Ref/GetAtt/Sub to another resource is
recorded by property path: that is how a security group ingress finds its group and an
instance its subnet, as Terraform's configuration references do.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
from collections.abc import Iterator
from typing import Any

from driftguard.catalog import cfn_physical_attributes
from driftguard.catalog.values import UNKNOWN
from driftguard.errors import InputError
from driftguard.model import MASK


class _NoValue:
    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE: Any = _NoValue()
PSEUDO = ("AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition",
          "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix")
_SUB = re.compile(r"\$\{([^}]*)\}")


def contains_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    return False


def pseudo_parameters(region: str | None = None, account: str | None = None,
                      stack_name: str | None = None, stack_id: str | None = None
                      ) -> dict[str, Any]:
    """Pseudo parameter values; what is not given stays unknown."""
    partition = urlsuffix = UNKNOWN
    if region:
        partition = ("aws-cn" if region.startswith("cn-") else
                     "aws-us-gov" if region.startswith("us-gov-") else "aws")
        urlsuffix = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
    return {"AWS::Region": region or UNKNOWN, "AWS::AccountId": account or UNKNOWN,
            "AWS::StackName": stack_name or UNKNOWN, "AWS::StackId": stack_id or UNKNOWN,
            "AWS::Partition": partition, "AWS::URLSuffix": urlsuffix,
            "AWS::NotificationARNs": UNKNOWN, "AWS::NoValue": NO_VALUE}


def _text(value: Any) -> str:
    """A scalar as CloudFormation compares and joins it (everything is a string)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Resolver:
    """Resolves one template's intrinsics; `physical` maps logical ids to physical ids
    (a deployed stack), else Refs to resources are unknown."""

    def __init__(self, origin: str, doc: dict[str, Any], parameters: dict[str, Any],
                 pseudo: dict[str, Any], physical: dict[str, str] | None = None) -> None:
        self.origin = origin
        self.resources: dict[str, Any] = doc.get("Resources") or {}
        self.mappings: dict[str, Any] = doc.get("Mappings") or {}
        self.conditions: dict[str, Any] = doc.get("Conditions") or {}
        self.parameters = parameters
        self.pseudo = pseudo
        self.physical = physical or {}
        self.refs: dict[str, list[str]] = {}
        self._condition_values: dict[str, Any] = {}
        self._evaluating: set[str] = set()

    def fail(self, problem: str) -> InputError:
        return InputError(self.origin, problem)

    # --- values ---------------------------------------------------------------------------

    def properties(self, props: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """(resolved properties, logical ids referenced by property path)."""
        self.refs = {}
        resolved = self.resolve(props, "")
        return (resolved if isinstance(resolved, dict) else {}), self.refs

    def resolve(self, value: Any, path: str) -> Any:
        if isinstance(value, dict):
            if len(value) == 1:
                (key, arg), = value.items()
                if key == "Ref" or (isinstance(key, str) and key.startswith("Fn::")):
                    return self._function(key, arg, path)
            out = {}
            for key, item in value.items():
                resolved = self.resolve(item, f"{path}.{key}" if path else str(key))
                if resolved is not NO_VALUE:
                    out[key] = resolved
            return out
        if isinstance(value, list):
            items = [self.resolve(item, f"{path}.{i}") for i, item in enumerate(value)]
            return [item for item in items if item is not NO_VALUE]
        return value

    def _record(self, logical_id: str, path: str) -> None:
        self.refs.setdefault(path, []).append(logical_id)

    def _function(self, name: str, arg: Any, path: str) -> Any:
        handler = _FUNCTIONS.get(name)
        if handler is None:
            return UNKNOWN  # Fn::ForEach and other transforms' functions: not expanded
        return handler(self, arg, path)

    def ref(self, name: Any, path: str) -> Any:
        if not isinstance(name, str):
            raise self.fail(f"Ref takes a name, found {type(name).__name__} {name!r}")
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        if name in self.resources:
            self._record(name, path)
            return self.physical.get(name, UNKNOWN)
        return UNKNOWN  # not defined here: the template is an excerpt (see dependencies)

    def get_att(self, arg: Any, path: str) -> Any:
        if isinstance(arg, str):
            arg = arg.split(".", 1)
        if not isinstance(arg, list) or len(arg) != 2 or not isinstance(arg[0], str):
            raise self.fail(f"Fn::GetAtt takes [LogicalId, Attribute], found {arg!r}")
        logical, attribute = arg[0], self.resolve(arg[1], path)
        resource = self.resources.get(logical)
        if not isinstance(resource, dict):
            return UNKNOWN  # not defined here: the template is an excerpt (see dependencies)
        self._record(logical, path)
        if (resource.get("Type"), attribute) in cfn_physical_attributes() and (
                logical in self.physical):
            return self.physical[logical]
        return UNKNOWN

    def sub(self, arg: Any, path: str) -> Any:
        variables: dict[str, Any] = {}
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict):
            arg, given = arg
            variables = {k: self.resolve(v, path) for k, v in given.items()}
        if isinstance(arg, dict) and list(arg) == ["Fn::Transform"]:
            return UNKNOWN  # a macro's output, known once CloudFormation has run it
        if not isinstance(arg, str):
            raise self.fail(f"Fn::Sub takes a string or [string, variables], found {arg!r}")
        unknown = masked = False

        def replace(match: re.Match[str]) -> str:
            nonlocal unknown, masked
            name = match[1].strip()
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                value = variables[name]
            elif "." in name and name.split(".", 1)[0] in self.resources:
                value = self.get_att(name, path)
            else:
                value = self.ref(name, path)
            if contains_unknown(value) or value is NO_VALUE:
                unknown = True
                return ""
            if value == MASK:
                masked = True
            return ",".join(map(_text, value)) if isinstance(value, list) else _text(value)

        text = _SUB.sub(replace, arg)
        return UNKNOWN if unknown else MASK if masked else text

    def condition(self, name: Any) -> Any:
        """True, False or UNKNOWN (it depends on a value known only at deploy)."""
        if not isinstance(name, str) or name not in self.conditions:
            raise self.fail(f"condition {name!r} is not defined in Conditions")
        if name in self._condition_values:
            return self._condition_values[name]
        if name in self._evaluating:
            raise self.fail(f"condition {name!r} depends on itself")
        self._evaluating.add(name)
        value = self._truth(self.conditions[name])
        self._evaluating.discard(name)
        self._condition_values[name] = value
        return value

    def _truth(self, expr: Any) -> Any:
        if isinstance(expr, dict) and len(expr) == 1:
            (key, arg), = expr.items()
            if key == "Condition":
                return self.condition(arg)
            if key in ("Fn::And", "Fn::Or", "Fn::Not"):
                if not isinstance(arg, list) or not arg:
                    raise self.fail(f"{key} takes a list of conditions, found {arg!r}")
                values = [self._truth(a) for a in arg]
                if key == "Fn::Not":
                    return UNKNOWN if values[0] is UNKNOWN else not values[0]
                decisive = key == "Fn::Or"  # True decides an Or, False an And
                if decisive in values:
                    return decisive
                return UNKNOWN if UNKNOWN in values else not decisive
            value = self.resolve(expr, "")
            if isinstance(value, bool) or value is UNKNOWN:
                return value
            if isinstance(value, str) and value.lower() in ("true", "false"):
                return value.lower() == "true"
        elif isinstance(expr, bool):
            return expr
        raise self.fail(f"not a condition: {expr!r}")


def _equals(r: Resolver, arg: Any, path: str) -> Any:
    if not isinstance(arg, list) or len(arg) != 2:
        raise r.fail(f"Fn::Equals takes two values, found {arg!r}")
    a, b = (r.resolve(v, path) for v in arg)
    if contains_unknown(a) or contains_unknown(b) or MASK in (a, b):
        return UNKNOWN  # a NoEcho value is not compared: it is never read past the mask
    return _text(a) == _text(b) if not isinstance(a, list | dict) else a == b


def _if(r: Resolver, arg: Any, path: str) -> Any:
    if not isinstance(arg, list) or len(arg) != 3:
        raise r.fail(f"Fn::If takes [condition, value if true, value if false], found {arg!r}")
    truth = r.condition(arg[0])
    if truth is UNKNOWN:
        return UNKNOWN
    return r.resolve(arg[1] if truth else arg[2], path)


def _logic(name: str) -> Any:
    def evaluate(r: Resolver, arg: Any, path: str) -> Any:
        return r._truth({name: arg})
    return evaluate


def _join(r: Resolver, arg: Any, path: str) -> Any:
    if not isinstance(arg, list) or len(arg) != 2:
        raise r.fail(f"Fn::Join takes [delimiter, list], found {arg!r}")
    delimiter, items = r.resolve(arg[0], path), r.resolve(arg[1], path)
    if contains_unknown(delimiter) or contains_unknown(items):
        return UNKNOWN
    if not isinstance(items, list):
        raise r.fail(f"Fn::Join takes a list of values to join, found {items!r}")
    if MASK in items:
        return MASK
    return _text(delimiter).join(_text(i) for i in items)


def _select(r: Resolver, arg: Any, path: str) -> Any:
    if not isinstance(arg, list) or len(arg) != 2:
        raise r.fail(f"Fn::Select takes [index, list], found {arg!r}")
    index, items = r.resolve(arg[0], path), r.resolve(arg[1], path)
    if index is UNKNOWN or items is UNKNOWN:
        return UNKNOWN
    try:
        position = int(index)
    except (TypeError, ValueError):
        raise r.fail(f"Fn::Select index {index!r} is not a number") from None
    if not isinstance(items, list):
        raise r.fail(f"Fn::Select takes a list, found {items!r}")
    if not 0 <= position < len(items):
        raise r.fail(f"Fn::Select index {position} is out of range for {len(items)} items")
    return items[position]


def _split(r: Resolver, arg: Any, path: str) -> Any:
    if not isinstance(arg, list) or len(arg) != 2:
        raise r.fail(f"Fn::Split takes [delimiter, string], found {arg!r}")
    delimiter, text = r.resolve(arg[0], path), r.resolve(arg[1], path)
    if delimiter is UNKNOWN or contains_unknown(text):
        return UNKNOWN
    if _text(delimiter) == "":
        raise r.fail("Fn::Split: the delimiter is empty")
    return _text(text).split(_text(delimiter))


def _find_in_map(r: Resolver, arg: Any, path: str) -> Any:
    if not isinstance(arg, list) or len(arg) not in (3, 4):
        raise r.fail(f"Fn::FindInMap takes [map, key, key], found {arg!r}")
    keys = [r.resolve(a, path) for a in arg[:3]]
    default = arg[3].get("DefaultValue", NO_VALUE) if len(arg) == 4 and isinstance(
        arg[3], dict) else NO_VALUE
    if any(contains_unknown(k) for k in keys):
        return UNKNOWN
    mapping = r.mappings.get(_text(keys[0]))
    if not isinstance(mapping, dict):
        raise r.fail(f"Fn::FindInMap: no mapping {keys[0]!r} in Mappings")
    level = mapping.get(_text(keys[1]))
    if isinstance(level, dict) and _text(keys[2]) in level:
        return r.resolve(level[_text(keys[2])], path)
    if default is not NO_VALUE:
        return r.resolve(default, path)
    raise r.fail(f"Fn::FindInMap: mapping {keys[0]!r} has no {keys[1]!r}/{keys[2]!r}")


def _base64(r: Resolver, arg: Any, path: str) -> Any:
    value = r.resolve(arg, path)
    if contains_unknown(value):
        return UNKNOWN
    return base64.b64encode(_text(value).encode()).decode()


CIDR_MAX_COUNT = 256


def _cidr(r: Resolver, arg: Any, path: str) -> Any:
    if not isinstance(arg, list) or len(arg) != 3:
        raise r.fail(f"Fn::Cidr takes [block, count, bits], found {arg!r}")
    block, count, bits = (r.resolve(a, path) for a in arg)
    if any(contains_unknown(v) for v in (block, count, bits)):
        return UNKNOWN
    try:
        network = ipaddress.ip_network(_text(block), strict=False)
        prefix = network.max_prefixlen - int(bits)
        wanted = int(count)
        if not 1 <= wanted <= CIDR_MAX_COUNT:  # CloudFormation's own bounds, and memory's
            raise ValueError(f"the count must be 1 to {CIDR_MAX_COUNT}, found {wanted}")
        subnets = network.subnets(new_prefix=prefix)
        return [str(next(subnets)) for _ in range(wanted)]
    except (ValueError, StopIteration) as exc:
        raise r.fail(f"Fn::Cidr {[block, count, bits]!r}: {exc or 'not enough addresses'}"
                     ) from None


def _length(r: Resolver, arg: Any, path: str) -> Any:
    value = r.resolve(arg, path)
    return len(value) if isinstance(value, list) else UNKNOWN


def _to_json(r: Resolver, arg: Any, path: str) -> Any:
    value = r.resolve(arg, path)
    return UNKNOWN if contains_unknown(value) else json.dumps(value, separators=(",", ":"))


def _unknown(r: Resolver, arg: Any, path: str) -> Any:
    r.resolve(arg, path)  # still records references and catches errors
    return UNKNOWN


_FUNCTIONS = {
    "Ref": lambda r, arg, path: r.ref(arg, path),
    "Fn::GetAtt": lambda r, arg, path: r.get_att(arg, path),
    "Fn::Sub": lambda r, arg, path: r.sub(arg, path),
    "Fn::If": _if, "Fn::Equals": _equals, "Fn::And": _logic("Fn::And"),
    "Fn::Or": _logic("Fn::Or"), "Fn::Not": _logic("Fn::Not"), "Fn::Join": _join,
    "Fn::Select": _select, "Fn::Split": _split, "Fn::FindInMap": _find_in_map,
    "Fn::Base64": _base64, "Fn::Cidr": _cidr, "Fn::Length": _length,
    "Fn::ToJsonString": _to_json, "Fn::GetAZs": _unknown, "Fn::ImportValue": _unknown,
    "Fn::Transform": _unknown,
}


# --- references, without resolving: what CloudFormation checks before a deploy -------------


def references(value: Any) -> Iterator[tuple[str, Any]]:
    """("Ref", name), ("GetAtt", logical id), ("If", condition) found anywhere in a value
    (Fn::Sub strings included)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if len(node) == 1:
                (key, arg), = node.items()
                if key == "Ref":
                    yield "Ref", arg
                    continue
                if key == "Fn::GetAtt":
                    target = arg.split(".", 1)[0] if isinstance(arg, str) else (
                        arg[0] if isinstance(arg, list) and arg else arg)
                    yield "GetAtt", target
                    if isinstance(arg, list):
                        stack.extend(arg[1:])
                    continue
                if key == "Fn::Sub":
                    yield from _sub_references(arg)
                    if isinstance(arg, list) and len(arg) == 2:
                        stack.append(arg[1])
                    continue
                if key == "Fn::If" and isinstance(arg, list) and arg:
                    yield "If", arg[0]
                    stack.extend(arg[1:])
                    continue
            stack.extend(node.values())


def _sub_references(arg: Any) -> Iterator[tuple[str, Any]]:
    text, local = arg, {}
    if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict):
        text, local = arg
    if not isinstance(text, str):
        return
    for match in _SUB.finditer(text):
        name = match[1].strip()
        if name.startswith("!") or name in local:
            continue
        if "." in name:
            yield "GetAtt", name.split(".", 1)[0]
        else:
            yield "Ref", name
