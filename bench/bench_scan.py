#!/usr/bin/env python3
"""Time `driftguard scan` on a seeded moto server, side by side with Cloud Custodian.

    python bench/bench_scan.py [--estate storage|ml] [--runs 3] [--scale 1.0] [--no-custodian]
                               [--check]
The storage estate (the default), at scale 1: 2,000 S3 buckets, 2,000 instances, 500
volumes and 200 security groups in a moto server on a free loopback port; a Terraform state
(v4) declares 9 in 10 of each. Each tool runs as a whole process, one warm-up then R timed
runs (wall time; peak RSS from os.wait4). API calls: driftguard's report `api_calls`;
Custodian's metadata.json `api-stats` (which leave out c7n's account-id lookup). Custodian
runs bench/c7n-policies.yml from its own venv, bench/.venv-c7n (`pip install c7n` on first
use), and reaches moto through AWS_ENDPOINT_URL: botocore >= 1.31 applies it to every
client made without an endpoint, as c7n's are. Fake credentials only. Targets: driftguard
no slower than Custodian; API calls no more than the minimum for what driftguard reads;
peak RSS under 500 MB.

The S3 estate (`--estate s3`, issue 19's question), at scale 1: 400 buckets, a third
encrypted, nothing declared. Side by side, each a whole process: `driftguard scan --type
aws_s3_bucket` with every built-in rule (5 reads per bucket: what the rules read), and
with `--rule DG-ENC-001` (`dg-enc-001`: Custodian's question, so the reads its rule and
the reports' names need: encryption and tags, collect/scope.py); Custodian's
s3-unencrypted policy alone; and for each driftguard run its floor, a minimal boto3
script (FLOOR_S3) that makes the same calls (sts:GetCallerIdentity, ListBuckets, then each
bucket's reads) with its concurrency (16 threads over one client with the same botocore
config) and nothing else. Targets: dg-enc-001 at least 3x faster than Custodian, each run
within 1.5x of its floor; peak RSS no higher than Custodian's.

The ML estate (`--estate ml`, issue 14's types and issue 15's data and identity types; no
Custodian run), at scale 1 about 400 resources: launch templates, auto-scaling groups
(60: more than DescribeAutoScalingGroups' default page of 50), instances with Elastic IPs,
EKS clusters and node groups, SageMaker notebooks and endpoint configurations, Batch
environments, IAM roles (120: more than ListRoles' default page of 100), KMS keys, DynamoDB
tables, SQS queues, SNS topics, log groups, secrets and EFS file systems, built with the
scan tests' builders (tests/scan/builders.py, in eu-west-1) and declared 9 in 10 by their
provider-v5 state.

The minimum, for either estate, is computed from the catalog's specs and what the account
holds (counted apart, with the bench's own client): per list call, its items over the
largest page AWS documents (PAGE_SIZES, else botocore's model), one call at least (per
parent where the type is listed per parent); each detail call once per resource; the same
for the types read along (Collect.needs); and sts:GetCallerIdentity once. Besides the
whole scan's calls by operation, each declared type is collected alone (read-along types
included) and its calls per resource are set against its own minimum.
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


def seed_s3(url: str, scale: float) -> tuple[dict, dict[str, int]]:
    """400 buckets at scale 1, a third encrypted (moto encrypts new buckets as AWS does:
    the others have theirs deleted): (no state, live counts and expected matches)."""
    n = max(1, round(400 * scale))
    cfg = Config(max_pool_connections=32, retries={"mode": "standard", "max_attempts": 5})
    s3 = boto3.client("s3", endpoint_url=url, config=cfg)

    def bucket(i: int) -> None:
        name = f"driftguard-s3-{i:05d}"
        s3.create_bucket(Bucket=name)
        if i % 3 == 0:
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
        else:
            s3.delete_bucket_encryption(Bucket=name)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": TAG_LIST})

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(bucket, range(n)))
    return {}, {"s3": len(s3.list_buckets()["Buckets"]),
                "s3-unencrypted": sum(i % 3 != 0 for i in range(n))}


# The floor of the S3 question: driftguard's calls with driftguard's concurrency and
# client settings (collect/clients.py, collect/engine.py), and nothing else.
FLOOR_S3 = """
import sys
from concurrent.futures import ThreadPoolExecutor
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

