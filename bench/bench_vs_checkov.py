#!/usr/bin/env python3
"""driftguard vs checkov: `check` time and finding parity on the same generated plans.

    python bench/bench_vs_checkov.py [--runs 3] [--sizes 1000,10000] [--seed 1]

checkov is installed with pip into its own virtual environment, bench/.venv-checkov
(created on first use, reused after; `--venv` moves it, `--checkov-spec` pins a version).
For each size: generate a plan with bench/gen_plan.py (same seed for every tool), then run,
each as a whole process, one warm-up and R timed runs (medians; wall time and peak RSS of
the child through os.wait4):

  driftguard       driftguard check PLAN --format json
  checkov mapped   checkov -f PLAN --framework terraform_plan -o json --quiet --compact
                   --skip-download --check <the checkov ids that driftguard's rules map to>
  checkov all      the same without --check: every check checkov has for the plan

`--skip-download` keeps checkov off the network (its platform guidelines download), so
neither tool's time includes a network round trip. The mapping from rule to checkov ids
is `driftguard rules --format json` (each rule's references.checkov).

Finding parity, per mapped rule: the resource addresses that checkov FAILS (any of the
rule's checkov ids) against the addresses that driftguard reports (deny or warn). Both
tools print plan addresses in Terraform's form, module instance keys included. checkov
reports standalone split resources (aws_security_group_rule, aws_s3_bucket_versioning,
...) under their own address, driftguard folds them into their bucket or group; so the
comparison is shown raw and after folding checkov's split-resource addresses into their
parent (joined through the plan's configuration references, as driftguard does). Each
remaining difference gets a category from evidence in the plan, with a few examples.

Targets (the issue): at 10,000 resources driftguard at least 10x faster than checkov
running the same (mapped) checks, and no loss of findings for the rules both implement.
Stdlib only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_VENV = HERE / ".venv-checkov"
TARGET_RATIO = 10.0
TARGET_SIZE = 10000

# Standalone resources that configure a parent resource: (parent type, attribute that
# references it). driftguard folds them into the parent; checkov checks them on their own.
SPLIT_PARENT: dict[str, tuple[str, str]] = {
    "aws_s3_bucket_server_side_encryption_configuration": ("aws_s3_bucket", "bucket"),
    "aws_s3_bucket_versioning": ("aws_s3_bucket", "bucket"),
    "aws_s3_bucket_public_access_block": ("aws_s3_bucket", "bucket"),
    "aws_s3_bucket_acl": ("aws_s3_bucket", "bucket"),
    "aws_s3_bucket_policy": ("aws_s3_bucket", "bucket"),
    "aws_s3_bucket_logging": ("aws_s3_bucket", "bucket"),
    "aws_s3_bucket_ownership_controls": ("aws_s3_bucket", "bucket"),
    "aws_security_group_rule": ("aws_security_group", "security_group_id"),
    "aws_vpc_security_group_ingress_rule": ("aws_security_group", "security_group_id"),
    "aws_vpc_security_group_egress_rule": ("aws_security_group", "security_group_id"),
}

# Which split resource a checkov check reads, when it judges the parent (for explaining
# differences: "checkov did not connect X", "checkov passes a bucket without X").
CHECK_READS_SPLIT: dict[str, str] = {
    "CKV_AWS_19": "aws_s3_bucket_server_side_encryption_configuration",
    "CKV_AWS_145": "aws_s3_bucket_server_side_encryption_configuration",
    "CKV_AWS_21": "aws_s3_bucket_versioning",
    "CKV2_AWS_6": "aws_s3_bucket_public_access_block",
    "CKV_AWS_53": "aws_s3_bucket_public_access_block",
    "CKV_AWS_54": "aws_s3_bucket_public_access_block",
    "CKV_AWS_55": "aws_s3_bucket_public_access_block",
    "CKV_AWS_56": "aws_s3_bucket_public_access_block",
}


# --------------------------------------------------------------------------- processes

def run_once(cmd: list[str], stdout: Path,
             env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS MB) of one run; exit codes 0 and 1 both mean 'ran'."""
    with open(stdout, "wb") as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            err.seek(0)
            tail = err.read().decode(errors="replace")[-3000:]
            sys.exit(f"{shlex.join(cmd)} exited {code}:\n{tail}")
    return wall, usage.ru_maxrss / 1024  # Linux: KiB


