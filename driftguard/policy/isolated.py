"""Policy evaluation bounded in time, and kept from taking anything else down with it.

regorus evaluates in Rust while holding the GIL: nothing in the process runs until it
returns (not a timer, not the daemon's HTTP server, not the other jobs), and if it
crashes (a stack overflow) the process dies with everything in it. Two ways to bound it:

- In a process of its own (`run` without a watchdog; the daemon, and the library): the
  work runs in a forked child, which inherits the loaded engine and the input and sends
  the result back through a pipe. The parent waits at most `timeout` seconds, then kills
  it; a child that dies of a signal is a PolicyError like any other. One evaluation fails,
  with one line, and the caller (a daemon job) goes on. The child does nothing but the
  engine's work and os._exit: it takes no lock that another thread of the parent could
  hold at the fork (no logging, no imports, no I/O but the pipe).
- Under a watchdog (`supervise`; the one-shot commands): the command itself runs in a
  child forked at start, while its heap is small, and the parent only watches it. The
  work runs in process (no copy of a big heap per evaluation: forking a 10,000-resource
  check cost 60 ms), announced to the watchdog with its deadline; past it, the watchdog
  kills the command and says why, and it says why when the command dies of a signal.

Without os.fork (not POSIX) the work runs in process, unbounded.
"""

from __future__ import annotations

import atexit
import faulthandler
import gc
import itertools
import os
import select
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn

from driftguard import teardown
from driftguard.errors import PolicyError

_RESULT, _ERROR = b"R", b"E"
_watchdog: int | None = None  # the pipe to the watchdog, in a supervised command


class EngineError(Exception):
    """What the work raised in the child, as text."""


def too_slow(what: str, timeout: float) -> str:
    return (f"{what} did not finish within {timeout:g} s (policy_timeout): a policy that "
            "does not end, or more input than it can take in that time")


def crashed(what: str, signum: int) -> str:
    return (f"the policy engine crashed ({signal.Signals(signum).name}) during {what}: a "
            "policy that recurses without end, or input the engine cannot take")


def run(work: Callable[[], bytes], timeout: float, what: str = "policy evaluation") -> bytes:
    """`work()`'s bytes, within `timeout` seconds: under the watchdog if there is one,
    else in a child process. An exception in a child's work is an EngineError carrying
    its message; a timeout or a crash is a PolicyError."""
    if _watchdog is not None:
        with _watched(timeout, what):
            return work()
    if not hasattr(os, "fork"):
        return work()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        status = 0
        try:
            os.close(read_end)
            gc.disable()  # a collection would touch, and so copy, every page of the parent
            faulthandler.disable()  # a crash is the parent's to report, in one line
            try:
                out = _RESULT + work()
            except BaseException as exc:  # noqa: BLE001 - everything goes to the parent
                text = str(exc) if isinstance(exc, RuntimeError) else (
                    f"{type(exc).__name__}: {exc}")  # regorus raises RuntimeError
                out = _ERROR + text.encode("utf-8", "replace")
            view = memoryview(out)
            while view:
                view = view[os.write(write_end, view):]
        except BaseException:  # noqa: BLE001 - a broken pipe: the parent gave up
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        data = _read(read_end, time.monotonic() + timeout)
    except TimeoutError:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise PolicyError(too_slow(what, timeout)) from None
    finally:
        os.close(read_end)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        raise PolicyError(crashed(what, os.WTERMSIG(status)))
    if data[:1] == _ERROR:
        raise EngineError(data[1:].decode("utf-8", "replace"))
    if data[:1] != _RESULT:
        raise PolicyError(f"the policy engine ended during {what} without an answer (exit "
                          f"status {os.waitstatus_to_exitcode(status)})")
    return data[1:]


def _read(fd: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP)
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not poller.poll(left * 1000):
            raise TimeoutError
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


# --- the watchdog ----------------------------------------------------------------------


_ids = itertools.count(1)


@contextmanager
def _watched(timeout: float, what: str) -> Iterator[None]:
    """Announces the work to the watchdog (several threads may: an organization's units
    are scanned together), and its end."""
    assert _watchdog is not None
    work = next(_ids)
    os.write(_watchdog, f"B{work} {timeout!r} {what}\n".encode())
    try:
        yield
    finally:
        os.write(_watchdog, f"E{work}\n".encode())


def supervise(command: Callable[[], int]) -> NoReturn:
    """Run `command()` in a child process under a watchdog, and exit with its exit code,
    or with 2 and one line on stderr when the watchdog killed it (an evaluation past its
    deadline) or it died of a signal. For a process's own command line only: both
    processes end with os._exit, once stdout and stderr are flushed and (the command)
    the atexit handlers have run. Python's teardown of every module is skipped: in a
    forked process it touches, and so copies, every page the two share (20 ms)."""
    global _watchdog
    if not hasattr(os, "fork"):
        raise SystemExit(command())
    sys.stdout.flush()
    sys.stderr.flush()
    read_end, write_end = os.pipe()  # not inheritable: no subprocess keeps it open
    pid = os.fork()
    if pid == 0:  # the command
        os.close(read_end)
        _watchdog = write_end
        teardown.skip()
        code: object = 1
        try:
            code = command()
        except SystemExit as stop:  # argparse's errors and --help
            code = stop.code
        finally:
            atexit._run_exitfuncs()
            _exit(code)
    os.close(write_end)
    _exit(_watch(pid, read_end))


def _exit(code: object) -> NoReturn:
    """Exit now, as `sys.exit(code)` would have ended the process."""
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code or 0)


def _watch(pid: int, fd: int) -> int:
    """The watchdog: relays the command's exit status; kills it when a watched piece of
    work runs past its deadline."""
    # ^C reaches the command too (the terminal signals the whole group): it stops itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for forwarded in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(forwarded, lambda signum, _frame: os.kill(pid, signum))
    watched: dict[str, tuple[float, float, str]] = {}  # id -> (deadline, seconds, what)
    deadline: float | None = None
    latest = (0.0, 0.0, "")
    buffer = b""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP)
    timed_out = False
    while True:
        wait = None if deadline is None else max(0.0, deadline - time.monotonic()) * 1000
        if not poller.poll(wait):
            os.kill(pid, signal.SIGKILL)
            timed_out = True
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            work, _, rest = line[1:].decode().partition(" ")
            if line.startswith(b"B"):
                limit, _, name = rest.partition(" ")
                watched[work] = (time.monotonic() + float(limit), float(limit), name)
            else:
                watched.pop(work, None)
            latest = min(watched.values(), default=latest)
            deadline = latest[0] if watched else None
    os.close(fd)
    _, status = os.waitpid(pid, 0)  # retried after a forwarded signal (PEP 475)
    _, seconds, what = latest
    if timed_out:
        print(f"driftguard: error: {too_slow(what, seconds)}", file=sys.stderr)
        return 2
    if os.WIFSIGNALED(status):
        signum = os.WTERMSIG(status)
        if signum in (signal.SIGTERM, signal.SIGHUP):  # asked to stop: no news
            return 128 + signum
        problem = (crashed(what, signum) if deadline is not None else
                   f"internal error: the process died of {signal.Signals(signum).name}")
        print(f"driftguard: {'error: ' if deadline is not None else ''}{problem}",
              file=sys.stderr)
        return 2
    return os.waitstatus_to_exitcode(status)
