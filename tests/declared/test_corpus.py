"""The loaders and `driftguard check` over the real-world corpus (../shared/corpus).

The corpus holds other projects' test data, copied unchanged; SOURCES.tsv describes each
file. Expected numbers come from SOURCES.tsv or from reading the JSON here, never from
driftguard itself.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from driftguard.cli import main
from driftguard.declared.terraform import load
from driftguard.errors import InputError
from driftguard.model import MASK
from driftguard.report import FORMATS


@cache
def descriptions(root: Path) -> dict[str, str]:
    """SOURCES.tsv: `folder/file` -> description."""
    with (root / "SOURCES.tsv").open(encoding="utf-8", newline="") as f:
        return {row["file"]: row["description"] for row in csv.DictReader(f, delimiter="\t")}


def read(path: Path) -> Any:
    return json.loads(path.read_bytes())


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No driftguard.yaml in the working directory and no DRIFTGUARD_* overrides."""
    monkeypatch.chdir(tmp_path)
    for var in list(os.environ):
        if var.startswith("DRIFTGUARD_") and var != "DRIFTGUARD_CORPUS":
            monkeypatch.delenv(var)


def assert_one_line_error(err: str, path: Path) -> None:
    assert "Traceback" not in err
    assert "internal error" not in err, err
    assert err.endswith("\n") and err.count("\n") == 1, f"not exactly one line: {err!r}"
    assert err.startswith("driftguard: error: "), err
    assert str(path) in err, "the error does not name the file"


def test_sources_tsv_describes_every_corpus_file(corpus_dir: Path) -> None:
    described = descriptions(corpus_dir)
    on_disk = {f"{p.parent.name}/{p.name}" for p in corpus_dir.glob("*/*") if p.is_file()}
    assert on_disk - set(described) == set(), "files without a SOURCES.tsv row"
    assert set(described) - on_disk == set(), "SOURCES.tsv rows without a file"


# --- plans --------------------------------------------------------------------------------

RESOURCE_CHANGES = re.compile(r"(\d+) resource_changes \(([^)]*)\)")
# Not there after apply, so not loaded: deletes, forgets; "read" is a data source.
NOT_LOADED = ("delete", "forget", "read")


def planned_managed(module: dict[str, Any]) -> int:
    """Managed resources of a planned_values module tree."""
    own = sum(1 for r in module.get("resources") or [] if r.get("mode") == "managed")
    return own + sum(planned_managed(child) for child in module.get("child_modules") or [])


def expected_plan_resources(description: str, doc: dict[str, Any]) -> int:
    """'8 resource_changes (create:7, read:1)' -> 7; replace ('delete/create') stays."""
    match = RESOURCE_CHANGES.search(description)
    assert match, f"no resource_changes count in {description!r}"
    total = int(match[1])
    by_action = {action: int(n) for action, n in re.findall(r"([a-z/-]+):(\d+)", match[2])}
    assert sum(by_action.values()) == total, f"inconsistent description {description!r}"
    if total == 0:
        return planned_managed((doc.get("planned_values") or {}).get("root_module") or {})
    return total - sum(by_action.get(action, 0) for action in NOT_LOADED)


def test_plan_loads_with_the_declared_resource_count(corpus_dir: Path, corpus_plan: str) -> None:
    path = corpus_dir / "plan" / corpus_plan
    expected = expected_plan_resources(descriptions(corpus_dir)[f"plan/{corpus_plan}"],
                                       read(path))
    kind, resources = load(path)
    assert kind == "plan"
    assert len(resources) == expected
    addresses = [r.address for r in resources]
    assert len(addresses) == len(set(addresses)), "one resource loaded twice"
    assert all(r.source == "plan" and r.action != "delete" for r in resources)


def test_plan_without_resource_changes_counts_planned_values(corpus_dir: Path) -> None:
    """The 0-resource_changes rule above is not vacuous: one such plan has resources."""
    path = (corpus_dir / "plan" /
            "aquasecurity__trivy__pkg__iac__scanners__terraformplan__tfjson__testdata__"
            "plan_no_resource_changes.json")
    assert planned_managed(read(path)["planned_values"]["root_module"]) > 0
    assert len(load(path)[1]) == planned_managed(read(path)["planned_values"]["root_module"])


# --- state --------------------------------------------------------------------------------


