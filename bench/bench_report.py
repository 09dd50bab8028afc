#!/usr/bin/env python3
"""Time `driftguard report` merging many shard reports (wall time, peak RSS).

    python bench/bench_report.py                       # 150 shards, ~10,000 findings, 5 runs
    python bench/bench_report.py --shards 300 --resources 36000 --runs 3

The shards are real check results: bench/gen_plan.py writes a plan of R resources,
`driftguard check PLAN --format json` checks it once, and the report is cut into S shard
reports by resource (all findings of one resource in one shard, as a unit lives in one
shard), each rendered by driftguard's JSON renderer with every rule and its share of the
plan's resources. Then `CMD report DIR/shard-*.json --format json --output merged.json`
runs once to warm up and N timed runs, each its own process (bench_check.run_once). The
merged report must hold exactly the findings of the full check: the benchmark says so or
fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import sys
import tempfile
from pathlib import Path

from bench_check import REPO, RunFailed, generate, run_once


def split(report: Path, shards: int, workdir: Path) -> list[Path]:
    """The check report cut into `shards` JSON reports, by resource address."""
    sys.path.insert(0, str(REPO))
    from driftguard.report.json_report import render
    from driftguard.results.reader import read_report

    full = read_report(str(report), report.read_bytes())
    addresses = sorted({f.resource_address for f in full.findings})
    share = {a: i % shards for i, a in enumerate(addresses)}
    paths = []
    for i in range(shards):
        part = full.model_copy(update={
            "findings": [f for f in full.findings if share[f.resource_address] == i],
            "resources": full.resources // shards + (i < full.resources % shards),
            "sources": [s.model_copy(update={"path": f"{s.path}#shard-{i}"})
                        for s in full.sources],
        })
        path = workdir / f"shard-{i:03d}.json"
        path.write_text(render(part), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs (default 5)")
    parser.add_argument("--shards", type=int, default=150, help="shard reports (default 150)")
    parser.add_argument("--resources", type=int, default=18000,
                        help="plan size; 18,000 gives about 10,000 findings (default)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="keep the files here (default: temp)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.shards < 1:
        parser.error("--runs and --shards must be at least 1")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    base = [sys.executable, "-m", "driftguard"]

    with tempfile.TemporaryDirectory(prefix="driftguard-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        try:
            plan, _, _ = generate(args.resources, args.seed, workdir)
            full = workdir / "full.json"
            run_once([*base, "check", str(plan), "--format", "json"], full, workdir, env)
            paths = split(full, args.shards, workdir)
            merged = workdir / "merged.json"
            cmd = [*base, "report", *(str(p) for p in paths), "--format", "json",
                   "--output", str(merged)]
            run_once(cmd, workdir / "stdout.txt", workdir, env)  # warm-up
            runs = [run_once(cmd, workdir / "stdout.txt", workdir, env)
                    for _ in range(args.runs)]
        except RunFailed as exc:
            print(f"benchmark failed: {exc}", file=sys.stderr)
            return 2
        want = sorted(f["fingerprint"] for f in json.loads(full.read_text())["findings"])
        got = sorted(f["fingerprint"] for f in json.loads(merged.read_text())["findings"])
        if got != want:
            print(f"merged report has {len(got)} findings, the full check {len(want)}",
                  file=sys.stderr)
            return 1
        total = sum(p.stat().st_size for p in paths)
        walls = [w for w, _ in runs]
        print(f"command: {shlex.join(base)} report {workdir}/shard-*.json --format json "
              f"--output merged.json")
        print(f"{args.shards} shard reports, {total / 1e6:.1f} MB, {len(want)} findings "
              f"({args.resources} plan resources); {args.runs} runs after 1 warm-up")
        print(f"  wall: median {statistics.median(walls):.2f} s (min {min(walls):.2f}, "
              f"max {max(walls):.2f}); peak RSS median "
              f"{statistics.median(m for _, m in runs):.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
