"""The text report for a person at a terminal: headings by drift class and severity, live
resources by id and Name, the width of the terminal kept, colour only when asked, and
nothing lost (every finding has its row; what is cut is marked, and -v shows it whole).

The scan below has every kind of row; its golden files are the report with no width (a
file, a pipe) and at 80 columns. After an intended change, regenerate and review them:

    DRIFTGUARD_UPDATE_GOLDEN=1 python -m pytest tests/report
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from driftguard.model import (
    AttributeChange,
    CheckResult,
    Coverage,
    Drift,
    Finding,
    NotChecked,
    Rule,
    Severity,
    SourceSummary,
)
from driftguard.report import FORMATS, text

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("DRIFTGUARD_UPDATE_GOLDEN") == "1"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
ACCOUNT = "123456789012"
STATE = "s3://tf-states/ml/terraform.tfstate"
ALLOWED = ", ".join(f'"{t}.*"' for t in ("t3", "t3a", "m5", "m6i", "c5", "c6i", "r5", "g4dn",
                                         "g5", "g6", "p3", "p4d", "p5", "inf2", "trn1"))

DRIFT_RULES = [
    Rule(id="DG-DRIFT-001", package="driftguard.drift.missing", severity=Severity.high,
         title="Declared resource does not exist in the account"),
    Rule(id="DG-DRIFT-002", package="driftguard.drift.changed", severity=Severity.medium,
         title="Live resource differs from its code"),
    Rule(id="DG-DRIFT-003", package="driftguard.drift.unmanaged", severity=Severity.medium,
         title="Live resource is not declared in any code"),
]
POLICY_RULES = [
    Rule(id="DG-CMP-001", package="driftguard.rules.compute.instance_types",
         severity=Severity.medium, title="EC2 instances must use an allowed instance type"),
    Rule(id="DG-ENC-001", package="driftguard.rules.encryption.s3_bucket",
         severity=Severity.high, title="S3 buckets must be encrypted at rest"),
    Rule(id="DG-NET-002", package="driftguard.rules.network.subnet_public_ip",
         severity=Severity.medium, title="Subnets should not assign public IPs"),
    Rule(id="DG-NET-006", package="driftguard.rules.network.sg_egress_all",
         severity=Severity.low, title="Security groups should not allow all egress"),
]


def drift(kind: str, rtype: str, rid: str, address: str, region: str | None = "eu-west-1",
          changes: list[AttributeChange] | None = None) -> Drift:
    return Drift(kind=kind, type=rtype, id=rid, address=address,
                 origin=None if kind == "unmanaged" else STATE, account=ACCOUNT,
                 region=region, changes=changes or [])


def drift_finding(d: Drift, message: str, name: str | None = None) -> Finding:
    rule = {"missing": DRIFT_RULES[0], "changed": DRIFT_RULES[1],
            "unmanaged": DRIFT_RULES[2]}[d.kind]
    return Finding(rule_id=rule.id, title=rule.title, severity=rule.severity, level="deny",
                   message=message, resource_address=d.address, resource_type=d.type,
                   origin=d.origin or "live", source="live" if d.kind == "unmanaged" else
                   "state", account=d.account, region=d.region, resource_id=d.id,
                   resource_name=name)


def live(rule_id: str, rtype: str, rid: str, message: str, region: str | None = "eu-west-1",
         name: str | None = None, level: str = "deny", aws_default: bool = False) -> Finding:
    rule = next(r for r in POLICY_RULES if r.id == rule_id)
    arn = (f"arn:aws:ec2:{region}:{ACCOUNT}:{rtype.removeprefix('aws_').replace('_', '-')}/"
           f"{rid}" if rtype != "aws_s3_bucket" else rid)
    return Finding(rule_id=rule.id, title=rule.title, severity=rule.severity, level=level,
                   message=message, resource_address=arn, resource_type=rtype,
                   origin="live", source="live", account=ACCOUNT, region=region,
                   resource_id=rid, resource_name=name, aws_default=aws_default)


def make_scan() -> CheckResult:
    changed_sg = drift("changed", "aws_security_group", "sg-0a1b2c3d4e5f60718",
                       "module.network.aws_security_group.training", changes=[
                           AttributeChange(attribute="ingress", declared=[
                               {"protocol": "tcp", "from_port": 443, "to_port": 443,
                                "cidr_blocks": ["10.20.0.0/16"]}], live=[
                               {"protocol": "tcp", "from_port": 443, "to_port": 443,
                                "cidr_blocks": ["10.20.0.0/16"]},
                               {"protocol": "tcp", "from_port": 22, "to_port": 22,
                                "cidr_blocks": ["0.0.0.0/0"]}]),
                           AttributeChange(attribute="tags", declared="(not shown)",
                                           live="(not shown)")])
    changed_vm = drift("changed", "aws_instance", "i-0123456789abcdef0",
                       "aws_instance.trainer", changes=[AttributeChange(
                           attribute="instance_type", declared="p4d.24xlarge",
                           live="p5.48xlarge")])
    missing = drift("missing", "aws_ebs_volume", "vol-0fedcba9876543210",
                    "aws_ebs_volume.datasets_cache")
    unmanaged = drift("unmanaged", "aws_instance", "i-0aaaabbbbccccdddd", "i-0aaaabbbbccccdddd",
                      region="us-east-1")
    drifts = [missing, changed_vm, changed_sg, unmanaged]
    findings = [
        drift_finding(missing, "aws_ebs_volume vol-0fedcba9876543210 is declared but does "
                      f"not exist in {ACCOUNT}/eu-west-1", "datasets-cache"),
        drift_finding(changed_vm, "aws_instance i-0123456789abcdef0 changed: instance_type: "
                      "declared 'p4d.24xlarge', live 'p5.48xlarge'", "trainer"),
        drift_finding(changed_sg, "aws_security_group sg-0a1b2c3d4e5f60718 changed: ...",
                      "training"),
        drift_finding(unmanaged, f"aws_instance i-0aaaabbbbccccdddd exists in {ACCOUNT}/"
                      "us-east-1 but no code declares it", "someones-experiment"),
        live("DG-ENC-001", "aws_s3_bucket", "acme-ml-raw-uploads",
             "S3 bucket is not encrypted at rest", region=None),
        live("DG-CMP-001", "aws_instance", "i-0aaaabbbbccccdddd",
             f'instance type "x2iedn.32xlarge" matches none of allowed_instance_types '
             f"[{ALLOWED}]", region="us-east-1", name="someones-experiment"),
        *[live("DG-NET-002", "aws_subnet", f"subnet-0{i}{i}{i}{i}a1b2c3d4e5f6",
               "subnet gives instances launched in it a public IP address "
               "(map_public_ip_on_launch = true)", level="warn", aws_default=True)
          for i in range(3)],
        live("DG-NET-006", "aws_security_group", "sg-0defa017defa01700",
             "all outbound traffic is allowed to 0.0.0.0/0 (egress all protocols)",
             name="default", level="warn", aws_default=True),
        live("DG-NET-006", "aws_security_group", "sg-0a1b2c3d4e5f60718",
             "all outbound traffic is allowed to 0.0.0.0/0 (egress all protocols)",
             name="training", level="warn"),
    ]
    return CheckResult(
        kind="scan", sources=[SourceSummary(path=STATE, kind="state", resources=13)],
        resources=21, rules=[*DRIFT_RULES, *POLICY_RULES], findings=findings,
        fail_on=Severity.low, drifts=drifts,
        coverage=[Coverage(type="aws_instance", managed=1, unmanaged=1)],
        not_checked=[NotChecked(type=t, account=ACCOUNT, region="us-east-1",
                                operation=op, reason="access denied (AccessDenied)")
                     for t, op in [("aws_ecr_repository", "DescribeRepositories"),
                                   ("aws_kms_key", "ListKeys")]],
        account=ACCOUNT, regions=["eu-west-1", "us-east-1"],
        units=[f"{ACCOUNT}/eu-west-1", f"{ACCOUNT}/us-east-1"])


def plain(report: str) -> list[str]:
    return ANSI.sub("", report).splitlines()


@pytest.mark.parametrize("width", [None, 80])
def test_golden_scan(width: int | None) -> None:
    out = text.render(make_scan(), width=width)
    path = GOLDEN / f"text-scan{f'-{width}' if width else ''}.txt"
    if UPDATE:
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8"), (
        f"differs from {path}; if intended, rerun with DRIFTGUARD_UPDATE_GOLDEN=1")


def test_headings_by_drift_class_then_by_severity() -> None:
    lines = plain(text.render(make_scan()))
    headings = [line for line in lines if line and not line.startswith(" ")]
    assert headings[:8] == [
        "DRIFT  1 missing, 2 changed, 1 unmanaged",
        "missing (1, high): declared in code, not found in AWS",
        "changed (2, medium): the live resource differs from its code",
        "unmanaged (1, medium): in AWS, declared by no code",
        "POLICY  2 violations, 1 warning",
        "high (1)",
        "medium (1)",
        "low warnings (1)",
    ]


def test_live_resources_by_id_and_name_and_where_they_are() -> None:
    report = text.render(make_scan())
    assert "arn:aws" not in report
    assert re.search(r"\n  DG-CMP-001  i-0aaaabbbbccccdddd \(someones-experiment\) +"
                     r"123456789012/us-east-1 +instance type", report)
    assert re.search(r"\n  aws_ebs_volume.datasets_cache +vol-0fedcba9876543210 "
                     r"\(datasets-cache\) +123456789012/eu-west-1\n", report)
    # a bucket is global: its account, no region
    assert re.search(r"\n  DG-ENC-001  acme-ml-raw-uploads +123456789012 +S3 bucket", report)


def test_one_account_and_region_are_not_repeated_on_every_row() -> None:
    result = make_scan()
    result.findings = [f for f in result.findings if f.region in ("eu-west-1", None)]
    result.units = [f"{ACCOUNT}/eu-west-1"]
    assert f"{ACCOUNT}/eu-west-1" not in text.render(result)


def test_changes_one_a_line_and_warnings_on_aws_defaults_folded() -> None:
    lines = plain(text.render(make_scan()))
    assert "      instance_type: declared 'p4d.24xlarge', live 'p5.48xlarge'" in lines
    assert "      tags: declared (not shown), live (not shown)" in lines
    assert not any("subnet-0" in line or "sg-0defa017" in line for line in lines)
    [fold] = [line for line in lines if "not listed" in line]
    assert fold.startswith("4 warnings not listed, on what AWS made by itself")
    assert "3 aws_subnet, 1 aws_security_group (DG-NET-002, DG-NET-006); -v lists them" in fold
    verbose = text.render(make_scan(), verbose=True)
    assert "not listed" not in verbose
    assert verbose.count("subnet-0") == 3 and "sg-0defa017defa01700 (default)" in verbose


def test_gaps_of_one_reason_on_one_line() -> None:
    lines = plain(text.render(make_scan()))
    assert (f"not checked in {ACCOUNT}/us-east-1: aws_ecr_repository (DescribeRepositories), "
            "aws_kms_key (ListKeys): access denied (AccessDenied)") in lines


def row_of(f: Finding, report: str) -> bool:
    """The finding has its row: its rule and resource (a drift class's row: its resource)."""
    lines = plain(report)
    name = text.live_name(f)
    if f.rule_id.startswith("DG-DRIFT"):
        first = f.resource_type if f.rule_id == "DG-DRIFT-003" else f.resource_address
    else:
        first, name = f.rule_id, name.split()[0]
    # the row's first line; on a narrow terminal, the rest of its cells on the next
    return any(f"{line} ".startswith(f"  {first} ")
               and name in " ".join(" ".join(lines[i:i + 2]).split())
               for i, line in enumerate(lines))


@pytest.mark.parametrize("width", [60, 80, 100, 132, 200])
@pytest.mark.parametrize("verbose", [False, True])
def test_every_line_fits_and_every_finding_is_there(width: int, verbose: bool) -> None:
    result = make_scan()
    report = text.render(result, width=width, verbose=verbose, color=True)
    assert max(len(line) for line in plain(report)) <= width
    for f in result.findings:
        assert row_of(f, report) or (not verbose and f.aws_default), f
    cut = "\u2026" in report
    assert cut == (not verbose and width < 200)  # the allow-list is 300 characters
    assert (f"cut to fit {width} columns" in report) == cut


def test_without_a_width_nothing_is_cut_or_wrapped() -> None:
    report = text.render(make_scan())
    assert "\u2026" not in report
    assert f"[{ALLOWED}]" in report


def test_colour_only_when_asked_and_the_same_text() -> None:
    result = make_scan()
    assert "\x1b" not in text.render(result, width=100)
    coloured = text.render(result, width=100, color=True)
    assert "\x1b[1;33mINCOMPLETE\x1b[0m" in coloured
    assert "\x1b[31mhigh (1)\x1b[0m" in coloured
    assert plain(coloured) == text.render(result, width=100).splitlines()
    assert FORMATS["text"](result) == text.render(result)


def test_terminal_escapes_from_a_message_never_reach_the_terminal() -> None:
    result = make_scan()
    result.findings[4].message = "first line\r\nsecond \x1b[31mred\x1b[0m"
    lines = text.render(result).splitlines()
    [at] = [i for i, line in enumerate(lines) if line.endswith("first line")]
    column = lines[at].index("first line")
    assert lines[at + 1] == " " * column + "second \ufffd[31mred\ufffd[0m"
    assert "\x1b" not in text.render(result, width=80, color=False)


def test_short_id_of_an_arn() -> None:
    assert text.short_id("arn:aws:ec2:eu-west-1:1:security-group/sg-0abc") == "sg-0abc"
    assert text.short_id("arn:aws:iam::1:role/service-role/admin") == "admin"
    assert text.short_id("arn:aws:sqs:eu-west-1:1:jobs") == "jobs"
    assert text.short_id("acme-ml-data") == "acme-ml-data"


# --- end to end: the example plan through the CLI, the demo's scan ---------------------

REPO = Path(__file__).resolve().parents[2]


def fits_and_has_everything(result: CheckResult, width: int) -> None:
    for verbose in (False, True):
        report = text.render(result, width=width, verbose=verbose)
        assert max(map(len, report.splitlines())) <= width, (width, verbose)
        for f in result.findings:
            assert row_of(f, report) or (f.aws_default and not verbose), (f, width)
        folded = [f for f in result.findings if f.aws_default and f.level == "warn"]
        if folded and not verbose:
            assert f"{len(folded)} warnings not listed" in report


@pytest.mark.parametrize("width", [80, 200])
def test_the_example_plan_at_a_terminal_s_width(width: int, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """As a whole process: $COLUMNS sets the width (here stdout is a pipe)."""
    import json
    import subprocess
    import sys

    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.delenv("DRIFTGUARD_CONFIG", raising=False)
    report = tmp_path / "report.json"
    proc = subprocess.run([sys.executable, "-m", "driftguard", "check",
                           str(REPO / "configs/examples/ml-plan.json"), "-f", "json", "-o",
                           str(report), "-f", "text"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert max(map(len, lines)) <= width
    assert "\x1b" not in proc.stdout  # not a terminal: no colour
    findings = json.loads(report.read_text())["findings"]
    assert len(findings) == 15
    for f in findings:
        assert any(line.startswith(f"  {f['rule_id']}  {f['resource']['address']}")
                   for line in lines), f
    assert ("\u2026" in proc.stdout) == (width == 80)  # DG-CMP-001's allow-list is long


def test_the_demo_s_scan_at_80_and_200_columns(tmp_path: Path) -> None:
    from driftguard import demo
    from driftguard.config import Config

    result, _ = demo.run(Config(), tmp_path, say=lambda line: None)
    kinds = sorted(f.rule_id for f in result.findings if f.rule_id.startswith("DG-DRIFT"))
    assert kinds == ["DG-DRIFT-001", "DG-DRIFT-002", "DG-DRIFT-002", "DG-DRIFT-003"]
    for width in (80, 200):
        fits_and_has_everything(result, width)
    report = text.render(result, width=200)
    # resources by id, not ARN (a changed attribute's values, under the row, are as they are)
    assert not any("arn:aws" in line for line in report.splitlines()
                   if not line.startswith(text.DETAIL))
    assert "(someones-experiment)" in report and "(datasets-cache)" in report
    # the default VPC's three subnets and the two default security groups, in one line
    assert "5 warnings not listed, on what AWS made by itself" in report
