"""A regorus engine is freed only in the thread that made it (PyO3: it is unsendable; freed
from another thread it leaks, with `Exception ignored: ... Engine is unsendable`). A
load that fails keeps no engine in its error's traceback, whose frames a collection in
any thread (the daemon's HTTP server, a job) may free."""

from __future__ import annotations

import gc
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import regorus

from driftguard.errors import PolicyError
from driftguard.policy.embedded import EmbeddedEngine
from driftguard.policy.heads import heads

SYNTAX_ERROR = "package driftguard.rules.bad\n\ndeny contains if\n"
RECURSIVE = ("package driftguard.rules.loop\n\nimport rego.v1\n\n"
             "f(x) := y if y := f(x)\n\ndeny contains 1 if f(1)\n")


def _loads(text: str) -> None:
    EmbeddedEngine([(Path("bad.rego"), text)], {})


def _reads_heads(text: str) -> None:
    heads(Path("bad.rego"), text)


def _engines_in(tb: Any) -> list[str]:
    """The frames of a traceback that hold a regorus engine, directly or in an object."""
    found = []
    while tb is not None:
        for value in tb.tb_frame.f_locals.values():
            held = vars(value).values() if hasattr(value, "__dict__") else ()
            if type(value) is regorus.Engine or any(type(v) is regorus.Engine for v in held):
                found.append(tb.tb_frame.f_code.co_name)
        tb = tb.tb_next
    return found


@pytest.mark.parametrize("load,text", [(_loads, SYNTAX_ERROR), (_loads, RECURSIVE),
                                       (_reads_heads, SYNTAX_ERROR)])
def test_a_failed_load_leaves_no_engine_in_its_traceback(load: Any, text: str) -> None:
    with pytest.raises(PolicyError) as caught:
        load(text)
    assert _engines_in(caught.value.__traceback__) == []


def test_an_error_kept_in_a_cycle_is_freed_cleanly_from_another_thread(
        monkeypatch: pytest.MonkeyPatch) -> None:
    ignored: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook",
                        lambda hook: ignored.append(f"{hook.exc_type.__name__}: "
                                                    f"{hook.exc_value}"))
    for text in (SYNTAX_ERROR, RECURSIVE):
        try:
            _loads(text)
        except PolicyError as exc:
            cycle: dict[str, Any] = {"error": exc}
            cycle["self"] = cycle  # garbage only a collection frees
    del cycle
    collector = threading.Thread(target=gc.collect)
    collector.start()
    collector.join()
    assert ignored == []
