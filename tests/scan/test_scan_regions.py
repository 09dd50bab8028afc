"""A missing resource says where it was declared to live, on moto's server: the demo's
state (an EBS volume with its availability zone and no ARN) scanned after the volume went;
the region is the zone's, the account the scan's, in the JSON report, the message and the
metrics. A volume declared in another region is not this scan's business."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto_estate import ACCOUNT, REGION
from prometheus_client import CollectorRegistry

from driftguard import pipeline
from driftguard.cli import main
from driftguard.collect.clients import ClientFactory
from driftguard.config import Config
from driftguard.daemon.metrics import ScanMetrics


def _volume_state(path: Path, volumes: dict[str, str]) -> Path:
    """A state declaring `volumes` (id -> zone) as the demo writes it: no ARN."""
    path.write_text(json.dumps({
        "version": 4, "terraform_version": "1.7.0", "serial": 1, "lineage": "demo",
        "resources": [{"mode": "managed", "type": "aws_ebs_volume", "name": f"v{n}",
                       "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
                       "instances": [{"attributes": {
                           "id": vol, "availability_zone": zone, "size": 10, "type": "gp3",
                           "encrypted": True}}]}
                      for n, (vol, zone) in enumerate(volumes.items())]}))
    return path


@pytest.fixture
def state(aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two volumes declared, both deleted since: one in this region, one in us-east-1."""
    monkeypatch.chdir(tmp_path)
    for key in ("DRIFTGUARD_CONFIG", "DRIFTGUARD_FAIL_ON"):
        monkeypatch.delenv(key, raising=False)
    here = boto3.client("ec2").create_volume(AvailabilityZone=f"{REGION}a", Size=10)
    boto3.client("ec2").delete_volume(VolumeId=here["VolumeId"])
    return _volume_state(tmp_path / "terraform.tfstate", {here["VolumeId"]: f"{REGION}a",
                                                          "vol-0elsewhere": "us-east-1b"})


def test_a_missing_volume_has_its_account_and_region_in_the_json_report(
        state: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["scan", "--state", str(state), "--region", REGION, "--type",
                 "aws_ebs_volume", "--format", "json", "--no-progress"])
    out, err = capsys.readouterr()
    report: dict[str, Any] = json.loads(out)
    assert (code, err) == (1, "")
    [missing] = report["drift"]  # not the us-east-1 one: another region's
    assert (missing["kind"], missing["account"], missing["region"]) == (
        "missing", ACCOUNT, REGION)
    [finding] = [f for f in report["findings"] if f["rule_id"] == "DG-DRIFT-001"]
    assert finding["message"].endswith(f"does not exist in {ACCOUNT}/{REGION}")


def test_a_missing_volume_has_its_region_in_the_metrics(state: Path) -> None:
    config = Config().with_overrides(aws={"regions": [REGION]},
                                     scan={"states": [str(state)], "types": ["aws_ebs_volume"]})
    result = pipeline.scan(config, clients=ClientFactory(default_region=REGION))
    registry = CollectorRegistry()
    ScanMetrics(registry).scan_finished("ml", result, [], [], [], now=0.0, duration=1.0)
    drifted = {(s.labels["account"], s.labels["region"], s.labels["kind"]): s.value
               for m in registry.collect() if m.name == "driftguard_drifted_resources"
               for s in m.samples}
    assert drifted == {(ACCOUNT, REGION, "missing"): 1.0}


def test_the_other_regions_volume_is_missing_in_its_own_regions_scan(
        state: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["scan", "--state", str(state), "--region", "us-east-1", "--type",
                 "aws_ebs_volume", "--format", "json", "--no-progress"])
    out, _ = capsys.readouterr()
    assert code == 1
    assert [(d["id"], d["account"], d["region"]) for d in json.loads(out)["drift"]] == [
        ("vol-0elsewhere", ACCOUNT, "us-east-1")]
