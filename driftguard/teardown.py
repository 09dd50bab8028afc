"""A one-shot command skips freeing what it built: its process ends with os._exit
(policy/isolated.supervise) and the kernel takes all its memory back at once. So the big
things a run is done with (the resources, the policy engine with its copy of them) are
kept until then instead of being freed one object at a time, which costs 0.05 s at 10,000
resources (bench/profile_check.py, "free kept"). The daemon, the library and the tests do
not end that way: for them nothing is kept. (A plan's parsed document is freed as usual:
keeping it too would save 0.015 s, "free parsed", for a third more memory at the peak.)"""

from __future__ import annotations

_kept: list[object] = []
_skipped = False


def skip() -> None:
    """This process ends with os._exit: from now on, keep() keeps."""
    global _skipped
    _skipped = True


def keep(obj: object) -> None:
    """Hold `obj` until the process ends, if it ends with os._exit."""
    if _skipped:
        _kept.append(obj)
