"""What the collector says while it works, unit by unit (a unit: one type in one region;
`region` None for a global type): the sink a scan's progress display implements.

Calls come from the collector's threads, at any time and in any order between units;
a sink must be thread-safe and quick (it runs in the threads that make the AWS calls).
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def listed(self, rtype: str, region: str | None, count: int) -> None:
        """The unit's list calls are done: `count` resources to complete."""

    def details_planned(self, rtype: str, region: str | None, calls: int) -> None:
        """`calls` more detail calls are on their way (a wave: each resource's calls)."""

    def detail_done(self, rtype: str, region: str | None) -> None:
        """One detail call answered (or was found not to be needed)."""

    def retried(self, rtype: str, region: str | None) -> None:
        """One of the unit's calls is sent again (botocore's retries)."""

    def throttled(self, rtype: str, region: str | None) -> None:
        """AWS answered one of the unit's calls with a throttling error."""

    def failed(self, rtype: str, region: str | None, reason: str) -> None:
        """The unit could not be read: its type is not checked there."""

    def finished(self, rtype: str, region: str | None, count: int) -> None:
        """The unit is read: `count` resources."""
