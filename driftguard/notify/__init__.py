"""Slack reports: messages on new and resolved findings, digests, job status, one-shot
reports (docs/slack.md). The daemon and the CLI use `Notifier`."""

from driftguard.notify.notifier import Notifier

__all__ = ["Notifier"]
