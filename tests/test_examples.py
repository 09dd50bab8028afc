"""The shipped examples: the quick start's plan shows the violations it was built to show."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from driftguard.config import Config

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "configs/examples/ml-plan.json"


def test_example_plan_violations_as_a_whole_process(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "driftguard", "check", str(EXAMPLE),
                           "--format", "json"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    found = {(f["rule_id"], f["resource"]["address"]) for f in json.loads(proc.stdout)["findings"]}
    expected = {
        ("DG-NET-003", "module.network.aws_security_group.bastion"),
        ("DG-ENC-001", 'module.storage.aws_s3_bucket.data["scratch"]'),
        ("DG-ENC-002", "aws_ebs_volume.datasets_cache"),
        ("DG-ENC-003", "aws_db_instance.metadata"),
        ("DG-NET-001", "aws_instance.notebook"),
        ("DG-CMP-001", "aws_instance.feature_store"),
        ("DG-NET-002", "module.network.aws_subnet.public"),
    }
    assert expected <= found
    # The encrypted bucket's settings come from split resources joined by reference:
    assert ("DG-ENC-001", 'module.storage.aws_s3_bucket.data["training-data"]') not in found
    assert not any(address == "aws_instance.old_gpu" for _, address in found)  # deleted
    assert "example-only-not-a-real-password" not in proc.stdout


def test_shipped_config_matches_the_defaults() -> None:
    """It documents every setting (each section whole) with its default."""
    shipped = yaml.safe_load((REPO / "configs/driftguard.yaml").read_text())
    assert Config.model_validate(shipped) == Config()
    defaults = Config().model_dump()
    assert set(shipped) == set(defaults)
    for section, value in defaults.items():
        if isinstance(value, dict) and section not in ("policy",):
            assert set(shipped[section]) == set(value), section


def test_every_policy_family_is_packaged() -> None:
    """Wheels carry policies/ through data-files, one entry per family folder."""
    import tomllib

    data_files = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"][
        "data-files"]
    families = sorted(p.name for p in (REPO / "policies").iterdir() if p.is_dir())
    assert sorted(data_files) == [f"share/driftguard/policies/{f}" for f in families]
