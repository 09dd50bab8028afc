"""`driftguard catalog`: every catalog type with its attributes and the rules that read
them, as a real process (it must start without boto3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from driftguard.catalog import specs

REPO = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRIFTGUARD_")}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=60)


def catalog_json(*args: str) -> dict[str, Any]:
    done = run("-m", "driftguard", "catalog", "--format", "json", *args)
    assert (done.returncode, done.stderr) == (0, "")
    return dict(json.loads(done.stdout))


def test_json_lists_every_type_with_its_attributes_and_rules() -> None:
    doc = catalog_json()
    assert doc["schema"] == "driftguard.catalog/v1"
    types = {t["type"]: t for t in doc["types"]}
    assert list(types) == sorted(specs())
    bucket = types["aws_s3_bucket"]
    assert bucket["cloudformation_type"] == "AWS::S3::Bucket"
    assert set(bucket) == {"type", "cloudformation_type", "doc", "import_id", "attributes",
                           "links", "terraform_aliases", "folds", "rules"}
    assert bucket["import_id"] == "{id}"
    assert types["aws_cloudtrail"]["import_id"] == "{arn}"
    assert bucket["terraform_aliases"] == []
    assert types["aws_subnet"]["terraform_aliases"][0]["type"] == "aws_default_subnet"
    encrypted = next(a for a in bucket["attributes"] if a["name"] == "encrypted")
    assert encrypted == {"name": "encrypted", "kind": "bool", "doc": encrypted["doc"],
                         "sources": ["tf", "cfn", "live"], "drift": False,
                         "values_shown": True, "default": None}
    tags = next(a for a in bucket["attributes"] if a["name"] == "tags")
    assert (tags["drift"], tags["values_shown"]) == (True, False)  # a map: by its kind
    assert {"id": "DG-ENC-001", "attributes": ["encrypted"]} in bucket["rules"]
    assert {"type": "aws_s3_bucket_versioning", "source": "tf", "parent_ref": "bucket",
            "attributes": ["versioning"]} in bucket["folds"]
    instance = types["aws_instance"]
    assert [link["name"] for link in instance["links"]] == ["subnet_map_public_ip_on_launch",
                                                            "root_volume_encrypted"]
    assert {"id": "DG-NET-001", "attributes": ["subnet_id", "associate_public_ip_address",
                                               "subnet_map_public_ip_on_launch"]} in (
        instance["rules"])
    setting = types["aws_ebs_encryption_by_default"]
    assert setting["cloudformation_type"] is None
    assert [r["id"] for r in setting["rules"]] == ["DG-ENC-005"]  # no tags: not DG-TAG-001


def test_users_policies_count_and_builtins_can_be_off(tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "kms.rego").write_text(
        "# METADATA\n# title: keys rotate\n# custom:\n#   id: ACME-KMS-001\n"
        "package driftguard.rules.acme.kms\n\nimport data.driftguard.lib\nimport rego.v1\n\n"
        'deny contains lib.finding(r, "no rotation") if {\n'
        '\tsome r in lib.resources["aws_kms_key"]\n'
        '\tr.attributes.key_rotation_enabled == false\n}\n')
    config = tmp_path / "driftguard.yaml"
    config.write_text("builtin_policies: false\n", encoding="utf-8")
    types = {t["type"]: t for t in catalog_json("--config", str(config),
                                                "--policy", str(policies))["types"]}
    assert types["aws_kms_key"]["rules"] == [
        {"id": "ACME-KMS-001", "attributes": ["key_rotation_enabled"]}]
    assert all(t["rules"] == [] for name, t in types.items() if name != "aws_kms_key")


def test_text_lists_attributes_with_their_rules() -> None:
    done = run("-m", "driftguard", "catalog")
    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    start = lines.index("aws_s3_bucket  AWS::S3::Bucket")
    assert lines[start + 2].split() == ["ATTRIBUTE", "KIND", "FROM", "DRIFT", "RULES", "DOC"]
    row = next(line for line in lines[start:] if line.split()[0] == "encrypted")
    assert row.split()[1:5] == ["bool", "tf", "cfn", "live"]
    assert "DG-ENC-001" in row
    assert any(line.strip().startswith("folds in Terraform aws_s3_bucket_versioning")
               for line in lines[start:])


def test_a_missing_policy_directory_is_an_error(tmp_path: Path) -> None:
    done = run("-m", "driftguard", "catalog", "--policy", str(tmp_path / "nope"))
    assert done.returncode == 2
    assert done.stderr.startswith("driftguard: error:") and "nope" in done.stderr


def test_the_command_does_not_import_boto3() -> None:
    done = run("-X", "importtime", "-m", "driftguard", "catalog", "--format", "json")
    assert done.returncode == 0
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:")}
    assert "driftguard.catalog.describe" in imported and "driftguard.policy.reads" in imported
    assert not {m for m in imported if m.split(".")[0] in ("boto3", "botocore")}
