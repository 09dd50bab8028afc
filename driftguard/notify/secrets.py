"""A channel's secrets (Slack's webhook URLs and bot token, ...): read from the environment
or a secrets file, by name, and kept out of every log line and error message.

A secret is looked up by its name (`slack.webhook_url_env`, `slack.token_env`, a route's
`webhook_url_env`): first in the environment, then in the section's `secrets_file`, a YAML
mapping of the same names to values (a mounted Kubernetes or Docker secret, for instance).
Every value handed out is remembered, so that the Notifier redacts all of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import quote

import yaml

from driftguard.errors import InputError

REDACTED = "[redacted]"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Secrets:
    def __init__(self, environ: Mapping[str, str], secrets_file: Path | None,
                 source: str) -> None:
        self._environ = environ
        self._file = secrets_file
        self._source = source  # the channel: where a config error points
        self._from_file: dict[str, str] | None = None
        self.handed_out: list[str] = []

    def get(self, name: str) -> str:
        """The secret's value, without surrounding white space (a secrets file's trailing
        line break); InputError naming where it was looked for, never the value, also when
        the value holds a control character (a line break inside a URL or a token would
        end up in an HTTP request line or header)."""
        raw = self._environ.get(name) or self._file_values().get(name)
        value = raw.strip() if raw else ""
        if not value:
            where = f"${name}" + (f" or {name} in {self._file}" if self._file else "")
            raise InputError(self._source, f"no secret found: set {where}")
        self.handed_out.append(raw or value)
        self.handed_out.append(value)
        if _CONTROL.search(value):
            raise InputError(self._source, f"the secret in ${name} holds a control character "
                                           "(a line break?): fix it where it is set")
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
    except UnicodeDecodeError:  # no excerpt either: the bytes may be a secret
        raise InputError(path, "secrets file is not UTF-8 text") from None
    except yaml.YAMLError:
        raise InputError(path, "secrets file is not valid YAML") from None  # no excerpt
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise InputError(path, "secrets file must map names to string values")
    return {str(k): v for k, v in raw.items()}


class Redactor:
    """Replaces known secrets (and their URL paths) in text meant for logs or errors, also
    as error messages quote them: escaped (repr, JSON) or percent-encoded, and each line
    of a secret that holds line breaks."""

    def __init__(self, secrets: Iterable[str]) -> None:
        parts: set[str] = set()
        for secret in secrets:
            pieces = {secret, *(line.strip() for line in secret.splitlines())}
            for piece in list(pieces):
                if "://" in piece:  # a webhook URL: its path alone is the secret too
                    pieces.add(piece.split("://", 1)[1].partition("/")[2])
            for piece in (p for p in pieces if len(p) >= 8 or p == secret):
                parts.update({piece, repr(piece)[1:-1], json.dumps(piece)[1:-1],
                              quote(piece, safe="/:")})
        self._parts = sorted((p for p in parts if p), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for part in self._parts:
            text = text.replace(part, REDACTED)
        return text
