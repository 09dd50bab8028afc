"""`driftguard check` reports the drift Terraform saw while planning (`resource_drift`):
changed and missing, scoped like the scan's drift, secrets masked.

The real plan (data/plan-drift, see its README) was made by Terraform and the AWS provider
against a moto server; the others are built here in the same shape, for one case each.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from driftguard.cli import main
from driftguard.report import FORMATS
from driftguard.report.json_report import render
from driftguard.results.reader import read_report

HERE = Path(__file__).parent
REAL = HERE / "data" / "plan-drift" / "plan.json"
SCHEMA = HERE.parents[1] / "driftguard" / "report" / "schema" / "check-v1.json"
SECRETS = ("alice@example.com", "mallory@example.com")


def check(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["check", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def check_json(capsys: pytest.CaptureFixture[str], *args: str | Path
               ) -> tuple[int, dict[str, Any]]:
    code, out, err = check(capsys, *args, "-f", "json")
    assert err == "", err
    return code, json.loads(out)


def drift_of(report: dict[str, Any]) -> dict[str, tuple[str, list[tuple[str, Any, Any]]]]:
    return {d["address"]: (d["kind"], [(c["attribute"], c["declared"], c["live"])
                                       for c in d["changes"]]) for d in report["drift"]}


def real_ids() -> dict[str, str]:
    doc = json.loads(REAL.read_text())
    out = {}
    for module in [doc["prior_state"]["values"]["root_module"],
                   *doc["prior_state"]["values"]["root_module"].get("child_modules", [])]:
        out.update({r["address"]: r["values"]["id"] for r in module["resources"]})
    return out


# --- the real plan --------------------------------------------------------------------


def test_the_real_plans_drift_becomes_findings(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = check_json(capsys, REAL)
    assert code == 1
    hidden = "(not shown)"
    assert drift_of(report) == {
        "aws_iam_role.trainer": ("missing", []),
        # Versioning drifted through aws_s3_bucket_versioning: it folds into the bucket.
        "aws_s3_bucket.data": ("changed", [("versioning", True, False),
                                           ("tags", hidden, hidden)]),
        "module.net.aws_security_group.web": ("changed", [("ingress", [
            {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidrs": ["10.0.0.0/8"]}], [
            {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidrs": ["0.0.0.0/0"]},
            {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidrs": ["10.0.0.0/8"]}])]),
        "module.net.aws_subnet.a": ("changed", [("map_public_ip_on_launch", False, True)]),
        # Its owner tag is sensitive: Terraform saw it change, the report does not say to what.
        "module.net.aws_vpc.main": ("changed", [("tags", hidden, hidden)]),
    }
    ids = real_ids()
    entry = {d["address"]: d for d in report["drift"]}["module.net.aws_subnet.a"]
    assert (entry["id"], entry["origin"], entry["account"], entry["region"]) == (
        ids["module.net.aws_subnet.a"], str(REAL), "123456789012", "eu-west-1")
    assert report["summary"]["drift"] == {"missing": 1, "changed": 4, "unmanaged": 0}
    drift_findings = [f for f in report["findings"] if f["rule_id"].startswith("DG-DRIFT")]
    assert sorted((f["rule_id"], f["resource"]["address"]) for f in drift_findings) == sorted(
        [("DG-DRIFT-001", "aws_iam_role.trainer")] + [("DG-DRIFT-002", a) for a in (
            "aws_s3_bucket.data", "module.net.aws_security_group.web",
            "module.net.aws_subnet.a", "module.net.aws_vpc.main")])
    assert {(f["resource"]["source"], f["resource"]["origin"]) for f in drift_findings} == {
        ("plan", str(REAL))}
    subnet = next(f for f in drift_findings if f["resource"]["address"].endswith("subnet.a"))
    assert subnet["message"] == (f"aws_subnet {ids['module.net.aws_subnet.a']} changed: "
                                 "map_public_ip_on_launch: declared False, live True")
    assert {r["id"] for r in report["rules"]} >= {"DG-DRIFT-001", "DG-DRIFT-002",
                                                  "DG-DRIFT-003"}
    jsonschema.validate(report, json.loads(SCHEMA.read_text()))


def test_the_report_reads_back_with_its_drift(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = check(capsys, REAL, "-f", "json")
    assert render(read_report("r.json", out)) == out


@pytest.mark.parametrize("fmt", sorted(set(FORMATS) - {"terraform-import", "driftignore"}))
def test_no_format_shows_the_sensitive_tag(fmt: str, capsys: pytest.CaptureFixture[str]
                                           ) -> None:
    for show in ((), ("--show-values",)):
        code, out, err = check(capsys, REAL, "-f", fmt, *show)
        assert code == 1, err
        assert not any(secret in out + err for secret in SECRETS)


def test_show_values_shows_what_is_not_secret(capsys: pytest.CaptureFixture[str]) -> None:
    _, report = check_json(capsys, REAL, "--show-values")
    drift = drift_of(report)
    assert ("tags", {"team": "ml"}, {"team": "someone-else"}) in drift["aws_s3_bucket.data"][1]
    assert drift["module.net.aws_vpc.main"][1] == [("tags", "(sensitive)", "(sensitive)")]


def test_the_text_report_lists_the_drift(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = check(capsys, REAL)
    assert code == 1
    missing = out[out.index("missing (1, high)"):out.index("changed (4, medium)")]
    assert "aws_iam_role.trainer" in missing
    assert out.rstrip().splitlines()[-1].startswith("FAIL: ")


def test_drift_below_the_threshold_passes(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "driftguard.yaml"
    config.write_text("builtin_policies: false\nscan:\n  drift_severity:\n    missing: low\n"
                      "    changed: low\n")
    code, report = check_json(capsys, REAL, "-c", config, "--fail-on", "medium")
    assert code == 0 and report["summary"]["passed"]
    assert len(report["drift"]) == 5


def test_waivers_and_ignore_rules_apply(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n- rule: DG-DRIFT-002\n  resource: 'module.net.*'\n  reason: network team"
        "\n  owner: net\n  expires: 2099-01-01\n")
    ignore = tmp_path / ".driftignore"
    ignore.write_text("aws_iam_role.trainer\naws_s3_bucket.ml-training-data.tags\n")
    config = tmp_path / "driftguard.yaml"
    config.write_text(f"builtin_policies: false\nscan:\n  ignore_file: {ignore}\n")
    code, report = check_json(capsys, REAL, "-c", config, "--waivers", waivers)
    assert drift_of(report) == {
        "aws_s3_bucket.data": ("changed", [("versioning", True, False)]),
        "module.net.aws_security_group.web": ("changed", drift_of(report)[
            "module.net.aws_security_group.web"][1]),
        "module.net.aws_subnet.a": ("changed", [("map_public_ip_on_launch", False, True)]),
        "module.net.aws_vpc.main": ("changed", [("tags", "(not shown)", "(not shown)")]),
    }
    waived = {f["resource"]["address"] for f in report["findings"] if f["waived"]}
    assert waived == {"module.net.aws_security_group.web", "module.net.aws_subnet.a",
                      "module.net.aws_vpc.main"}
    assert code == 1  # the bucket's versioning still fails


# --- plans built here: one case each -------------------------------------------------------


def _plan(prior: list[dict[str, Any]], drift: list[dict[str, Any]],
          config: dict[str, dict[str, Any]] | None = None,
          changes: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A plan whose prior state (the refreshed one) holds `prior` ({address, type, values}),
    with `drift` entries ({address, actions, before, after, sensitive}) and the
    configuration's expressions by address (every prior attribute, when not given)."""
    def resource(r: dict[str, Any]) -> dict[str, Any]:
        name = r["address"].split(".")[1]
        return {"address": r["address"], "mode": "managed", "type": r["type"], "name": name,
                "values": r["values"], "sensitive_values": {}}

    def expressions(r: dict[str, Any]) -> dict[str, Any]:
        given = (config or {}).get(r["address"])
        keys = given if given is not None else [k for k in r["values"] if k != "id"]
        return {k: {"constant_value": r["values"].get(k)} for k in keys}

    return {
        "format_version": "1.2", "terraform_version": "1.9.5",
        "planned_values": {"root_module": {"resources": [resource(r) for r in prior]}},
        "resource_changes": changes or [
            {"address": r["address"], "mode": "managed", "type": r["type"],
             "name": r["address"].split(".")[1],
             "change": {"actions": ["no-op"], "before": r["values"], "after": r["values"],
                        "after_unknown": {}}} for r in prior],
        "resource_drift": [
            {"address": d["address"], "mode": d.get("mode", "managed"),
             "type": d["address"].split(".")[-2],
             "change": {"actions": d.get("actions", ["update"]), "before": d["before"],
                        "after": d.get("after"),
                        "before_sensitive": d.get("sensitive", {}),
                        "after_sensitive": d.get("sensitive", {}) if d.get("after") else False}}
            for d in drift],
        "prior_state": {"format_version": "1.0", "values": {
            "root_module": {"resources": [resource(r) for r in prior]}}},
        "configuration": {"root_module": {"resources": [
            {"address": r["address"], "mode": "managed", "type": r["type"],
             "name": r["address"].split(".")[1], "expressions": expressions(r)}
            for r in prior]}},
    }


