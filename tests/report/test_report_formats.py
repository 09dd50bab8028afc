"""Report formats: golden files for each, plus what each format's reader checks.

Each format renders one fixed CheckResult (`result` below) and is compared with
`tests/report/golden/<format>.<ext>`. After an intended change of a format, regenerate the
golden files and review their diff:

    DRIFTGUARD_UPDATE_GOLDEN=1 python -m pytest tests/report

The driftguard version in the output is replaced by `VERSION` before comparing, so a
release does not touch the golden files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from driftguard import __version__
from driftguard.model import (
    Attribution,
    CheckResult,
    Declaration,
    Finding,
    Rule,
    Severity,
    SourceSummary,
    WaiverRef,
    Why,
)
from driftguard.report import EXTENSIONS, FORMATS, github, markdown, sarif
from driftguard.report.common import finding_level, origin_uri
from driftguard.report.summary import summarize

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
UPDATE = os.environ.get("DRIFTGUARD_UPDATE_GOLDEN") == "1"
SARIF_SCHEMA_FILE = HERE / "data" / "sarif-schema-2.1.0.json"
SARIF_SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
CHECK_SCHEMA = Path(__file__).parents[2] / "driftguard" / "report" / "schema" / "check-v1.json"

TRICKY = 'tag "owner" is missing | 100% of cost goes to "shared"\nsee ::docs:: for owners'


def rule(id: str, package: str, title: str, severity: Severity, **extra) -> Rule:
    return Rule(id=id, package=f"driftguard.rules.{package}", title=title, severity=severity,
                file=f"policies/{package.replace('.', '/')}.rego", **extra)


RULES = [
    rule("ACME-TAG-001", "acme.owner_tag", "Resources must carry an owner tag", Severity.low,
         remediation="Add an `owner` tag naming the team."),
    rule("DG-CMP-001", "compute.instance_types", "EC2 instances must use an allowed instance type",
         Severity.medium, description="Keeps EC2 instances to the approved instance types.",
         remediation="Use a type from allowed_instance_types."),
    rule("DG-ENC-001", "encryption.s3_bucket", "S3 buckets must be encrypted at rest",
         Severity.high, description="Every bucket has default server-side encryption.",
         remediation="Configure default server-side encryption on the bucket.",
         references={"checkov": ["CKV_AWS_19"], "trivy": ["AVD-AWS-0088"]}),
    rule("DG-ENC-003", "encryption.db_instance", "RDS DB instances must be encrypted at rest",
         Severity.high, remediation="Set storage_encrypted = true.",
         references={"checkov": ["CKV_AWS_16"]}),
    rule("DG-NET-002", "network.subnet_public_ip",
         "Subnets should not assign public IP addresses by default", Severity.medium,
         remediation="Set map_public_ip_on_launch = false.",
         references={"trivy": ["AVD-AWS-0164"]}),
    rule("DG-NET-003", "network.sg_admin_ports",
         "Security groups must not open admin ports to the internet", Severity.critical,
         description="No admin port is reachable from 0.0.0.0/0 or ::/0.",
         remediation="Restrict the rule's CIDR blocks to the VPN range.",
         references={"checkov": ["CKV_AWS_24", "CKV_AWS_25"]}),
]


def finding(rule_id: str, level: str, address: str, message: str, origin: str = "plan.json",
            **extra) -> Finding:
    r = next((r for r in RULES if r.id == rule_id), None)
    return Finding(
        rule_id=rule_id, title=r.title if r else rule_id,
        severity=r.severity if r else Severity.medium, level=level, message=message,
        resource_address=address, resource_type=address.split(".")[-2] if origin else "",
        origin=origin, source=("plan" if origin == "plan.json" else "state") if origin else None,
        remediation=r.remediation if r else "", **extra)


def waiver(rule_id: str, resource: str, expires: dt.date, expired: bool) -> WaiverRef:
    return WaiverRef(rule=rule_id, resource=resource, reason="reviewed in SEC-42",
                     owner="ml-platform", expires=expires, expired=expired)


# Why the first finding is there: the state declares it too, a history saw it first a
# month ago, and CloudTrail says who opened the port.
WHY = Why(
    declared_by=[Declaration(source="state", origin="envs/prod/terraform.tfstate",
                             address="module.network.aws_security_group.bastion",
                             module="module.network")],
    first_seen=dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC),
    changed_by=Attribution(
        principal="SSO permission set AdminAccess (session alice@example.com)",
        principal_type="AssumedRole", role="AWSReservedSSO_AdminAccess_0123456789abcdef",
        session="alice@example.com", sso=True, api_call="ec2:AuthorizeSecurityGroupIngress",
        time=dt.datetime(2026, 11, 2, 7, 55, tzinfo=dt.UTC), source="console",
        event_id="ev-1", evidence="trail_logs"))


def make_result() -> CheckResult:
    findings = [
        finding("DG-NET-003", "deny", "module.network.aws_security_group.bastion",
                "admin port 22 is open to 0.0.0.0/0 (ingress tcp 22)", why=WHY),
        finding("DG-ENC-001", "deny", "aws_s3_bucket.logs", "S3 bucket is not encrypted at rest",
                origin="envs/prod/terraform.tfstate",
                waiver=waiver("DG-ENC-001", "aws_s3_bucket.logs", dt.date(2026, 9, 30), False)),
        finding("DG-ENC-001", "deny", "aws_s3_bucket.scratch",
                "S3 bucket is not encrypted at rest"),
        finding("DG-CMP-001", "deny", 'aws_instance.trainer["gpu"]',
                "instance_type is unknown until apply", unknown=True,
                waiver=waiver("DG-CMP-001", "aws_instance.trainer*", dt.date(2026, 1, 31), True)),
        finding("DG-NET-002", "warn", "aws_subnet.public",
                "subnet gives instances a public IP address (map_public_ip_on_launch = true)"),
        finding("custom.legacy", "deny", "aws_vpc.main", "legacy VPC in use", origin=""),
        finding("ACME-TAG-001", "deny", 'aws_instance.trainer["gpu"]', TRICKY),
    ]
    return CheckResult(
        sources=[SourceSummary(path="plan.json", kind="plan", resources=12),
                 SourceSummary(path="envs/prod/terraform.tfstate", kind="state", resources=30)],
        resources=42, rules=RULES, findings=findings, fail_on=Severity.low,
        stale_waivers=[waiver("DG-NET-001", "aws_instance.bastion", dt.date(2026, 12, 31),
                              False)],
        unread_types={"aws_lambda_function": 1, "aws_iam_role": 2},
    )


ARN = "arn:aws:cloudtrail:eu-west-1:123456789012:trail/audit"
SCANNED = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


def make_scan_result() -> CheckResult:
    """A scan whose drift the codify formats (terraform-import, driftignore) write."""
    from driftguard.model import Drift, Why

    def unmanaged(rtype: str, ident: str, address: str | None = None,
                  region: str = "eu-west-1") -> Drift:
        return Drift(kind="unmanaged", type=rtype, id=ident, address=address or ident,
                     account="123456789012", region=region)

    drifts = [
        Drift(kind="missing", type="aws_ebs_volume", id="vol-0c1", address="aws_ebs_volume.a",
              origin="prod.tfstate", account="123456789012", region="eu-west-1"),
        unmanaged("aws_cloudtrail", "audit", ARN),
        unmanaged("aws_ebs_encryption_by_default", "eu-west-1"),
        unmanaged("aws_ebs_encryption_by_default", "us-east-1", region="us-east-1"),
        unmanaged("aws_instance", "i-0b2"),
        unmanaged("aws_instance", "i-0a1"),
        unmanaged("aws_kms_key", "1234abcd-12ab-34cd-56ef-1234567890ab",
                  "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
        unmanaged("aws_s3_bucket", "logs.example.com"),
        unmanaged("aws_s3_bucket", "logs-example-com"),  # the same name once made
        unmanaged("aws_sqs_queue", "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs"),
        unmanaged("aws_iam_policy", "arn:aws:iam::123456789012:policy/team/Deploy"),
    ]
    findings = [Finding(
        rule_id="DG-DRIFT-003", title="Live resource is not declared in any code",
        severity=Severity.medium, level="deny", resource_address="i-0a1",
        message="aws_instance i-0a1 exists in 123456789012/eu-west-1 but no code declares it",
        resource_type="aws_instance", origin="live", source="live", account="123456789012",
        region="eu-west-1", why=Why(first_seen=dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)))]
    return CheckResult(kind="scan", sources=[], resources=12, rules=RULES, findings=findings,
                       fail_on=Severity.low, drifts=drifts, account="123456789012",
                       regions=["eu-west-1", "us-east-1"], scanned_at=SCANNED)


# The formats that write a scan's unmanaged resources: their golden files are of a scan.
CODIFY = {"terraform-import", "driftignore"}


@pytest.fixture
def result() -> CheckResult:
    return make_result()


@pytest.fixture
def fixed_uri(monkeypatch: pytest.MonkeyPatch) -> None:
    """The SARIF informationUri comes from the installed package's metadata: pin it."""
    monkeypatch.setattr(sarif, "_information_uri", lambda: "https://driftguard.invalid/")


