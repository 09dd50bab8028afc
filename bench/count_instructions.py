#!/usr/bin/env python3
"""Instructions that `driftguard check` executes on a plan, per process, beside the floor's
(the json.load of bench_check.py), counted by valgrind's callgrind: a measure that the
machine's load does not move, for telling a small change from noise where wall times vary
by 10% and more (a shared 2-core machine). Instructions are not time (memory stalls and
page faults are not in them): confirm with bench_check.py.

    python bench/count_instructions.py PLAN
    python bench/count_instructions.py PLAN \
        --baseline "env PYTHONPATH=/tmp/old python -m driftguard"   # an earlier tree

Each command's processes are listed, largest first: for driftguard the command itself, a
big plan's whole-file check (its child, plan_parts) and the watchdog. Needs valgrind
(Debian: valgrind); a run takes about 20 times as long as without it. Stdlib only.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_check import FLOOR  # noqa: E402  (the same floor, one definition)

_COLLECTED = re.compile(r"^==\d+== Collected : (\d+)$", re.MULTILINE)


def instructions(cmd: list[str], env: dict[str, str]) -> list[int]:
    """Each process's instruction count, largest first (fork children are counted too).
    Run in a directory of its own, as bench_check.py runs it: `python -m` puts the working
    directory first on sys.path, where a checkout would shadow a baseline's tree."""
    with tempfile.TemporaryDirectory(prefix="driftguard-count-") as cwd:
        run = subprocess.run(["valgrind", "--tool=callgrind", "--trace-children=yes",
                              "--callgrind-out-file=/dev/null", *cmd],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             cwd=cwd, env=env, check=False)
    if run.returncode not in (0, 1):
        sys.exit(f"{shlex.join(cmd)} exited {run.returncode}:\n{run.stderr[-2000:]}")
    return sorted((int(n) for n in _COLLECTED.findall(run.stderr)), reverse=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan", type=Path)
    parser.add_argument("--cmd", help="how to run driftguard, split like a shell would "
                        "(default: this Python with -m driftguard, from this checkout)")
    parser.add_argument("--baseline", help="another driftguard (an earlier tree), likewise")
    args = parser.parse_args()
    plan = str(args.plan.resolve())
    # As bench_check.py: .pyc files written (the warm-up), this checkout for the default.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if args.cmd is None:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(HERE.parent),
                                                        env.get("PYTHONPATH")) if p)
    runs = {"floor": [sys.executable, "-c", FLOOR, plan]}
    for name, cmd in (("driftguard", args.cmd or f"{sys.executable} -m driftguard"),
                      ("baseline", args.baseline)):
        if cmd:
            runs[name] = [*shlex.split(cmd), "check", plan, "--format", "json"]
    for cmd in runs.values():  # a warm-up: the .pyc files
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                       check=False)
    counts = {name: instructions(cmd, env) for name, cmd in runs.items()}
    floor = counts["floor"][0]
    for name, found in counts.items():
        each = ", ".join(f"{n / 1e9:.3f}" for n in found)
        print(f"{name:<10} {found[0] / floor:5.2f}x the floor  (G instructions per "
              f"process: {each})")
    if "baseline" in counts:
        print(f"driftguard / baseline, largest process: "
              f"{counts['driftguard'][0] / counts['baseline'][0]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
