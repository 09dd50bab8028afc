"""Run the Rego unit tests of a policy tree (`driftguard policy test`).

Every `*.rego` file under the given directories (rules, helpers and tests) is loaded into one
regorus engine. The tests are the rules named `test_*` (heads at column 0) of each
`*_test.rego` file; a test passes when it evaluates to `true`, and fails when it is
undefined, has any other value, or raises an error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regorus

from driftguard.errors import PolicyError
from driftguard.policy import isolated, recursion

_PACKAGE = re.compile(r"^package\s+([\w.]+)", re.MULTILINE)
_TEST_RULE = re.compile(r"^(test_\w+)\b", re.MULTILINE)
_BACKTRACE = "\n\nStack backtrace:"  # regorus appends one when RUST_BACKTRACE is set


@dataclass(frozen=True)
class TestOutcome:
    __test__ = False  # not a pytest test class

    file: Path
    package: str
    name: str
    passed: bool
    error: str | None = None


def run_policy_tests(dirs: list[Path], data: dict[str, Any] | None = None,
                     timeout: float = 60.0) -> list[TestOutcome]:
    """Run the `test_*` rules of every `*_test.rego` under `dirs` (files are accepted too).

    `data` is added to the engine's data document (e.g. the default `driftguard.config`).
    A file that fails to load is reported as a failed outcome named `<load>`, and so is a
    recursive function (then nothing runs: it would crash the engine). The tests run as
    policy evaluations do, bounded: within `timeout` seconds together (PolicyError past
    it), in a process of their own unless a watchdog bounds this one (policy/isolated.py).
    """
    def work() -> bytes:
        return json.dumps([[str(o.file), o.package, o.name, o.passed, o.error]
                           for o in _run_all(dirs, data)]).encode()

    try:
        rows = json.loads(isolated.run(work, timeout, "the policy tests"))
    except isolated.EngineError as exc:
        raise PolicyError(f"the policy tests failed: {exc}") from None
    return [TestOutcome(Path(file), package, name, passed, error)
            for file, package, name, passed, error in rows]


def _run_all(dirs: list[Path], data: dict[str, Any] | None) -> list[TestOutcome]:
    files = rego_files(dirs)
    engine = regorus.Engine()
    outcomes: list[TestOutcome] = []
    for path in files:
        try:
            engine.add_policy(str(path), path.read_text(encoding="utf-8"))
        except Exception as exc:  # regorus raises RuntimeError on parse errors
            outcomes.append(TestOutcome(path, _package(path) or "", "<load>", False, _message(exc)))
    if data:
        engine.add_data(data)
    try:
        if not _all_builtin(files):  # the built-in policies are tested for it
            recursion.check(engine)
    except PolicyError as exc:
        where = str(exc).split(":", 1)[0]
        return [*outcomes, TestOutcome(Path(where), _package(Path(where)) or "", "<load>",
                                       False, str(exc))]

    outcomes.extend(_run_one(engine, path, package, name)
                    for path, package, name in find_tests(files))
    return outcomes


def find_tests(files: Iterable[Path]) -> list[tuple[Path, str, str]]:
    """The tests among `files`, as (file, package, rule name): the `test_*` rules (heads at
    column 0) of each `*_test.rego` file, unique, in file order. The same tests whatever
    the engine that runs them (tests/policy also runs them on OPA's own)."""
    tests: list[tuple[Path, str, str]] = []
    for path in files:
        if not path.name.endswith("_test.rego"):
            continue
        text = path.read_text(encoding="utf-8")
        package = _package(path, text)
        if package is None:
            continue
        tests.extend((path, package, name) for name in dict.fromkeys(_TEST_RULE.findall(text)))
    return tests


def _run_one(engine: regorus.Engine, path: Path, package: str, name: str) -> TestOutcome:
    try:
        value = engine.eval_rule(f"data.{package}.{name}")
    except Exception as exc:
        return TestOutcome(path, package, name, False, _message(exc))
    if value is True:
        return TestOutcome(path, package, name, True)
    error = "undefined" if value is None else f"evaluated to {value!r}, not true"
    return TestOutcome(path, package, name, False, error)


def _all_builtin(files: list[Path]) -> bool:
    from driftguard.policy.evaluate import builtin_dir

    root = builtin_dir().resolve()
    return all(path.resolve().is_relative_to(root) for path in files)


def rego_files(paths: Iterable[Path]) -> list[Path]:
    """Every `*.rego` file under `paths` (files are taken as given), sorted."""
    found: set[Path] = set()
    for path in map(Path, paths):
        found.update([path] if path.is_file() else path.rglob("*.rego"))
    return sorted(found)


def _package(path: Path, text: str | None = None) -> str | None:
    match = _PACKAGE.search(text if text is not None else path.read_text(encoding="utf-8"))
    return match.group(1) if match else None


def _message(exc: Exception) -> str:
    return str(exc).split(_BACKTRACE, 1)[0].strip()
