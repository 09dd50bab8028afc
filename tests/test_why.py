"""Why a finding is there (driftguard/why.py, report/common.why_text): the declaring
code of every source kind, since when, who waived it; in check reports and in Slack.
The scan's side, on moto: tests/scan/test_scan_why.py."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from driftguard.cli import main
from driftguard.model import CheckResult, Finding, Resource, Severity, WaiverRef, Why
from driftguard.notify import slack_blocks
from driftguard.report.common import why_text
from driftguard.why import declaration, explain

PLAN = Path(__file__).parent / "drift" / "data" / "plan-drift" / "plan.json"


def resource(address: str, source: str = "state", origin: str = "prod.tfstate",
             rtype: str = "aws_s3_bucket", ident: str | None = "b", **kw: object) -> Resource:
    return Resource(type=rtype, id=ident, address=address, source=source,  # type: ignore[arg-type]
                    origin=origin, **kw)


def test_a_declaration_per_kind_of_source() -> None:
    tf = declaration(resource('module.net["a"].aws_vpc.main[0]', "plan", "plan.json"))
    assert (tf.source, tf.origin, tf.address, tf.module, tf.stack, tf.logical_id) == (
        "plan", "plan.json", 'module.net["a"].aws_vpc.main[0]', 'module.net["a"]', None, None)
    assert declaration(resource("aws_s3_bucket.b")).module is None
    stack = declaration(resource("ml-prod/DataBucket", "cloudformation",
                                 "cloudformation://eu-west-1/ml-prod"))
    assert (stack.stack, stack.logical_id, stack.module) == ("ml-prod", "DataBucket", None)
    template = declaration(resource("DataBucket", "cloudformation", "stack.yaml"))
    assert (template.stack, template.logical_id) == (None, "DataBucket")


def finding(address: str, source: str, origin: str, rule: str = "DG-ENC-001",
            **kw: object) -> Finding:
    return Finding(rule_id=rule, title="t", severity=Severity.high, level="deny", message="m",
                   resource_address=address, resource_type="aws_s3_bucket", origin=origin,
                   source=source, **kw)  # type: ignore[arg-type]


def test_live_findings_are_declared_by_their_twins_in_the_same_place() -> None:
    declared = [resource("aws_s3_bucket.b", region="eu-west-1"),
                resource("aws_s3_bucket.other", ident="b", origin="dev.tfstate",
                         region="us-east-1")]
    live = [resource("arn:aws:s3:::b", "live", "live", region="eu-west-1")]
    on_live = finding("arn:aws:s3:::b", "live", "live", region="eu-west-1")
    stray = finding("arn:aws:s3:::x", "live", "live", rule="DG-DRIFT-003")
    on_state = finding("aws_s3_bucket.b", "state", "prod.tfstate")
    explain([on_live, stray, on_state], declared, live)
    assert [d.address for d in on_live.why.declared_by] == ["aws_s3_bucket.b"]
    assert stray.why.declared_by == []
    assert [(d.origin, d.address) for d in on_state.why.declared_by] == [
        ("prod.tfstate", "aws_s3_bucket.b")]


def test_why_text_says_only_what_the_row_does_not() -> None:
    own = finding("aws_s3_bucket.b", "state", "prod.tfstate")
    explain([own], [resource("aws_s3_bucket.b")])
    assert why_text(own) == ""  # a policy finding on a declared resource: itself
    drift = finding("aws_s3_bucket.b", "state", "prod.tfstate", rule="DG-DRIFT-002")
    drift.why = Why(declared_by=own.why.declared_by,
                    first_seen=dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC))
    drift.waiver = WaiverRef(rule="DG-DRIFT-002", resource="aws_s3_bucket.*", reason="r",
                             owner="ml-platform", expires=dt.date(2026, 12, 31), expired=False)
    assert why_text(drift) == ("declared by state prod.tfstate aws_s3_bucket.b; first seen "
                               "2026-11-02T08:00:00Z; waived by ml-platform until 2026-12-31")
    drift.waiver = drift.waiver.model_copy(update={"expired": True})
    assert why_text(drift).endswith("; waiver expired by ml-platform until 2026-12-31")
    assert "waive" not in why_text(drift, waiver=False)


def test_slack_lines_carry_the_why() -> None:
    f = finding("arn:aws:s3:::b", "live", "live")
    f.why = Why(declared_by=[declaration(resource("module.data.aws_s3_bucket.b"))])
    result = CheckResult(kind="scan", sources=[], resources=1, rules=[], findings=[f],
                         fail_on=Severity.low)
    text = json.dumps(slack_blocks.report(result, [f]))
    assert "_why:_ declared by state prod.tfstate module.data.aws_s3_bucket.b" in text


def test_check_findings_say_where_and_since_when(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    history = tmp_path / "h.db"
    capsys.readouterr()
    main(["check", str(PLAN), "-f", "json", "--history", str(history)])
    report = json.loads(capsys.readouterr().out)
    subnet = next(f for f in report["findings"] if f["rule_id"] == "DG-DRIFT-002"
                  and f["resource"]["address"] == "module.net.aws_subnet.a")
    assert subnet["why"] == {"declared_by": [
        {"source": "plan", "origin": str(PLAN), "address": "module.net.aws_subnet.a",
         "module": "module.net", "stack": None, "logical_id": None}],
        "first_seen": report["scanned_at"], "changed_by": None, "unattributed": None}
    policy = [f for f in report["findings"] if not f["rule_id"].startswith("DG-DRIFT")]
    assert policy and all(len(f["why"]["declared_by"]) == 1 for f in policy)
    main(["check", str(PLAN), "--history", str(history)])
    text = capsys.readouterr().out
    assert (f"why: declared by plan {PLAN} module.net.aws_subnet.a; first seen "
            f"{report['scanned_at']}") in text
