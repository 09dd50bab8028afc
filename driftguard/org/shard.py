"""Which shard scans which unit: rendezvous (highest random weight) hashing.

Each unit goes to the shard with the highest hash of (unit, shard). Every shard computes
the same answer alone, and going from N to N+1 shards moves only the units the new shard
wins, about 1/(N+1) of them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from driftguard.errors import DriftguardError

T = TypeVar("T")


@dataclass(frozen=True)
class Shard:
    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def owns(self, key: str) -> bool:
        return owner(key, self.count) == self.index

    def select(self, items: Iterable[T], key: Callable[[T], str]) -> list[T]:
        return [item for item in items if self.owns(key(item))]


def owner(key: str, count: int) -> int:
    return max(range(count), key=lambda shard: _weight(key, shard))


def _weight(key: str, shard: int) -> int:
    digest = hashlib.blake2b(f"{key}\x1f{shard}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def parse_shard(text: str, where: str = "--shard") -> Shard:
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match or not 0 <= int(match[1]) < int(match[2]):
        raise DriftguardError(f"{where}: expected I/N with 0 <= I < N, got {text!r}")
    return Shard(int(match[1]), int(match[2]))


def shard_from_environment(environ: Mapping[str, str]) -> Shard | None:
    """$DRIFTGUARD_SHARD ("I/N"), or a StatefulSet pod's ordinal ($DRIFTGUARD_SHARD_INDEX,
    from the pod-index label, else the -<ordinal> suffix of $HOSTNAME) with
    $DRIFTGUARD_SHARD_COUNT."""
    env = dict(environ)
    if env.get("DRIFTGUARD_SHARD"):
        return parse_shard(env["DRIFTGUARD_SHARD"], "DRIFTGUARD_SHARD")
    count = env.get("DRIFTGUARD_SHARD_COUNT")
    if not count:
        return None
    index = env.get("DRIFTGUARD_SHARD_INDEX")
    if not index:
        ordinal = re.search(r"-(\d+)$", env.get("HOSTNAME", ""))
        if ordinal is None:
            raise DriftguardError("DRIFTGUARD_SHARD_COUNT is set but neither "
                                  "DRIFTGUARD_SHARD_INDEX nor a pod ordinal in HOSTNAME")
        index = ordinal[1]
    return parse_shard(f"{index}/{count}", "DRIFTGUARD_SHARD_COUNT/INDEX")
