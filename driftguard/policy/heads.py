"""The rules a policy file defines, as its parsed heads say (regorus's AST): which names,
and whether each is a set (`deny contains x if`), the only form a gate reads.

driftguard's rules and conftest's policies both report through sets of messages or
findings. `deny := true`, `deny := "..."`, `deny if {...}` and the partial object
`deny[k] := v` are no such set: evaluated, they would give nothing to report, and the gate
would PASS. So they are refused when the policies are loaded, naming the file and rule.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from driftguard.errors import PolicyError

# conftest's rule names: deny, violation, warn, and any of them with a _suffix.
CONFTEST_RULE = re.compile(r"^(deny|violation|warn)(_\w+)?$")


@dataclass(frozen=True)
class Head:
    name: str  # dotted, from the package (a ref head `a.b.deny` is "a.b.deny")
    line: int
    form: str  # "a set", or what it is instead: "a boolean", "a partial object", ...

    @property
    def is_set(self) -> bool:
        return self.form == "a set"


def heads(path: Path, text: str) -> list[Head]:
    """Every rule head of the file (functions excluded), in order."""
    from driftguard.policy.embedded import loaded  # regorus: only to read users' files

    engine = loaded([(path, text)])
    out: list[Head] = []
    for module in json.loads(engine.get_ast_as_json()):
        for rule in module["ast"]["rules"]:
            if "Default" in rule:
                name, line, _ = _name(rule["Default"]["refr"])
                out.append(Head(name, line, "a single value (default)"))
                continue
            kind, head = next(iter(rule["Spec"]["head"].items()))
            if kind == "Func":
                continue
            name, line, indexed = _name(head["refr"])
            out.append(Head(name, line, _form(kind, head, indexed)))
    return out


def _name(refr: dict[str, Any]) -> tuple[str, int, bool]:
    """A rule head's dotted name, its line, and whether it ends in a [key]."""
    kind, node = next(iter(refr.items()))
    if kind == "Var":
        return str(node["value"]), int(node["span"]["line"]), False
    name, line, _ = _name(node["refr"])
    if kind == "RefDot":
        return f"{name}.{node['field'][1]}", line, False
    return name, line, True  # RefBrack


def _form(kind: str, head: dict[str, Any], indexed: bool) -> str:
    if kind == "Set":
        return "a set"
    if indexed:
        return "a partial object"
    assign = head.get("assign")
    if assign is None:
        return "a boolean"
    value_kind = next(iter(assign["value"]))
    return {"Bool": "a boolean", "String": "a string", "RawString": "a string",
            "Number": "a number"}.get(value_kind, "a single value")


def require_sets(path: Path, package: str, found: list[Head], names: re.Pattern[str]) -> None:
    """A load error for the first head named like a gate's rule that is not a set."""
    for head in found:
        if names.match(head.name) and not head.is_set:
            raise PolicyError(
                f"{path}:{head.line}: {package}.{head.name} is {head.form}, not a set: "
                f"write `{head.name} contains msg if {{ ... }}` (a gate reads only sets of "
                "messages or findings)")