# --------------------------------------------------------------------------- checkov venv

def ensure_checkov(venv: Path, spec: str) -> Path:
    """bench/.venv-checkov/bin/checkov, created with `pip install checkov` when missing."""
    checkov = venv / "bin" / "checkov"
    if checkov.exists():
        return checkov
    print(f"creating {venv} and installing {spec} with pip (takes a few minutes) ...",
          flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    log = venv / "pip-install.log"
    with open(log, "wb") as fh:
        proc = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install",
                               "--quiet", spec], stdout=fh, stderr=subprocess.STDOUT)
    if proc.returncode != 0 or not checkov.exists():
        tail = log.read_text(errors="replace")[-3000:]
        sys.exit(f"pip install {spec} into {venv} failed (log: {log}):\n{tail}")
    return checkov


def checkov_version(checkov: Path) -> str:
    proc = subprocess.run([str(checkov), "--version"], capture_output=True, text=True)
    return proc.stdout.strip() or proc.stderr.strip()


# --------------------------------------------------------------------------- the plan

def _strip_keys(module_address: str) -> str:
    """module.teams["a"].module.stack[0] -> module.teams.module.stack (configuration path)."""
    return re.sub(r'\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]', "", module_address)


def _index_suffix(index: Any) -> str:
    if index is None:
        return ""
    return f"[{index}]" if isinstance(index, int) else f"[{json.dumps(index)}]"


class PlanIndex:
    """Addresses, values and split-resource -> parent links of one plan."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.changes: dict[str, dict[str, Any]] = {}
        for rc in doc.get("resource_changes", []):
            if rc.get("mode", "managed") != "managed":
                continue
            if rc.get("change", {}).get("actions") == ["delete"]:
                continue
            self.changes[rc["address"]] = rc
        self.config: dict[tuple[str, str], dict[str, Any]] = {}
        root = doc.get("configuration", {}).get("root_module", {})
        self._walk_config(root, "")
        self._by_value: dict[tuple[str, str], str] = {}  # (type, bucket name or id) -> addr
        for address, rc in self.changes.items():
            if rc["type"] in ("aws_s3_bucket", "aws_security_group"):
                after = rc["change"].get("after") or {}
                for key in ("bucket", "id"):
                    if isinstance(after.get(key), str) and after[key]:
                        self._by_value[(rc["type"], after[key])] = address
        self.checkov_failed: dict[str, set[str]] = {}  # check id -> addresses (parity sets)
        self.parent: dict[str, str] = {}  # split resource address -> parent address
        self.children: dict[str, list[str]] = defaultdict(list)
        for address, rc in self.changes.items():
            parent = self._resolve_parent(rc)
            if parent:
                self.parent[address] = parent
                self.children[parent].append(address)

    def _walk_config(self, module: dict[str, Any], path: str) -> None:
        for res in module.get("resources", []):
            self.config[(path, f"{res['type']}.{res['name']}")] = res
        for name, call in module.get("module_calls", {}).items():
            child = f"{path}.module.{name}" if path else f"module.{name}"
            self._walk_config(call.get("module", {}), child)

    def _resolve_parent(self, rc: dict[str, Any]) -> str | None:
        """The bucket or group a split resource configures: by known value, else by the
        configuration's references (the module instance and for_each key of the child)."""
        if rc["type"] not in SPLIT_PARENT:
            return None
        parent_type, attr = SPLIT_PARENT[rc["type"]]
        value = (rc["change"].get("after") or {}).get(attr)
        if isinstance(value, str) and value:
            found = self._by_value.get((parent_type, value))
            if found:
                return found
        module_address = rc.get("module_address", "")
        cfg = self.config.get((_strip_keys(module_address), f"{rc['type']}.{rc['name']}"))
        refs = (cfg or {}).get("expressions", {}).get(attr, {}).get("references", [])
        prefix = f"{module_address}." if module_address else ""
        keyed = any(r in ("each.key", "count.index") for r in refs)
        for ref in refs:
            m = re.match(rf"^{parent_type}\.([A-Za-z0-9_-]+)(?:\[([^\]]+)\])?", ref)
            if not m:
                continue
            name, index = m.groups()
            own = _index_suffix(rc.get("index"))
            if index in ("each.key", "count.index") or (index is None and keyed):
                suffixes = [own]
            elif index is None:
                suffixes = ["", own]
            else:
                suffixes = [f"[{index}]"]
            for suffix in suffixes:
                candidate = f"{prefix}{parent_type}.{name}{suffix}"
                if candidate in self.changes:
                    return candidate
        return None

    def fold(self, address: str) -> str:
        return self.parent.get(address, address)

    def own_children(self, address: str, split_type: str) -> list[str]:
        return [c for c in self.children.get(address, []) if self.changes[c]["type"] == split_type]

    def siblings_children(self, address: str, split_type: str) -> list[str]:
        """split_type resources of the other instances of the same for_each/count block."""
        base = re.sub(r'\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]$', "", address)
        out = []
        for parent, kids in self.children.items():
            if parent != address and re.sub(r'\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]$', "",
                                            parent) == base:
                out += [k for k in kids if self.changes[k]["type"] == split_type]
        return out

    def after(self, address: str) -> dict[str, Any]:
        return self.changes[address]["change"].get("after") or {}


