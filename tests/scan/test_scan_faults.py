"""Faults in AWS's answers, between driftguard and moto's server (tests/collect/faultproxy.py):
a malformed answer is a failed call. Its type is "not checked" (exit 3), nothing turns into
"missing", and the rest of the scan goes on.

One case per protocol and kind of fault of the hostile test of 2026-12-01 (area 3), one
attempt per call; bench/bench_faults.py runs every case of it with the default retries
(the other EC2 calls, partial faults, a 40 s answer, moto killed mid-scan).
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from collect.faultproxy import FaultProxy, Rule
from moto_estate import REGION, Estate

from driftguard.cli import main

EXIT_INCOMPLETE = 3
EC2_TYPES = {"aws_instance", "aws_ebs_volume", "aws_security_group", "aws_subnet", "aws_vpc",
             "aws_ebs_encryption_by_default"}


@dataclass
class Faulty:
    state: Path
    config: Path
    proxy: FaultProxy
    estate: Estate


@pytest.fixture(scope="module")
def faulty(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Faulty]:
    """The estate (every catalog type once), built once for the module and scanned
    through the proxy; one attempt per call, so that no case waits for retries."""
    urllib.request.urlopen(urllib.request.Request(  # an empty account
        f"{moto_endpoint}/moto-api/reset", data=b"{}", method="POST"), timeout=10).close()
    where = tmp_path_factory.mktemp("faults")
    with pytest.MonkeyPatch.context() as env:
        for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                           "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION,
                           "AWS_ENDPOINT_URL": moto_endpoint,
                           "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"}.items():
            env.setenv(key, value)
        for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "DRIFTGUARD_CONFIG",
                    "DRIFTGUARD_FAIL_ON"):
            env.delenv(key, raising=False)
        estate = Estate().build()
        state = estate.state.write(where / "terraform.tfstate")
        config = where / "driftguard.yaml"
        config.write_text("aws:\n  max_attempts: 1\n", encoding="utf-8")
        proxy = FaultProxy(moto_endpoint)
        env.chdir(where)
        yield Faulty(state, config, proxy, estate)
        proxy.close()


def declaring(faulty: Faulty, types: set[str]) -> Path:
    """A state declaring the estate's resources of these types (and their folds) only:
    the fewer types a case reads, the faster it runs."""
    doc = json.loads(faulty.state.read_text(encoding="utf-8"))
    doc["resources"] = [r for r in doc["resources"] if r["type"] in types or any(
        r["type"].startswith(t + "_") for t in types)]
    path = faulty.state.with_name("-".join(sorted(types)) + ".tfstate")
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def scan(faulty: Faulty, capsys: pytest.CaptureFixture[str], *rules: Rule,
         types: set[str] | None = None) -> tuple[int, dict[str, Any]]:
    faulty.proxy.inject(*rules)
    state = faulty.state if types is None else declaring(faulty, types)
    capsys.readouterr()
    code = main(["scan", "--state", str(state), "-c", str(faulty.config),
                 "--endpoint-url", faulty.proxy.url, "--region", REGION, "--no-progress",
                 "--format", "json"])
    out, err = capsys.readouterr()
    assert err == "", err
    return code, json.loads(out)


# (rules, the types not checked, the failed operation, words of the reason)
CASES: dict[str, tuple[list[Rule], set[str], str, str]] = {
    # D2: answers that parse as "nothing there"
    "kms-list-empty-200": ([Rule("kms", "ListKeys", "empty200")], {"aws_kms_key"},
                           "ListKeys", "empty body"),
    "kms-html-200": ([Rule("kms", mode="garbage200")], {"aws_kms_key"}, "ListKeys",
                     "HTML page"),
    "ecr-empty-200": ([Rule("ecr", "DescribeRepositories", "empty200")],
                      {"aws_ecr_repository"}, "DescribeRepositories", "empty body"),
    "ec2-instances-html-200": ([Rule("ec2", "DescribeInstances", "garbage200")],
                               {"aws_instance"}, "DescribeInstances", "HTML page"),
    "s3-html-200": ([Rule("s3", mode="garbage200")], {"aws_s3_bucket"}, "ListBuckets",
                    "HTML page"),
    "s3-list-empty-200": ([Rule("s3", "GET /", "empty200", exact=True)], {"aws_s3_bucket"},
                          "ListBuckets", "empty body"),
    "s3-encryption-empty-200": ([Rule("s3", "?encryption", "empty200")], {"aws_s3_bucket"},
                                "GetBucketEncryption", "empty body"),
    "s3-tagging-empty-200": ([Rule("s3", "?tagging", "empty200")], {"aws_s3_bucket"},
                             "GetBucketTagging", "empty body"),
    # D18: answers botocore cannot parse
    "ec2-500-text": ([Rule("ec2", mode="500")], EC2_TYPES, "", "500"),
    "ec2-instances-empty-200": ([Rule("ec2", "DescribeInstances", "empty200")],
                                {"aws_instance"}, "DescribeInstances", "empty body"),
    "ec2-instances-truncated": ([Rule("ec2", "DescribeInstances", "truncate")],
                                {"aws_instance"}, "DescribeInstances", "does not parse"),
    "rds-empty-200": ([Rule("rds", "DescribeDBInstances", "empty200")], {"aws_db_instance"},
                      "DescribeDBInstances", "empty body"),
    "sts-empty-200": ([Rule("sts", mode="empty200")], {"*"}, "GetCallerIdentity",
                      "empty body"),
    # Failures botocore names itself
    "s3-throttled": ([Rule("s3", mode="throttle")], {"aws_s3_bucket"}, "ListBuckets",
                     "throttled past retries: SlowDown"),
    "ec2-throttled": ([Rule("ec2", mode="throttle")], EC2_TYPES, "",
                      "throttled past retries: RequestLimitExceeded"),
    "sts-denied": ([Rule("sts", mode="accessdenied")], {"*"}, "GetCallerIdentity",
                   "access denied"),
    "ecr-denied": ([Rule("ecr", mode="accessdenied")], {"aws_ecr_repository"},
                   "DescribeRepositories", "access denied"),
    "s3-reset": ([Rule("s3", mode="reset")], {"aws_s3_bucket"}, "ListBuckets",
                 "unreachable: ConnectionClosedError"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_malformed_answer_is_not_checked_never_missing(
        faulty: Faulty, capsys: pytest.CaptureFixture[str], case: str) -> None:
    rules, types, operation, words = CASES[case]
    # The types the fault hits, and one it does not (KMS: it must still be read).
    other = "aws_s3_bucket" if "aws_kms_key" in types else "aws_kms_key"
    code, report = scan(faulty, capsys, *rules, types={*types, other} - {"*"})
    assert code == EXIT_INCOMPLETE
    assert report["summary"]["incomplete"] is True
    assert {g["type"] for g in report["not_checked"]} == types
    if operation:
        assert {g["operation"] for g in report["not_checked"]} == {operation}
    assert all(words in g["reason"] for g in report["not_checked"]), report["not_checked"]
    # Nothing turned into drift: the estate is in sync, and what was read was compared.
    assert report["drift"] == []
    if "*" not in types:
        assert report["account"] == "123456789012"
        read = {c["type"] for c in report["coverage"]}
        assert read == {other}  # the rest went on


def test_the_same_estate_without_faults_is_complete(
        faulty: Faulty, capsys: pytest.CaptureFixture[str]) -> None:
    """The cases' baseline: through the proxy, unharmed, the scan is complete and clean."""
    code, report = scan(faulty, capsys)
    assert report["not_checked"] == [] and report["drift"] == []
    assert code in (0, 1)


