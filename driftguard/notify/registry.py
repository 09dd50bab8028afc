"""Which channel serves which config section: one line per channel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from driftguard.config import SlackSettings
from driftguard.notify.channel import Channel
from driftguard.notify.slack import Slack

CHANNELS: dict[type[Any], Callable[[Any], Channel]] = {
    SlackSettings: Slack,
}


def channel_for(settings: object) -> Channel:
    for kind, make in CHANNELS.items():
        if isinstance(settings, kind):
            return make(settings)
    raise TypeError(f"no notification channel reads {type(settings).__name__}")
