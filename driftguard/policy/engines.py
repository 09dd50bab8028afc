"""Picks the policy engine by name. Both have `evaluate(input) -> result`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from driftguard.policy.opa import OpaOptions


class Engine(Protocol):
    def evaluate(self, policy_input: dict[str, Any]) -> dict[str, Any]: ...

    def document(self, path: str, policy_input: Any) -> Any: ...

    def close(self) -> None: ...


def make_engine(name: str, files: list[tuple[Path, str]], data: dict[str, Any], *,
                opa: OpaOptions, timeout: float = 60.0, builtin: Path | None = None) -> Engine:
    """The engine `name` (embedded, opa), loaded with the policy files and the data
    document; `opa` is how the opa engine reaches its server (its timeouts are its own),
    `timeout` bounds an embedded evaluation, `builtin` holds the policies that are known
    to be free of recursion. The opa engine (and its HTTP stack) is imported only when it
    is used."""
    if name == "opa":
        from driftguard.policy.opa import OpaEngine

        return OpaEngine(opa, files, data)
    from driftguard.policy.embedded import EmbeddedEngine

    return EmbeddedEngine(files, data, timeout, builtin)