# --- golden files ----------------------------------------------------------------------

def test_every_format_is_registered() -> None:
    assert set(FORMATS) == {"text", "json", "sarif", "junit", "github", "markdown", "html",
                            "terraform-import", "driftignore"}
    assert set(EXTENSIONS) == set(FORMATS)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_golden(fmt: str, result: CheckResult, fixed_uri: None) -> None:
    rendered = FORMATS[fmt](make_scan_result() if fmt in CODIFY else result)
    out = rendered.replace(f'"{__version__}"', '"VERSION"')
    path = GOLDEN / f"{fmt}.{EXTENSIONS[fmt]}"
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(out, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run with DRIFTGUARD_UPDATE_GOLDEN=1"
    assert out == path.read_text(encoding="utf-8"), (
        f"{fmt} differs from {path}; if intended, rerun with DRIFTGUARD_UPDATE_GOLDEN=1")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_renders_the_same_twice_and_an_empty_result(
        fmt: str, result: CheckResult) -> None:
    assert FORMATS[fmt](result) == FORMATS[fmt](make_result())
    empty = CheckResult(sources=[], resources=0, rules=[], findings=[], fail_on=Severity.low)
    assert FORMATS[fmt](empty).endswith("\n")


def test_json_golden_matches_its_schema(result: CheckResult) -> None:
    schema = json.loads(CHECK_SCHEMA.read_text())
    jsonschema.validate(json.loads(FORMATS["json"](result)), schema)


# --- SARIF -----------------------------------------------------------------------------

def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SARIF_SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def test_vendored_sarif_schema_is_unmodified() -> None:
    assert hashlib.sha256(SARIF_SCHEMA_FILE.read_bytes()).hexdigest() == SARIF_SCHEMA_SHA256


def test_sarif_is_valid_against_the_official_schema(result: CheckResult,
                                                    fixed_uri: None) -> None:
    validator = sarif_validator()
    doc = json.loads(sarif.render(result))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
    assert errors == []
    empty = CheckResult(sources=[], resources=0, rules=[], findings=[], fail_on=Severity.low)
    assert list(validator.iter_errors(json.loads(sarif.render(empty)))) == []


def test_the_schema_check_catches_a_bad_log() -> None:
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
                                         "results": [{"level": "fatal", "message": {}}]}]}
    assert list(sarif_validator().iter_errors(bad))


