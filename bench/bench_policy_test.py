#!/usr/bin/env python3
"""`driftguard policy test` of the built-in rules, whole process: wall and CPU seconds
(user + system), medians of several runs. The target (issue 20) is under 1 s.

    python bench/bench_policy_test.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time


def once() -> tuple[float, float]:
    before = os.times()
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "driftguard", "policy", "test"], check=True,
                   stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    once()  # warm the file cache
    runs = [once() for _ in range(args.runs)]
    wall = statistics.median(w for w, _ in runs)
    cpu = statistics.median(c for _, c in runs)
    print(f"driftguard policy test: median wall {wall:.2f} s, CPU {cpu:.2f} s "
          f"({args.runs} runs; load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    return 0 if wall < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
