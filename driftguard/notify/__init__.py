"""Notifications: messages on new and resolved findings, digests, job status, one-shot
reports, through a channel (Slack today: docs/slack.md). The daemon and the CLI use
`Notifier`; a channel implements `channel.Channel` and is listed in registry.py."""

from driftguard.notify.notifier import Notifier

__all__ = ["Notifier"]
