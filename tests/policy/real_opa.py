"""OPA's own Go engine, in process: github.com/open-policy-agent/opa/v1/rego through
opa-golib-python-bindings (a C shared library and ctypes), for the tests only.

It runs driftguard's Rego unit tests on OPA as they run on regorus (test_rego_policies.py),
and it answers the OPA REST double (opa_double.py), so that the opa engine's REST path is
tested against OPA's evaluation and OPA's compile errors.

`make` installs the package (the Makefile's install step: its metadata asks for Python
3.14, yet it runs on 3.11, hence --ignore-requires-python, which pyproject cannot say).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from driftguard.policy.testing import TestOutcome, find_tests, rego_files

try:
    from opa_bindings import OpaEngine, OpaError
except ImportError as exc:  # a clear cause, never a skipped test
    raise ImportError(
        "opa-golib-python-bindings is not installed (the tests run the Rego on OPA's own "
        "engine): run `make .venv/bin/.installed`, or `pip install --ignore-requires-python "
        "opa-golib-python-bindings==0.4.4`") from exc

__all__ = ["CompileError", "OpaEngine", "OpaError", "compile_modules", "run_policy_tests"]

# OPA's error list: "[<context>: ]N error(s) occurred:" then one entry per error, each
# "<file>:<row>: <code>: <message>" ("<row>:<col>: ..." for a module without a file name)
# and its detail lines, indented by a tab.
_HEADER = re.compile(r"^.*?\d+ errors? occurred:\s*")
_ENTRY = re.compile(r"^(?P<file>.*?):(?P<row>\d+): (?P<code>[a-z_]+_error): (?P<msg>.*)$")
_NAMELESS = re.compile(r"^(?P<row>\d+):(?P<col>\d+): (?P<code>[a-z_]+_error): (?P<msg>.*)$")
_NAMELESS_ID = ""  # the module name that makes OPA print columns
_UNDEFINED = object()


class CompileError(Exception):
    """OPA refused the modules: `errors` as OPA's REST API gives them, each {code, message,
    location: {file, row, col}}."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(f"{_where(e)}{e['code']}: {e['message']}" for e in errors))
        self.errors = errors


def compile_modules(modules: dict[str, str], data: Any = None) -> OpaEngine:
    """An OPA engine holding `modules` ({id: text}) and `data`, compiled: CompileError with
    located errors when OPA refuses them (parse, type, safety, path conflicts)."""
    try:
        return _compile(modules, data)
    except OpaError as exc:
        errors = _errors(exc.message)
    for file in dict.fromkeys(e["location"]["file"] for e in errors if "location" in e):
        _add_columns(errors, file, modules, data)
    raise CompileError(errors) from None


def run_policy_tests(dirs: Iterable[Path], data: Any = None) -> list[TestOutcome]:
    """driftguard.policy.testing.run_policy_tests, on OPA: the same tests (its find_tests),
    the same outcomes (true passes; undefined, another value or an error fails)."""
    files = rego_files(dirs)
    try:
        engine = compile_modules({str(p): p.read_text(encoding="utf-8") for p in files}, data)
    except CompileError as exc:
        return [TestOutcome(Path(e.get("location", {}).get("file", "")), "", "<load>", False,
                            f"{_where(e)}{e['code']}: {e['message']}") for e in exc.errors]
    tests = find_tests(files)
    with engine:
        # One query per top-level package: each new query costs OPA a compile (~0.2 s);
        # the tests of a tree whose document fails to evaluate run one by one, to name it.
        documents = {}
        for root in dict.fromkeys(package.split(".")[0] for _, package, _ in tests):
            try:
                rows = engine.eval_query(f"x = data.{root}")
            except OpaError:
                continue
            documents[root] = rows[0]["x"] if rows else {}
        return [_outcome(engine, documents, *test) for test in tests]


def _outcome(engine: OpaEngine, documents: dict[str, Any], path: Path, package: str,
             name: str) -> TestOutcome:
    root, *rest = package.split(".")
    if root in documents:
        node: Any = documents[root]
        for part in [*rest, name]:
            node = node.get(part, _UNDEFINED) if isinstance(node, dict) else _UNDEFINED
        rows = [] if node is _UNDEFINED else [{"x": node}]
    else:
        try:
            rows = engine.eval_query(f"x = data.{package}.{name}")
        except OpaError as exc:
            return TestOutcome(path, package, name, False, exc.message)
    value = rows[0]["x"] if rows else None
    error = None if value is True else (
        "undefined" if not rows else f"evaluated to {value!r}, not true")
    return TestOutcome(path, package, name, error is None, error)


def _compile(modules: dict[str, str], data: Any) -> OpaEngine:
    engine = OpaEngine()
    try:
        for module_id, text in modules.items():
            engine.add_policy(module_id, text)  # parses only
        if data:
            engine.add_data(data)
        engine.eval_query("true")  # compiles every module, as OPA's PUT /v1/policies does
    except BaseException:
        engine.close()
        raise
    return engine


def _errors(message: str) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    for line in _HEADER.sub("", message, count=1).splitlines():
        entry = _NAMELESS.match(line) or _ENTRY.match(line)
        if entry is None and errors and line.startswith("\t"):
            errors[-1].setdefault("details", []).append(line[1:])
        elif entry is None:
            errors.append({"code": "rego_compile_error", "message": line})
        else:
            fields = entry.groupdict()
            location = {"file": fields.get("file", _NAMELESS_ID), "row": int(fields["row"])}
            if fields.get("col"):
                location["col"] = int(fields["col"])
            errors.append({"code": fields["code"], "message": fields["msg"],
                           "location": location})
    return errors


def _add_columns(errors: list[dict[str, Any]], file: str, modules: dict[str, str],
                 data: Any) -> None:
    """OPA names a module's file or its column, never both: compile once more with that
    module nameless, and take the columns of the same errors from there."""
    if file not in modules:
        return
    renamed = {(_NAMELESS_ID if i == file else i): text for i, text in modules.items()}
    try:
        _compile(renamed, data).close()
        return
    except OpaError as exc:
        located = {(e["location"]["row"], e["code"], e["message"]): e["location"].get("col")
                   for e in _errors(exc.message)
                   if e.get("location", {}).get("file") == _NAMELESS_ID}
    for error in errors:
        location = error.get("location", {})
        if location.get("file") == file and "col" not in location:
            col = located.get((location["row"], error["code"], error["message"]))
            if col is not None:
                location["col"] = col


def _where(error: dict[str, Any]) -> str:
    location = error.get("location")
    if not location:
        return ""
    return f"{location['file']}:{location['row']}:{location.get('col', '?')}: "
