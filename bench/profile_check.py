#!/usr/bin/env python3
"""Where `driftguard check` spends its time and memory, stage by stage, in one process.

    python bench/profile_check.py PLAN [--repeat 3] [--tracemalloc] [--cprofile OUT]

Stages, each timed in CPU seconds (time.process_time: on a shared machine, what the stage
costs rather than how long it waited for a core) and wall seconds: import (the modules
`check` needs), read, parse (json), convert (records and Resources: the model), policy
load (files, metadata, the engine), input (the policy input document), evaluate (regorus:
taking the input and running the rules; in process, no watchdog), findings, explain (each
finding's declaration and its resource's names), and report (the JSON report); and what
freeing costs: the parsed document ("free parsed"), and what `check` keeps to its end
instead ("free kept": driftguard/teardown). With --tracemalloc, each stage's peak of
Python allocations too (slower; the times are then not comparable).
The best of --repeat runs is printed per stage (imports are timed once). The parse is
what `check` does: a big plan's parts (declared/plan_parts), whose check of the whole
file runs in a child meanwhile ("check wait": what is left of it after the report), else
jiter over the whole file.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def timed(stages: dict[str, list[tuple[float, float, float]]], name: str,
          work: Callable[[], Any], memory: bool) -> Any:
    if memory:
        tracemalloc.reset_peak()
    cpu, wall = time.process_time(), time.perf_counter()
    out = work()
    peak = tracemalloc.get_traced_memory()[1] / 1e6 if memory else 0.0
    stages.setdefault(name, []).append((time.process_time() - cpu,
                                        time.perf_counter() - wall, peak))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--cprofile", type=Path, help="also write a cProfile of one run here")
    args = parser.parse_args()
    gc.disable()  # as the pipeline runs its stages
    stages: dict[str, list[tuple[float, float, float]]] = {}

    def imports() -> Any:
        from driftguard import pipeline
        from driftguard.config import load_config
        from driftguard.report import FORMATS

        return pipeline, load_config, FORMATS

    pipeline, load_config, formats = timed(stages, "import", imports, False)
    from driftguard.declared import plan_parts, terraform
    from driftguard.declared.files import parse_json
    from driftguard.policy import embedded
    from driftguard.policy import evaluate as policy
    from driftguard.policy.engines import make_engine
    from driftguard.policy.findings import to_findings

    config = load_config(None)

    def run_once(memory: bool) -> None:
        data = timed(stages, "read", lambda: args.plan.read_bytes(), memory)

        def parse() -> tuple[Any, Any]:  # as load_json does: a big plan's parts, or all
            parts = plan_parts.read(str(args.plan), data)
            return parts if parts is not None else (parse_json(str(args.plan), data,
                                                               fast=True), None)

        doc, check = timed(stages, "parse", parse, memory)
        kind, resources = timed(stages, "convert",
                                lambda: terraform.load_document(str(args.plan), doc), memory)

        def load_policies() -> tuple[Any, Any]:
            policies = policy.load(pipeline.policy_dirs(config))
            engine = make_engine(config.engine, policies.files,
                                 policy.policy_data(config.policy.model_dump()),
                                 opa=config.opa, timeout=config.policy_timeout,
                                 builtin=policy.builtin_dir())
            return policies, engine

        policies, engine = timed(stages, "policy load", load_policies, memory)
        doc_in = timed(stages, "input", lambda: policy.policy_input(resources,
                                                                    policies.indexed), memory)
        raw = engine._engine  # the regorus engine itself: no fork, no watchdog

        def evaluate() -> Any:  # as EmbeddedEngine.document does, in process
            raw.set_input_json(embedded._json_text(doc_in))
            return json.loads(raw.eval_query_as_json("data.driftguard.rules"))

        result = timed(stages, "evaluate", evaluate, memory)
        value = (result.get("result") or [{}])[0]["expressions"][0]["value"] or {}
        by_key = {r.key: r for r in resources}
        findings = timed(stages, "findings", lambda: to_findings(value, policies.rules,
                                                                 by_key), memory)

        def explain() -> None:  # as pipeline._check does: the declarations, the names
            pipeline.explain(findings, resources)
            pipeline.name_resources(findings, resources)

        timed(stages, "explain", explain, memory)
        result_obj = pipeline.assemble(config, [], len(resources),
                                       list(policies.rules.values()), findings, None, {})
        timed(stages, "report", lambda: formats["json"](result_obj), memory)
        if check is not None:  # the whole file's check, in its child since the parse
            timed(stages, "check wait", check.passed, memory)
        # What freeing costs: the parsed document, which check frees as it goes, and the
        # resources and the engine with its input, which it keeps to its end (teardown).
        parsed, kept = [doc], [resources, engine, raw, doc_in, by_key, findings, result_obj]
        doc = resources = engine = raw = doc_in = by_key = findings = result_obj = None
        timed(stages, "free parsed", parsed.clear, memory)
        timed(stages, "free kept", kept.clear, memory)

    if args.tracemalloc:
        tracemalloc.start()
    for n in range(args.repeat):
        if args.cprofile and n == 0:
            import cProfile

            prof = cProfile.Profile()
            prof.runcall(run_once, False)
            prof.dump_stats(args.cprofile)
            stages = {k: v for k, v in stages.items() if k == "import"}
            continue
        run_once(args.tracemalloc)

    print(f"{'stage':<12} {'cpu s':>7} {'wall s':>7}{'  peak MB' if args.tracemalloc else ''}")
    total = 0.0
    for name, runs in stages.items():
        cpu, wall, peak = min(runs)
        total += cpu
        print(f"{name:<12} {cpu:>7.3f} {wall:>7.3f}" + (f" {peak:>8.0f}" if args.tracemalloc
                                                        else ""))
    print(f"{'total':<12} {total:>7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
