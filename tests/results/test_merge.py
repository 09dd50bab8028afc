"""`driftguard report`: the JSON results of several shards merged into one report.

Real scans against moto's server: the estate's state is split in two by type, each half
scanned on its own (two shards), and the merge equals one scan of both halves.
"""

from __future__ import annotations

import json
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import boto3
import jsonschema
import pytest
from scan.moto_estate import AMI, REGION, Estate, State

from driftguard import __version__
from driftguard.cli import main
from driftguard.errors import DriftguardError
from driftguard.report import EXTENSIONS, FORMATS, json_report, sarif
from driftguard.results.merge import merge
from driftguard.results.reader import read_report

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_INCOMPLETE = 0, 1, 2, 3
GOLDEN = Path(__file__).parents[1] / "report" / "golden"
SCHEMA = Path(__file__).parents[2] / "driftguard" / "report" / "schema" / "check-v1.json"
# Shard B: storage, keys and databases; shard A: the network and compute.
STORAGE = ("aws_s3_", "aws_kms_", "aws_ecr_", "aws_db_")
# What differs between two runs that found the same: when, how long, how many calls.
RUN_COSTS = ("driftguard_version", "api_calls", "api_throttles", "timings", "digest",
             "scanned_at")
# Formats whose golden files are of another result (a scan's unmanaged resources).
CODIFY = {"terraform-import", "driftignore"}


@pytest.fixture(scope="module")
def shards(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The estate with drift; JSON reports of shard A, shard B and of one run of both.
    Scanned once for the module: the tests only read these files."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        return _scan_shards(moto_endpoint, tmp_path_factory.mktemp("shards"), monkeypatch)


def _scan_shards(endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                 ) -> dict[str, Path]:
    reset = urllib.request.Request(f"{endpoint}/moto-api/reset", data=b"{}", method="POST")
    urllib.request.urlopen(reset, timeout=10).close()
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION,
                       "AWS_ENDPOINT_URL": endpoint,
                       "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"}.items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "DRIFTGUARD_CONFIG",
                "DRIFTGUARD_FAIL_ON"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)
    estate = Estate().build()
    halves = {"a": State(), "b": State()}
    for res in estate.state.resources:
        halves["b" if res["type"].startswith(STORAGE) else "a"].resources.append(res)
    states = {k: s.write(tmp_path / f"{k}.tfstate") for k, s in halves.items()}
    # Behind the code's back: one change in each shard's half, and a stray instance.
    boto3.client("s3").delete_bucket_encryption(Bucket="acme-ml-data")
    ec2 = boto3.client("ec2")
    ec2.create_tags(Resources=[estate.ids["vpc"]], Tags=[{"Key": "owner", "Value": "x"}])
    ec2.run_instances(ImageId=AMI, InstanceType="g5.xlarge", MinCount=1, MaxCount=1,
                      SubnetId=estate.ids["subnet"])
    out = {}
    for name, args in {"a": ["--state", str(states["a"])],
                       "b": ["--state", str(states["b"])],
                       "one": ["--state", str(states["a"]), "--state", str(states["b"])]}.items():
        out[name] = tmp_path / f"shard-{name}.json"
        code = main(["scan", *args, "--region", REGION, "--no-progress", "--format", "json",
                     "--output", str(out[name])])
        assert code == EXIT_FINDINGS
    return out


def report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["report", *args])
    out, err = capsys.readouterr()
    return code, out, err


def comparable(doc: dict[str, Any]) -> dict[str, Any]:
    """The report without the run's costs (the summary's API call count included)."""
    doc = {k: v for k, v in doc.items() if k not in RUN_COSTS}
    doc["summary"] = {k: v for k, v in doc["summary"].items() if k != "api_calls"}
    return doc