def describe_split(plan: PlanIndex, address: str) -> str:
    """A short description of a split resource's settings, as evidence."""
    after, kind = plan.after(address), plan.changes[address]["type"]
    if kind.endswith("server_side_encryption_configuration"):
        try:
            d = after["rule"][0]["apply_server_side_encryption_by_default"][0]
            key = d.get("kms_master_key_id") or "no kms_master_key_id"
            return f"sse_algorithm={d.get('sse_algorithm')}, {key}"
        except (KeyError, IndexError, TypeError):
            return "no default encryption rule"
    if kind.endswith("_versioning"):
        try:
            return f"status={after['versioning_configuration'][0]['status']}"
        except (KeyError, IndexError, TypeError):
            return "no versioning_configuration"
    if kind.endswith("public_access_block"):
        flags = ("block_public_acls", "block_public_policy", "ignore_public_acls",
                 "restrict_public_buckets")
        return "all four blocks true" if all(after.get(f) for f in flags) else \
            ", ".join(f"{f}={after.get(f)}" for f in flags)
    return kind


# --------------------------------------------------------------------------- parity

# Kinds of difference. Only "unexplained" checkov-only findings count as lost.
MATCH = "same finding"
CK_NOT_JOINED = "checkov false positive"
OTHER_RULE = "other rule"
CK_MISS = "checkov miss"
DIFFERENT = "rule semantics differ"
UNKNOWN = "unknown until apply"
UNEXPLAINED = "unexplained"
# checkov checks that pass a bucket only through a connected split resource (or an inline
# attribute of the bucket): when one passes a bucket without its own split resource and
# without the inline attribute, checkov must have connected another resource to it.
NEEDS_CONNECTION = {"CKV2_AWS_6", "CKV_AWS_21", "CKV_AWS_145"}
INLINE = {  # the bucket's own (legacy inline / refreshed) attribute each check also reads
    "aws_s3_bucket_versioning": ("versioning", "enabled"),
    "aws_s3_bucket_server_side_encryption_configuration": (
        "server_side_encryption_configuration", "rule"),
}


@dataclass
class RuleParity:
    rule: str
    checks: list[str]
    raw: tuple[int, int, int]  # both, only-checkov, only-driftguard (addresses as printed)
    folded: tuple[int, int, int]  # the same after folding split resources into parents
    checkov_total: int
    driftguard_total: int
    # (side, kind, explanation) -> example lines
    categories: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)

    @property
    def lost(self) -> int:
        return sum(len(v) for (side, kind, _), v in self.categories.items()
                   if side == "checkov" and kind == UNEXPLAINED)


def keyed_module(address: str) -> bool:
    return bool(re.search(r"module\.[A-Za-z0-9_-]+\[", address))


def inline_value(plan: PlanIndex, bucket: str, split: str) -> Any:
    if split not in INLINE:
        return None
    attr, inner = INLINE[split]
    value = plan.after(bucket).get(attr)
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0].get(inner) or None
    return None