config = Config(retries={"mode": "standard", "total_max_attempts": 5},
                max_pool_connections=32, connect_timeout=300, read_timeout=300)
session = boto3.Session()
session.client("sts", endpoint_url=sys.argv[1], config=config).get_caller_identity()
s3 = session.client("s3", endpoint_url=sys.argv[1], config=config)
READS = tuple((call, missing) for call, missing in (
    ("get_bucket_encryption", "ServerSideEncryptionConfigurationNotFoundError"),
    ("get_bucket_versioning", None),
    ("get_public_access_block", "NoSuchPublicAccessBlockConfiguration"),
    ("get_bucket_tagging", "NoSuchTagSet"),
    ("get_bucket_policy", "NoSuchBucketPolicy")) if call in sys.argv[2:])

def read(name, call, missing):
    try:
        return getattr(s3, call)(Bucket=name)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != missing:
            raise

names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
with ThreadPoolExecutor(16) as pool:
    found = list(pool.map(lambda job: read(*job), [(n, c, m) for n in names for c, m in READS]))
unencrypted = sum(r is None for r in found[::len(READS)])
print(len(names), "buckets,", unencrypted, "unencrypted")
"""


# The S3 question's driftguard runs: name -> (extra arguments, the calls its floor makes).
S3_RUNS = {
    "driftguard": ([], ("get_bucket_encryption", "get_bucket_versioning",  # every rule
                        "get_public_access_block", "get_bucket_tagging", "get_bucket_policy")),
    "dg-enc-001": (["--rule", "DG-ENC-001"],  # Custodian's question alone
                   ("get_bucket_encryption", "get_bucket_tagging")),
}


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


# The largest page AWS documents for list calls whose botocore model gives no maximum (or
# one above what a page holds); EC2's describe calls without one at 1,000 a page. A list
# call without a paginator returns everything at once.
PAGE_SIZES = {
    ("autoscaling", "describe_auto_scaling_groups"): 100,
    ("autoscaling", "describe_launch_configurations"): 100,
    ("batch", "describe_compute_environments"): 100,
    ("ec2", "describe_instances"): 1000, ("ec2", "describe_volumes"): 1000,
    ("ec2", "describe_snapshots"): 1000, ("ec2", "describe_vpc_endpoints"): 1000,
    ("efs", "describe_file_systems"): 100, ("elasticache", "describe_replication_groups"): 100,
    ("fsx", "describe_file_systems"): 100, ("lambda", "list_functions"): 50,
    ("rds", "describe_db_instances"): 100, ("rds", "describe_db_clusters"): 100,
    ("sns", "list_topics"): 100, ("sqs", "list_queues"): 1000,
}


def largest_page(client, operation: str) -> float:  # noqa: ANN001 - a boto3 client
    """The most items one call of a list operation returns (inf: all at once)."""
    service = client.meta.service_model.service_name
    if (service, operation) in PAGE_SIZES:
        return PAGE_SIZES[(service, operation)]
    if not client.can_paginate(operation):
        return math.inf
    api = client.meta.method_to_api_mapping[operation]
    limit = client.get_paginator(operation)._pagination_cfg.get("limit_key")  # noqa: SLF001
    model = client.meta.service_model.operation_model(api).input_shape
    largest = model.members[limit].metadata.get("max") if limit else None
    if largest is None:
        raise RunFailed(f"{service}:{api}: add its documented largest page to PAGE_SIZES")
    return float(largest)


def read_along(types: list[str]) -> list[str]:
    """The types and, transitively, those their links read along (Collect.needs)."""
    from driftguard.catalog import spec_for

    out, todo = [], list(types)
    while todo:
        tf_type = todo.pop(0)
        if tf_type not in out:
            out.append(tf_type)
            todo.extend(spec_for(tf_type).collect.needs)
    return sorted(out)


def _listed(client, op: str, items: str, params: dict, calls: Counter[str]) -> list:  # noqa: ANN001
    """Every item of a list call, paged with our own client; adds the fewest calls it takes
    (one at least) to `calls`."""
    import jmespath

    pages = (client.get_paginator(op).paginate(**params) if client.can_paginate(op)
             else [getattr(client, op)(**params)])
    found = [i for page in pages for i in jmespath.search(items, page) or []]
    api = f"{client.meta.service_model.service_name}:{client.meta.method_to_api_mapping[op]}"
    calls[api] += max(1, math.ceil(len(found) / largest_page(client, op)))
    return found


def own_minimum(url: str, region: str, types: list[str]) -> dict[str, tuple[int, dict]]:
    """Per type (and the types read along): (resources, fewest calls by operation) for
    what its spec reads in the account as it is, counted with a client of our own."""
    import jmespath

    from driftguard.catalog import spec_for

    session, out = boto3.Session(region_name=region), {}
    for tf_type in read_along(types):
        collect = spec_for(tf_type).collect
        client = session.client(collect.service, endpoint_url=url)
        calls: Counter[str] = Counter()
        args = dict(collect.args)
        if collect.parent:
            parents = _listed(client, collect.parent.operation, collect.parent.items, {}, calls)
            items = [i for p in parents for i in _listed(
                client, collect.operation, collect.items, {**args, collect.parent.param: p},
                calls)]
        else:
            items = _listed(client, collect.operation, collect.items, args, calls)
        if collect.skip:
            items = [i for i in items if jmespath.search(collect.skip[0], i)
                     not in collect.skip[1]]
        for detail in collect.details:
            api = client.meta.method_to_api_mapping[detail.operation]
            calls[f"{client.meta.service_model.service_name}:{api}"] += len(items)
        out[tf_type] = (len(items), dict(calls))
    return out


def minimum(own: dict[str, tuple[int, dict]], types: list[str]) -> Counter[str]:
    """Fewest calls for a scan of `types`: theirs, the read-along types', the account's id."""
    total = Counter({"sts:GetCallerIdentity": 1})
    for tf_type in read_along(types):
        total.update(own[tf_type][1])
    return total


def calls_per_type(url: str, region: str, types: list[str]) -> dict[str, tuple[int, dict]]:
    """Each type collected alone (its read-along types too): (resources, calls by
    operation), as driftguard's collector makes them."""
    from driftguard.collect.clients import ClientFactory
    from driftguard.collect.engine import Collector

    out = {}
    for tf_type in types:
        factory = ClientFactory(endpoint_url=url, default_region=region, timeout=300)
        inventory = Collector(factory, account="123456789012").collect([tf_type], [region])
        if inventory.not_checked:
            raise RunFailed(f"{tf_type} not checked: {inventory.not_checked}")
        out[tf_type] = (len(inventory.resources), {
            f"{svc}:{op}": n for (svc, op), n in factory.stats.calls.items()})
    return out


