"""The parts of a big Terraform plan that its loader reads, decoded without the rest.

A provider-shaped plan holds each resource's values up to four times: in planned_values,
in resource_changes (`before` and `after`) and in prior_state. The loader
(declared/terraform) reads `after`; the planned values only of a resource that
resource_changes leaves out or gives no `after`; prior_state only when the plan reports
drift. msgspec decodes the plan into the shapes below and skips every other field: an
85 MB plan in 0.2 s instead of 0.7 s, and in a third less memory. The planned values and
prior_state are kept as their bytes, `Deferred`, and parsed where the loader reads them.

msgspec does not refuse duplicate keys, which a document must not have (D17: a plan
edited so would read otherwise than it says), and it only skims what it skips. So the
whole document is parsed meanwhile, on the other core, by the fast parse the file would
have had (documents.BackgroundCheck), and what the parts give counts only once that
parse has taken the whole document. When it has not, or when msgspec or the loader
refuses the parts, the file is loaded the usual way (declared/files.load_json), which
names the problem: either way the result, or the error, is the whole parse's.

`confirmed` waits for the checks at the end of a whole run instead (`driftguard check`:
they finish beside the evaluation), and runs it again the usual way if one failed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

import jiter

from driftguard.documents import BackgroundCheck
from driftguard.errors import InputError
from driftguard.locations import MB

if TYPE_CHECKING:
    import msgspec

# Smaller plans parse in a few tens of milliseconds: not worth a second process.
FROM_BYTES = 8 * MB

T = TypeVar("T")
# In `confirmed`: the checks to wait for at the end; True: load the usual way.
_pending: ContextVar[list[BackgroundCheck] | None] = ContextVar("pending", default=None)
_usual: ContextVar[bool] = ContextVar("usual", default=False)


class Deferred:
    """A part of the plan kept as its bytes, parsed when read (`resolved`)."""

    __slots__ = ("origin", "raw")

    def __init__(self, origin: str, raw: msgspec.Raw) -> None:  # bytes-like
        self.origin, self.raw = origin, raw

    def load(self) -> Any:
        try:
            return jiter.from_json(bytes(self.raw), catch_duplicate_keys=True,
                                   allow_inf_nan=False)
        except ValueError:  # the usual load says what is wrong, and where
            raise InputError(self.origin, "not valid JSON") from None


def resolved(value: Any) -> Any:
    """A value of the document, parsed if it was deferred."""
    return value.load() if type(value) is Deferred else value


def read(origin: str, data: bytes) -> tuple[dict[str, Any], BackgroundCheck] | None:
    """(the parts, the check of the whole) of a big plan, on a machine with a core to
    spare; None for anything else (a state, a template, a small file) or when msgspec
    refuses the parts (the usual load then says why)."""
    if (len(data) < FROM_BYTES or _usual.get() or not hasattr(os, "fork") or _cores() < 2
            or (b'"planned_values"' not in data and b'"resource_changes"' not in data)):
        return None
    from driftguard.declared import plan_shapes  # msgspec, for big plans only

    try:
        check = BackgroundCheck(data)  # first: it runs while msgspec decodes
    except OSError:  # no process or pipe to be had (EAGAIN, EMFILE): the usual load
        return None
    doc = plan_shapes.decode(data)
    if doc is None or ("planned_values" not in doc and "resource_changes" not in doc):
        check.cancel()
        return None
    _defer(origin, doc)
    return doc, check


def stands(check: BackgroundCheck) -> bool:
    """Whether a result loaded from the parts stands: the check passed, or (in
    `confirmed`) will be waited for at the end."""
    pending = _pending.get()
    if pending is None:
        return check.passed()
    pending.append(check)
    return True


def confirmed(run: Callable[[], T]) -> T:
    """`run()`, with the checks of the plans it loads from their parts waited for at its
    end; when one failed, `run()` again with every file loaded the usual way, whose result
    or error then stands. An error of the first run stands when the checks pass: it is
    the usual load's (load_json), for a file that the usual run reaches too."""
    checks: list[BackgroundCheck] = []
    token = _pending.set(checks)
    try:
        result = run()
    except Exception:
        if _all_passed(checks):
            raise
    except BaseException:  # ^C: nothing to wait for
        for c in checks:
            c.cancel()
        raise
    else:
        if _all_passed(checks):
            return result
    finally:
        _pending.reset(token)
    usual = _usual.set(True)
    try:
        return run()
    finally:
        _usual.reset(usual)


def _all_passed(checks: list[BackgroundCheck]) -> bool:
    return all([c.passed() for c in checks])  # a list: every child is waited for


def _cores() -> float:
    """The cores this process may use: its CPU affinity, within its container's CPU quota
    where it has one (a pod limited to one CPU would run the check on the same core)."""
    try:
        cores = float(len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        cores = float(os.cpu_count() or 1)
    return min(cores, _cpu_quota() or cores)


def _cpu_quota() -> float | None:
    """CPUs allowed by the cgroup (v2 `cpu.max`, or v1's CFS quota); None for no limit."""
    try:
        quota, _, period = _read("/sys/fs/cgroup/cpu.max").partition(" ")
    except OSError:
        try:
            quota = _read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")
            period = _read("/sys/fs/cgroup/cpu/cpu.cfs_period_us")
        except OSError:
            return None
    try:
        return int(quota) / int(period) if int(quota) > 0 else None
    except (ValueError, ZeroDivisionError):  # "max": no limit
        return None


def _read(path: str) -> str:
    with open(path, encoding="ascii") as f:
        return f.read().strip()


def _defer(origin: str, doc: dict[str, Any]) -> None:
    """The raw parts (msgspec.Raw) as Deferred, which the loader knows."""
    if "prior_state" in doc:
        doc["prior_state"] = Deferred(origin, doc["prior_state"])
    stack = [doc.get("planned_values", {}).get("root_module", {})]
    while stack:
        module = stack.pop()
        for res in module.get("resources", ()):
            if "values" in res:
                res["values"] = Deferred(origin, res["values"])
        stack.extend(module.get("child_modules", ()))
