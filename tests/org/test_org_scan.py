"""Many accounts in moto's server: shard processes together equal one process, no unit is
scanned twice, and a change of N moves few units. Organization discovery and unit
isolation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from org_estate import REGIONS, account_ids, build, config, session
from scan.moto_estate import allow, scan_as, scanner_key

from driftguard.collect.clients import AccountClients
from driftguard.config import Config
from driftguard.org.runner import scan_organization
from driftguard.org.units import expand_units


def run_scan(tmp_path: Path, cfg: dict[str, Any], name: str, *extra: str
             ) -> tuple[subprocess.Popen[str], Path]:
    path = tmp_path / "driftguard.yaml"
    path.write_text(yaml.safe_dump(cfg))
    out = tmp_path / f"{name}.json"
    proc = subprocess.Popen([sys.executable, "-m", "driftguard", "scan", "-c", str(path),
                             "-f", "json", "-o", str(out), *extra], env=dict(os.environ),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc, out


def finish(proc: subprocess.Popen[str], out: Path) -> dict[str, Any]:
    log, _ = proc.communicate(timeout=300)
    assert proc.returncode == 1, log  # findings: SSH open, unmanaged resources
    return dict(json.loads(out.read_text()))


def fingerprints(report: dict[str, Any]) -> set[str]:
    return {f["fingerprint"] for f in report["findings"]}


def test_shards_together_equal_one_process(aws: str, tmp_path: Path) -> None:
    accounts = account_ids(5)
    build(accounts)
    cfg = config(accounts)
    whole = finish(*run_scan(tmp_path, cfg, "whole"))
    assert len(whole["units"]) == 15 and whole["not_checked"] == []
    # Each account's bucket once (its home unit), its group in each region.
    assert sum(f["rule_id"] == "DG-DRIFT-003" for f in whole["findings"]) == 5 * (1 + 3)
    assert sum(f["rule_id"] == "DG-NET-003" for f in whole["findings"]) == 5 * 3

    owners: dict[int, dict[str, int]] = {}
    for count in (3, 2):
        procs = [run_scan(tmp_path, cfg, f"shard-{i}-of-{count}", "--shard", f"{i}/{count}")
                 for i in range(count)]
        shards = [finish(*p) for p in procs]
        units = [u for s in shards for u in s["units"]]
        assert len(units) == len(set(units)), "a unit scanned twice"
        assert sorted(units) == sorted(whole["units"])
        assert set().union(*map(fingerprints, shards)) == fingerprints(whole)
        assert sum(len(s["findings"]) for s in shards) == len(whole["findings"])
        assert sorted(d["address"] for s in shards for d in s["drift"]) == sorted(
            d["address"] for d in whole["drift"])
        owners[count] = {u: i for i, s in enumerate(shards) for u in s["units"]}
    moved = sum(owners[3][u] != owners[2][u] for u in whole["units"]) / len(whole["units"])
    print(f"3 -> 2 shards moved {moved:.0%} of the units (ideal 33%)")
    assert moved < 0.6


def test_organization_discovery_with_filters(aws: str) -> None:
    org = boto3.client("organizations")
    org.create_organization(FeatureSet="ALL")
    made = {name: org.create_account(AccountName=name, Email=f"{name}@example.com")
            ["CreateAccountStatus"]["AccountId"] for name in ("ml-prod", "ml-dev", "sandbox")}
    cfg = Config.model_validate({
        "aws": {"regions": REGIONS[:2]},
        "organization": {"discover": True, "include": ["ml-*"], "exclude": ["*-dev"],
                         "states": ["s3://tf-state/{account}/{region}/terraform.tfstate"]},
        "accounts": [{"id": "123456789012", "regions": ["eu-west-1"]}]})
    units = expand_units(cfg, AccountClients(cfg.aws).for_account)
    assert [u.key for u in units] == sorted(
        [f"{made['ml-prod']}/eu-west-1", f"{made['ml-prod']}/us-east-1",
         "123456789012/eu-west-1"])
    prod = [u for u in units if u.account == made["ml-prod"]]
    assert prod[0].role_arn == f"arn:aws:iam::{made['ml-prod']}:role/driftguard"
    assert prod[0].states == (f"s3://tf-state/{made['ml-prod']}/eu-west-1/terraform.tfstate",)
    assert [u.home for u in prod] == [True, False]


def test_all_regions_are_the_enabled_ones(aws: str) -> None:
    cfg = Config.model_validate({"accounts": [{"id": "111111111111", "regions": "all",
                                               "role_arn": "arn:aws:iam::111111111111:role/r"}],
                                 "scan": {"types": ["aws_s3_bucket"]}})
    units = expand_units(cfg, AccountClients(cfg.aws).for_account)
    regions = {u.region for u in units}
    assert {"eu-west-1", "us-east-1", "ap-southeast-2"} <= regions and len(units) > 10


def test_a_unit_that_fails_is_reported_for_that_unit_only(
        aws: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Account 2's role may not read anything (moto enforcing IAM): its unit is not
    checked, account 1's is scanned as usual."""
    accounts = account_ids(2)
    build(accounts, REGIONS[:1])
    deny_reads_in(accounts[1])
    scan_as(scanner_key(["sts:AssumeRole"]), aws, monkeypatch)
    cfg = Config.model_validate(config(accounts, REGIONS[:1]))
    result, units = scan_organization(cfg, AccountClients(cfg.aws))
    by_account = {u.unit.account: u for u in units}
    assert not by_account[accounts[0]].failed and by_account[accounts[1]].failed
    assert {g.account for g in result.not_checked} == {accounts[1]}
    assert all("access denied" in g.reason for g in result.not_checked)
    assert {f.account for f in result.findings} == {accounts[0]}
    assert result.incomplete


def deny_reads_in(denied: str) -> None:
    """Roles `driftguard` in every account of the estate, able to read except in
    `denied`."""
    read = allow(["s3:List*", "s3:Get*", "ec2:Describe*", "sts:GetCallerIdentity"])
    for account in account_ids(2):
        iam = session(account).client("iam")
        iam.create_role(RoleName="driftguard", AssumeRolePolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": []}))
        if account != denied:
            iam.put_role_policy(RoleName="driftguard", PolicyName="read", PolicyDocument=read)


def test_an_account_setting_is_one_finding_per_account(aws: str) -> None:
    """D3: EBS encryption by default is off in both accounts; its live address is the
    region in each, so only the account tells the two findings apart (one process, and
    two shards merged by `report`)."""
    from driftguard.results.merge import merge

    accounts = account_ids(2)
    cfg = Config.model_validate({**config(accounts, REGIONS[:1]),
                                 "scan": {"types": ["aws_ebs_encryption_by_default"]}})
    result, units = scan_organization(cfg, AccountClients(cfg.aws))
    found = sorted((f.account, f.region) for f in result.findings if f.rule_id == "DG-ENC-005")
    assert found == [(a, REGIONS[0]) for a in accounts]
    shards = merge([(u.unit.key, u.result) for u in units], fail_on=cfg.fail_on)
    assert sorted(f.account for f in shards.findings if f.rule_id == "DG-ENC-005") == accounts