def _direction(plan: PlanIndex, rule_address: str) -> str:
    """ingress or egress, for a standalone security group rule."""
    rc = plan.changes[rule_address]
    if rc["type"].startswith("aws_vpc_security_group_"):
        return rc["type"].split("_")[-2]
    return str(plan.after(rule_address).get("type", ""))


def explain(rule: str, address: str, side: str, plan: PlanIndex, ck_failed: list[str],
            ck_ids: list[str], dg_finding: dict[str, Any] | None,
            dg_other_rules: list[str]) -> tuple[str, str, str]:
    """(kind, explanation, example) for an address (after folding) that one tool reports."""
    msg = f"driftguard: {dg_finding['message']}" if dg_finding else ""
    if side == "driftguard" and dg_finding and dg_finding.get("unknown_until_apply"):
        return (UNKNOWN, "value unknown until apply: driftguard reports it, checkov passes it",
                f"{address}: {msg}")
    checks = ck_failed if side == "checkov" else ck_ids
    splits = sorted({CHECK_READS_SPLIT[c] for c in checks if c in CHECK_READS_SPLIT})
    kind_of_resource = plan.changes.get(address, {}).get("type", "")
    for split in splits if kind_of_resource == "aws_s3_bucket" else []:
        own = plan.own_children(address, split)
        short = split.removeprefix("aws_s3_bucket_")
        inline = inline_value(plan, address, split)
        if side == "checkov":
            on_bucket = any(address in plan.checkov_failed.get(c, set()) for c in checks)
            if own and on_bucket:
                where = " in a for_each/count module instance" if keyed_module(address) else ""
                return (CK_NOT_JOINED,
                        f"checkov did not connect the bucket's own {split}{where} "
                        f"(driftguard joins it through the configuration's references) and "
                        f"failed the bucket",
                        f"{address}: its {short} is {own[0]} ({describe_split(plan, own[0])})")
            if dg_other_rules:
                return (OTHER_RULE, f"bucket without {short}: checkov {'/'.join(checks)} "
                        f"fails it, driftguard reports it under {', '.join(dg_other_rules)}",
                        f"{address}")
            if not own:
                return (UNEXPLAINED, f"bucket without {short}: checkov {'/'.join(checks)} "
                        f"fails it, driftguard {rule} does not", address)
        else:
            if own:
                return (DIFFERENT, f"both see the bucket's {short}; the rules judge its "
                        f"settings differently", f"{address}: {short} "
                        f"({describe_split(plan, own[0])}); {msg}")
            needs = [c for c in ck_ids if c in NEEDS_CONNECTION and CHECK_READS_SPLIT[c] == split]
            if needs and not inline:
                sib = plan.siblings_children(address, split)
                if sib:
                    return (CK_MISS, f"bucket without {short}: checkov {'/'.join(needs)} "
                            f"passes it only with a connected {short}, so it connected a "
                            f"sibling instance's one", f"{address}: sibling {sib[0]}; {msg}")
            if inline:
                return (DIFFERENT, f"bucket without a {short} resource: checkov passes it on "
                        f"the bucket's inline attribute ({INLINE[split][0]}), driftguard "
                        f"does not", f"{address}: inline {INLINE[split][0]} = "
                        f"{json.dumps(inline)[:80]}; {msg}")
            return (DIFFERENT, f"bucket without {short}: driftguard fails it, checkov "
                    f"{'/'.join(ck_ids)} passes it (absence taken as the AWS default)",
                    f"{address}: {msg}")
    if side == "driftguard" and kind_of_resource == "aws_security_group":
        passed = sorted((c for c in plan.children.get(address, [])
                         if not any(c in plan.checkov_failed.get(i, set()) for i in ck_ids)),
                        key=lambda c: (_direction(plan, c) not in msg,  # the finding's
                                       "/0" not in json.dumps(plan.after(c))))  # open first
        if passed:
            c = passed[0]
            a = plan.after(c)
            keys = ("type", "protocol", "ip_protocol", "from_port", "to_port", "cidr_blocks",
                    "cidr_ipv4", "ipv6_cidr_blocks", "prefix_list_ids")
            shown = ", ".join(f"{k}={json.dumps(a[k])}" for k in keys if k in a)
            actions = "/".join(plan.changes[c]["change"].get("actions", []))
            return (CK_MISS, f"driftguard folds the group's split rules into it; checkov "
                    f"passes those rules ({plan.changes[c]['type']}) and the group",
                    f"{address}: {c} ({actions}: {shown}); {msg}")
    if side == "checkov":
        if dg_other_rules:
            return (OTHER_RULE, f"checkov {'/'.join(checks)} fails it, driftguard reports it "
                    f"under {', '.join(dg_other_rules)}", address)
        return (UNEXPLAINED, f"checkov {'/'.join(checks)} fails it, driftguard passes it",
                address)
    return (DIFFERENT, "driftguard reports it, checkov passes it", f"{address}: {msg}")


