#!/usr/bin/env python3
"""Time `driftguard check` on CloudFormation templates, and checkov on the same files.

    python bench/bench_cfn.py [--runs 5] [--resources 2000] [--checkov PATH]

Templates: the largest one of the shared corpus (../shared/corpus/cfn, by size) and one
generated here with N resources (VPCs, subnets, security groups with standalone ingress
rules, instances, buckets, volumes, databases, repositories, keys, and non-catalog types),
using parameters, conditions, Fn::Sub, Fn::If, Fn::GetAtt and Fn::Select throughout.
Each command runs as its own process: one warm-up, then R timed runs; the medians of
wall time and peak RSS are printed (bench_check.run_once). checkov runs as
`checkov -f FILE --framework cloudformation --quiet --compact -o json --skip-download`
when its executable exists (default: bench/.venv-checkov/bin/checkov; bench_vs_checkov.py
creates that virtual environment). Stdlib only.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import sys
import tempfile
from pathlib import Path

from bench_check import REPO, RunFailed, run_once

HERE = Path(__file__).resolve().parent
CORPUS = REPO.parent / "shared" / "corpus" / "cfn"

HEADER = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: {Type: String, Default: dev, AllowedValues: [dev, prod]}
  InstanceType: {Type: String, Default: t3.large}
  AdminCidr: {Type: String, Default: 0.0.0.0/0}
  AmiId: {Type: "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
          Default: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64}
Mappings:
  Sizes:
    dev: {Volume: "50", Db: db.t3.micro}
    prod: {Volume: "500", Db: db.r6g.large}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
Resources:
"""

# One unit of ten resources; {i} numbers them.
UNIT = """\
  Vpc{i}:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: !Sub "10.{b}.0.0/16"
      EnableDnsSupport: true
      Tags: [{{Key: Name, Value: !Sub "${{Env}}-vpc-{i}"}}, {{Key: owner, Value: ml}}]
  Subnet{i}:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc{i}
      CidrBlock: !Select [0, !Cidr [!GetAtt Vpc{i}.CidrBlock, 4, 8]]
      AvailabilityZone: !Select [{az}, !GetAZs ""]
      MapPublicIpOnLaunch: !If [IsProd, false, true]
  Sg{i}:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !Sub "group {i} in ${{AWS::Region}}"
      VpcId: !Ref Vpc{i}
      SecurityGroupIngress:
        - {{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}}
  SgAdmin{i}:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt Sg{i}.GroupId
      IpProtocol: tcp
      FromPort: 22
      ToPort: 22
      CidrIp: !Ref AdminCidr
  Trainer{i}:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !Ref AmiId
      InstanceType: !If [IsProd, p4d.24xlarge, !Ref InstanceType]
      SubnetId: !Ref Subnet{i}
      SecurityGroupIds: [!GetAtt Sg{i}.GroupId]
      MetadataOptions: {{HttpTokens: !If [IsProd, required, optional]}}
      Tags: [{{Key: Name, Value: !Join ["-", [trainer, !Ref Env, "{i}"]]}}]
  Data{i}:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "acme-${{Env}}-data-{i}"
      BucketEncryption: !If
        - IsProd
        - ServerSideEncryptionConfiguration:
            - ServerSideEncryptionByDefault:
                {{SSEAlgorithm: "aws:kms", KMSMasterKeyID: !Ref Key{i}}}
        - !Ref AWS::NoValue
      VersioningConfiguration: {{Status: Enabled}}
  Cache{i}:
    Type: AWS::EC2::Volume
    Properties:
      AvailabilityZone: !GetAtt Trainer{i}.AvailabilityZone
      Size: !FindInMap [Sizes, !Ref Env, Volume]
      Encrypted: {enc}
  Db{i}:
    Type: AWS::RDS::DBInstance
    Condition: IsProd
    Properties:
      Engine: postgres
      DBInstanceClass: !FindInMap [Sizes, !Ref Env, Db]
      StorageEncrypted: true
      MasterUsername: admin
      MasterUserPassword: "{{{{resolve:secretsmanager:db-{i}}}}}"
  Models{i}:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: !Sub "${{Env}}/models-{i}"
      ImageScanningConfiguration: {{ScanOnPush: {enc}}}
  Key{i}:
    Type: AWS::KMS::Key
    Properties:
      Description: !Sub "data key {i}"
      EnableKeyRotation: true
      KeyPolicy: {{Version: "2012-10-17", Statement: []}}
  Topic{i}:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Sub "${{AWS::StackName}}-alerts-{i}"
"""
UNIT_SIZE = 11


def generate(resources: int) -> str:
    units = max(1, resources // UNIT_SIZE)
    return HEADER + "".join(
        UNIT.format(i=i, b=i % 256, az=i % 2, enc="true" if i % 3 else "false")
        for i in range(units))


def largest_corpus_template() -> Path | None:
    if not CORPUS.is_dir():
        return None
    return max(CORPUS.iterdir(), key=lambda p: p.stat().st_size)


def measure(cmd: list[str], runs: int, workdir: Path) -> tuple[float, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRIFTGUARD_")}
    env["PYTHONPATH"] = str(REPO)
    out = workdir / "out.json"
    run_once(cmd, out, workdir, env)  # warm-up: file cache, imports
    results = [run_once(cmd, out, workdir, env) for _ in range(runs)]
    return (statistics.median(w for w, _ in results),
            statistics.median(m for _, m in results))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--resources", type=int, default=2000)
    parser.add_argument("--checkov", type=Path, default=HERE / ".venv-checkov" / "bin" / "checkov")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        generated = workdir / f"generated-{args.resources}.yaml"
        generated.write_text(generate(args.resources))
        files = [p for p in (largest_corpus_template(), generated) if p is not None]
        print(f"runs={args.runs} (medians after one warm-up)")
        for path in files:
            tools = {"driftguard": [sys.executable, "-m", "driftguard", "check", str(path),
                                    "--format", "json"]}
            if args.checkov.exists():
                tools["checkov"] = [str(args.checkov), "-f", str(path), "--framework",
                                    "cloudformation", "--quiet", "--compact", "-o", "json",
                                    "--skip-download"]
            for tool, cmd in tools.items():
                try:
                    wall, peak = measure(cmd, args.runs, workdir)
                except RunFailed as exc:
                    print(f"{tool} failed on {path.name}: {exc}", file=sys.stderr)
                    continue
                print(f"{path.name[-60:]:<60} {tool:<10} {wall:7.3f} s  {peak:7.1f} MB"
                      f"   {shlex.join(cmd[:2])} ...")
    return 0


if __name__ == "__main__":
    sys.exit(main())