def managed_instances(doc: dict[str, Any]) -> int:
    """Current (not deposed) instances of managed resources in a raw state file."""
    return sum(
        1
        for res in doc.get("resources") or []
        if res.get("mode") == "managed"
        for inst in res.get("instances") or []
        if not inst.get("deposed")
    )


def test_state_v4_loads_and_older_formats_fail_clearly(corpus_dir: Path,
                                                        corpus_state: str) -> None:
    path = corpus_dir / "state" / corpus_state
    doc = read(path)
    if doc.get("version") == 4:
        kind, resources = load(path)
        assert kind == "state"
        assert len(resources) == managed_instances(doc)
        addresses = [r.address for r in resources]
        assert len(addresses) == len(set(addresses)), "instances share an address"
    else:
        with pytest.raises(InputError) as info:
            load(path)
        message = str(info.value)
        assert str(path) in message
        assert re.search(rf"format version {doc.get('version')}\b.*\bnot supported", message), (
            message)


# --- CloudFormation templates ------------------------------------------------------------

CFN_RESOURCES = re.compile(r"CFN (?:JSON|YAML); (\d+) resources")


def test_cfn_template_loads_every_resource_not_switched_off(corpus_dir: Path,
                                                              corpus_cfn: str) -> None:
    """Each template loads; every resource is there except those whose Condition the
    loader found false (a count from SOURCES.tsv and the raw file, not from driftguard)."""
    from driftguard.declared.cloudformation.template import parse_json, parse_yaml
    from driftguard.declared.sources import load_file

    path = corpus_dir / "cfn" / corpus_cfn
    match = CFN_RESOURCES.search(descriptions(corpus_dir)[f"cfn/{corpus_cfn}"])
    assert match, "SOURCES.tsv gives no resource count"
    raw = (parse_yaml if path.suffix == ".yaml" else parse_json)(str(path), path.read_bytes())
    conditioned = sum(1 for r in raw["Resources"].values() if "Condition" in r)
    kind, resources = load_file(path)
    assert kind == "cloudformation"
    assert int(match[1]) - conditioned <= len(resources) <= int(match[1])
    addresses = [r.address for r in resources]
    assert len(addresses) == len(set(addresses))
    assert set(addresses) <= set(raw["Resources"])
    assert all(r.source == "cloudformation" for r in resources)


def test_cfn_corpus_checks_without_error(corpus_dir: Path, corpus_cfn: str, cli_env: None,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(corpus_dir / "cfn" / corpus_cfn), "--format", "json"])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    assert json.loads(out)["summary"]["resources"] > 0


# --- bad and tricky inputs ----------------------------------------------------------------


