"""A channel's secrets (Slack's webhook URLs and bot token, ...): read from the environment
or a secrets file, by name, and kept out of every log line and error message.

A secret is looked up by its name (`slack.webhook_url_env`, `slack.token_env`, a route's
`webhook_url_env`): first in the environment, then in the section's `secrets_file`, a YAML
mapping of the same names to values (a mounted Kubernetes or Docker secret, for instance).
Every value handed out is remembered, so that the Notifier redacts all of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

from driftguard.errors import InputError

REDACTED = "[redacted]"


class Secrets:
    def __init__(self, environ: Mapping[str, str], secrets_file: Path | None,
                 source: str) -> None:
        self._environ = environ
        self._file = secrets_file
        self._source = source  # the channel: where a config error points
        self._from_file: dict[str, str] | None = None
        self.handed_out: list[str] = []

    def get(self, name: str) -> str:
        """The secret's value; InputError naming where it was looked for (never the value)."""
        value = self._environ.get(name) or self._file_values().get(name)
        if not value:
            where = f"${name}" + (f" or {name} in {self._file}" if self._file else "")
            raise InputError(self._source, f"no secret found: set {where}")
        self.handed_out.append(value)
        return value

    def _file_values(self) -> dict[str, str]:
        if self._from_file is None:
            self._from_file = _read(self._file) if self._file else {}
        return self._from_file


def _read(path: Path) -> dict[str, str]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(path, f"cannot read secrets file: {exc.strerror or exc}") from None
    except yaml.YAMLError:
        raise InputError(path, "secrets file is not valid YAML") from None  # no excerpt
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise InputError(path, "secrets file must map names to string values")
    return {str(k): v for k, v in raw.items()}


class Redactor:
    """Replaces known secrets (and their URL paths) in text meant for logs or errors."""

    def __init__(self, secrets: Iterable[str]) -> None:
        parts: set[str] = set()
        for secret in secrets:
            parts.add(secret)
            if "://" in secret:  # a webhook URL: its path alone is the secret too
                path = secret.split("://", 1)[1].partition("/")[2]
                if len(path) >= 8:
                    parts.add(path)
        self._parts = sorted((p for p in parts if p), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for part in self._parts:
            text = text.replace(part, REDACTED)
        return text
