"""Recursive Rego functions, found before anything is evaluated.

Rego forbids recursion, and OPA rejects it when it compiles a policy
(`rego_recursion_error`). regorus notices a rule that depends on itself while it evaluates
(an error), but not a function that calls itself, directly or through others: it recurses
until the stack overflows and the process dies (SIGSEGV), with every scan of a daemon.
So the embedded engine checks the call graph of the functions it loaded, from the
engine's own parse of them (its AST), and refuses a cycle as OPA does.

Calls are resolved as Rego resolves them: `data.a.b.f(x)`, an import alias (`lib.f(x)`
after `import data.driftguard.lib`) or a name in the same package; anything else is a
built-in. The check costs a few milliseconds per policy file, so it runs only when
policies other than the built-in ones are loaded (the built-in ones are tested for it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from driftguard.errors import PolicyError


@dataclass
class _Function:
    where: str  # file:line:col of its first definition
    calls: set[str] = field(default_factory=set)  # candidate names, resolved later


def _parts(ref: Any) -> list[str] | None:
    """`a.b["c"]` as ["a", "b", "c"]; None for a ref with a computed part."""
    out: list[str] = []
    while isinstance(ref, dict):
        if "Var" in ref:
            out.append(str(ref["Var"]["value"]))
            return out[::-1]
        if "RefDot" in ref:
            out.append(str(ref["RefDot"]["field"][-1]))
            ref = ref["RefDot"]["refr"]
        elif "RefBrack" in ref:
            index = ref["RefBrack"].get("index") or {}
            if "String" not in index:
                return None
            out.append(str(index["String"]["value"]))
            ref = ref["RefBrack"]["refr"]
        else:
            return None
    return None


def _calls(node: Any) -> Iterator[list[str]]:
    """The function refs of every call under `node` (without recursion: ASTs nest)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            call = item.get("Call")
            if isinstance(call, dict):
                parts = _parts(call.get("fcn"))
                if parts:
                    yield parts
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _functions(modules: list[dict[str, Any]]) -> dict[str, _Function]:
    functions: dict[str, _Function] = {}
    for module in modules:
        source, ast = module.get("source") or {}, module.get("ast") or {}
        contents = str(source.get("contents", ""))
        package = "data." + ".".join(_parts(ast["package"]["refr"]) or [])
        aliases: dict[str, list[str]] = {}
        for imported in ast.get("imports") or []:
            parts = _parts(imported.get("refr"))
            if not parts or parts[0] != "data":
                continue  # rego.v1, input, future.keywords
            alias = imported.get("as")
            name = contents[alias["start"]:alias["end"]] if isinstance(alias, dict) else parts[-1]
            aliases[name] = parts
        for rule in ast.get("rules") or []:
            spec = (rule.get("Spec") if isinstance(rule, dict) else None) or {}
            head = spec.get("head") or {}
            if "Func" not in head:
                continue
            own = _parts(head["Func"].get("refr"))
            if not own:
                continue
            name = f"{package}.{'.'.join(own)}"
            span = spec.get("span") or {}
            function = functions.setdefault(name, _Function(
                f"{source.get('file')}:{span.get('line')}:{span.get('col')}"))
            for parts in _calls(rule):
                if parts[0] == "data":
                    function.calls.add(".".join(parts))
                elif parts[0] in aliases:
                    function.calls.add(".".join(aliases[parts[0]] + parts[1:]))
                else:
                    function.calls.add(f"{package}.{'.'.join(parts)}")
    return functions


def find_cycle(modules: list[dict[str, Any]]) -> tuple[str, list[str]] | None:
    """(where, [f, g, ..., f]) of a cycle of function calls, if any."""
    functions = _functions(modules)
    graph = {name: sorted(c for c in f.calls if c in functions)
             for name, f in functions.items()}
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        path, on_path = [start], {start}
        stack = [iter(graph[start])]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                stack.pop()
                finished = path.pop()
                on_path.discard(finished)
                done.add(finished)
                continue
            if nxt in on_path:
                cycle = path[path.index(nxt):] + [nxt]
                return functions[nxt].where, cycle
            if nxt not in done:
                path.append(nxt)
                on_path.add(nxt)
                stack.append(iter(graph[nxt]))
    return None


def check(engine: Any) -> None:
    """PolicyError (as OPA's rego_recursion_error) if a loaded function is recursive;
    `engine` is a regorus.Engine with the policies added."""
    found = find_cycle(json.loads(engine.get_ast_as_json()))
    if found is not None:
        where, cycle = found
        raise PolicyError(f"{where}: rego_recursion_error: function {cycle[0]} is "
                          f"recursive: {' -> '.join(cycle)}")
