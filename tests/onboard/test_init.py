"""`driftguard init`: a commented driftguard.yaml for the user's situation, that the real
config loader reads, with the regions and the Terraform state it finds in the directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from driftguard.cli import main
from driftguard.config import load_config
from driftguard.onboard.discover import discover

MAIN_TF = """\
terraform {
  required_version = ">= 1.5"
  # backend "s3" { bucket = "commented-out" key = "no" }
  backend "s3" {
    bucket = "acme-tf-states"   # where the state lives
    key    = "ml/terraform.tfstate"
    region = "eu-west-1"
    dynamodb_table = "locks"
  }
}

provider "aws" {
  region = "eu-central-1"
  default_tags { tags = { team = "ml" } }
}

provider "aws" {
  alias  = "replica"
  region = var.replica_region  # an expression: not a region anyone can scan
}
"""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "DRIFTGUARD_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_finds_the_s3_backend_and_the_provider_regions(workdir: Path) -> None:
    (workdir / "main.tf").write_text(MAIN_TF)
    found = discover(workdir, environ={})
    assert list(found.states) == ["s3://acme-tf-states/ml/terraform.tfstate"]
    assert found.regions == {"eu-west-1": "the S3 backend in main.tf",
                             "eu-central-1": 'provider "aws" in main.tf'}


def test_finds_the_backend_terraform_init_recorded_and_local_states(workdir: Path) -> None:
    (workdir / ".terraform").mkdir()
    (workdir / ".terraform" / "terraform.tfstate").write_text(json.dumps({
        "version": 3, "backend": {"type": "s3", "config": {
            "bucket": "tf-prod", "key": "net/terraform.tfstate", "region": "us-east-2"}}}))
    (workdir / "old.tfstate").write_text("{}")
    found = discover(workdir, environ={"AWS_REGION": "eu-west-1"})
    assert list(found.states) == ["s3://tf-prod/net/terraform.tfstate", "old.tfstate"]
    assert list(found.regions) == ["eu-west-1", "us-east-2"]


@pytest.mark.parametrize("situation", [[], ["--ci"], ["--daemon"], ["--org"],
                                       ["--ci", "--daemon", "--org"]])
def test_writes_a_commented_config_the_loader_reads(
        workdir: Path, situation: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "main.tf").write_text(MAIN_TF)
    assert main(["init", *situation]) == 0
    assert "wrote driftguard.yaml" in capsys.readouterr().out
    text = (workdir / "driftguard.yaml").read_text()
    assert text.startswith("# driftguard configuration, written by `driftguard init")
    assert sum(line.lstrip().startswith("#") for line in text.splitlines()) >= 10
    config = load_config(workdir / "driftguard.yaml", environ={})
    assert config.aws.regions == ["eu-west-1", "eu-central-1"]
    if "--org" in situation:
        assert config.organization.discover and config.multi_account()
        assert config.scan.states == []
        assert "s3://acme-tf-states/ml/terraform.tfstate" in text  # as a hint
    else:
        assert config.scan.states == ["s3://acme-tf-states/ml/terraform.tfstate"]
    assert (config.fail_on.name == "high") == ("--ci" in situation)
    assert bool(config.serve.jobs) == ("--daemon" in situation)


def test_nothing_found_still_loads(workdir: Path) -> None:
    assert main(["init"]) == 0
    config = load_config(workdir / "driftguard.yaml", environ={})
    assert config.aws.regions == [] and config.scan.states == []


def test_an_existing_file_is_kept(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "driftguard.yaml").write_text("fail_on: high\n")
    assert main(["init"]) == 2
    err = capsys.readouterr().err
    assert err == "driftguard: error: driftguard.yaml: already exists; give --force to replace it\n"
    assert main(["init", "--force", "--ci"]) == 0
    assert "written by `driftguard init --ci`" in (workdir / "driftguard.yaml").read_text()
