"""The wildcard patterns of waivers and `.driftignore` rules: `*` is any run of characters
(none too), `?` is one character, and everything else is literal (resource addresses are
full of `[ ]`, `"` and `.`).

Matching never backtracks between stars. A pattern is literal pieces between its stars;
the first piece must start the text and the last must end it, and each piece between
is taken where it first occurs after the one before: that is a match if there is any
(the pieces have a fixed length), so a later piece that fails never makes an earlier one
try again. The regular expression says exactly that with atomic groups, `(?>.*?piece)`,
as the standard library's fnmatch does: time grows with the text times the pattern, never
exponentially (`*a*a*a...*b` against a long run of `a`s took minutes as `.*a.*a...b`).
"""

from __future__ import annotations

import re
from functools import cached_property


class Glob:
    """A compiled wildcard pattern; `matches(text)` is true when it matches all of it."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __repr__(self) -> str:
        return f"Glob({self.pattern!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Glob) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(self.pattern)

    @cached_property
    def _regex(self) -> re.Pattern[str]:
        return re.compile(translate(self.pattern), re.DOTALL)

    def matches(self, text: str) -> bool:
        return self._regex.match(text) is not None


def _piece(text: str) -> str:
    return "".join("." if ch == "?" else re.escape(ch) for ch in text)


def translate(pattern: str) -> str:
    """The regular expression of a pattern (matched from the start of the text)."""
    first, *rest = pattern.split("*")
    if not rest:
        return _piece(first) + r"\Z"
    *middle, last = rest
    return (_piece(first) + "".join(f"(?>.*?{_piece(p)})" for p in middle if p)
            + f".*{_piece(last)}" + r"\Z")
