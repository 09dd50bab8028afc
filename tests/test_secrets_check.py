"""`driftguard check` on a plan and a template full of secrets (the hostile test's area-1
canaries, check side): none reaches any of the six formats."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from driftguard.cli import main
from driftguard.report import EXTENSIONS, FORMATS


def secret_plan() -> dict[str, Any]:
    """Sensitive values everywhere a plan keeps them: after/after_sensitive (a password,
    tags with tags_all marked or not, user_data, a sensitive instance type and IMDS
    setting), variables, outputs and output changes, planned values, prior state and
    configuration constants."""
    def change(address: str, after: dict[str, Any], sensitive: dict[str, Any]) -> dict[str, Any]:
        kind, name = address.split(".")
        return {"address": address, "mode": "managed", "type": kind, "name": name,
                "change": {"actions": ["create"], "before": None, "after": after,
                           "after_unknown": {"id": True}, "after_sensitive": sensitive}}

    db = {"identifier": "db1", "engine": "postgres", "instance_class": "db.t3.micro",
          "password": "SECRET-CANARY-PLAN-DBPASS", "storage_encrypted": False,
          "publicly_accessible": True, "tags": {"k": "SECRET-CANARY-PLAN-DBTAG"},
          "tags_all": {"k": "SECRET-CANARY-PLAN-DBTAGALL"}}
    return {
        "format_version": "1.2", "terraform_version": "1.9.5",
        "variables": {"db_password": {"value": "SECRET-CANARY-PLAN-VAR"}},
        "planned_values": {"outputs": {"pw": {"sensitive": True,
                                              "value": "SECRET-CANARY-PLAN-OUTPUT"}},
                           "root_module": {"resources": [{
                               "address": "aws_db_instance.db", "mode": "managed",
                               "type": "aws_db_instance", "name": "db",
                               "values": {**db, "password": "SECRET-CANARY-PLAN-PV"},
                               "sensitive_values": {"password": True, "tags": {"k": True}}}]}},
        "resource_changes": [
            change("aws_db_instance.db", db, {"password": True, "tags": {"k": True}}),
            change("aws_instance.web", {
                "ami": "ami-1", "instance_type": "x1e.32xlarge",
                "user_data": "SECRET-CANARY-PLAN-USERDATA", "associate_public_ip_address": True,
                "metadata_options": [{"http_tokens": "optional"}],
                "tags": {"ApiKey": "SECRET-CANARY-PLAN-TAG"},
                "tags_all": {"ApiKey": "SECRET-CANARY-PLAN-TAG"}},
                {"user_data": True, "tags": {"ApiKey": True}, "tags_all": {"ApiKey": True}}),
            change("aws_instance.sens_type", {
                "ami": "ami-1", "instance_type": "SECRET-CANARY-PLAN-ITYPE",
                "metadata_options": [{"http_tokens": "SECRET-CANARY-PLAN-TOKENS"}]},
                {"instance_type": True, "metadata_options": [{"http_tokens": True}]}),
        ],
        "output_changes": {"pw": {"actions": ["create"], "before": None,
                                  "after": "SECRET-CANARY-PLAN-OUTPUT2", "after_unknown": False,
                                  "before_sensitive": False, "after_sensitive": True}},
        "prior_state": {"format_version": "1.0", "values": {"root_module": {"resources": [{
            "address": "aws_db_instance.old", "mode": "managed", "type": "aws_db_instance",
            "name": "old", "values": {"identifier": "old", "password": "SECRET-CANARY-PRIOR"},
            "sensitive_values": {"password": True}}]}}},
        "configuration": {"root_module": {"resources": [{
            "address": "aws_db_instance.db", "mode": "managed", "type": "aws_db_instance",
            "name": "db", "expressions": {
                "password": {"constant_value": "SECRET-CANARY-PLAN-CONST"},
                "identifier": {"constant_value": "db1"}}}]}},
    }


def test_no_plan_secret_reaches_any_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DRIFTGUARD_CONFIG", raising=False)
    plan = tmp_path / "secret-plan.json"
    plan.write_text(json.dumps(secret_plan()), encoding="utf-8")
    outputs = []
    for fmt in sorted(FORMATS):
        if fmt != "text":
            outputs += ["--format", fmt, "--output", str(tmp_path / f"r.{EXTENSIONS[fmt]}")]
    capsys.readouterr()
    assert main(["check", str(plan), *outputs, "--format", "text"]) == 1
    out, err = capsys.readouterr()
    texts = {"text": out, "stderr": err, **{
        fmt: (tmp_path / f"r.{EXTENSIONS[fmt]}").read_text(encoding="utf-8")
        for fmt in FORMATS if fmt != "text"}}
    for fmt, text in texts.items():
        assert "SECRET-CANARY" not in text, fmt
    assert "unknown until apply" in out  # the sensitive instance type: neither pass nor fail
