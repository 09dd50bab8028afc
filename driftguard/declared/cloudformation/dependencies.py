"""What CloudFormation checks across a template before it deploys anything: Ref and
Fn::GetAtt take names, Fn::If and DependsOn name conditions and resources that exist, and
the resources do not depend on each other in a circle.

A Ref or Fn::GetAtt to a name the template does not define is not an error here: the
file may be an excerpt (many published examples are), and the value is simply unknown, as
a parameter without a value is. CloudFormation itself refuses such a template at deploy.
"""

from __future__ import annotations

from typing import Any

from driftguard.declared.cloudformation.intrinsics import references
from driftguard.errors import InputError


def check(origin: str, doc: dict[str, Any]) -> dict[str, set[str]]:
    """Each resource's dependencies (logical ids); an InputError for a dangling name or
    a circular dependency."""
    resources: dict[str, Any] = doc["Resources"]
    conditions = set(doc.get("Conditions") or {})

    def verify(where: str, value: Any) -> set[str]:
        depends: set[str] = set()
        for kind, name in references(value):
            if kind == "If":
                if name not in conditions:
                    raise InputError(origin, f"{where}: Fn::If condition {name!r} is not "
                                             "defined in Conditions")
                continue
            if not isinstance(name, str):
                raise InputError(origin, f"{where}: {kind} takes a name, found "
                                         f"{type(name).__name__} {name!r}")
            if name in resources:
                depends.add(name)
        return depends

    graph: dict[str, set[str]] = {}
    for logical, resource in resources.items():
        if not isinstance(resource, dict):
            continue  # Fn::ForEach::... (AWS::LanguageExtensions): not expanded
        where = f"resource {logical}"
        depends = verify(where, resource.get("Properties") or {})
        on = resource.get("DependsOn") or []
        for target in [on] if isinstance(on, str) else on:
            if target not in resources:
                raise InputError(origin, f"{where}: DependsOn {target!r}, which is not a "
                                         "resource")
            depends.add(target)
        graph[logical] = depends
    for name, expr in (doc.get("Conditions") or {}).items():
        verify(f"condition {name}", expr)
    for name, output in (doc.get("Outputs") or {}).items():
        verify(f"output {name}", output)
    _no_cycle(origin, graph)
    return graph


def _no_cycle(origin: str, graph: dict[str, set[str]]) -> None:
    """Iterative depth-first search; names the first cycle found."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in graph:
        if start in state:
            continue
        path: list[str] = []
        stack: list[tuple[str, Any]] = [(start, iter(sorted(graph[start])))]
        state[start] = 1
        path.append(start)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            if state.get(child) == 1:
                cycle = path[path.index(child):] + [child]
                raise InputError(origin, "circular dependency between resources: "
                                         + " -> ".join(cycle))
            if child not in state and child in graph:
                state[child] = 1
                path.append(child)
                stack.append((child, iter(sorted(graph[child]))))