def test_bad_input_is_one_clear_error_line(corpus_dir: Path, corpus_bad: str, cli_env: None,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = corpus_dir / "bad" / corpus_bad
    description = descriptions(corpus_dir)[f"bad/{corpus_bad}"]
    assert description.startswith(("BAD(", "TRICKY(")), description

    code = main(["check", str(path)])
    out, err = capsys.readouterr()

    assert "Traceback" not in out + err
    assert "internal error" not in err, err
    if description.startswith("BAD("):
        assert code == 2, f"bad input accepted (exit {code}): {out[-300:]}"
    else:  # valid but unusual: it may load, or be refused clearly
        assert code in (0, 1, 2), err
    if code == 2:
        assert_one_line_error(err, path)


SUBPROCESS_CASES = {
    "binary-plan": ("bad/aquasecurity__trivy__pkg__iac__scanners__terraformplan__snapshot__"
                    "testdata__just-resource__tfplan", "binary"),
    "invalid-json": ("bad/tenable__terrascan__pkg__iac-providers__tfplan__v1__testdata__"
                     "invalid-json.json", "json"),
    "state-v1": ("state/adammck__terraform-inventory__fixtures__example.tfstate", "version 1"),
    "empty-object": ("bad/tenable__terrascan__pkg__iac-providers__tfplan__v1__testdata__"
                     "invalid-tfplan.json", "not a terraform plan"),
}


@pytest.mark.parametrize("case", sorted(SUBPROCESS_CASES))
def test_cli_process_reports_bad_input_in_one_line(corpus_dir: Path, tmp_path: Path,
                                                   case: str) -> None:
    name, problem = SUBPROCESS_CASES[case]
    path = corpus_dir / name
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRIFTGUARD_")}
    proc = subprocess.run([sys.executable, "-m", "driftguard", "check", str(path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert_one_line_error(proc.stderr, path)
    assert problem in proc.stderr.lower(), "the error does not say what is wrong"
    assert proc.stdout == ""


# --- sensitive values ---------------------------------------------------------------------


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if value:
            yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _marked(values: Any, tree: Any) -> Iterator[str]:
    """Strings under the `true` leaves of a plan sensitivity tree."""
    if tree is True:
        yield from _strings(values)
    elif isinstance(tree, dict) and isinstance(values, dict):
        for key, sub in tree.items():
            yield from _marked(values.get(key), sub)
    elif isinstance(tree, list) and isinstance(values, list):
        for value, sub in zip(values, tree, strict=False):
            yield from _marked(value, sub)


def _module_values(module: dict[str, Any]) -> Iterator[str]:
    for res in module.get("resources") or []:
        yield from _marked(res.get("values"), res.get("sensitive_values"))
    for child in module.get("child_modules") or []:
        yield from _module_values(child)


def _state_path(attributes: Any, path: list[dict[str, Any]]) -> Any:
    """Follow one state `sensitive_attributes` path (get_attr / index steps)."""
    node = attributes
    for step in path:
        key = step["value"]["value"] if step["type"] == "index" else step["value"]
        if isinstance(node, dict):
            node = node.get(key)
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
        else:
            return None
    return node


def sensitive_strings(doc: dict[str, Any]) -> set[str]:
    """Every string a plan, a `show -json` state or a raw state marks sensitive in its
    resources (outputs are not resources, and driftguard does not load them)."""
    found: set[str] = set()
    for rc in doc.get("resource_changes") or []:
        change = rc.get("change") or {}
        found.update(_marked(change.get("after"), change.get("after_sensitive")))
        found.update(_marked(change.get("before"), change.get("before_sensitive")))
    for values in (doc.get("planned_values"), doc.get("values"),
                   (doc.get("prior_state") or {}).get("values")):
        found.update(_module_values((values or {}).get("root_module") or {}))
    for res in doc.get("resources") or []:
        for inst in res.get("instances") or []:
            for path in inst.get("sensitive_attributes") or []:
                found.update(_strings(_state_path(inst.get("attributes"), path)))
    return found


def leaked(secrets: set[str], text: str) -> list[str]:
    """The secrets that appear in `text` as a whole token (not inside a longer word)."""
    return sorted(s for s in secrets if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", text))


SENSITIVE_110 = ("plan/hashicorp__terraform-json__testdata__110_sensitive_values__plan.json",
                 "state/hashicorp__terraform-json__testdata__110_sensitive_values__"
                 "terraform.tfstate")


@pytest.mark.parametrize("name", SENSITIVE_110)
def test_110_sensitive_values_files_mark_no_resource_value(corpus_dir: Path, name: str) -> None:
    """Despite their name, these files mark only an output sensitive (after_sensitive is
    `{"triggers": {}}`, sensitive_attributes is `[]`), so the leak test below uses corpus
    files that do mark resource values, and two small files of its own."""
    doc = read(corpus_dir / name)
    assert sensitive_strings(doc) == set()
    outputs = doc.get("outputs") or (doc.get("planned_values") or {}).get("outputs") or {}
    assert any(o.get("sensitive") for o in outputs.values())


AWS = 'provider["registry.terraform.io/hashicorp/aws"]'


def _raw_state_with_sensitive_attributes() -> dict[str, Any]:
    """sensitive_attributes on a top-level, a map key and a list element path; plus a
    password that only the provider schema (the catalog's `sensitive`) marks."""
    def get(name: str) -> dict[str, Any]:
        return {"type": "get_attr", "value": name}

    def index(key: Any) -> dict[str, Any]:
        return {"type": "index", "value": {"value": key,
                                           "type": "number" if isinstance(key, int) else "string"}}

    return {
        "version": 4, "terraform_version": "1.9.5", "serial": 3, "lineage": "l-1",
        "outputs": {},
        "resources": [
            {"mode": "managed", "type": "aws_db_instance", "name": "main", "provider": AWS,
             "instances": [{
                 "schema_version": 2,
                 "attributes": {
                     "id": "db-ABC", "identifier": "main", "engine": "postgres",
                     "instance_class": "db.t3.micro", "storage_encrypted": True,
                     "kms_key_id": "arn:aws:kms:eu-west-1:111122223333:key/state-kms-7d1e",
                     "password": "state-db-password-5b2c",
                     "tags": {"Team": "ml", "Owner": "state-owner-tag-93fa"},
                 },
                 "sensitive_attributes": [[get("kms_key_id")],
                                          [get("tags"), index("Owner")]],
             }]},
            {"mode": "managed", "type": "aws_instance", "name": "web", "provider": AWS,
             "instances": [{
                 "schema_version": 1,
                 "attributes": {
                     "id": "i-0abc", "instance_type": "t3.micro", "ami": "ami-1",
                     "root_block_device": [{"encrypted": True,
                                            "kms_key_id": "state-root-kms-41aa"}],
                     "user_data": "state-user-data-c0de",
                 },
                 "sensitive_attributes": [[get("root_block_device"), index(0),
                                           get("kms_key_id")], [get("user_data")]],
             }]},
        ],
    }


def _plan_with_nested_after_sensitive() -> dict[str, Any]:
    sse = {"rule": [{"apply_server_side_encryption_by_default": [
        {"sse_algorithm": "aws:kms", "kms_master_key_id": "plan-sse-kms-0f3b"}]}]}
    return {
        "format_version": "1.2", "terraform_version": "1.9.5",
        "planned_values": {"root_module": {}},
        "resource_changes": [
            {"address": "aws_db_instance.main", "mode": "managed", "type": "aws_db_instance",
             "name": "main", "change": {
                 "actions": ["create"],
                 "after": {"identifier": "main", "engine": "postgres",
                           "storage_encrypted": True, "password": "plan-db-password-77e1",
                           "tags": {"Owner": "plan-owner-tag-2a9d"}},
                 "after_unknown": {"id": True},
                 "after_sensitive": {"password": True, "tags": {"Owner": True}}}},
            {"address": "aws_s3_bucket_server_side_encryption_configuration.data",
             "mode": "managed", "type": "aws_s3_bucket_server_side_encryption_configuration",
             "name": "data", "change": {
                 "actions": ["create"], "after": {"bucket": "data", **sse},
                 "after_unknown": {},
                 "after_sensitive": {"rule": [{"apply_server_side_encryption_by_default": [
                     {"kms_master_key_id": True}]}]}}},
            {"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket",
             "name": "data", "change": {"actions": ["create"], "after": {"bucket": "data"},
                                        "after_unknown": {}, "after_sensitive": {}}},
        ],
    }


LEAK_CASES = {
    "plan-after_sensitive": "plan/hashicorp__terraform-json__testdata__basic__plan-0.15.json",
    "show-json-state-sensitive_values": (
        "bad/bridgecrewio__checkov__tests__terraform__runner__resources__plan__"
        "corrupted-tfplan.json"),
    "raw-state-sensitive_attributes": "tmp:state.tfstate",
    "plan-nested-after_sensitive": "tmp:plan.json",
}


@pytest.mark.parametrize("case", sorted(LEAK_CASES))
def test_sensitive_values_never_leave_the_loader(
    request: pytest.FixtureRequest, tmp_path: Path, cli_env: None,
    capsys: pytest.CaptureFixture[str], case: str,
) -> None:
    name = LEAK_CASES[case]
    # Only the corpus cases need (and skip without) the corpus.
    corpus_dir = None if name.startswith("tmp:") else request.getfixturevalue("corpus_dir")
    secrets: set[str] = set()
    if name == "tmp:state.tfstate":
        doc = _raw_state_with_sensitive_attributes()
        secrets.add("state-db-password-5b2c")  # schema-sensitive: not in the file's marks
    elif name == "tmp:plan.json":
        doc = _plan_with_nested_after_sensitive()
    else:
        assert corpus_dir is not None
        doc = read(corpus_dir / name)
    if corpus_dir is None:
        path = tmp_path / name.removeprefix("tmp:")
        path.write_text(json.dumps(doc))
    else:
        path = corpus_dir / name
    secrets |= sensitive_strings(doc)
    assert secrets, f"{name} marks nothing sensitive: the case would prove nothing"

    _, resources = load(path)
    dumped = json.dumps([r.model_dump() for r in resources])
    assert leaked(secrets, dumped) == []
    assert MASK in dumped, "the sensitive values vanished instead of being masked"

    for fmt in sorted(FORMATS):
        code = main(["check", str(path), "--format", fmt])
        out, err = capsys.readouterr()
        assert code in (0, 1), err
        assert leaked(secrets, out + err) == [], f"--format {fmt}"