def test_sarif_rules_results_and_levels(result: CheckResult, fixed_uri: None) -> None:
    doc = json.loads(sarif.render(result))
    assert doc["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert doc["version"] == "2.1.0" and len(doc["runs"]) == 1
    run = doc["runs"][0]
    assert run["invocations"][0]["executionSuccessful"] is True
    driver = run["tool"]["driver"]
    assert driver["name"] == "driftguard" and driver["version"] == __version__
    assert driver["informationUri"] == "https://driftguard.invalid/"
    rules = driver["rules"]
    # every rule evaluated, also one without findings, then one that only a finding names
    assert [r["id"] for r in rules] == [r.id for r in RULES] + ["custom.legacy"]
    by_id = {r["id"]: r for r in rules}
    net3 = by_id["DG-NET-003"]
    assert net3["shortDescription"]["text"] == RULES[5].title
    assert net3["fullDescription"]["text"] == RULES[5].description
    assert net3["help"]["text"] == RULES[5].remediation
    assert net3["defaultConfiguration"]["level"] == "error"
    assert net3["properties"]["checkov"] == ["CKV_AWS_24", "CKV_AWS_25"]
    assert net3["properties"]["package"] == "driftguard.rules.network.sg_admin_ports"
    assert {r["id"]: r["properties"]["security-severity"] for r in rules} == {
        "ACME-TAG-001": "3.0", "DG-CMP-001": "5.5", "DG-ENC-001": "8.0", "DG-ENC-003": "8.0",
        "DG-NET-002": "5.5", "DG-NET-003": "9.5", "custom.legacy": "5.5"}
    assert by_id["DG-ENC-001"]["properties"]["trivy"] == ["AVD-AWS-0088"]

    results = run["results"]
    assert len(results) == len(result.findings)
    for item, f in zip(results, result.findings, strict=True):
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"] == f.rule_id
        assert item["partialFingerprints"] == {"driftguard/v1": f.fingerprint}
        logical = item["locations"][0]["logicalLocations"][0]
        assert logical == {"fullyQualifiedName": f.resource_address, "kind": "resource"}
    assert [r["level"] for r in results] == [
        "error", "error", "error", "warning", "warning", "warning", "note"]
    assert results[3]["message"]["text"] == (
        "[unknown until apply] instance_type is unknown until apply")
    uris = [r["locations"][0].get("physicalLocation", {}).get("artifactLocation", {}).get("uri")
            for r in results]
    assert uris == ["plan.json", "envs/prod/terraform.tfstate", "plan.json", "plan.json",
                    "plan.json", None, "plan.json"]
    assert [bool(r.get("suppressions")) for r in results] == [
        False, True, False, False, False, False, False]
    assert results[1]["suppressions"][0]["status"] == "accepted"
    assert results[6]["message"]["text"] == TRICKY


@pytest.mark.parametrize(("severity", "level", "expected"), [
    (Severity.critical, "deny", "error"), (Severity.high, "deny", "error"),
    (Severity.medium, "deny", "warning"), (Severity.low, "deny", "note"),
    (Severity.info, "deny", "note"), (Severity.critical, "warn", "warning"),
    (Severity.high, "warn", "warning"), (Severity.medium, "warn", "warning"),
    (Severity.low, "warn", "note"), (Severity.info, "warn", "note"),
])
def test_one_level_mapping(severity: Severity, level: str, expected: str) -> None:
    f = Finding(rule_id="R", title="t", severity=severity, level=level, message="m",
                resource_address="a.b", resource_type="a", origin="plan.json")
    assert finding_level(f) == expected
    result = CheckResult(sources=[], resources=1, rules=[], findings=[f], fail_on=Severity.info)
    assert json.loads(sarif.render(result))["runs"][0]["results"][0]["level"] == expected
    command = github.render(result).split(" ", 1)[0]
    assert command == "::" + {"note": "notice"}.get(expected, expected)


@pytest.mark.parametrize(("origin", "uri"), [
    ("plan.json", "plan.json"),
    ("./plans/plan.json", "plans/plan.json"),
    ("envs\\prod\\plan.json", "envs/prod/plan.json"),
    ("my plans/plan #1.json", "my%20plans/plan%20%231.json"),
    ("/ci/work/plan.json", "file:///ci/work/plan.json"),
    ("C:\\work\\plan.json", "file:///C:/work/plan.json"),
])
def test_sarif_uri_of_an_origin(origin: str, uri: str) -> None:
    assert origin_uri(origin) == uri


def test_sarif_information_uri_from_package_metadata() -> None:
    uri = sarif._information_uri()
    assert uri is None or uri.startswith("http")


# --- JUnit -----------------------------------------------------------------------------

def test_junit_parses_and_its_counts_match(result: CheckResult) -> None:
    root = ET.fromstring(FORMATS["junit"](result))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == (
        [f"{r.id} {r.title}" for r in RULES] + ["custom.legacy"])
    for suite in suites:
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases) >= 1
        assert int(suite.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)
        assert int(suite.get("skipped")) == sum(1 for c in cases if c.find("skipped") is not None)
        assert {c.get("classname") for c in cases} == {suite.get("name").split(" ")[0]}
    cases = root.iter("testcase")
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites) == 8
    assert int(root.get("failures")) == summarize(result)["failing"] == 5
    assert int(root.get("skipped")) == 1
    by_suite = {s.get("name").split(" ")[0]: s for s in suites}
    assert [c.get("name") for c in by_suite["DG-ENC-003"].iter("testcase")] == ["all resources"]
    failure = by_suite["DG-NET-003"].find("testcase/failure")
    assert failure.get("type") == "critical"
    assert failure.get("message") == "admin port 22 is open to 0.0.0.0/0 (ingress tcp 22)"
    warn_case = by_suite["DG-NET-002"].find("testcase")
    assert warn_case.find("failure") is None and "warning" in warn_case.find("system-out").text
    tricky = by_suite["ACME-TAG-001"].find("testcase/failure")
    assert tricky.get("message") == TRICKY  # newlines survive in the attribute
    assert all(c.get("name") for c in cases)