def parity(rules: list[dict[str, Any]], ck_doc: Any, dg_doc: dict[str, Any],
           plan: PlanIndex) -> list[RuleParity]:
    reports = ck_doc if isinstance(ck_doc, list) else [ck_doc]
    failed: dict[str, set[str]] = defaultdict(set)  # check id -> addresses
    for rep in reports:
        for f in rep.get("results", {}).get("failed_checks", []):
            failed[f["check_id"]].add(f.get("resource_address") or f["resource"])
    plan.checkov_failed = failed
    dg: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)  # rule -> address -> finding
    for f in dg_doc["findings"]:
        if f["level"] in ("deny", "warn"):
            dg[f["rule_id"]].setdefault(f["resource"]["address"], f)
    mapped_rules_of: dict[str, list[str]] = defaultdict(list)
    for rule in rules:
        if rule.get("references", {}).get("checkov"):
            for a in dg[rule["id"]]:
                mapped_rules_of[a].append(rule["id"])
    out = []
    for rule in rules:
        ids = rule.get("references", {}).get("checkov", [])
        if not ids:
            continue
        ck = set().union(*(failed[i] for i in ids))
        d = set(dg[rule["id"]])
        raw = (len(ck & d), len(ck - d), len(d - ck))
        folded_ck = {plan.fold(a) for a in ck}
        folded = (len(folded_ck & d), len(folded_ck - d), len(d - folded_ck))
        cats: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        for a in sorted(ck - d):
            p = plan.fold(a)
            if p != a and p in d:
                cats[("checkov", MATCH, f"split resource: checkov reports the "
                      f"{plan.changes[a]['type']}, driftguard folds it into its "
                      f"{plan.changes[p]['type']}")].append(f"{a} -> {p}")
        for a in sorted(folded_ck - d):
            ck_failed = sorted({i for i in ids if a in failed[i]
                                or any(plan.fold(x) == a for x in failed[i])})
            others = [r for r in mapped_rules_of.get(a, []) if r != rule["id"]]
            kind, why, line = explain(rule["id"], a, "checkov", plan, ck_failed, ids, None,
                                      others)
            cats[("checkov", kind, why)].append(line)
        for a in sorted(d - folded_ck):
            kind, why, line = explain(rule["id"], a, "driftguard", plan, [], ids,
                                      dg[rule["id"]][a], [])
            cats[("driftguard", kind, why)].append(line)
        out.append(RuleParity(rule["id"], ids, raw, folded, len(ck), len(d), dict(cats)))
    return out


def print_parity(results: list[RuleParity], examples: int) -> int:
    """Print the per-rule table and the categorized differences; returns the lost count."""
    print(f"  {'rule':<11} {'checkov ids':<24} {'ckv':>5} {'dg':>5} | {'both':>5} "
          f"{'only-ck':>7} {'only-dg':>7} | folded: {'both':>5} {'only-ck':>7} {'only-dg':>7}"
          f" | lost")
    for r in results:
        ids = ",".join(r.checks)
        ids = ids if len(ids) <= 24 else ids[:21] + "..."
        print(f"  {r.rule:<11} {ids:<24} {r.checkov_total:>5} {r.driftguard_total:>5} | "
              f"{r.raw[0]:>5} {r.raw[1]:>7} {r.raw[2]:>7} |         {r.folded[0]:>5} "
              f"{r.folded[1]:>7} {r.folded[2]:>7} | {r.lost:>4}")
    for r in results:
        if not r.categories:
            continue
        print(f"\n  {r.rule} ({','.join(r.checks)}):")
        for (side, kind, why), lines in r.categories.items():
            who = "checkov only" if side == "checkov" else "driftguard only"
            if kind == MATCH:
                who = "both, after folding"
            print(f"    {len(lines):>5}  {who}, {kind}: {why}")
            for line in lines[:examples]:
                print(f"           e.g. {line}")
    return sum(r.lost for r in results)


