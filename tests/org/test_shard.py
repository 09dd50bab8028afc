"""Rendezvous sharding: balanced, stable, and a change of N moves about 1/N of the units."""

from __future__ import annotations

from collections import Counter

import pytest

from driftguard.errors import DriftguardError
from driftguard.org.shard import Shard, owner, parse_shard, shard_from_environment

UNITS = [f"{account:012d}/{region}" for account in range(200)
         for region in ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1")]


@pytest.mark.parametrize("count", [2, 3, 4, 8])
def test_every_unit_has_exactly_one_shard_and_shares_are_balanced(count: int) -> None:
    shards = [Shard(i, count) for i in range(count)]
    owned = Counter(next(i for i, s in enumerate(shards) if s.owns(u)) for u in UNITS)
    assert sum(owned.values()) == len(UNITS)
    assert all(sum(s.owns(u) for s in shards) == 1 for u in UNITS)
    fair = len(UNITS) / count
    assert all(abs(n - fair) < 0.15 * fair for n in owned.values()), owned


@pytest.mark.parametrize(("before", "after"), [(2, 3), (4, 5), (5, 4), (8, 9)])
def test_changing_n_moves_about_one_nth(before: int, after: int) -> None:
    moved = sum(owner(u, before) != owner(u, after) for u in UNITS) / len(UNITS)
    ideal = abs(after - before) / max(before, after)
    assert ideal * 0.7 < moved < ideal * 1.3, moved
    if after > before:  # growing only moves units to the new shard
        assert all(owner(u, after) == owner(u, before) or owner(u, after) >= before
                   for u in UNITS)


def test_parse_and_environment() -> None:
    assert parse_shard("1/3") == Shard(1, 3) and str(Shard(1, 3)) == "1/3"
    for bad in ("3/3", "-1/2", "a/b", "1", "0/0"):
        with pytest.raises(DriftguardError, match="I/N"):
            parse_shard(bad)
    assert shard_from_environment({}) is None
    assert shard_from_environment({"DRIFTGUARD_SHARD": "2/4"}) == Shard(2, 4)
    pod = {"DRIFTGUARD_SHARD_COUNT": "4", "HOSTNAME": "driftguard-3"}
    assert shard_from_environment(pod) == Shard(3, 4)
    assert shard_from_environment({**pod, "DRIFTGUARD_SHARD_INDEX": "1"}) == Shard(1, 4)
    with pytest.raises(DriftguardError, match="pod ordinal"):
        shard_from_environment({"DRIFTGUARD_SHARD_COUNT": "4", "HOSTNAME": "laptop"})
    with pytest.raises(DriftguardError, match="I/N"):
        shard_from_environment({"DRIFTGUARD_SHARD_COUNT": "4", "HOSTNAME": "driftguard-4"})