def test_junit_below_threshold_passes(result: CheckResult) -> None:
    result.fail_on = Severity.high
    root = ET.fromstring(FORMATS["junit"](result))
    assert int(root.get("failures")) == summarize(result)["failing"] == 2
    cmp = next(s for s in root.iter("testsuite") if s.get("name").startswith("DG-CMP-001"))
    assert "below --fail-on high" in cmp.find("testcase/system-out").text


# --- GitHub ----------------------------------------------------------------------------

_PROPERTY = r"[a-z]+=[^,:\r\n]*"
COMMAND = re.compile(rf"^::(error|warning|notice)( {_PROPERTY}(,{_PROPERTY})*)?::[^\r\n]+$")


def test_github_lines_are_workflow_commands(result: CheckResult) -> None:
    out = github.render(result)
    lines = out.splitlines()
    assert len(lines) == len(result.findings) + len(result.stale_waivers) + 1
    for line in lines:
        assert COMMAND.match(line), line
        data = line.split("::", 2)[2]
        assert not re.search(r"%(?!25|0D|0A)", data), line  # every % is an escape
    tricky = lines[6]
    assert tricky.startswith("::notice file=plan.json,title=ACME-TAG-001 Resources must carry")
    assert tricky.endswith(
        'aws_instance.trainer["gpu"]: tag "owner" is missing | 100%25 of cost goes to '
        '"shared"%0Asee ::docs:: for owners')
    assert [line.split(" ", 1)[0] for line in lines] == [
        "::error", "::notice", "::error", "::warning", "::warning", "::warning", "::notice",
        "::warning", "::notice"]
    assert lines[-1].startswith("::notice title=driftguard FAIL::FAIL: 5 violations")


