#!/usr/bin/env python3
"""Time `driftguard check` as a whole process on generated plans (wall time, peak RSS),
side by side with the floor: parsing the same file and nothing else.

    python bench/bench_check.py                      # 1,000, 10,000, 15,000 resources, 5 runs
    python bench/bench_check.py --runs 10 --sizes 10000
    python bench/bench_check.py --shape compact      # the earlier benchmarks' plans
    python bench/bench_check.py --cmd "driftguard"   # an installed console script
    python bench/bench_check.py --check              # exit 1 when a target is missed
    python bench/bench_check.py --engine opa         # the opa engine, against the OPA test
                                                     # double (tests/policy/opa_double.py)
    python bench/bench_check.py --engine opa --opa-url http://127.0.0.1:8181   # a real OPA
    python bench/bench_check.py --baseline "env PYTHONPATH=/tmp/old python -m driftguard"
                                                     # an earlier tree, in the same rounds

For each size: generate a plan with bench/gen_plan.py (the provider shape by default; kept
in --workdir and reused when it is there), run each command once to warm the file cache
and imports, then R rounds that run, one after the other (so that both see the same load
on a shared machine):

  floor       PYTHON -c "import json,gc; gc.disable(); json.load(open(PLAN))"
  driftguard  CMD check PLAN --format json
  baseline    BASELINE check PLAN --format json   (with --baseline: before and after)

Each run is one child process: wall time is time.perf_counter() around start and reap,
peak RSS is the child's ru_maxrss from os.wait4 (KiB on Linux; for driftguard the largest
of its processes: the watchdog, the command and a big plan's check), and the tree's peak
is the sum of all their RSS, sampled every 5 ms (an upper bound: shared pages count
once per process), or with --pss their PSS (shared pages counted once in all). Exit
codes 0 (clean) and 1 (findings) are both a successful run; anything else stops the
benchmark with the command's stderr. The report goes to a file, as a CI job would
capture it. Then the start-up: `CMD --version` and `CMD --help`, R runs each.

Targets (issue 19): driftguard's median within 2.5x of the floor's and its peak RSS (the
largest process's, and the tree's) within 1.5x of the floor's, at every size; 1,000
resources under 0.4 s; --version and --help under 0.15 s.
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
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TIME_RATIO, RSS_RATIO = 2.5, 1.5  # driftguard / floor, medians
SECONDS = {1000: 0.4}  # resources -> median wall seconds
STARTUP_SECONDS = 0.15  # --version, --help
FLOOR = "import json, gc, sys; gc.disable(); json.load(open(sys.argv[1], 'rb'))"


class RunFailed(Exception):
    pass


def run_once(cmd: list[str], out: Path, cwd: Path, env: dict[str, str]
             ) -> tuple[float, float, float]:
    """(wall seconds, peak RSS MB, peak tree RSS MB) of one run of `cmd` as its own
    process. The tree's is the sum of the RSS of the process and all its descendants,
    sampled every 5 ms (/proc/PID/statm: cheap), an upper bound of what they held at once
    (pages they share, such as a forked child's copy of the file, count twice)."""
    with open(out, "wb") as stdout, tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(cmd, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL,
                                    cwd=cwd, env=env)
        except OSError as exc:
            raise RunFailed(f"cannot start {shlex.join(cmd)}: {exc}") from None
        tree = TreeSampler(proc.pid)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        tree_peak = tree.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        if proc.returncode not in (0, 1):
            stderr.seek(0)
            err = stderr.read().decode(errors="replace").strip() or "(no stderr)"
            raise RunFailed(f"{shlex.join(cmd)}\nexited with {proc.returncode} "
                            f"(expected 0 or 1)\n--- stderr ---\n{err}")
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return wall, peak, max(tree_peak, peak)


class TreeSampler(threading.Thread):
    """The peak of the summed RSS (or, with PSS set, proportional set size: a page two
    processes share counts half in each) of a process and its descendants (Linux; 0
    elsewhere). PSS is read from /proc/PID/smaps_rollup, which walks the page tables:
    slower to read, so sampled every 20 ms, and it costs the machine a little CPU."""

    PAGE_MB = os.sysconf("SC_PAGE_SIZE") / (1024 * 1024) if hasattr(os, "sysconf") else 0.0
    PSS = False

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0.0, threading.Event()
        self.start()

    def run(self) -> None:
        size = self.pss if self.PSS else self.rss
        while not self.done.wait(0.02 if self.PSS else 0.005):
            self.peak = max(self.peak, sum(size(p) for p in self.tree()))

    def tree(self) -> list[int]:
        found, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            try:
                with open(f"/proc/{pid}/task/{pid}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
            except OSError:
                pass
        return found

    def rss(self, pid: int) -> float:
        try:
            with open(f"/proc/{pid}/statm") as f:
                return int(f.read().split()[1]) * self.PAGE_MB
        except (OSError, IndexError, ValueError):
            return 0.0

    def pss(self, pid: int) -> float:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        return int(line.split()[1]) / 1024
        except (OSError, IndexError, ValueError):
            pass
        return 0.0

    def stop(self) -> float:
        self.done.set()
        self.join()
        return self.peak


def generate(size: int, seed: int, shape: str, workdir: Path) -> tuple[Path, int]:
    """The plan of `size` resources, generated unless the workdir has it already."""
    plan = workdir / f"plan-{shape}-{size}-seed{seed}.json"
    if not plan.exists():
        proc = subprocess.run([sys.executable, str(HERE / "gen_plan.py"), "--resources",
                               str(size), "--seed", str(seed), "--shape", shape,
                               "--out", str(plan) + ".tmp"], capture_output=True, text=True)
        if proc.returncode != 0:
            raise RunFailed(f"gen_plan.py failed ({proc.returncode}):\n{proc.stderr}")
        os.replace(str(plan) + ".tmp", plan)
    return plan, plan.stat().st_size


def summary(runs: list[tuple[float, float, float]]) -> dict[str, float]:
    walls = [w for w, _, _ in runs]
    return {"median_s": statistics.median(walls), "min_s": min(walls), "max_s": max(walls),
            "median_peak_mb": statistics.median(m for _, m, _ in runs),
            "median_tree_mb": statistics.median(t for _, _, t in runs)}


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
    parser.add_argument("--sizes", default="1000,10000,15000",
                        help="comma-separated resource counts (default 1000,10000,15000)")
    parser.add_argument("--shape", choices=("provider", "compact"), default="provider",
                        help="gen_plan.py --shape (default provider)")
    parser.add_argument("--cmd", help="how to run driftguard, split like a shell would "
                        "(default: this Python with -m driftguard, from this checkout)")
    parser.add_argument("--baseline", help="another driftguard to run in the same rounds "
                        "(an earlier commit's tree), split like --cmd; its medians are "
                        "printed beside the command's")
    parser.add_argument("--seed", type=int, default=1, help="gen_plan.py seed (default 1)")
    parser.add_argument("--workdir", type=Path,
                        help="keep generated plans and reports here (default: a temp dir)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--pss", action="store_true",
                        help="the tree's peak as summed PSS (shared pages counted once), "
                        "not RSS: for memory figures; it slows the runs a little")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a target is missed")
    parser.add_argument("--engine", choices=("embedded", "opa"), default="embedded",
                        help="policy engine (default embedded)")
    parser.add_argument("--opa-url", help="OPA server for --engine opa (default: start the "
                        "test double of tests/policy/opa_double.py in this process)")
    args = parser.parse_args(argv)
    TreeSampler.PSS = args.pss
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes: not a list of numbers: {args.sizes!r}")

    env = dict(os.environ)
    # The warm-up run writes driftguard's .pyc files, as `pip install` does for an
    # installed copy; an environment that forbids them would time the compiler too.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
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
        floor = [sys.executable, "-c", FLOOR]
        print(f"floor:   {shlex.join(floor)} PLAN\n"
              f"command: {shlex.join(base)} check PLAN --format json\n"
              f"({args.runs} rounds after 1 warm-up; {args.shape} plans)")
        try:
            for size in sizes:
                plan, nbytes = generate(size, args.seed, args.shape, workdir)
                report = workdir / f"report-{size}.json"
                cmds = {"floor": [*floor, str(plan)]}
                if args.baseline:
                    cmds["baseline"] = [*shlex.split(args.baseline), "check", str(plan),
                                        "--format", "json"]
                # last: the report described is the command's
                cmds["driftguard"] = [*base, "check", str(plan), "--format", "json"]
                for cmd in cmds.values():  # warm-up: page cache, .pyc files
                    run_once(cmd, report, workdir, env)
                note = describe_report(report)
                runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in cmds}
                for _ in range(args.runs):
                    for name, cmd in cmds.items():
                        runs[name].append(run_once(cmd, report, workdir, env))
                row: dict[str, Any] = {"resources": size, "plan_mb": round(nbytes / 1e6, 1),
                                       "runs": args.runs, "report": note,
                                       **{name: summary(r) for name, r in runs.items()}}
                row["time_ratio"] = row["driftguard"]["median_s"] / row["floor"]["median_s"]
                row["rss_ratio"] = (row["driftguard"]["median_peak_mb"]
                                    / row["floor"]["median_peak_mb"])
                row["tree_ratio"] = (row["driftguard"]["median_tree_mb"]
                                     / row["floor"]["median_tree_mb"])
                row["met"] = (row["time_ratio"] <= TIME_RATIO
                              and max(row["rss_ratio"], row["tree_ratio"]) <= RSS_RATIO
                              and row["driftguard"]["median_s"] < SECONDS.get(size, 1e9))
                missed |= not row["met"]
                results.append(row)
                print(f"  {size} resources: plan {row['plan_mb']} MB; {note}", flush=True)
            startup = {}
            for flag in ("--version", "--help"):
                runs_ = [run_once([*base, flag], workdir / "startup.txt", workdir, env)
                         for _ in range(args.runs + 1)][1:]
                startup[flag] = summary(runs_)
                missed |= startup[flag]["median_s"] >= STARTUP_SECONDS
        except RunFailed as exc:
            print(f"\nbenchmark failed: {exc}", file=sys.stderr)
            return 2

    print()
    print(f"{'resources':>9} {'plan MB':>7}  {'floor s':>7} {'floor MB':>8}  "
          f"{'check s':>7} {'check MB':>8} {'tree MB':>7}  {'time x':>6} {'RSS x':>5} "
          f"{'tree x':>6}  targets")
    for row in results:
        f, d = row["floor"], row["driftguard"]
        limit = f", < {SECONDS[row['resources']]:g} s" if row["resources"] in SECONDS else ""
        print(f"{row['resources']:>9} {row['plan_mb']:>7}  {f['median_s']:>7.2f} "
              f"{f['median_peak_mb']:>8.0f}  {d['median_s']:>7.2f} {d['median_peak_mb']:>8.0f}"
              f" {d['median_tree_mb']:>7.0f}  {row['time_ratio']:>6.2f} {row['rss_ratio']:>5.2f}"
              f" {row['tree_ratio']:>6.2f}  "
              f"{'met' if row['met'] else 'MISSED'} (<= {TIME_RATIO:g}x, <= {RSS_RATIO:g}x"
              f"{limit})")
    if args.baseline:
        print(f"\nbaseline: {args.baseline}")
        for row in results:
            b, d = row["baseline"], row["driftguard"]
            print(f"{row['resources']:>9} resources: baseline {b['median_s']:.2f} s "
                  f"{b['median_peak_mb']:.0f} MB ({b['median_s'] / row['floor']['median_s']:.2f}x "
                  f"the floor); the command {d['median_s'] / b['median_s']:.2f}x its time, "
                  f"{d['median_peak_mb'] / b['median_peak_mb']:.2f}x its peak")
    for flag, row in startup.items():
        print(f"{flag:>9}  median {row['median_s']:.3f} s (min {row['min_s']:.3f}, max "
              f"{row['max_s']:.3f})  target < {STARTUP_SECONDS:g} s")
    if args.json:
        args.json.write_text(json.dumps({"command": base, "engine": args.engine,
                                         "shape": args.shape, "results": results,
                                         "startup": startup}, indent=2) + "\n")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
