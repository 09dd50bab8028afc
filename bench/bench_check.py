#!/usr/bin/env python3
"""Time `driftguard check` as a whole process on generated plans (wall time, peak RSS).

    python bench/bench_check.py                      # 1,000 and 10,000 resources, 5 runs
    python bench/bench_check.py --runs 10 --sizes 10000
    python bench/bench_check.py --cmd "driftguard"   # an installed console script
    python bench/bench_check.py --check              # exit 1 when a target is missed
    python bench/bench_check.py --engine opa         # the opa engine, against the OPA test
                                                     # double (tests/policy/opa_double.py)
    python bench/bench_check.py --engine opa --opa-url http://127.0.0.1:8181   # a real OPA

For each size: generate a plan with bench/gen_plan.py into a temporary directory, run
`CMD check PLAN --format json` once to warm the file cache and imports, then R timed runs.
Each run is one child process: wall time is time.perf_counter() around start and reap,
peak RSS is the child's ru_maxrss from os.wait4 (KiB on Linux). Exit codes 0 (clean) and
1 (findings) are both a successful run; anything else stops the benchmark with the
command's stderr. The report goes to a file, as a CI job would capture it.

Targets (10,000 resources): median wall time < 3 s and peak RSS < 400 MB.
Stdlib only (but `--engine opa` without `--opa-url` imports the test double, which needs
regorus).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TARGETS = {10000: (3.0, 400.0)}  # resources -> (median wall seconds, peak MB)


class RunFailed(Exception):
    pass


def run_once(cmd: list[str], out: Path, cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MB) of one run of `cmd` as its own process."""
    with open(out, "wb") as stdout, tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(cmd, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL,
                                    cwd=cwd, env=env)
        except OSError as exc:
            raise RunFailed(f"cannot start {shlex.join(cmd)}: {exc}") from None
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        if proc.returncode not in (0, 1):
            stderr.seek(0)
            err = stderr.read().decode(errors="replace").strip() or "(no stderr)"
            raise RunFailed(f"{shlex.join(cmd)}\nexited with {proc.returncode} "
                            f"(expected 0 or 1)\n--- stderr ---\n{err}")
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return wall, peak


def generate(size: int, seed: int, workdir: Path) -> tuple[Path, float, int]:
    plan = workdir / f"plan-{size}.json"
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(HERE / "gen_plan.py"), "--resources",
                           str(size), "--seed", str(seed), "--out", str(plan)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RunFailed(f"gen_plan.py failed ({proc.returncode}):\n{proc.stderr}")
    return plan, time.perf_counter() - start, plan.stat().st_size


def opa_double() -> Any:
    """The OPA REST test double (regorus behind OPA's API): a measure of the opa engine's
    HTTP round trip and request size handling, not of OPA's own evaluation speed."""
    sys.path.insert(0, str(REPO / "tests/policy"))
    sys.path.insert(0, str(REPO))
    from opa_double import OpaDouble

    return OpaDouble()


def describe_report(path: Path) -> str:
    try:
        doc = json.loads(path.read_text())
        return f"{len(doc.get('findings', []))} findings"
    except (OSError, ValueError, AttributeError):
        return "report is not JSON"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per size (default 5)")
    parser.add_argument("--sizes", default="1000,10000",
                        help="comma-separated resource counts (default 1000,10000)")
    parser.add_argument("--cmd", help="how to run driftguard, split like a shell would "
                        "(default: this Python with -m driftguard, from this checkout)")
    parser.add_argument("--seed", type=int, default=1, help="gen_plan.py seed (default 1)")
    parser.add_argument("--workdir", type=Path,
                        help="keep generated plans and reports here (default: a temp dir)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a size with a target misses it")
    parser.add_argument("--engine", choices=("embedded", "opa"), default="embedded",
                        help="policy engine (default embedded)")
    parser.add_argument("--opa-url", help="OPA server for --engine opa (default: start the "
                        "test double of tests/policy/opa_double.py in this process)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes: not a list of numbers: {args.sizes!r}")

    env = dict(os.environ)
    if args.cmd:
        base = shlex.split(args.cmd)
    else:
        base = [sys.executable, "-m", "driftguard"]
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH"))
                                            if p)

    with tempfile.TemporaryDirectory(prefix="driftguard-bench-") as tmp, \
            contextlib.ExitStack() as servers:
        env["DRIFTGUARD_ENGINE"] = args.engine
        if args.engine == "opa":
            env["DRIFTGUARD_OPA__URL"] = args.opa_url or servers.enter_context(opa_double()).url
            print(f"engine: opa at {env['DRIFTGUARD_OPA__URL']}"
                  f"{'' if args.opa_url else ' (the test double, regorus behind OPA REST)'}")
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        results, missed = [], False
        print(f"command: {shlex.join(base)} check PLAN --format json   "
              f"({args.runs} runs after 1 warm-up)")
        try:
            for size in sizes:
                plan, gen_s, nbytes = generate(size, args.seed, workdir)
                report = workdir / f"report-{size}.json"
                cmd = [*base, "check", str(plan), "--format", "json"]
                run_once(cmd, report, workdir, env)  # warm-up: page cache, .pyc files
                note = describe_report(report)
                runs = [run_once(cmd, report, workdir, env) for _ in range(args.runs)]
                walls = [w for w, _ in runs]
                peaks = [m for _, m in runs]
                row = {"resources": size, "plan_mb": round(nbytes / 1e6, 1),
                       "generate_s": round(gen_s, 2), "runs": args.runs,
                       "median_s": statistics.median(walls), "min_s": min(walls),
                       "max_s": max(walls), "median_peak_mb": statistics.median(peaks),
                       "max_peak_mb": max(peaks), "report": note}
                if size in TARGETS:
                    t_s, t_mb = TARGETS[size]
                    row["target"] = {"median_s": t_s, "peak_mb": t_mb}
                    row["met"] = row["median_s"] < t_s and row["median_peak_mb"] < t_mb
                    missed |= not row["met"]
                results.append(row)
                print(f"  {size} resources: plan {row['plan_mb']} MB generated in "
                      f"{row['generate_s']} s; {note}", flush=True)
        except RunFailed as exc:
            print(f"\nbenchmark failed: {exc}", file=sys.stderr)
            return 2

    print()
    print(f"{'resources':>9}  {'median s':>8}  {'min s':>6}  {'max s':>6}  "
          f"{'peak MB':>7}  target")
    for row in results:
        verdict = "-"
        if "met" in row:
            t = row["target"]
            verdict = (f"{'met' if row['met'] else 'MISSED'} "
                       f"(median < {t['median_s']:g} s, peak < {t['peak_mb']:g} MB)")
        print(f"{row['resources']:>9}  {row['median_s']:>8.2f}  {row['min_s']:>6.2f}  "
              f"{row['max_s']:>6.2f}  {row['median_peak_mb']:>7.0f}  {verdict}")
    if args.json:
        args.json.write_text(json.dumps({"command": base, "engine": args.engine,
                                         "results": results}, indent=2)
                             + "\n")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