def test_github_escapes_properties() -> None:
    assert github.escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"
    assert github.escape_data("a:b,c%d\r\ne") == "a:b,c%25d%0D%0Ae"


def test_github_never_errors_on_what_does_not_fail_the_gate(result: CheckResult) -> None:
    result.fail_on = Severity.critical
    levels = [line.split(" ", 1)[0] for line in github.render(result).splitlines()]
    assert levels[:3] == ["::error", "::notice", "::warning"]  # the high deny passes now


# --- Markdown --------------------------------------------------------------------------

def many_failing(n: int) -> CheckResult:
    findings = [finding("DG-ENC-001", "deny", f"aws_s3_bucket.b{i:03d}", "not encrypted")
                for i in range(n)]
    findings.append(finding("DG-NET-002", "warn", "aws_subnet.public", "public IPs"))
    return CheckResult(sources=[SourceSummary(path="plan.json", kind="plan", resources=n + 1)],
                       resources=n + 1, rules=RULES, findings=findings, fail_on=Severity.low)


def table_rows(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.startswith("| high "))


def test_markdown_summary_then_table_then_folded_rest(result: CheckResult) -> None:
    out = markdown.render(result)
    lines = out.splitlines()
    assert lines[0] == markdown.MARKER
    assert lines[1] == "## \u274c driftguard: FAIL"
    assert lines[3].startswith("5 violations at or above low (1 critical, 1 high, 2 medium, 1 low)")
    assert "1 unknown until apply" in lines[3]
    assert "42 resources in 2 files, 3 of types no rule reads, 6 rules" in lines[3]
    assert lines[5] == "| Severity | Rule | Resource | Message |"
    assert "<summary>2 findings that do not fail the gate: 1 warning, 1 waived</summary>" in out
    assert ('tag "owner" is missing \\| 100% of cost goes to "shared"<br>see ::docs:: for '
            'owners |') in out


def test_markdown_folds_above_the_limit() -> None:
    out = markdown.render(many_failing(50))
    assert table_rows(out) == 50 and "more failing" not in out
    out = markdown.render(many_failing(73))
    first_table = out.split("<details>")[0]
    assert table_rows(first_table) == 50
    assert "<summary>23 more failing findings</summary>" in out
    assert table_rows(out) == 73
    assert "<summary>1 finding that does not fail the gate: 1 warning</summary>" in out