def test_a_malformed_answer_resolves_nothing_in_the_history(
        faulty: Faulty, tmp_path: Path) -> None:
    """The daemon's view of D2: open findings on instances stay open (first seen kept) while
    DescribeInstances answers a captive portal's page, and nothing is new afterwards."""
    from driftguard import pipeline
    from driftguard.collect.clients import ClientFactory
    from driftguard.config import load_config
    from driftguard.history import HistoryStore

    state = declaring(faulty, {"aws_instance", "aws_kms_key"})
    settings = tmp_path / "driftguard.yaml"  # the estate's t3.large is not allowed
    settings.write_text("policy:\n  allowed_instance_types: [g5.*]\n", encoding="utf-8")
    config = load_config(settings).with_overrides(
        scan={"states": [str(state)]}, aws={"regions": [REGION]})
    history = HistoryStore(tmp_path / "history.sqlite")

    def scan_and_record(now: float, *rules: Rule) -> tuple[list[str], list[str]]:
        faulty.proxy.inject(*rules)
        clients = ClientFactory(max_attempts=1, endpoint_url=faulty.proxy.url)
        result = pipeline.scan(config, clients=clients)
        changes = history.record("prod", result.findings, now, not_checked=result.not_checked)
        return ([f.rule_id for f in changes.new], [f.rule_id for f in changes.resolved])

    new, _ = scan_and_record(1.0)
    on_instances = {o.finding.fingerprint for o in history.open_findings("prod")
                    if o.finding.resource_type == "aws_instance"}
    assert new and on_instances
    assert scan_and_record(2.0, Rule("ec2", "DescribeInstances", "garbage200")) == ([], [])
    assert scan_and_record(3.0) == ([], [])
    kept = {o.finding.fingerprint: o.first_seen for o in history.open_findings("prod")}
    assert all(kept[fp] == 1.0 for fp in on_instances)


def test_an_answer_slower_than_the_timeout_is_not_checked(
        faulty: Faulty, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Area 3's ec2_slow case, shortened: DescribeInstances answers after 2 s, the
    timeout is 0.5 s."""
    slow = tmp_path / "slow.yaml"
    slow.write_text("aws:\n  max_attempts: 1\n  timeout: 0.5\n", encoding="utf-8")
    faulty.proxy.inject(Rule("ec2", "DescribeInstances", "delay:2"))
    state = declaring(faulty, {"aws_instance", "aws_kms_key"})
    capsys.readouterr()
    code = main(["scan", "--state", str(state), "-c", str(slow), "--endpoint-url",
                 faulty.proxy.url, "--region", REGION, "--no-progress", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == EXIT_INCOMPLETE
    [gap] = report["not_checked"]
    assert (gap["type"], gap["operation"]) == ("aws_instance", "DescribeInstances")
    assert gap["reason"].startswith("unreachable: ReadTimeoutError")
    assert report["drift"] == [] and {c["type"] for c in report["coverage"]} == {"aws_kms_key"}
