#!/usr/bin/env python3
"""Scan many accounts: 50 simulated accounts x 3 regions with 1, 2 and 4 shard processes.

    python bench/bench_org.py [--accounts 50] [--regions 3] [--processes 1,2,4] [--runs 3]

One moto server on a free loopback port holds every account (moto keeps a backend per
account id; driftguard reaches each through sts:AssumeRole). Per account: 3 buckets; per
region: 3 security groups (one with SSH open), 2 volumes, 2 instances. driftguard scans
the four types in every (account, region) unit with `driftguard scan --shard I/P`, P
processes at once; wall time until the last one ends, API calls from the JSON reports,
CPU seconds and peak RSS of each process from os.wait4. One warm-up, R timed runs,
medians. Also checks that the shards together saw every unit exactly once.

Prints the per-unit costs the docs' sizing estimate (docs/scale-out.md) starts from.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scan import in_child, start_moto  # noqa: E402

REGIONS = ["eu-west-1", "us-east-1", "us-west-2", "eu-central-1", "ap-southeast-2"]
AMI = "ami-12c6146b"
TYPES = ["aws_s3_bucket", "aws_security_group", "aws_ebs_volume", "aws_instance"]


def account_ids(count: int) -> list[str]:
    return [f"{100000000000 + n:012d}" for n in range(1, count + 1)]


def seed_account(url: str, account: str, regions: list[str]) -> None:
    creds = boto3.client("sts", endpoint_url=url).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/driftguard",
        RoleSessionName="bench")["Credentials"]
    session = boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                            aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"])
    s3 = session.client("s3", endpoint_url=url, region_name=regions[0])
    for i in range(3):
        s3.create_bucket(Bucket=f"ml-{account}-{i}",
                         CreateBucketConfiguration={"LocationConstraint": regions[0]})
    for region in regions:
        ec2 = session.client("ec2", endpoint_url=url, region_name=region)
        for i in range(3):
            group = ec2.create_security_group(GroupName=f"sg-{i}", Description="bench")
            port, cidr = (22, "0.0.0.0/0") if i == 0 else (443, "10.0.0.0/8")
            ec2.authorize_security_group_ingress(GroupId=group["GroupId"], IpPermissions=[{
                "IpProtocol": "tcp", "FromPort": port, "ToPort": port,
                "IpRanges": [{"CidrIp": cidr}]}])
        for i in range(2):
            ec2.create_volume(AvailabilityZone=f"{region}a", Size=50, Encrypted=i == 0)
        ec2.run_instances(ImageId=AMI, InstanceType="t3.large", MinCount=2, MaxCount=2)


def seed_all(url: str, accounts: list[str], regions: list[str]) -> None:
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda a: seed_account(url, a, regions), accounts))


def run(processes: int, config: Path, env: dict[str, str], work: Path) -> dict[str, float]:
    started = time.perf_counter()
    procs = []
    for index in range(processes):
        out = work / f"shard-{index}-of-{processes}.json"
        proc = subprocess.Popen(
            [sys.executable, "-m", "driftguard", "scan", "-c", str(config), "-f", "json",
             "-o", str(out), "--shard", f"{index}/{processes}"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        procs.append((proc, out))
    cpu, peak = 0.0, 0.0
    for proc, _ in procs:
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        cpu += usage.ru_utime + usage.ru_stime
        peak = max(peak, usage.ru_maxrss / 1024)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"a shard failed ({proc.returncode}): "
                             f"{proc.stderr.read().decode() if proc.stderr else ''}")
    wall = time.perf_counter() - started
    reports = [json.loads(out.read_text()) for _, out in procs]
    units = [u for r in reports for u in r["units"]]
    if len(units) != len(set(units)):
        raise SystemExit("a unit was scanned by two shards")
    if any(r["not_checked"] for r in reports):
        raise SystemExit(f"incomplete: {[r['not_checked'][:2] for r in reports]}")
    calls = sum(sum(r["api_calls"].values()) for r in reports)
    return {"wall": wall, "cpu": cpu, "peak_mb": peak, "calls": calls, "units": len(units),
            "findings": sum(len(r["findings"]) for r in reports)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=50)
    parser.add_argument("--regions", type=int, default=3)
    parser.add_argument("--processes", default="1,2,4")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="driftguard-org-bench-"))
    moto, url = start_moto(work / "moto.log")
    env = {**os.environ, "AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "bench",
           "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1",
           "AWS_DEFAULT_REGION": "us-east-1"}
    os.environ.update(env)
    try:
        regions, accounts = REGIONS[:args.regions], account_ids(args.accounts)
        started = time.perf_counter()
        in_child(seed_all, url, accounts, regions)
        print(f"seeded {len(accounts)} accounts x {len(regions)} regions in "
              f"{time.perf_counter() - started:.0f}s; work dir {work}")
        config = work / "driftguard.yaml"
        config.write_text(yaml.safe_dump({
            "accounts": [{"id": a, "role_arn": f"arn:aws:iam::{a}:role/driftguard",
                          "regions": regions} for a in accounts],
            "scan": {"types": TYPES}}))
        rows = []
        for processes in [int(p) for p in args.processes.split(",")]:
            run(processes, config, env, work)  # warm-up
            runs = [run(processes, config, env, work) for _ in range(args.runs)]
            median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            rows.append((processes, median, [r["wall"] for r in runs]))
    finally:
        moto.terminate()
    base = rows[0][1]["wall"]
    print("\n| processes | units | wall s (median) | runs | speed-up | API calls | "
          "calls/unit | CPU s/unit | peak MB/process |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for processes, m, walls in rows:
        print(f"| {processes} | {m['units']:.0f} | {m['wall']:.1f} | "
              f"{', '.join(f'{w:.1f}' for w in walls)} | {base / m['wall']:.2f}x | "
              f"{m['calls']:.0f} | {m['calls'] / m['units']:.1f} | "
              f"{m['cpu'] / m['units']:.3f} | {m['peak_mb']:.0f} |")
    one = rows[0][1]
    print(f"\nper unit (1 process): {one['wall'] / one['units']:.3f} s wall, "
          f"{one['cpu'] / one['units']:.3f} s CPU, {one['calls'] / one['units']:.1f} API calls")
    print(f"findings: {Counter(int(m['findings']) for _, m, _ in rows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