# --- the ML estate ------------------------------------------------------------------------

ML_REGION = "eu-west-1"  # the scan tests' builders build there
ML = {"templates": 12, "groups": 60, "instances": 10, "clusters": 4, "notebooks": 20,
      "endpoint_configs": 20, "batch": 10, "roles": 120, "keys": 10, "tables": 10,
      "queues": 10, "topics": 10, "log_groups": 10, "secrets": 10, "file_systems": 5}
NODE_GROUPS = 3  # per cluster


def seed_ml(url: str, scale: float) -> tuple[dict, dict[str, int]]:
    """Build the ML estate with the scan tests' builders: (its state, counts)."""
    os.environ.update(AWS_ENDPOINT_URL=url, AWS_DEFAULT_REGION=ML_REGION, AWS_REGION=ML_REGION)
    sys.path[:0] = [str(HERE.parent / "tests" / "scan"), str(HERE.parent / "tests")]
    import builders

    from driftguard.declared.state_writer import TerraformState

    n = {k: max(1, round(v * scale)) for k, v in ML.items()}
    # moto's DescribeLaunchTemplates returns its first 15 templates and no NextToken (AWS
    # pages them): more would look deleted.
    n["templates"] = min(15, n["templates"])
    state = TerraformState()

    def declared(i: int) -> TerraformState | None:  # 9 in 10; the others unmanaged
        return state if i % 10 else None

    role = "arn:aws:iam::123456789012:role/ml"
    vpc = builders.vpc(None, "", "10.40.0.0/16")
    subnets = [builders.subnet(None, "", vpc, f"10.40.{i}.0/24", zone=z, public=i == 1)
               for i, z in ((1, "a"), (2, "b"))]
    group = builders.default_security_group(vpc)
    templates = []
    for i in range(n["templates"]):
        name = f"gpu-{i:03d}"
        templates.append((builders.launch_template(declared(i), f"lt_{i:03d}", name, {
            "ImageId": builders.AMI, "InstanceType": TYPES[i % len(TYPES)],
            "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": i % 4 == 0}],
            "BlockDeviceMappings": [{"DeviceName": "/dev/sda1", "Ebs": {
                "VolumeSize": 100, "VolumeType": "gp3", "Encrypted": i % 5 > 0}}],
            "MetadataOptions": {"HttpTokens": "optional" if i % 3 == 0 else "required"}},
            tags=TAGS), name))
    for i in range(n["groups"]):
        template, name = templates[i % len(templates)]
        builders.autoscaling_group(declared(i), f"asg_{i:03d}", f"group-{i:03d}",
                                   subnets=[subnets[i % 2]], min_size=0, max_size=4,
                                   template=(template, name, "$Latest"), tags=TAGS,
                                   overrides=("g5.xlarge", "p3dn.24xlarge") if i % 3 else ())
    for i in range(n["instances"]):
        made = builders.instance(declared(i), f"node_{i:03d}", subnet_id=subnets[1],
                                 instance_type=TYPES[i % len(TYPES)], tokens="required",
                                 tags=TAGS)
        builders.eip(declared(i), f"ip_{i:03d}", made, tags=TAGS)
    for c in range(n["clusters"]):
        builders.eks_cluster(declared(c + 1), f"eks_{c:03d}", f"training-{c:03d}", role=role,
                             subnets=subnets, vpc_id=vpc, tags=TAGS)
        for g in range(NODE_GROUPS):
            builders.node_group(declared(c * NODE_GROUPS + g), f"ng_{c:03d}_{g}",
                                f"training-{c:03d}", f"gpu-{g}", role=role, subnets=subnets,
                                instance_types=[TYPES[g]], scaling=(0, 4, 1), tags=TAGS)
    for i in range(n["notebooks"]):
        builders.notebook(declared(i), f"nb_{i:03d}", f"research-{i:03d}",
                          instance_type=("ml.t3.medium", "ml.p2.xlarge")[i % 2], role=role,
                          internet=("Enabled", "Disabled")[i % 2], root="Disabled", tags=TAGS)
    builders.model("llm", role)
    for i in range(n["endpoint_configs"]):
        builders.endpoint_config(declared(i), f"ep_{i:03d}", f"serving-{i:03d}",
                                 variants=[("main", "llm", "ml.g4dn.xlarge")], tags=TAGS)
    roles = builders.batch_roles("batch")
    for i in range(n["batch"]):
        builders.batch_environment(declared(i), f"batch_{i:03d}", f"gpu-{i:03d}",
                                   instance_types=["g5", "optimal"][: 1 + i % 2],
                                   subnets=subnets[1:], security_groups=[group], roles=roles,
                                   max_vcpus=256, tags=TAGS)
    _seed_data(n, declared)
    return state.doc(), n


