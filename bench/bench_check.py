#!/usr/bin/env python3
"""Time `driftguard check` as a whole process on generated plans.

    python bench/bench_check.py [--runs 5] [--sizes 1000,10000]

For each size: generate a plan (bench/gen_plan.py), run the command once to warm the
file cache, then R timed runs. Reports median/min/max wall time and the median peak RSS
of the child process (os.wait4), and whether the issue's targets hold at 10,000
resources (median < 3 s wall, < 400 MB peak). Stdlib only.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_SECONDS, TARGET_MB = 3.0, 400


def run_once(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one run; exit codes 0 and 1 are both success."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if code not in (0, 1):
        sys.exit(f"{shlex.join(cmd)} exited {code}:\n{stderr}")
    return wall, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--cmd", default=f"{shlex.quote(sys.executable)} -m driftguard",
                        help="how to run driftguard (default: this Python's module)")
    args = parser.parse_args()
    base = shlex.split(args.cmd)
    print(f"{'resources':>9}  {'median s':>8}  {'min s':>6}  {'max s':>6}  {'peak MB':>7}  target")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            plan = Path(tmp) / f"plan-{size}.json"
            subprocess.run([sys.executable, str(HERE / "gen_plan.py"), "--resources",
                            str(size), "--out", str(plan)], check=True,
                           stdout=subprocess.DEVNULL)
            cmd = [*base, "check", str(plan), "--format", "json", "--output", os.devnull]
            run_once(cmd)  # warm-up
            runs = [run_once(cmd) for _ in range(args.runs)]
            walls = [w for w, _ in runs]
            peak = statistics.median(m for _, m in runs)
            median = statistics.median(walls)
            verdict = "-"
            if size == 10000:
                ok = median < TARGET_SECONDS and peak < TARGET_MB
                verdict = f"{'met' if ok else 'MISSED'} (< {TARGET_SECONDS} s, < {TARGET_MB} MB)"
            print(f"{size:>9}  {median:>8.2f}  {min(walls):>6.2f}  {max(walls):>6.2f}  "
                  f"{peak:>7.0f}  {verdict}")


if __name__ == "__main__":
    main()