def test_markdown_stays_under_a_comment_s_size() -> None:
    out = markdown._render(many_failing(400), markdown.FOLD_AFTER, 8_000)
    assert len(out) < 8_000
    shown = table_rows(out)
    assert 0 < shown < 400
    assert f"_{400 + 1 - shown} more findings not shown here" in out
    assert len(markdown.render(many_failing(3000))) < 65_536


# --- end to end: the CLI writes every format from a real check -------------------------

def test_cli_writes_every_format_in_one_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    from plans import change, plan, write

    from driftguard.cli import main

    monkeypatch.chdir(tmp_path)
    # DRIFTGUARD_UPDATE_GOLDEN too: config.py reads unknown DRIFTGUARD_* variables as keys
    for var in ("DRIFTGUARD_CONFIG", "DRIFTGUARD_FAIL_ON", "DRIFTGUARD_UPDATE_GOLDEN"):
        monkeypatch.delenv(var, raising=False)
    path = write(tmp_path, plan(
        change("aws_ebs_volume.scratch", {"encrypted": False, "size": 100}),
        change("aws_instance.train", {"instance_type": "m5.large"},
               unknown={"associate_public_ip_address": True}),
        change("aws_subnet.public", {"map_public_ip_on_launch": True}),
    ))
    args = ["check", path.name]
    for fmt in sorted(FORMATS):
        args += ["--format", fmt, "--output", f"report.{EXTENSIONS[fmt]}.{fmt}"]
    assert main(args) == 1
    assert capsys.readouterr().out == ""
    reports = {fmt: (tmp_path / f"report.{EXTENSIONS[fmt]}.{fmt}").read_text()
               for fmt in FORMATS}
    doc = json.loads(reports["sarif"])
    assert list(sarif_validator().iter_errors(doc)) == []
    results = doc["runs"][0]["results"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in results} == {"plan.json"}
    failing = json.loads(reports["json"])["summary"]["failing"]
    assert int(ET.fromstring(reports["junit"]).get("failures")) == failing > 0
    assert all(COMMAND.match(line) for line in reports["github"].splitlines())
    assert reports["markdown"].splitlines()[1].endswith("driftguard: FAIL")


def test_sarif_of_the_corpus_is_valid(corpus_dir: Path) -> None:
    from driftguard.config import Config
    from driftguard.errors import DriftguardError
    from driftguard.pipeline import check

    plans = sorted((corpus_dir / "plan").glob("*.json"))[:40]
    validator = sarif_validator()
    checked = 0
    for path in plans:
        try:
            result = check([path], Config())
        except DriftguardError:  # inputs the gate rejects are other tests' business
            continue
        doc = json.loads(sarif.render(result))
        assert list(validator.iter_errors(doc)) == [], path.name
        checked += 1
    assert checked


def incomplete_scan(failing: bool = True) -> CheckResult:
    """A scan with 100% coverage of what it read, and two types (three regions) unread."""
    from driftguard.model import Coverage, NotChecked

    gaps = [NotChecked(type=t, region=r, operation="Describe", reason="throttled past retries")
            for t, r in [("aws_instance", "eu-west-1"), ("aws_instance", "us-east-1"),
                         ("aws_ebs_volume", "eu-west-1")]]
    findings = [finding("DG-ENC-001", "deny", "aws_s3_bucket.scratch",
                        "S3 bucket is not encrypted at rest", origin="live")] if failing else []
    return CheckResult(kind="scan", sources=[], resources=3, rules=RULES, findings=findings,
                       fail_on=Severity.low, not_checked=gaps,
                       coverage=[Coverage(type="aws_s3_bucket", managed=3, unmanaged=0)])


@pytest.mark.parametrize("failing", [True, False])
def test_an_incomplete_scan_says_incomplete_first_in_every_format(failing: bool) -> None:
    """Exit code 3 whatever the findings: the verdict is INCOMPLETE, what was not read comes
    first, types are counted as types, and the coverage is that of what was read."""
    result = incomplete_scan(failing)
    last = FORMATS["text"](result).splitlines()[-1]
    found = ("1 violation at or above low (1 high)" if failing
             else "no violations at or above low")
    assert last == (f"INCOMPLETE: 2 types not checked; {found}. 3 live resources, 0 declared "
                    "in 0 sources, coverage 100% of what was read, 6 rules.")
    assert "driftguard: INCOMPLETE" in FORMATS["markdown"](result)
    assert "driftguard INCOMPLETE" in FORMATS["github"](result)
