"""The embedded engine: the regorus Rego interpreter, loaded in process; each evaluation is
bounded in time and kept from taking anything else down (policy/isolated.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import msgspec
import regorus

from driftguard.errors import PolicyError
from driftguard.policy import isolated

DEFAULT_TIMEOUT = 60.0  # seconds per evaluation (the config's policy_timeout)

_LOCATION = re.compile(r"-->\s*(?P<file>[^\n]+?):(?P<line>\d+):(?P<col>\d+)")
_ERROR = re.compile(r"^error:\s*(?P<msg>.+)$", re.MULTILINE)


def engine_error(exc: Exception) -> str:
    """One line from a regorus error: `file:line:col: message`, no Rust backtrace."""
    text = str(exc).split("\n\nStack backtrace:", 1)[0].strip()
    where, what = _LOCATION.search(text), _ERROR.search(text)
    if where and what:
        return f"{where['file']}:{where['line']}:{where['col']}: {what['msg'].strip()}"
    return " ".join(text.split())


def loaded(files: list[tuple[Path, str]], refuse_recursion: bool = False) -> regorus.Engine:
    """A regorus engine with the policy files added; PolicyError (one line) for the first
    that does not parse, or with `refuse_recursion`, for a recursive function. A failed
    load lets its engine go here, in the thread that made it, and raises from here alone:
    the error's traceback keeps its frames, and a collection that frees the engine from
    another thread (the daemon's) cannot (PyO3: regorus engines are unsendable), so it
    would leak, with an `Exception ignored` on stderr."""
    engine = regorus.Engine()
    error = None
    for path, text in files:
        try:
            engine.add_policy(str(path), text)
        except RuntimeError as exc:
            error = engine_error(exc)
            break
    if error is None and refuse_recursion:
        from driftguard.policy import recursion  # a few ms of imports, when needed

        try:
            recursion.check(engine)
        except PolicyError as exc:
            error = str(exc)
    if error is None:
        return engine
    del engine
    raise PolicyError(error)


class EmbeddedEngine:
    """Loads policy files and data once; evaluates `data.driftguard.rules` per input.

    Evaluation is bounded: policies with a recursive function are refused at load (as OPA
    refuses them; regorus would recurse until the stack overflows), and each evaluation
    gets `timeout` seconds, under the command's watchdog or in a child process.
    """

    def __init__(self, files: list[tuple[Path, str]], data: dict[str, Any],
                 timeout: float = DEFAULT_TIMEOUT, builtin: Path | None = None) -> None:
        self.timeout = timeout
        # The built-in policies are tested for recursion.
        engine = loaded(files, refuse_recursion=builtin is None or not all(
            path.is_relative_to(builtin) for path, _ in files))
        engine.add_data(data)
        self._engine = engine

    def close(self) -> None:
        """Nothing to release (the opa engine closes its HTTP session)."""

    def evaluate(self, policy_input: dict[str, Any]) -> dict[str, Any]:
        """The value of data.driftguard.rules: nested packages, each with deny/warn sets."""
        return self.document("data.driftguard.rules", policy_input,
                             _json_text(policy_input)) or {}

    def document(self, path: str, policy_input: Any, text: str | None = None) -> Any:
        """The value of the document at `path` (`data.main`) for this input (given as
        `text` too, when it is JSON: policy_input); None when it is undefined."""
        def work() -> bytes:
            if text is None:
                self._engine.set_input(policy_input)
            else:
                self._engine.set_input_json(text)
            # eval_query cannot return sets of objects (unhashable in Python): use JSON.
            return str(self._engine.eval_query_as_json(path)).encode()

        try:
            result = json.loads(isolated.run(work, self.timeout))
        except (RuntimeError, isolated.EngineError) as exc:  # in process, or in a child
            raise PolicyError(f"policy evaluation failed: {engine_error(exc)}") from None
        rows = result.get("result") or []
        if not rows:
            return None
        return rows[0]["expressions"][0]["value"]


def _json_text(policy_input: dict[str, Any]) -> str | None:
    """The resources' input (JSON values: docs/canonical-model.md) as JSON text, which
    regorus reads in half the time it takes to convert the Python objects (15,000
    resources: 0.025 s to write and 0.06 s to read, against 0.11 s), to the same values
    (numbers past 64 bits too); None for what msgspec cannot write (a lone surrogate),
    which regorus then converts itself."""
    try:
        return msgspec.json.encode(policy_input).decode()
    except (TypeError, ValueError, RecursionError, msgspec.EncodeError):
        return None