def _seed_data(n: dict[str, int], declared) -> None:  # noqa: ANN001 - i -> state or None
    """Issue 15's data and identity types, each declared by its id fields alone (the bench
    counts calls; tests/scan has their full state shapes)."""
    iam, kms = boto3.client("iam"), boto3.client("kms")
    for i in range(n["roles"]):
        name = f"ml-job-{i:03d}"
        made = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action":
                                                    "sts:AssumeRole", "Principal": {
                                                        "Service": "sagemaker.amazonaws.com"}}]}))
        if state := declared(i):
            state.add("aws_iam_role", f"role_{i:03d}", {"id": name, "name": name,
                                                        "arn": made["Role"]["Arn"]})
    for i in range(n["keys"]):
        key = kms.create_key(Description=f"ml {i}")["KeyMetadata"]
        if state := declared(i):
            state.add("aws_kms_key", f"key_{i:03d}", {"id": key["KeyId"],
                                                      "key_id": key["KeyId"], "arn": key["Arn"]})
    dynamodb = boto3.client("dynamodb")
    for i in range(n["tables"]):
        name = f"features-{i:03d}"
        made = dynamodb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                                     AttributeDefinitions=[{"AttributeName": "k",
                                                            "AttributeType": "S"}],
                                     KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}])
        if state := declared(i):
            state.add("aws_dynamodb_table", f"table_{i:03d}", {
                "id": name, "name": name, "arn": made["TableDescription"]["TableArn"],
                "billing_mode": "PAY_PER_REQUEST"})
    sqs, sns = boto3.client("sqs"), boto3.client("sns")
    for i in range(n["queues"]):
        url = sqs.create_queue(QueueName=f"jobs-{i:03d}")["QueueUrl"]
        if state := declared(i):
            state.add("aws_sqs_queue", f"queue_{i:03d}", {"id": url, "url": url,
                                                          "name": f"jobs-{i:03d}"})
    for i in range(n["topics"]):
        topic = sns.create_topic(Name=f"events-{i:03d}")["TopicArn"]
        if state := declared(i):
            state.add("aws_sns_topic", f"topic_{i:03d}", {"id": topic, "arn": topic})
    logs = boto3.client("logs")
    for i in range(n["log_groups"]):
        name = f"/ml/training-{i:03d}"
        logs.create_log_group(logGroupName=name)
        if state := declared(i):
            state.add("aws_cloudwatch_log_group", f"logs_{i:03d}", {"id": name, "name": name})
    secrets = boto3.client("secretsmanager")
    for i in range(n["secrets"]):
        made = secrets.create_secret(Name=f"ml/token-{i:03d}", SecretString="x")
        if state := declared(i):
            state.add("aws_secretsmanager_secret", f"secret_{i:03d}", {
                "id": made["ARN"], "arn": made["ARN"], "name": made["Name"]})
    efs = boto3.client("efs")
    for i in range(n["file_systems"]):
        made = efs.create_file_system(CreationToken=f"datasets-{i:03d}", Encrypted=True)
        if state := declared(i):
            state.add("aws_efs_file_system", f"fs_{i:03d}", {
                "id": made["FileSystemId"], "arn": made["FileSystemArn"], "encrypted": True})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--estate", choices=("storage", "s3", "ml"), default="storage",
                    help="storage: S3 and EC2, side by side with Custodian (default); s3: "
                         "400 buckets, driftguard scan --type aws_s3_bucket, Custodian and a "
                         "boto3 floor; ml: the ML estate's types, driftguard alone")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per tool (default 3)")
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of the default estate")
    ap.add_argument("--no-custodian", action="store_true", help="time driftguard alone")
    ap.add_argument("--workdir", type=Path, help="keep state, reports and logs here")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args(argv)
    for key in [k for k in os.environ if k.startswith(("AWS_", "DRIFTGUARD_"))]:
        del os.environ[key]  # fake credentials only, for the seeding and the tools alike
    region = ML_REGION if args.estate == "ml" else REGION
    # moto answers DescribeInstances for 2,000 instances in one response (it ignores
    # MaxResults) that takes 12 s idle, over 30 s (driftguard's read timeout) under load.
    path = os.pathsep.join(filter(None, (str(HERE.parent), os.environ.get("PYTHONPATH"))))
    os.environ.update(DRIFTGUARD_AWS__TIMEOUT="300", AWS_ACCESS_KEY_ID="testing",
                      AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION=region, PYTHONPATH=path,
                      AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    rows, ccalls = [], Counter()  # (tool, results); Custodian's calls by operation
    with tempfile.TemporaryDirectory(prefix="driftguard-bench-scan-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        moto, url = start_moto(work / "moto.log")
        try:
            start = time.perf_counter()
            if args.estate == "s3":
                return s3_question(url, work, args, start)
            if args.estate == "ml":
                declared, counts = in_child(seed_ml, url, args.scale)
                print(f"moto on {url}: seeded in {time.perf_counter() - start:.0f} s; "
                      + ", ".join(f"{v} {k}" for k, v in counts.items())
                      + f" ({NODE_GROUPS} node groups per cluster)", flush=True)
            else:
                live, truth = in_child(seed, url, args.scale)
                declared = state(live)
                print(f"moto on {url}: seeded in {time.perf_counter() - start:.0f} s; "
                      f"{truth['s3']} buckets, {truth['ec2']} instances, {truth['ebs']} volumes "
                      f"(with root volumes), {truth['sg']} security groups (with default ones)",
                      flush=True)
            (work / "terraform.tfstate").write_text(json.dumps(declared))
            dg = timed([sys.executable, "-m", "driftguard", "scan", "--state", "terraform.tfstate",
                        "--region", region, "--endpoint-url", url, "--no-progress", "--format",
                        "json", "-o", "report.json"], os.environ, work, args.runs, (0, 1))
            doc = json.loads((work / "report.json").read_text())
            s, calls = doc["summary"], Counter(doc["api_calls"])
            if doc["not_checked"]:
                raise RunFailed(f"not checked: {doc['not_checked']}")
            rows.append(("driftguard", {**dg, "seen": s["resources"], "calls": s["api_calls"]}))
            types = sorted(c["type"] for c in doc["coverage"])
            print(f"driftguard collects only the declared types: {', '.join(types)}; "
                  f"{s['declared']} declared, {s['resources']} live; drift {s['drift']}; "
                  f"{s['findings']} findings")
            if not args.no_custodian and args.estate == "storage":
                cc, ccalls = run_custodian(url, work, args.runs, truth)
                rows.append(("custodian", cc))
            # After the timed runs: what follows imports the catalog here (peak RSS).
            own = in_child(own_minimum, url, region, types)
            alone = in_child(calls_per_type, url, region, types)
        finally:
            moto.terminate()
            moto.wait()
    per_type = report_types(types, own, alone)
    return report(rows, calls, ccalls, minimum(own, types), args.check, per_type)


def s3_question(url: str, work: Path, args: argparse.Namespace, start: float) -> int:
    """driftguard, Custodian and the boto3 floor on the S3 estate: times and ratios."""
    _, truth = in_child(seed_s3, url, args.scale)
    print(f"moto on {url}: seeded in {time.perf_counter() - start:.0f} s; {truth['s3']} "
          f"buckets, {truth['s3-unencrypted']} unencrypted", flush=True)
    rows: dict[str, dict] = {}
    for name, (extra, calls) in S3_RUNS.items():
        rows[f"floor-{name}"] = timed([sys.executable, "-c", FLOOR_S3, url, *calls],
                                      os.environ, work, args.runs, (0,))
        rows[name] = timed([sys.executable, "-m", "driftguard", "scan", *extra, "--type",
                            "aws_s3_bucket", "--region", REGION, "--endpoint-url", url,
                            "--no-progress", "--format", "json", "-o", "report.json"],
                           os.environ, work, args.runs, (0, 1))
        doc = json.loads((work / "report.json").read_text())
        if doc["not_checked"]:
            raise RunFailed(f"not checked: {doc['not_checked']}")
        unencrypted = sum(f["rule_id"] == "DG-ENC-001" for f in doc["findings"])
        print(f"{name}: {doc['summary']['resources']} buckets, {unencrypted} DG-ENC-001 "
              f"findings (expected {truth['s3-unencrypted']}); API calls {doc['api_calls']}")
        if unencrypted != truth["s3-unencrypted"]:
            raise RunFailed(f"{name}: {unencrypted} unencrypted buckets found")
    if not args.no_custodian:
        out = work / "c7n-out"
        if not (VENV / "bin" / "custodian").exists():
            subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
            subprocess.run([VENV / "bin" / "python", "-m", "pip", "install", "-q", "c7n"],
                           check=True)
        env = {**os.environ, "AWS_ENDPOINT_URL": url, "HOME": str(work)}
        rows["custodian"] = timed([VENV / "bin" / "custodian", "run", "-s", out,
                                   "--cache-period", "0", "--region", REGION, "-p",
                                   "s3-unencrypted", POLICIES], env, work, args.runs, (0,),
                                  lambda: shutil.rmtree(out, ignore_errors=True))
        meta = json.loads((out / "s3-unencrypted" / "metadata.json").read_text())
        got = len(json.loads((out / "s3-unencrypted" / "resources.json").read_text()))
        print(f"custodian: {got} matched (expected {truth['s3-unencrypted']}); API calls "
              f"{meta['api-stats']}")
    print(f"\n{'tool':<16} {'median s':>8} {'min s':>6} {'max s':>6} {'peak MB':>7}")
    for name, r in rows.items():
        print(f"{name:<16} {r['median_s']:>8.2f} {r['min_s']:>6.2f} {r['max_s']:>6.2f} "
              f"{r['peak_mb']:>7.0f}")
    met = {}
    for name in S3_RUNS:
        ratio = rows[name]["median_s"] / rows[f"floor-{name}"]["median_s"]
        print(f"{name} / its floor: {ratio:.2f}x")
        met[f"{name} within 1.5x of its floor"] = ratio <= 1.5
    dg = rows["dg-enc-001"]  # the same question as Custodian's
    if "custodian" in rows:
        cc = rows["custodian"]
        for name in S3_RUNS:
            print(f"custodian / {name}: {cc['median_s'] / rows[name]['median_s']:.2f}x; peak "
                  f"RSS {name} / custodian: {rows[name]['peak_mb'] / cc['peak_mb']:.2f}")
        met["dg-enc-001 3x faster than Custodian"] = cc["median_s"] >= 3 * dg["median_s"]
        met["peak RSS <= Custodian's"] = dg["peak_mb"] <= cc["peak_mb"]
    print("targets:", *(f"  {k:38} {'met' if ok else 'MISSED'}" for k, ok in met.items()),
          sep="\n")
    return 1 if args.check and not all(met.values()) else 0


def report_types(types: list[str], own: dict, alone: dict) -> dict[str, dict[str, int]]:
    """Print each type's calls, collected alone, against its minimum; returns the
    operations above it, by type."""
    print(f"\nAPI calls by type, each collected alone with the types it reads along:\n"
          f"  {'type':39} {'resources':>9} {'calls':>6} {'minimum':>7} {'calls/res':>9} "
          f"{'min/res':>7}")
    over = {}
    for tf_type in types:
        resources, made = alone[tf_type]
        least = minimum(own, [tf_type]) - Counter({"sts:GetCallerIdentity": 1})
        per = resources or 1
        print(f"  {tf_type:39} {resources:>9} {sum(made.values()):>6} {sum(least.values()):>7} "
              f"{sum(made.values()) / per:>9.2f} {sum(least.values()) / per:>7.2f}"
              + ("   (reads along " + ", ".join(t for t in read_along([tf_type])
                                                if t != tf_type) + ")"
                 if len(read_along([tf_type])) > 1 else ""))
        if above := {op: n - least[op] for op, n in made.items() if n > least[op]}:
            over[tf_type] = above
    return over


def report(rows: list, calls: Counter, ccalls: Counter, mins: dict[str, int], check: bool,
           per_type: dict[str, dict[str, int]]) -> int:
    custodian = len(rows) > 1
    print(f"\nAPI calls by operation:  {'driftguard':>10} {'minimum':>8}"
          + (f" {'custodian':>10}" if custodian else ""))
    for op in sorted(set(calls) | set(mins) | set(ccalls)):
        print(f"  {op:39} {calls[op]:>8} {mins.get(op, 0):>8}"
              + (f" {ccalls[op]:>10}" if custodian else ""))
    print(f"\n{'tool':<16} {'median s':>8} {'min s':>6} {'max s':>6} {'peak MB':>7} "
          f"{'resources':>9} {'API calls':>9} {'calls/res':>9}")
    for name, r in rows:
        print(f"{name:<16} {r['median_s']:>8.2f} {r['min_s']:>6.2f} {r['max_s']:>6.2f} "
              f"{r['peak_mb']:>7.0f} {r['seen']:>9} {r['calls']:>9} "
              f"{r['calls'] / r['seen']:>9.2f}")
    dg = rows[0][1]
    over = {op: n - mins.get(op, 0) for op, n in calls.items() if n > mins.get(op, 0)}
    met = {"API calls <= minimum": (not over, f"{dg['calls']} vs {sum(mins.values())}"
                                    + (f"; over: {over}" if over else "")),
           "each type's <= its minimum": (not per_type, f"over: {per_type}" if per_type
                                          else f"{len(per_type)} types above"),
           "peak RSS < 500 MB": (dg["peak_mb"] < 500, f"{dg['peak_mb']:.0f} MB")}
    if custodian:
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
