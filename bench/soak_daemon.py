#!/usr/bin/env python3
"""Soak `driftguard serve`: a 5-second job against a seeded moto server for N minutes.

    python bench/soak_daemon.py [--minutes 10] [--interval 5] [--scale 0.02]

The account is bench_scan.py's at the given scale (0.02: 40 buckets, 40 instances, 10
volumes, 4 groups, plus defaults) with its Terraform state; every minute one bucket is
created and one deleted behind the code's back, so findings come and go and the history
grows. Every 5 s it samples the daemon's resident memory and open file descriptors (from
/proc) and its /metrics. Reports start (after the first scan), peak and end, the number of
scans against the number the schedule allows, and runs skipped. Exit 1 if memory or
descriptors grew past the thresholds, or a scan was skipped or failed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import boto3
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scan import REGION, seed, start_moto, state  # noqa: E402

RSS_GROWTH_MB = 20  # end minus the median of the first minute
FD_GROWTH = 5


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def metric(text: str, name: str, **labels: str) -> float:
    want = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith(f"{name}{{{want}}}" if labels else f"{name} "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--interval", type=float, default=5)
    parser.add_argument("--scale", type=float, default=0.02)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="driftguard-soak-"))
    moto, url = start_moto(work / "moto.log")
    env = {**os.environ, "AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "soak",
           "AWS_SECRET_ACCESS_KEY": "soak", "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION}
    os.environ.update(env)
    live, _ = seed(url, args.scale)
    (work / "terraform.tfstate").write_text(json.dumps(state(live)))
    port = 19717
    (work / "driftguard.yaml").write_text(yaml.safe_dump({
        "aws": {"regions": [REGION]},
        "scan": {"states": [str(work / "terraform.tfstate")]},
        "serve": {"listen": f"127.0.0.1:{port}", "history": "history.sqlite",
                  "jobs": [{"name": "soak", "interval": args.interval}]}}))
    daemon = subprocess.Popen([sys.executable, "-m", "driftguard", "serve", "-c",
                               str(work / "driftguard.yaml")], env=env,
                              stdout=(work / "serve.log").open("wb"), stderr=subprocess.STDOUT)
    s3 = boto3.client("s3", endpoint_url=url)
    samples: list[tuple[float, float, int]] = []
    started = time.monotonic()
    first_scan_at = None
    strays: list[str] = []
    text = ""
    try:
        while time.monotonic() - started < args.minutes * 60:
            time.sleep(5)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
                    text = r.read().decode()
            except OSError:
                continue
            if first_scan_at is None:
                if metric(text, "driftguard_scan_duration_seconds_count", scan_job="soak") < 1:
                    continue
                first_scan_at = time.monotonic()
            elapsed = time.monotonic() - started
            samples.append((elapsed, rss_mb(daemon.pid), open_fds(daemon.pid)))
            if len(samples) % 12 == 0:  # about once a minute: drift comes and goes
                strays.append(f"soak-stray-{len(samples):04d}")
                s3.create_bucket(Bucket=strays[-1])
                if len(strays) > 2:
                    s3.delete_bucket(Bucket=strays.pop(0))
        scans = metric(text, "driftguard_scan_duration_seconds_count", scan_job="soak")
        skipped = metric(text, "driftguard_scans_skipped_total", scan_job="soak")
        failed = sum(float(v) for v in re.findall(
            r'^driftguard_scan_errors_total\{[^}]*scan_job="soak"[^}]*\} (\S+)', text, re.M))
        durations = metric(text, "driftguard_scan_duration_seconds_sum", scan_job="soak")
    finally:
        daemon.send_signal(signal.SIGTERM)
        code = daemon.wait(timeout=60)
        moto.terminate()
    assert first_scan_at is not None, f"no scan finished; see {work / 'serve.log'}"
    window = time.monotonic() - first_scan_at
    baseline = sorted(s[1] for s in samples[:12])[len(samples[:12]) // 2]
    rss = [s[1] for s in samples]
    fds = [s[2] for s in samples]
    print(f"soak: {args.minutes:g} min, interval {args.interval:g}s, scale {args.scale:g}; "
          f"work dir {work}")
    print(f"scans: {scans:.0f} (the schedule allows {window / args.interval:.0f} after the "
          f"first), skipped {skipped:.0f}, failed {failed:.0f}, mean scan "
          f"{durations / max(scans, 1):.2f}s")
    print("            start    peak     end")
    print(f"RSS MB   {rss[0]:7.1f} {max(rss):7.1f} {rss[-1]:7.1f}   (first-minute median "
          f"{baseline:.1f})")
    print(f"open fds {fds[0]:7d} {max(fds):7d} {fds[-1]:7d}")
    print(f"exit code on SIGTERM: {code}")
    flat = rss[-1] - baseline <= RSS_GROWTH_MB and fds[-1] - fds[0] <= FD_GROWTH
    return 0 if flat and skipped == 0 and failed == 0 and code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