# --------------------------------------------------------------------------- main

TOOLS = ("driftguard", "checkov-mapped", "checkov-all")


def measure(args: argparse.Namespace, work: Path, rules: list[dict[str, Any]],
            mapped: list[str], checkov: Path) -> dict[str, Any]:
    """Generate the plans, time every tool; saves and returns {size: {tool: runs}}."""
    dg_base = shlex.split(args.driftguard)
    # checkov's own environment variables: no platform mapping download, no colour.
    ck_env = dict(os.environ, BC_SKIP_MAPPING="TRUE", ANSI_COLORS_DISABLED="1",
                  LOG_LEVEL="ERROR")
    sizes = [int(s) for s in args.sizes.split(",")]
    commands: dict[int, dict[str, tuple[list[str], dict[str, str] | None]]] = {}
    for size in sizes:
        plan_path = work / f"plan-{size}.json"
        subprocess.run([sys.executable, str(HERE / "gen_plan.py"), "--resources", str(size),
                        "--seed", str(args.seed), "--shape", "compact", "--out", str(plan_path)],
                       check=True,
                       stdout=subprocess.DEVNULL)
        ck = [str(checkov), "-f", str(plan_path), "--framework", "terraform_plan",
              "-o", "json", "--quiet", "--compact", "--skip-download"]
        commands[size] = {
            "driftguard": ([*dg_base, "check", str(plan_path), "--format", "json"], None),
            "checkov-mapped": ([*ck, "--check", ",".join(mapped)], ck_env),
        }
        if not args.no_full:
            commands[size]["checkov-all"] = (ck, ck_env)
    # One untimed run of each tool on the smallest plan: imports compiled, files cached.
    for cmd, env in commands[min(sizes)].values():
        for _ in range(args.warmup):
            run_once(cmd, work / "warmup.json", env)
    results: dict[str, Any] = {"runs": args.runs, "seed": args.seed,
                               "checkov": checkov_version(checkov), "sizes": {}}
    for size in sizes:
        results["sizes"][str(size)] = {}
        for tool, (cmd, env) in commands[size].items():
            out = work / f"{tool}-{size}.json"
            walls, peaks = [], []
            for i in range(args.runs):
                wall, peak = run_once(cmd, out, env)
                walls.append(wall)
                peaks.append(peak)
                print(f"[{size}] {tool} run {i + 1}/{args.runs}: {wall:.2f} s, "
                      f"{peak:.0f} MB", flush=True)
            results["sizes"][str(size)][tool] = {"walls": walls, "peaks_mb": peaks,
                                                 "command": shlex.join(cmd)}
            (work / "timings.json").write_text(json.dumps(results, indent=1))
    return results


