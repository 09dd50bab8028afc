"""A scan's progress on a terminal: a live line per unit being read (region and type:
listed, details done / total, retries and throttles as they happen), redrawn in place;
each unit, once read, leaves one line above them (found, or FAILED and why), and the
collection ends with a line of totals. Only for a terminal: the CLI uses it when stderr
is one and no report is JSON.

Lines fit the terminal's width; no value but type, region, counts and the failed call's
reason (already free of control characters: aws_errors) is printed.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

CLEAR_LINE = "\x1b[K"
CLEAR_BELOW = "\x1b[J"
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _columns(stream: TextIO) -> int:
    """The width of the terminal `stream` is on (not stdout's: that may be a file)."""
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return shutil.get_terminal_size((100, 24)).columns


def _up(lines: int) -> str:
    return f"\x1b[{lines}F" if lines else "\r"  # to the start of the line `lines` up


@dataclass
class _Unit:
    rtype: str
    region: str | None
    listed: int | None = None
    planned: int = 0
    done: int = 0
    retries: int = 0
    throttles: int = 0

    def where(self) -> str:
        return f"{self.region or 'global':<14} {self.rtype:<34}"

    def counts(self) -> str:
        parts = []
        if self.planned:
            parts.append(f"details {self.done}/{self.planned}")
        if self.retries:
            parts.append(f"{self.retries} retr{'y' if self.retries == 1 else 'ies'}")
        if self.throttles:
            parts.append(f"{self.throttles} throttled")
        return ", ".join(parts)

    def live(self) -> str:
        state = "listing" if self.listed is None else f"listed {self.listed}"
        counts = self.counts()
        return f"  {self.where()} {state}" + (f", {counts}" if counts else "")


class TerminalProgress:
    """The collect.progress.Progress sink for a terminal (`stream`, usually stderr).

    Redraws at most every `interval` seconds, and whenever a unit ends; `close()` (or
    leaving the `with` block) clears the live lines and prints the totals."""

    def __init__(self, stream: TextIO, interval: float = 0.1,
                 clock: Callable[[], float] = time.monotonic,
                 width: Callable[[], int] | None = None) -> None:
        self._stream = stream
        self._interval = interval
        self._clock = clock
        self._width = width or (lambda: _columns(stream))
        self._lock = threading.Lock()
        self._active: dict[tuple[str, str | None], _Unit] = {}
        self._ended: list[str] = []  # lines of units read since the last redraw
        self._drawn = 0  # live lines on the screen now
        self._last = 0.0
        self._units = self._failed = self._retries = self._throttles = 0
        self._found = 0
        self._failures: list[str] = []

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- the sink --------------------------------------------------------------------

    def listed(self, rtype: str, region: str | None, count: int) -> None:
        with self._lock:
            self._unit(rtype, region).listed = count
            self._redraw(force=False)

    def details_planned(self, rtype: str, region: str | None, calls: int) -> None:
        with self._lock:
            self._unit(rtype, region).planned += calls
            self._redraw(force=False)

    def detail_done(self, rtype: str, region: str | None) -> None:
        with self._lock:
            self._unit(rtype, region).done += 1
            self._redraw(force=False)

    def retried(self, rtype: str, region: str | None) -> None:
        with self._lock:
            self._unit(rtype, region).retries += 1
            self._retries += 1
            self._redraw(force=True)  # as it happens

    def throttled(self, rtype: str, region: str | None) -> None:
        with self._lock:
            self._unit(rtype, region).throttles += 1
            self._throttles += 1
            self._redraw(force=True)

    def failed(self, rtype: str, region: str | None, reason: str) -> None:
        with self._lock:
            unit = self._active.pop((rtype, region), None) or _Unit(rtype, region)
            counts = unit.counts()
            self._ended.append(f"  {unit.where()} FAILED ({reason})"
                               + (f"; {counts}" if counts else ""))
            self._units += 1
            self._failed += 1
            self._failures.append(f"{rtype} in {region or 'global'}")
            self._redraw(force=True)

    def finished(self, rtype: str, region: str | None, count: int) -> None:
        with self._lock:
            unit = self._active.pop((rtype, region), None) or _Unit(rtype, region)
            counts = unit.counts()
            self._ended.append(f"  {unit.where()} {count:>6} found"
                               + (f" ({counts})" if counts else ""))
            self._units += 1
            self._found += count
            self._redraw(force=True)

    # --- the screen ------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._active.clear()
            self._redraw(force=True)
            if self._units:
                totals = [f"{self._units} unit{'s' if self._units != 1 else ''} read",
                          f"{self._found} found"]
                if self._retries:
                    totals.append(f"{self._retries} retr{'y' if self._retries == 1 else 'ies'}")
                if self._throttles:
                    totals.append(f"{self._throttles} throttled")
                if self._failed:
                    totals.append(f"{self._failed} failed: {', '.join(self._failures)}")
                self._write(self._fit("collected: " + ", ".join(totals)) + "\n")

    def _unit(self, rtype: str, region: str | None) -> _Unit:
        return self._active.setdefault((rtype, region), _Unit(rtype, region))

    def _redraw(self, force: bool) -> None:
        now = self._clock()
        if not force and now - self._last < self._interval:
            return
        self._last = now
        out = [_up(self._drawn)] if self._drawn else ["\r"]
        out += [self._fit(line) + CLEAR_LINE + "\n" for line in self._ended]
        live = [self._fit(u.live()) for u in self._active.values()]
        out += [line + CLEAR_LINE + "\n" for line in live]
        out.append(CLEAR_BELOW)
        self._ended = []
        self._drawn = len(live)
        self._write("".join(out))

    def _fit(self, line: str) -> str:
        line = _CONTROL.sub("\ufffd", line)
        width = max(self._width() - 1, 20)
        return line if len(line) <= width else line[:width - 1] + "\u2026"

    def _write(self, text: str) -> None:
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):  # a closed terminal: progress is not the scan
            pass
