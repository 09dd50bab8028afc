"""The wildcard patterns of waivers and `.driftignore` rules (Glob): `*` is any run of
characters (none too), `?` is one character, and everything else is literal (resource
addresses are full of `[ ]`, `"` and `.`). Paths have their own (PathGlob): the glob of
local files, for S3 keys.

Matching never backtracks between stars. A pattern is literal pieces between its stars;
the first piece must start the text and the last must end it, and each piece between
is taken where it first occurs after the one before: that is a match if there is any
(the pieces have a fixed length), so a later piece that fails never makes an earlier one
try again. The regular expression says exactly that with atomic groups, `(?>.*?piece)`,
as the standard library's fnmatch does: time grows with the text times the pattern, never
exponentially (`*a*a*a...*b` against a long run of `a`s took minutes as `.*a.*a...b`).
"""

from __future__ import annotations

import fnmatch
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


class PathGlob:
    """A path pattern as a local glob reads it (`glob.glob(pattern, recursive=True)`, what
    driftguard expands file arguments with), for paths without directories to walk: S3 keys.

    Segments between `/` match one by one as glob's do, with fnmatch: `*` is any run of
    characters within the segment, `?` one, `[seq]` and `[!seq]` one of a set; `**` as a
    whole segment is any number of segments (none too). As in glob, a name that starts with
    `.` matches only a segment that starts with `.` (`*` and `**` pass hidden names by), and
    no wildcard matches an empty name (`a//b`, the folder marker `a/`).

    Matching never backtracks between `**`s, for the reason Glob gives: the segments between
    two of them have a fixed count, so each run is taken where it first matches.
    """

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        runs: list[list[str]] = [[]]
        for segment in pattern.split("/"):
            if segment == "**":
                runs.append([])
            else:
                runs[-1].append(segment)
        self._runs = runs

    def __repr__(self) -> str:
        return f"PathGlob({self.pattern!r})"

    def matches(self, path: str) -> bool:
        parts = path.split("/")
        first, *rest = self._runs
        if not rest:
            return len(parts) == len(first) and _run_at(first, parts, 0)
        *middle, last = rest
        end = len(parts) - len(last)
        if end < len(first) or not _run_at(first, parts, 0) or not _run_at(last, parts, end):
            return False
        at = len(first)
        for run in middle:
            # `**` passes only visible names: the run starts at the first hidden one at most
            limit = next((i for i in range(at, end) if not _walkable(parts[i])), end)
            found = next((i for i in range(at, min(limit, end - len(run)) + 1)
                          if _run_at(run, parts, i)), None)
            if found is None:
                return False
            at = found + len(run)
        return all(_walkable(part) for part in parts[at:end])


def is_magic(text: str) -> bool:
    """Whether a path or key has glob wildcards (`*`, `?`, `[`)."""
    return any(ch in text for ch in "*?[")


def _walkable(name: str) -> bool:
    return bool(name) and not name.startswith(".")


def _run_at(run: list[str], parts: list[str], start: int) -> bool:
    return all(_segment(pattern, parts[start + i]) for i, pattern in enumerate(run))


def _segment(pattern: str, name: str) -> bool:
    if not is_magic(pattern):
        return pattern == name
    if not name or (name.startswith(".") and not pattern.startswith(".")):
        return False
    return fnmatch.fnmatchcase(name, pattern)
