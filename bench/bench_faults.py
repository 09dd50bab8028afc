#!/usr/bin/env python3
"""Every fault case of the hostile test of 2026-12-01 (area 3, "faults in scans"), with
driftguard's default retries: `driftguard scan` of a small estate in a moto server, through
the fault-injecting proxy of the tests (tests/collect/faultproxy.py).

    python bench/bench_faults.py [--only NAME ...] [--timeout 400]

The tests (tests/scan/test_scan_faults.py) run the fast cases with one attempt per call;
this runs them all as users meet them: retries with backoff, the partial faults (30% of
S3 calls throttled, half of EC2's, a fifth of EC2's connections reset), a 40 s answer with a
5 s timeout, and moto killed in the middle of a 400-bucket scan. Each case must end with
exit code 3 (or 0/1 when the retries absorbed the fault), nothing "missing", no internal
error, and the types the fault hit "not checked". One line per case, then a verdict;
exit code 1 if a case fails. Fake credentials only; every process it starts is stopped.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "scan")]

from collect.faultproxy import FaultProxy, Rule  # noqa: E402
from moto_estate import REGION, Estate  # noqa: E402

EC2 = {"aws_instance", "aws_ebs_volume", "aws_security_group", "aws_subnet", "aws_vpc",
       "aws_ebs_encryption_by_default"}

# name: (rules, types that may end up not checked, extra config lines)
CASES: dict[str, tuple[list[Rule], set[str], str]] = {
    "baseline": ([], set(), ""),
    "s3_throttle_all": ([Rule("s3", mode="throttle")], {"aws_s3_bucket"}, ""),
    "s3_throttle_30pct": ([Rule("s3", mode="throttle", share=0.3)], {"aws_s3_bucket"}, ""),
    "ec2_throttle_all": ([Rule("ec2", mode="throttle")], EC2, ""),
    "ec2_throttle_50pct": ([Rule("ec2", mode="throttle", share=0.5)], EC2, ""),
    "rds_throttle_all": ([Rule("rds", mode="throttle")], {"aws_db_instance"}, ""),
    "kms_throttle_detail": ([Rule("kms", "ListResourceTags", "throttle")], {"aws_kms_key"}, ""),
    "sts_throttle": ([Rule("sts", mode="throttle")], {"*"}, ""),
    "sts_denied": ([Rule("sts", mode="accessdenied")], {"*"}, ""),
    "ec2_500": ([Rule("ec2", mode="500")], EC2, ""),
    "s3_reset_all": ([Rule("s3", mode="reset")], {"aws_s3_bucket"}, ""),
    "ec2_reset_20pct": ([Rule("ec2", mode="reset", share=0.2)], EC2, ""),
    "ec2_describe_instances_empty200": ([Rule("ec2", "DescribeInstances", "empty200")],
                                        {"aws_instance"}, ""),
    "ec2_describe_volumes_empty200": ([Rule("ec2", "DescribeVolumes", "empty200")],
                                      {"aws_ebs_volume"}, ""),
    "rds_empty200": ([Rule("rds", "DescribeDBInstances", "empty200")], {"aws_db_instance"}, ""),
    "kms_list_empty200": ([Rule("kms", "ListKeys", "empty200")], {"aws_kms_key"}, ""),
    "ecr_empty200": ([Rule("ecr", "DescribeRepositories", "empty200")],
                     {"aws_ecr_repository"}, ""),
    "s3_listbuckets_empty200": ([Rule("s3", "GET /", "empty200", exact=True)],
                                {"aws_s3_bucket"}, ""),
    "s3_detail_empty200": ([Rule("s3", "?encryption", "empty200")], {"aws_s3_bucket"}, ""),
    "s3_tagging_empty200": ([Rule("s3", "?tagging", "empty200")], {"aws_s3_bucket"}, ""),
    "ec2_garbage200": ([Rule("ec2", "DescribeInstances", "garbage200")], {"aws_instance"}, ""),
    "s3_garbage200": ([Rule("s3", mode="garbage200")], {"aws_s3_bucket"}, ""),
    "ec2_truncate": ([Rule("ec2", "DescribeInstances", "truncate")], {"aws_instance"}, ""),
    "s3_truncate_detail": ([Rule("s3", "?versioning", "truncate")], {"aws_s3_bucket"}, ""),
    "sts_empty200": ([Rule("sts", mode="empty200")], {"*"}, ""),
    "ebs_default_empty200": ([Rule("ec2", "GetEbsEncryptionByDefault", "empty200")],
                             {"aws_ebs_encryption_by_default"}, ""),
    "ec2_sg_empty200": ([Rule("ec2", "DescribeSecurityGroups", "empty200")],
                        {"aws_security_group"}, ""),
    "ec2_subnets_empty200": ([Rule("ec2", "DescribeSubnets", "empty200")], {"aws_subnet"}, ""),
    "ec2_vpcs_empty200": ([Rule("ec2", "DescribeVpcs", "empty200")], {"aws_vpc"}, ""),
    "ec2_slow_40s_timeout5": ([Rule("ec2", "DescribeInstances", "delay:40")], {"aws_instance"},
                              "  timeout: 5\n"),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_moto() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p",
                             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=2).close()
            return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("moto did not start")


def scan(state: Path, config: Path, endpoint: str, timeout: float) -> dict[str, Any]:
    env = {**os.environ, "AWS_ENDPOINT_URL": endpoint}
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "driftguard", "scan", "--state", str(state),
                           "-c", str(config), "--region", REGION, "--no-progress", "-f", "json"],
                          capture_output=True, text=True, env=env, timeout=timeout)
    out: dict[str, Any] = {"rc": proc.returncode, "seconds": time.perf_counter() - started,
                           "stderr": proc.stderr.strip()[:200]}
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        return out
    out.update(missing=[d["id"] for d in report["drift"] if d["kind"] == "missing"],
               not_checked=sorted({g["type"] for g in report["not_checked"]}),
               calls=sum(report["api_calls"].values()))
    return out


def verdict(result: dict[str, Any], hit: set[str]) -> str:
    if "not_checked" not in result:
        return f"FAIL (exit {result['rc']}, no report: {result['stderr']})"
    if result["missing"]:
        return f"FAIL (missing: {result['missing']})"
    if not set(result["not_checked"]) <= hit:
        return f"FAIL (not checked beyond the fault: {result['not_checked']})"
    expected = {3} if result["not_checked"] else {0, 1}
    return "ok" if result["rc"] in expected else f"FAIL (exit {result['rc']})"


def killed_mid_scan(workdir: Path, timeout: float) -> tuple[dict[str, Any], str]:
    """moto SIGKILLed a few seconds into a scan of 400 buckets: not checked, not missing."""
    import boto3

    proc, url = start_moto()
    try:
        s3 = boto3.client("s3", endpoint_url=url, region_name=REGION)
        doc: dict[str, Any] = {"version": 4, "terraform_version": "1.9.5", "serial": 1,
                               "lineage": "bench", "outputs": {}, "resources": []}
        for n in range(400):
            name = f"bulk-{n:04d}"
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={
                "LocationConstraint": REGION})
            doc["resources"].append({"mode": "managed", "type": "aws_s3_bucket",
                                     "name": f"b{n}", "provider": "provider[\"registry."
                                     "terraform.io/hashicorp/aws\"]", "instances": [{
                                         "schema_version": 0, "attributes": {
                                             "id": name, "bucket": name,
                                             "arn": f"arn:aws:s3:::{name}"}}]})
        state = workdir / "bulk.tfstate"
        state.write_text(json.dumps(doc), encoding="utf-8")
        config = workdir / "bulk.yaml"
        config.write_text("aws:\n  timeout: 5\n  rates: {s3: 20}\n", encoding="utf-8")
        threading.Timer(3.0, lambda: os.kill(proc.pid, signal.SIGKILL)).start()
        result = scan(state, config, url, timeout)
        return result, verdict(result, {"aws_s3_bucket"})
    finally:
        proc.kill()
        proc.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="case names (default: all)")
    parser.add_argument("--timeout", type=float, default=400.0, help="seconds per scan")
    args = parser.parse_args()
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION,
                       "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
                       "AWS_CONFIG_FILE": "/nonexistent"})
    chosen = [c for c in [*CASES, "moto_killed_mid_scan"] if not args.only or c in args.only]
    failures = 0
    with tempfile.TemporaryDirectory(prefix="dg-faults-") as tmp:
        workdir = Path(tmp)
        proc, url = start_moto()
        proxy = FaultProxy(url)
        try:
            os.environ["AWS_ENDPOINT_URL"] = url
            state = Estate().build().state.write(workdir / "estate.tfstate")
            for name in chosen:
                if name == "moto_killed_mid_scan":
                    continue
                rules, hit, extra = CASES[name]
                config = workdir / f"{name}.yaml"
                config.write_text(f"aws:\n  max_attempts: 5\n{extra}", encoding="utf-8")
                proxy.inject(*rules)
                result = scan(state, config, proxy.url, args.timeout)
                line = verdict(result, hit)
                failures += line != "ok"
                print(f"{name:34} exit {result['rc']}  {result['seconds']:6.1f}s  "
                      f"not checked {result.get('not_checked')}  {line}", flush=True)
        finally:
            proxy.close()
            proc.kill()
            proc.wait()
        if "moto_killed_mid_scan" in chosen:
            result, line = killed_mid_scan(workdir, args.timeout)
            failures += line != "ok"
            print(f"{'moto_killed_mid_scan':34} exit {result['rc']}  {result['seconds']:6.1f}s  "
                  f"not checked {result.get('not_checked')}  {line}", flush=True)
    print(f"{len(chosen) - failures} of {len(chosen)} cases held")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
