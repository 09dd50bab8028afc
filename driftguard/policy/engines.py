"""Picks the policy engine the config names. Both have `evaluate(input) -> result`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from driftguard.config import Config


class Engine(Protocol):
    def evaluate(self, policy_input: dict[str, Any]) -> dict[str, Any]: ...

    def close(self) -> None: ...


def make_engine(config: Config, files: list[tuple[Path, str]], data: dict[str, Any]) -> Engine:
    """The engine of `config.engine`, loaded with the policy files and the data document.
    The opa engine (and its HTTP stack) is imported only when it is used."""
    if config.engine == "opa":
        from driftguard.policy.opa import OpaEngine

        return OpaEngine(config.opa, files, data)
    from driftguard.policy.embedded import EmbeddedEngine

    return EmbeddedEngine(files, data)
