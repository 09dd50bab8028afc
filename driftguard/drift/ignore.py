"""Ignore rules in the spirit of driftctl's `.driftignore`.

One rule per line: `TYPE.ID` ignores a resource, `TYPE.ID.ATTRIBUTE` ignores one
changed attribute; `*` and `?` are wildcards; `!` negates; `#` starts a comment; a dot
inside an id is escaped as `\\.`. As in .gitignore, the last matching line decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from driftguard.documents import decode
from driftguard.errors import InputError
from driftguard.globs import Glob
from driftguard.locations import read_file

_SPLIT = re.compile(r"(?<!\\)\.")


@dataclass(frozen=True)
class IgnoreRule:
    negated: bool
    type: Glob
    id: Glob
    attribute: Glob | None  # None: the whole resource


def _glob(text: str) -> Glob:
    return Glob(text.replace("\\.", "."))


def parse_rules(text: str, origin: str = "ignore rules") -> list[IgnoreRule]:
    rules = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        parts = _SPLIT.split(line.removeprefix("!"))
        if len(parts) < 2 or not all(parts):
            raise InputError(origin, f"line {number}: expected TYPE.ID or TYPE.ID.ATTRIBUTE, "
                                     f"got {line!r}")
        if len(parts) > 3:
            raise InputError(origin, f"line {number}: attribute paths name one canonical "
                                     f"attribute (TYPE.ID.ATTRIBUTE), got {line!r}")
        attribute = _glob(parts[2]) if len(parts) > 2 else None
        rules.append(IgnoreRule(negated, _glob(parts[0]), _glob(parts[1]), attribute))
    return rules


def load_rules(path: Path) -> list[IgnoreRule]:
    return parse_rules(decode(path, read_file(path, "cannot read ignore file")), str(path))


class Ignore:
    def __init__(self, rules: list[IgnoreRule]) -> None:
        self.rules = rules

    def _decide(self, type_: str, id_: str, attribute: str | None) -> bool:
        ignored = False
        for rule in self.rules:
            if (rule.attribute is None) != (attribute is None):
                continue
            if not (rule.type.matches(type_) and rule.id.matches(id_)):
                continue
            if rule.attribute is not None and attribute is not None and (
                    not rule.attribute.matches(attribute)):
                continue
            ignored = not rule.negated
        return ignored

    def resource(self, type_: str, id_: str) -> bool:
        return self._decide(type_, id_, None)

    def attribute(self, type_: str, id_: str, attribute: str) -> bool:
        return self.resource(type_, id_) or self._decide(type_, id_, attribute)
