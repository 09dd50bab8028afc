#!/usr/bin/env python3
"""Time `driftguard scan` on a seeded moto server, side by side with Cloud Custodian.

    python bench/bench_scan.py [--runs 3] [--scale 1.0] [--no-custodian] [--check]
At scale 1: 2,000 S3 buckets, 2,000 instances, 500 volumes and 200 security groups in a moto
server on a free loopback port; a Terraform state (v4) declares 9 in 10 of each. Each tool
runs as a whole process, one warm-up then R timed runs (wall time; peak RSS from os.wait4).
API calls: driftguard's report `api_calls`; Custodian's metadata.json `api-stats` (which
leave out c7n's account-id lookup). Custodian runs bench/c7n-policies.yml from its own venv,
bench/.venv-c7n (`pip install c7n` on first use), and reaches moto through AWS_ENDPOINT_URL:
botocore >= 1.31 applies it to every client made without an endpoint, as c7n's are.
Fake credentials only. Targets: driftguard no slower than Custodian; API calls no more than
the minimum for what driftguard reads; peak RSS under 500 MB.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
from botocore.config import Config

HERE = Path(__file__).resolve().parent
POLICIES, VENV = HERE / "c7n-policies.yml", HERE / ".venv-c7n"
REGION, ZONES, AMI = "us-east-1", ("us-east-1a", "us-east-1b"), "ami-12c6146b"
TAGS = {"team": "ml-platform", "env": "bench"}
TAG_LIST = [{"Key": k, "Value": v} for k, v in TAGS.items()]
TAGGED = {kind: [{"ResourceType": kind, "Tags": TAG_LIST}]
          for kind in ("instance", "volume", "security-group")}
# Six in driftguard's default allow-list (configs/driftguard.yaml), three outside it.
TYPES = ("t3.large", "m5.xlarge", "c5.2xlarge", "g5.xlarge", "p4d.24xlarge", "r5.large",
         "x1e.xlarge", "i3.large", "m4.large")
PAB = dict.fromkeys(("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                     "RestrictPublicBuckets"), True)


class RunFailed(Exception):
    pass


def start_moto(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = str(s.getsockname()[1])
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", port],
                            stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
            return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RunFailed(f"moto server did not start; see {log}")


def tf_rule(proto: str, port: int, cidr: str) -> dict:
    return {"protocol": proto, "from_port": port, "to_port": port, "cidr_blocks": [cidr],
            "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [],
            "self": False, "description": ""}


def seed(url: str, scale: float) -> tuple[dict[str, list[dict]], dict[str, int]]:
    """Build the account: (type -> state attributes of each resource, live counts)."""
    n = {k: max(1, round(v * scale)) for k, v in
         {"buckets": 2000, "instances": 2000, "volumes": 500, "groups": 200}.items()}
    cfg = Config(max_pool_connections=32, retries={"mode": "standard", "max_attempts": 5})
    s3, ec2, kms = (boto3.client(s, endpoint_url=url, config=cfg) for s in ("s3", "ec2", "kms"))
    key_arn = kms.create_key(Description="bench data key")["KeyMetadata"]["Arn"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{16 * i}.0/20", AvailabilityZone=z)
               ["Subnet"]["SubnetId"] for i, z in enumerate(ZONES)]

    def group(i: int) -> dict:  # one in twenty with SSH open to the world
        name, (port, cidr) = f"bench-{i:04d}", ((22, "0.0.0.0/0") if i % 20 == 0
                                                 else (443, "10.0.0.0/8"))
        gid = ec2.create_security_group(GroupName=name, Description="bench", VpcId=vpc,
                                        TagSpecifications=TAGGED["security-group"])["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": cidr}]}])
        return {"id": gid, "name": name, "description": "bench", "vpc_id": vpc, "ingress":
                [tf_rule("tcp", port, cidr)], "egress": [tf_rule("-1", 0, "0.0.0.0/0")]}

    def instances(b: int) -> list[dict]:  # batches of 100 in turn (moto's IP pool: no threads)
        count, itype, subnet = min(100, n["instances"] - 100 * b), TYPES[b % 9], subnets[b % 2]
        tokens, gid = "optional" if b % 4 == 0 else "required", groups[b % len(groups)]["id"]
        made = ec2.run_instances(
            ImageId=AMI, InstanceType=itype, MinCount=count, MaxCount=count, SubnetId=subnet,
            SecurityGroupIds=[gid], TagSpecifications=TAGGED["instance"],
            MetadataOptions={"HttpTokens": tokens, "HttpEndpoint": "enabled"})["Instances"]
        return [{"id": i["InstanceId"], "ami": AMI, "instance_type": itype, "subnet_id": subnet,
                 "associate_public_ip_address": False, "vpc_security_group_ids": [gid],
                 "metadata_options": [{"http_tokens": tokens, "http_endpoint": "enabled"}]}
                for i in made]

    def volume(i: int) -> dict:  # a fifth unencrypted
        zone, size, vtype, enc = ZONES[i % 2], 50 + 10 * (i % 20), ("gp3", "gp2")[i % 2], i % 5 > 0
        v = ec2.create_volume(AvailabilityZone=zone, Size=size, VolumeType=vtype, Encrypted=enc,
                              TagSpecifications=TAGGED["volume"])
        return {"id": v["VolumeId"], "availability_zone": zone, "size": size, "type": vtype,
                "encrypted": enc, "kms_key_id": v.get("KmsKeyId") or ""}

    def bucket(i: int) -> dict:  # SSE-KMS or SSE-S3; a third versioned; half with a PAB
        name, key = f"driftguard-bench-{i:05d}", key_arn if i % 4 == 0 else ""
        sse = {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key} if key else {
            "SSEAlgorithm": "AES256"}
        s3.create_bucket(Bucket=name)
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": sse}]})
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": TAG_LIST})
        if i % 3 == 0:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        if i % 2 == 0:
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=PAB)
        if i % 10 == 5:  # removed behind the code's back: the state still says encrypted
            s3.delete_bucket_encryption(Bucket=name)
        default = {"sse_algorithm": sse["SSEAlgorithm"], "kms_master_key_id": key}
        return {"id": name, "bucket": name, "server_side_encryption_configuration": [{"rule": [{
            "bucket_key_enabled": False, "apply_server_side_encryption_by_default": [default]}]}],
                "versioning": [{"enabled": i % 3 == 0, "mfa_delete": False}]}

    with ThreadPoolExecutor(16) as pool:
        groups = list(pool.map(group, range(n["groups"])))
        batches = map(instances, range(math.ceil(n["instances"] / 100)))
        live = {"aws_security_group": groups, "aws_instance": [i for b in batches for i in b],
                "aws_ebs_volume": list(pool.map(volume, range(n["volumes"]))),
                "aws_s3_bucket": list(pool.map(bucket, range(n["buckets"])))}
    vols = [v for p in ec2.get_paginator("describe_volumes").paginate() for v in p["Volumes"]]
    return live, {  # live counts (root volumes, default groups included), expected matches
        "s3": len(s3.list_buckets()["Buckets"]), "ec2": len(live["aws_instance"]),
        "ebs": len(vols), "sg": len(ec2.describe_security_groups()["SecurityGroups"]),
        "s3-unencrypted": sum(i % 10 == 5 for i in range(n["buckets"])),
        "ebs-unencrypted": sum(not v["Encrypted"] for v in vols),
        "ec2-type-not-allowed": sum(i["instance_type"] in TYPES[6:] for i in live["aws_instance"]),
        "sg-admin-port-open": sum(g["ingress"][0]["from_port"] == 22 for g in groups)}


def in_child(function, *args):  # noqa: ANN001, ANN201 - any picklable call
    """Run the seeding in a fresh process. A child's peak RSS (os.wait4) starts from its
    parent's RSS at fork: seeding in this process would inflate every tool's figure."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def state(live: dict[str, list[dict]]) -> dict:
    """Terraform state v4 declaring 9 in 10 of each type, as `count` instances."""
    provider = 'provider["registry.terraform.io/hashicorp/aws"]'
    return {"version": 4, "terraform_version": "1.9.5", "serial": 1, "outputs": {},
            "lineage": "be4c0000-0000-4000-8000-000000000001", "resources": [
                {"mode": "managed", "type": t, "name": "bench", "provider": provider, "instances": [
                    {"index_key": i, "schema_version": 0, "sensitive_attributes": [],
                     "attributes": {**a, "tags": TAGS, "tags_all": TAGS}}
                    for i, a in enumerate(items) if i % 10]} for t, items in live.items()]}


