#!/usr/bin/env python3
"""What a small plan's gate cannot go below while pydantic is on its path: the fixed cost
of `driftguard check` (a 10-resource plan: the interpreter, the imports, the rules), the
part of it that is pydantic's alone, and the bound they put on the time and memory
ratios of bench_check.py at a given size.

    python bench/bench_fixed_cost.py                 # 1,000 resources, 9 rounds
    python bench/bench_fixed_cost.py --size 1000 --runs 15 --workdir /tmp/b19

Each round runs, one after the other, as their own processes (bench_check.run_once):

  interpreter  PYTHON -c pass
  pydantic     PYTHON -c "<import pydantic, define and build one model>"
  imports      PYTHON -c "import driftguard.cli, driftguard.pipeline"
  check 10     PYTHON -m driftguard check PLAN-10 --format json
  floor        the floor of bench_check.py on PLAN-N (json.load, GC off)
  check N      PYTHON -m driftguard check PLAN-N --format json   (this checkout)

The bound is what a check would take that paid nothing fixed but the interpreter and
pydantic, and did today's per-resource work: pydantic + (check N - check 10), in time and
in peak RSS. Where it is over bench_check's targets (2.5x the floor's time, 1.5x its
RSS), no tuning of driftguard's own code meets them: pydantic itself must leave the path.
Stdlib only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

# one floor, one way to run and to generate (bench_check.py)
from bench_check import FLOOR, REPO, RSS_RATIO, TIME_RATIO, RunFailed, generate, run_once  # noqa: E402

PYDANTIC = ("from pydantic import BaseModel\n"
            "class M(BaseModel):\n    x: int = 0\n"
            "M(x=1)")
IMPORTS = "import driftguard.cli, driftguard.pipeline"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000, help="resources (default 1000)")
    parser.add_argument("--runs", type=int, default=9, help="rounds (default 9)")
    parser.add_argument("--workdir", type=Path, help="keep the generated plans here")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.size <= 10:
        parser.error("--runs must be at least 1 and --size more than 10 (the small plan)")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="driftguard-fixed-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        try:
            small, _ = generate(10, 1, "provider", workdir)
            plan, _ = generate(args.size, 1, "provider", workdir)
            check = [python, "-m", "driftguard", "check"]
            cmds = {"interpreter": [python, "-c", "pass"],
                    "pydantic": [python, "-c", PYDANTIC],
                    "imports": [python, "-c", IMPORTS],
                    "check 10": [*check, str(small), "--format", "json"],
                    "floor": [python, "-c", FLOOR, str(plan)],
                    f"check {args.size}": [*check, str(plan), "--format", "json"]}
            out = workdir / "fixed-cost-out.txt"
            for cmd in cmds.values():  # warm-up: page cache, .pyc files
                run_once(cmd, out, workdir, env)
            runs: dict[str, list[tuple[float, float, float]]] = {n: [] for n in cmds}
            for _ in range(args.runs):
                for name, cmd in cmds.items():
                    runs[name].append(run_once(cmd, out, workdir, env))
        except RunFailed as exc:
            print(f"benchmark failed: {exc}", file=sys.stderr)
            return 2
    wall = {n: statistics.median(w for w, _, _ in r) for n, r in runs.items()}
    rss = {n: statistics.median(m for _, m, _ in r) for n, r in runs.items()}
    print(f"{args.runs} rounds; medians\n{'':>12} {'wall s':>7} {'RSS MB':>7}")
    for name in cmds:  # the commands: in the docstring
        print(f"{name:>12} {wall[name]:>7.3f} {rss[name]:>7.1f}")
    big = f"check {args.size}"
    bound_s = wall["pydantic"] + wall[big] - wall["check 10"]
    bound_mb = rss["pydantic"] + rss[big] - rss["check 10"]
    print(f"\nfixed cost (check 10): {wall['check 10']:.3f} s, of which pydantic "
          f"{wall['pydantic'] - wall['interpreter']:.3f} s over the interpreter")
    print(f"bound at {args.size}: {bound_s:.3f} s = {bound_s / wall['floor']:.2f}x the floor "
          f"(target {TIME_RATIO:g}x = {TIME_RATIO * wall['floor']:.3f} s); "
          f"{bound_mb:.0f} MB = {bound_mb / rss['floor']:.2f}x its RSS "
          f"(target {RSS_RATIO:g}x)")
    print(f"today at {args.size}: {wall[big] / wall['floor']:.2f}x the time, "
          f"{rss[big] / rss['floor']:.2f}x the RSS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