SUBNET = {"id": "subnet-1", "arn": "arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-1",
          "vpc_id": "vpc-1", "cidr_block": "10.0.1.0/24", "map_public_ip_on_launch": False,
          "tags": {"team": "ml"}, "tags_all": {"team": "ml"}}


def _subnet(**values: Any) -> dict[str, Any]:
    return {**copy.deepcopy(SUBNET), **values}


def _write(tmp_path: Path, doc: dict[str, Any]) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    return path


def test_only_what_the_code_sets_drifts(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """The code sets the CIDR and the VPC; public IPs and tags are the provider's
    defaults here: that they changed is not drift (as in the scan)."""
    now = _subnet(map_public_ip_on_launch=True, tags={"x": "1"}, tags_all={"x": "1"})
    doc = _plan([{"address": "aws_subnet.a", "type": "aws_subnet", "values": now}],
                [{"address": "aws_subnet.a", "before": _subnet(), "after": now}],
                config={"aws_subnet.a": ["vpc_id", "cidr_block"]})
    code, report = check_json(capsys, _write(tmp_path, doc), "-c", _no_rules(tmp_path))
    assert (code, report["drift"]) == (0, [])
    assert {r["id"] for r in report["rules"]} == {"DG-DRIFT-001", "DG-DRIFT-002",
                                                  "DG-DRIFT-003"}


def test_a_plan_without_drift_has_no_drift_rules(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """No entries (no drift, or `plan -refresh=false`): the gate is as before."""
    doc = _plan([{"address": "aws_subnet.a", "type": "aws_subnet", "values": _subnet()}], [])
    code, report = check_json(capsys, _write(tmp_path, doc), "-c", _no_rules(tmp_path))
    assert (code, report["drift"], report["rules"]) == (0, [], [])
    assert report["summary"]["drift"] == {"missing": 0, "changed": 0, "unmanaged": 0}


def test_what_the_plan_deletes_and_other_entries_do_not_drift(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A resource the plan deletes anyway, a data source, a type outside the catalog."""
    gone = _subnet(map_public_ip_on_launch=True)
    doc = _plan([{"address": "aws_subnet.a", "type": "aws_subnet", "values": gone},
                 {"address": "null_resource.x", "type": "null_resource", "values": {"id": "1"}}],
                [{"address": "aws_subnet.a", "before": _subnet(), "after": gone},
                 {"address": "data.aws_subnet.b", "mode": "data", "before": _subnet(),
                  "after": gone},
                 {"address": "null_resource.x", "before": {"id": "1", "triggers": {"a": "1"}},
                  "after": {"id": "1", "triggers": {"a": "2"}}}],
                changes=[{"address": "aws_subnet.a", "mode": "managed", "type": "aws_subnet",
                          "name": "a", "change": {"actions": ["delete"], "before": gone,
                                                  "after": None}}])
    code, report = check_json(capsys, _write(tmp_path, doc), "-c", _no_rules(tmp_path))
    assert (code, report["drift"]) == (0, [])


def test_a_deleted_resource_is_missing_and_a_sensitive_change_is_masked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    was = _subnet(tags={"owner": "SECRET-CANARY-BEFORE"},
                  tags_all={"owner": "SECRET-CANARY-BEFORE"})
    now = _subnet(tags={"owner": "SECRET-CANARY-AFTER"}, tags_all={"owner": "SECRET-CANARY-AFTER"})
    sensitive = {"tags": {"owner": True}, "tags_all": {"owner": True}}
    doc = _plan([{"address": "aws_subnet.a", "type": "aws_subnet", "values": now}],
                [{"address": "aws_subnet.a", "before": was, "after": now,
                  "sensitive": sensitive},
                 {"address": "aws_subnet.b", "actions": ["delete"],
                  "before": _subnet(id="subnet-2"), "after": None}])
    path = _write(tmp_path, doc)
    code, report = check_json(capsys, path, "-c", _no_rules(tmp_path), "--show-values")
    assert code == 1
    assert drift_of(report) == {
        "aws_subnet.a": ("changed", [("tags", "(sensitive)", "(sensitive)")]),
        "aws_subnet.b": ("missing", [])}
    for fmt in ("text", "json", "sarif", "markdown"):
        out = check(capsys, path, "-c", _no_rules(tmp_path), "--show-values", "-f", fmt)[1]
        assert "SECRET-CANARY" not in out


@pytest.mark.parametrize(("drift", "problem"), [
    ({"x": 1}, "resource_drift is an object, not a list"),
    ([{"change": {}}], "resource_drift has an entry without a valid address: None"),
    ([{"address": "aws_subnet.a", "change": []}],
     "resource_drift[0] (aws_subnet.a): change is a list, not an object"),
    ([7], "resource_drift[0] is a number, not an object"),
    ([{"address": "aws_subnet.a", "mode": 5, "change": {}}],
     "resource_drift[0] (aws_subnet.a): mode is a number '5', neither managed nor data"),
])
def test_bad_resource_drift_is_one_line_naming_the_file(
        drift: Any, problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _plan([{"address": "aws_subnet.a", "type": "aws_subnet", "values": _subnet()}], [])
    doc["resource_drift"] = drift
    path = _write(tmp_path, doc)
    code, out, err = check(capsys, path)
    assert (code, out) == (2, "")
    assert err == f"driftguard: error: {path}: {problem}\n"


def _no_rules(tmp_path: Path) -> Path:
    config = tmp_path / "driftguard.yaml"
    config.write_text("builtin_policies: false\n")
    return config