def timed(cmd: list, env: dict, cwd: Path, runs: int, ok: tuple, before=lambda: None) -> dict:
    """One warm-up, then `runs` runs of `cmd` as its own process: wall s, peak RSS MB."""
    walls, peaks = [], []
    for _ in range(runs + 1):
        before()
        with tempfile.TemporaryFile() as err:
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err,
                                    stdin=subprocess.DEVNULL, cwd=cwd, env=env)
            _, status, usage = os.wait4(proc.pid, 0)
            walls.append(time.perf_counter() - start)
            peaks.append(usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024))
            if (code := os.waitstatus_to_exitcode(status)) not in ok:
                err.seek(0)
                raise RunFailed(f"{' '.join(map(str, cmd))}\nexited {code}\n--- stderr ---\n"
                                + err.read().decode(errors="replace")[-4000:])
    return {"median_s": statistics.median(walls[1:]), "min_s": min(walls[1:]),
            "max_s": max(walls[1:]), "peak_mb": max(peaks[1:])}


def run_custodian(url: str, work: Path, runs: int, truth: dict[str, int]
                  ) -> tuple[dict, Counter[str]]:
    """Timed runs without c7n's resource cache (every run calls AWS). Resources evaluated
    per policy: the last run's debug log line "Filtered from N to M"."""
    if not (VENV / "bin" / "custodian").exists():
        print(f"making {VENV} and installing c7n...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([VENV / "bin" / "python", "-m", "pip", "install", "-q", "c7n"], check=True)
    out, env = work / "c7n-out", {**os.environ, "AWS_ENDPOINT_URL": url, "HOME": str(work)}
    result = timed([VENV / "bin" / "custodian", "run", "-s", out, "--cache-period", "0",
                    "--region", REGION, "-v", POLICIES], env, work, runs, (0,),
                   lambda: shutil.rmtree(out, ignore_errors=True))
    calls, seen = Counter(), 0
    print("custodian policies: matched / expected, resources evaluated")
    for p in re.findall(r"name: (\S+)", POLICIES.read_text()):
        meta = json.loads((out / p / "metadata.json").read_text())
        calls.update({k.replace(".", ":", 1): v for k, v in meta["api-stats"].items()})
        got = len(json.loads((out / p / "resources.json").read_text()))
        m = re.search(r"Filtered from (\d+)", (out / p / "custodian-run.log").read_text())
        seen += (evaluated := int(m.group(1)) if m else 0)
        print(f"  {p:22} {got:5} / {truth[p]:<5} {evaluated:>6}"
              + ("" if got == truth[p] else "   <- MISMATCH"))
    if seen == 0:
        raise RunFailed("Custodian saw no resources: the comparison would be meaningless")
    return {**result, "seen": seen, "calls": sum(calls.values())}, calls


def minimum(truth: dict[str, int]) -> dict[str, int]:
    """Fewest calls for what driftguard reads: largest list pages, one per bucket and setting."""
    b = truth["s3"]
    return {"sts:GetCallerIdentity": 1, "s3:ListBuckets": math.ceil(b / 10000),
            **{f"s3:{op}": b for op in ("GetBucketEncryption", "GetBucketVersioning",
                                        "GetPublicAccessBlock", "GetBucketTagging",
                                        "GetBucketPolicy")},
            **{f"ec2:Describe{op}": math.ceil(truth[k] / 1000) for op, k in
               (("Instances", "ec2"), ("Volumes", "ebs"), ("SecurityGroups", "sg"))}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="timed runs per tool (default 3)")
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of the default estate")
    ap.add_argument("--no-custodian", action="store_true", help="time driftguard alone")
    ap.add_argument("--workdir", type=Path, help="keep state, reports and logs here")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args(argv)
    for key in [k for k in os.environ if k.startswith(("AWS_", "DRIFTGUARD_"))]:
        del os.environ[key]  # fake credentials only, for the seeding and the tools alike
    # moto answers DescribeInstances for 2,000 instances in one response (it ignores
    # MaxResults) that takes 12 s idle, over 30 s (driftguard's read timeout) under load.
    path = os.pathsep.join(filter(None, (str(HERE.parent), os.environ.get("PYTHONPATH"))))
    os.environ.update(DRIFTGUARD_AWS__TIMEOUT="300", AWS_ACCESS_KEY_ID="testing",
                      AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION=REGION, PYTHONPATH=path,
                      AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    rows, ccalls = [], Counter()  # (tool, results); Custodian's calls by operation
    with tempfile.TemporaryDirectory(prefix="driftguard-bench-scan-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        moto, url = start_moto(work / "moto.log")
        try:
            start = time.perf_counter()
            live, truth = in_child(seed, url, args.scale)
            print(f"moto on {url}: seeded in {time.perf_counter() - start:.0f} s; {truth['s3']} "
                  f"buckets, {truth['ec2']} instances, {truth['ebs']} volumes (with root volumes), "
                  f"{truth['sg']} security groups (with default ones)", flush=True)
            (work / "terraform.tfstate").write_text(json.dumps(state(live)))
            dg = timed([sys.executable, "-m", "driftguard", "scan", "--state", "terraform.tfstate",
                        "--region", REGION, "--endpoint-url", url, "--no-progress", "--format",
                        "json", "-o", "report.json"], os.environ, work, args.runs, (0, 1))
            doc = json.loads((work / "report.json").read_text())
            s, calls = doc["summary"], Counter(doc["api_calls"])
            rows.append(("driftguard", {**dg, "seen": s["resources"], "calls": s["api_calls"]}))
            print(f"driftguard collects only the declared types: "
                  f"{', '.join(c['type'] for c in doc['coverage'])}; {s['declared']} declared, "
                  f"{s['resources']} live; drift {s['drift']}; {s['findings']} findings")
            if not args.no_custodian:
                cc, ccalls = run_custodian(url, work, args.runs, truth)
                rows.append(("custodian", cc))
        finally:
            moto.terminate()
            moto.wait()
    return report(rows, calls, ccalls, minimum(truth), args.check)


def report(rows: list, calls: Counter, ccalls: Counter, mins: dict[str, int], check: bool) -> int:
    print(f"\nAPI calls by operation:  {'driftguard':>10} {'minimum':>8} {'custodian':>10}")
    for op in sorted(set(calls) | set(mins) | set(ccalls)):
        print(f"  {op:39} {calls[op]:>8} {mins.get(op, 0):>8} {ccalls[op]:>10}")
    print(f"\n{'tool':<11} {'median s':>8} {'min s':>6} {'max s':>6} {'peak MB':>7} "
          f"{'resources':>9} {'API calls':>9} {'calls/res':>9}")
    for name, r in rows:
        print(f"{name:<11} {r['median_s']:>8.2f} {r['min_s']:>6.2f} {r['max_s']:>6.2f} "
              f"{r['peak_mb']:>7.0f} {r['seen']:>9} {r['calls']:>9} "
              f"{r['calls'] / r['seen']:>9.2f}")
    dg = rows[0][1]
    over = {op: n - mins.get(op, 0) for op, n in calls.items() if n > mins.get(op, 0)}
    met = {"API calls <= minimum": (not over, f"{dg['calls']} vs {sum(mins.values())}"
                                    + (f"; over: {over}" if over else "")),
           "peak RSS < 500 MB": (dg["peak_mb"] < 500, f"{dg['peak_mb']:.0f} MB")}
    if len(rows) > 1:
        cc = rows[1][1]["median_s"]
        print(f"\nratio custodian/driftguard (median wall): {cc / dg['median_s']:.2f}")
        met["no slower than Custodian"] = (cc >= dg["median_s"], f"{dg['median_s']:.2f} s "
                                                                 f"vs {cc:.2f} s")
    print("targets:", *(f"  {name:26} {'met' if ok else 'MISSED'} ({detail})"
                        for name, (ok, detail) in met.items()), sep="\n")
    return 1 if check and not all(ok for ok, _ in met.values()) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RunFailed as exc:
        print(f"\nbenchmark failed: {exc}", file=sys.stderr)
        sys.exit(2)