def report(results: dict[str, Any], work: Path, rules: list[dict[str, Any]],
           examples: int) -> None:
    print(f"\nTiming: wall seconds, median of {results['runs']} runs (peak RSS MB, median)\n")
    print(f"{'resources':>9}  {'driftguard':>14}  {'checkov mapped':>16}  "
          f"{'checkov all':>16}  {'ratio mapped':>12}  {'ratio all':>9}")
    med = statistics.median
    ratios: dict[int, tuple[float, float | None]] = {}
    for size_s, tools in results["sizes"].items():
        size = int(size_s)
        if "driftguard" not in tools or "checkov-mapped" not in tools:
            continue
        dg, ckm, cka = tools["driftguard"], tools["checkov-mapped"], tools.get("checkov-all")
        d, m = med(dg["walls"]), med(ckm["walls"])
        a = med(cka["walls"]) if cka else None
        ratios[size] = (m / d, a / d if a else None)
        all_s = f"{a:7.2f} ({med(cka['peaks_mb']):5.0f})" if cka and a else f"{'-':>16}"
        ratio_all = f"{a / d:8.1f}x" if a else f"{'-':>9}"
        print(f"{size:>9}  {d:6.2f} ({med(dg['peaks_mb']):5.0f})  {m:7.2f} "
              f"({med(ckm['peaks_mb']):5.0f})  {all_s}  {m / d:11.1f}x  {ratio_all}")
    if TARGET_SIZE in ratios:
        rm, ra = ratios[TARGET_SIZE]
        print(f"\ntarget at {TARGET_SIZE} resources, driftguard >= {TARGET_RATIO:.0f}x faster "
              f"than checkov on the same (mapped) checks: "
              f"{'met' if rm >= TARGET_RATIO else 'MISSED'} ({rm:.1f}x)"
              + (f"; against checkov's full default run: {ra:.1f}x" if ra else ""))

    totals = {"checkov-only": 0, "explained": 0, "lost": 0}
    for size_s in results["sizes"]:
        plan_path = work / f"plan-{size_s}.json"
        dg_out, ck_out = work / f"driftguard-{size_s}.json", work / f"checkov-mapped-{size_s}.json"
        if not (dg_out.exists() and ck_out.exists()):
            continue
        plan = PlanIndex(json.loads(plan_path.read_text()))
        found = parity(rules, json.loads(ck_out.read_text()), json.loads(dg_out.read_text()),
                       plan)
        print(f"\nFinding parity at {size_s} resources: checkov FAILED (mapped checks) vs "
              f"driftguard deny+warn, per rule.\n'folded' maps checkov's split-resource "
              f"addresses (aws_security_group_rule, aws_s3_bucket_versioning, ...) to their "
              f"parent.\n")
        lost = print_parity(found, examples)
        totals["checkov-only"] += sum(r.folded[1] for r in found)
        totals["lost"] += lost
    print(f"\nparity target (no finding that checkov reports is missing from driftguard, "
          f"after folding split resources and excluding checkov's own false positives and "
          f"findings driftguard reports under another rule): "
          f"{'met' if totals['lost'] == 0 else 'MISSED'} ({totals['lost']} unexplained "
          f"checkov-only findings of {totals['checkov-only']} checkov-only in all)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per tool (median)")
    parser.add_argument("--warmup", type=int, default=1,
                        help="untimed runs of each tool on the smallest plan first")
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV,
                        help="checkov's virtual environment (created when missing)")
    parser.add_argument("--checkov-spec", default="checkov",
                        help="what to pip install, e.g. checkov==3.3.30")
    parser.add_argument("--driftguard", default=f"{shlex.quote(sys.executable)} -m driftguard",
                        help="how to run driftguard (default: this Python's module)")
    parser.add_argument("--examples", type=int, default=3, help="examples per difference")
    parser.add_argument("--no-full", action="store_true",
                        help="skip the full (all checks) checkov run")
    parser.add_argument("--keep", type=Path, help="keep plans, reports and timings here")
    parser.add_argument("--report", type=Path, metavar="DIR",
                        help="only print the tables from a --keep folder of an earlier run")
    args = parser.parse_args()

    dg_base = shlex.split(args.driftguard)
    rules = json.loads(subprocess.run([*dg_base, "rules", "--format", "json"], check=True,
                                      capture_output=True, text=True).stdout)
    mapped = sorted({c for r in rules for c in r.get("references", {}).get("checkov", [])})
    if args.report:
        results = json.loads((args.report / "timings.json").read_text())
        print(f"report of the run kept in {args.report}: checkov {results['checkov']}")
        report(results, args.report, rules, args.examples)
        return

    checkov = ensure_checkov(args.venv, args.checkov_spec)
    print(f"checkov {checkov_version(checkov)} ({checkov}); driftguard: {args.driftguard}")
    n_mapped = sum(1 for r in rules if r.get("references", {}).get("checkov"))
    print(f"{len(rules)} driftguard rules, {n_mapped} mapped to {len(mapped)} checkov "
          f"checks: {','.join(mapped)}")
    print(f"{args.runs} timed runs per tool and size, after {args.warmup} untimed run of "
          f"each tool on the smallest plan; {os.cpu_count()} CPUs\n", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-vs-checkov-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        results = measure(args, work, rules, mapped, checkov)
        report(results, work, rules, args.examples)
        if args.keep:
            print(f"\nplans, reports and timings kept in {work}")


if __name__ == "__main__":
    main()