def load(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8")))


def sealed(doc: dict[str, Any]) -> str:
    """An edited report with its digest recomputed, as only a deliberate forger would: the
    checks past the digest still apply."""
    return json.dumps({**doc, "digest": json_report.digest(doc)})


def test_two_shards_merge_into_what_one_run_reports(
        shards: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b, one = (load(shards[k]) for k in ("a", "b", "one"))
    # Each shard saw only its half: the split is real.
    assert a["drift"] and b["drift"]
    assert not {d["type"] for d in a["drift"]} & {d["type"] for d in b["drift"]}

    merged_file = tmp_path / "merged.json"
    code, out, err = report(capsys, str(shards["a"]), str(shards["b"]), "-f", "json",
                            "-o", str(merged_file), "-f", "text")
    assert (code, err) == (EXIT_FINDINGS, "")
    merged = load(merged_file)
    jsonschema.validate(merged, json.loads(SCHEMA.read_text(encoding="utf-8")))
    # Findings, drift, coverage, sources, rules, summary: all as one run reports them.
    assert comparable(merged) == comparable(one)
    assert [d["kind"] for d in merged["drift"]] == ["changed", "changed", "unmanaged"]
    # The costs add up: each shard's calls and stage timings, summed.
    for key in ("api_calls", "timings"):
        assert merged[key] == {k: a[key].get(k, 0) + b[key].get(k, 0)
                               for k in sorted({*a[key], *b[key]})}
    assert out.splitlines()[-1].startswith("FAIL: ")

    # Every format renders the merged result, to its file.
    args = [arg for fmt in FORMATS
            for arg in ("-f", fmt, "-o", str(tmp_path / f"merged.{fmt}.{EXTENSIONS[fmt]}"))]
    code, out, err = report(capsys, str(shards["a"].parent / "shard-[ab].json"), *args)
    assert (code, out, err) == (EXIT_FINDINGS, "", "")
    written = {fmt: (tmp_path / f"merged.{fmt}.{EXTENSIONS[fmt]}").read_text(encoding="utf-8")
               for fmt in FORMATS}
    assert comparable(json.loads(written["json"])) == comparable(one)
    sarif = json.loads(written["sarif"])
    assert len(sarif["runs"][0]["results"]) == len(one["findings"])
    assert len(ET.fromstring(written["junit"]).findall(".//failure")) >= len(one["drift"])
    for fmt in ("text", "markdown", "github"):
        assert all(d["address"] in written[fmt] for d in one["drift"]), fmt


def test_merge_from_an_s3_prefix(aws: str, shards: dict[str, Path], tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="acme-scan-results",
                     CreateBucketConfiguration={"LocationConstraint": REGION})
    for name in ("a", "b"):
        s3.upload_file(str(shards[name]), "acme-scan-results", f"run-7/shard-{name}.json")
    s3.put_object(Bucket="acme-scan-results", Key="run-7/README.txt", Body=b"not a report")
    s3.upload_file(str(shards["one"]), "acme-scan-results", "run-6/shard-0.json")

    code, out, err = report(capsys, "s3://acme-scan-results/run-7/", "-f", "json")
    assert (code, err) == (EXIT_FINDINGS, "")
    assert comparable(json.loads(out)) == comparable(load(shards["one"]))

    # A prefix with no report is an error, not an empty (clean) report.
    code, out, err = report(capsys, "s3://acme-scan-results/run-8/")
    assert (code, out) == (EXIT_ERROR, "")
    assert err == ("driftguard: error: s3://acme-scan-results/run-8/: "
                   "no .json object under this prefix\n")
    code, out, err = report(capsys, "s3://no-such-bucket/run-7/")
    assert code == EXIT_ERROR and len(err.splitlines()) == 1
    assert err.startswith("driftguard: error: s3://no-such-bucket/run-7/: cannot read report: "
                          "NoSuchBucket")


def test_a_unit_reported_twice_counts_once_and_says_so(
        shards: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one = load(shards["one"])
    # Shard A twice (a retried upload): the repeat is dropped whole, counts included.
    code, out, err = report(capsys, str(shards["a"]), str(shards["b"]), str(shards["a"]),
                            "-f", "json")
    assert code == EXIT_FINDINGS
    assert err.splitlines() == [f"driftguard: warning: {shards['a']} repeats {shards['a']} "
                                "(same unit, same results): counted once"]
    assert comparable(json.loads(out)) == comparable(one)

    # Overlapping shards (A, and a run of A and B): findings and drift counted once.
    code, out, err = report(capsys, str(shards["a"]), str(shards["one"]), "-f", "json")
    merged = json.loads(out)
    a = load(shards["a"])
    assert code == EXIT_FINDINGS
    assert [f["fingerprint"] for f in merged["findings"]] == [
        f["fingerprint"] for f in one["findings"]]
    assert merged["drift"] == one["drift"]
    [line] = err.splitlines()
    assert line.startswith(f"driftguard: warning: {len(a['findings'])} findings and "
                           f"{len(a['drift'])} drift entries were reported more than once, "
                           f"counted once (by {shards['a']} and {shards['one']} (")
    assert "units: 123456789012/" in line


def test_an_incomplete_shard_leaves_the_merge_incomplete(
        shards: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Shard B could not reach AWS at all: its types are not checked (credentials it has).
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    down = tmp_path / "shard-b-down.json"
    code = main(["scan", "--state", str(shards["b"].with_name("b.tfstate")), "--region", REGION,
                 "--endpoint-url", "http://127.0.0.1:9", "--no-progress", "--format", "json",
                 "--output", str(down)])
    assert code == EXIT_INCOMPLETE
    gaps = load(down)["not_checked"]
    assert gaps
    code, out, err = report(capsys, str(shards["a"]), str(down), "-f", "json")
    merged = json.loads(out)
    assert code == EXIT_INCOMPLETE
    assert merged["not_checked"] == gaps
    assert merged["summary"]["incomplete"] is True
    assert merged["summary"]["passed"] is False
    code, out, _ = report(capsys, str(shards["a"]), str(down), "--fail-on", "critical")
    assert code == EXIT_INCOMPLETE
    assert out.splitlines()[-1].startswith(("INCOMPLETE: ", "FAIL: "))


def test_fail_on_is_the_strictest_of_the_inputs_unless_given(
        shards: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    lenient = shards["b"].with_name("lenient.json")
    doc = load(shards["b"])
    doc["fail_on"] = "critical"
    lenient.write_text(sealed(doc), encoding="utf-8")
    strict = load(shards["a"])["fail_on"]
    code, out, _ = report(capsys, str(shards["a"]), str(lenient), "-f", "json")
    assert json.loads(out)["fail_on"] == strict
    code, out, _ = report(capsys, str(shards["a"]), str(lenient), "-f", "json",
                          "--fail-on", "critical")
    merged = json.loads(out)
    assert merged["fail_on"] == "critical"
    # Drift is high at most (DG-DRIFT-*): nothing fails at critical.
    assert code == (EXIT_FINDINGS if merged["summary"]["failing"] else EXIT_CLEAN)
    code, _, err = report(capsys, str(shards["a"]), "--fail-on", "severe")
    assert code == EXIT_ERROR and err.startswith("driftguard: error: --fail-on: unknown")


def edit(doc: dict[str, Any], change: str) -> dict[str, Any] | str:
    """One way to spoil a scan report."""
    if change == "missing-key":
        del doc["findings"][0]["resource"]["address"]
    elif change == "missing-list":
        del doc["rules"]
    elif change == "edited-address":
        doc["findings"][0]["resource"]["address"] += "-renamed"
    elif change == "schema-v2":
        doc["schema"] = "driftguard.scan/v2"
    elif change == "bad-severity":
        doc["rules"][0]["severity"] = "severe"
    elif change == "not-a-report":
        return '{"findings": []}'
    elif change == "not-json":
        return "driftguard scan output, not JSON\n"
    return doc


BAD = {
    "not-json": "not valid JSON: Expecting value at line 1 column 1",
    "not-a-report": "not a driftguard report (no driftguard schema field)",
    "schema-v2": "unsupported schema 'driftguard.scan/v2' (this driftguard reads "
                 "driftguard.check/v1, driftguard.scan/v1)",
    "missing-key": "findings[0]: missing key 'resource.address'",
    "missing-list": "missing key 'rules'",
    "bad-severity": "rules[0]: unknown severity 'severe'",
    "edited-address": "findings[0]: fingerprint ",
}


@pytest.mark.parametrize("change", sorted(BAD))
def test_bad_input_is_one_line_naming_the_file(
        change: str, shards: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    bad = shards["b"].with_name(f"{change}.json")
    spoiled = edit(load(shards["b"]), change)
    bad.write_text(spoiled if isinstance(spoiled, str) else sealed(spoiled),
                   encoding="utf-8")
    code, out, err = report(capsys, str(shards["a"]), str(bad))
    assert (code, out) == (EXIT_ERROR, "")
    assert err.startswith(f"driftguard: error: {bad}: {BAD[change]}"), err
    assert len(err.splitlines()) == 1


def test_mixed_kinds_and_conflicting_rules_are_errors(
        shards: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    check = GOLDEN / "json.json"  # a check report
    code, out, err = report(capsys, str(shards["a"]), str(check))
    assert (code, out) == (EXIT_ERROR, "")
    assert err == (f"driftguard: error: {check}: a check report cannot be merged with the "
                   f"scan report {shards['a']}\n")

    other = shards["b"].with_name("other-policies.json")
    doc = load(shards["b"])
    rule = doc["rules"][0]
    rule["title"] += " (v2)"
    other.write_text(sealed(doc), encoding="utf-8")
    code, out, err = report(capsys, str(shards["a"]), str(other))
    assert (code, out) == (EXIT_ERROR, "")
    assert err == (f"driftguard: error: {other}: rule {rule['id']} differs from the one in "
                   f"{shards['a']} (different policy versions?)\n")

    missing = shards["a"].with_name("absent.json")
    code, _, err = report(capsys, str(missing))
    assert code == EXIT_ERROR
    assert err == f"driftguard: error: {missing}: cannot read: No such file or directory\n"


@pytest.mark.parametrize("change", ["severity", "level", "waiver", "drop-digest"])
def test_an_edited_shard_is_refused(change: str, shards: dict[str, Path],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    """D7: what the fingerprint does not cover, the digest does."""
    doc = load(shards["a"])
    for finding in doc["findings"]:
        if change == "severity":
            finding["severity"] = "info"
        elif change == "level":
            finding["level"] = "warn"
        elif change == "waiver":
            finding.update(waived=True, waiver={
                "rule": finding["rule_id"], "resource": "*", "reason": "trust me",
                "owner": "attacker", "expires": "2999-01-01", "expired": False})
    if change == "drop-digest":
        del doc["digest"]
    edited = shards["a"].with_name(f"edited-{change}.json")
    edited.write_text(json.dumps(doc), encoding="utf-8")
    code, out, err = report(capsys, str(edited))
    assert (code, out) == (EXIT_ERROR, "")
    problem = ("no digest: not a report that this driftguard wrote, or edited"
               if change == "drop-digest" else
               "the digest does not match the content: the report was edited or is corrupt")
    assert err == f"driftguard: error: {edited}: {problem}\n"


def test_conflicting_shards_are_an_error_in_any_order(
        shards: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """D8: the same shard with every finding waived (or with other rule metadata) is no
    repeat of it; which one wins would depend on the order: neither does."""
    doc = load(shards["a"])
    for finding in doc["findings"]:
        finding.update(waived=True, waiver={
            "rule": finding["rule_id"], "resource": "*", "reason": "accepted risk",
            "owner": "sec", "expires": "2999-01-01", "expired": False})
    waived = shards["a"].with_name("a-waived.json")
    waived.write_text(sealed(doc), encoding="utf-8")
    first = doc["findings"][0]
    for order in ((shards["a"], waived), (waived, shards["a"])):
        code, out, err = report(capsys, *map(str, order))
        assert (code, out) == (EXIT_ERROR, "")
        assert err.startswith(f"driftguard: error: {order[1]}: finding ")
        assert f"differs from the one in {order[0]}" in err and err.count("\n") == 1
    assert first["fingerprint"] in err

    doc = load(shards["a"])
    doc["rules"][0]["severity"] = "info"
    relabeled = shards["a"].with_name("a-relabeled.json")
    relabeled.write_text(sealed(doc), encoding="utf-8")
    for order in ((shards["a"], relabeled), (relabeled, shards["a"])):
        code, _, err = report(capsys, *map(str, order))
        assert code == EXIT_ERROR
        assert f"rule {doc['rules'][0]['id']} differs from the one in {order[0]}" in err


def test_an_empty_input_set_is_an_error() -> None:
    with pytest.raises(DriftguardError, match="no reports to merge"):
        merge([])


def test_round_trip_of_the_golden_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """render(json) -> read -> render(json) is the same text; and the result read back
    renders every other format exactly as its golden file."""
    monkeypatch.setattr(sarif, "_information_uri", lambda: "https://driftguard.invalid/")
    golden = (GOLDEN / "json.json").read_text(encoding="utf-8")
    result = read_report("json.json", golden.replace("VERSION", __version__))
    assert json_report.render(result).replace(__version__, "VERSION") == golden
    for fmt, render in FORMATS.items():
        if fmt in CODIFY:
            continue
        expected = GOLDEN / f"{fmt}.{EXTENSIONS[fmt]}"
        assert render(result).replace(__version__, "VERSION") == \
            expected.read_text(encoding="utf-8"), fmt
    # A merge of one report is that report.
    assert json_report.render(merge([("json.json", result)])) == json_report.render(result)


def test_round_trip_of_a_real_scan(shards: dict[str, Path]) -> None:
    text = shards["one"].read_text(encoding="utf-8")
    assert json_report.render(read_report(str(shards["one"]), text)) == text


DUP_ID = """\
# METADATA
# title: fake
# custom:
#   id: DG-ENC-001
#   severity: info
package driftguard.rules.mine
import rego.v1
deny contains {"msg": "fake", "key": r.key} if { some r in input.resources }
"""

OWN_ID = DUP_ID.replace("DG-ENC-001", "ACME-001")


def test_a_custom_rule_may_not_take_a_builtin_id_and_report_reads_what_check_wrote(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """D9: a second rule under a built-in's id is a load error naming the file; with its
    own id, `report` reads the JSON that `check` wrote, and gives the same verdict."""
    plan = Path(__file__).parents[2] / "configs" / "examples" / "ml-plan.json"
    policies = tmp_path / "policies"
    policies.mkdir()
    policy = policies / "mine.rego"
    policy.write_text(DUP_ID, encoding="utf-8")
    code = main(["check", str(plan), "--policy", str(policies)])
    _, err = capsys.readouterr()
    assert code == EXIT_ERROR
    assert err.startswith(f"driftguard: error: {policy}: rule id DG-ENC-001 (package "
                          "driftguard.rules.mine) is already the id of package "
                          "driftguard.rules.encryption.s3_bucket in ")
    assert err.count("\n") == 1

    policy.write_text(OWN_ID, encoding="utf-8")
    written = tmp_path / "check.json"
    code = main(["check", str(plan), "--policy", str(policies), "-f", "json", "-o",
                 str(written)])
    capsys.readouterr()
    assert code == EXIT_FINDINGS
    again, out, err = report(capsys, str(written), "-f", "json")
    assert (again, err) == (code, "")
    assert json.loads(out)["findings"] == load(written)["findings"]
