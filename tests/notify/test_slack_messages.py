"""Block Kit messages: their shape, Slack's limits on long lists, and no values unless asked."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from conftest import finding

from driftguard.model import MASK, AttributeChange, CheckResult, Coverage, Drift, Severity
from driftguard.notify import messages
from driftguard.notify.messages import BLOCKS_CHARS, HEADER_CHARS, MAX_BLOCKS, SECTION_CHARS

NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def scan_result(**kw: Any) -> CheckResult:
    fields: dict[str, Any] = dict(kind="scan", sources=[], resources=10, rules=[], findings=[],
                                  fail_on=Severity.low)
    fields.update(kw)
    return CheckResult(**fields)


def sections(payload: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in payload["blocks"] if b["type"] == "section"]


def shown_and_left_out(payload: dict[str, Any]) -> tuple[int, int]:
    """Finding lines in the message, and the findings its closing note says it left out
    (the "…and n more" of each rule are among those)."""
    text = "\n".join(sections(payload))
    shown = sum(1 for line in text.splitlines() if line.startswith("• "))
    more = sum(int(n) for n in re.findall(r"_…and (\d+) more_", text))
    note = [b for b in payload["blocks"] if b["type"] == "context"]
    noted = int(re.match(r"(\d+) more", note[0]["elements"][0]["text"])[1]) if note else 0
    assert more <= noted
    return shown, noted


def texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [t for k, v in node.items()
                for t in ([v] if k == "text" and isinstance(v, str) else texts(v))]
    if isinstance(node, list):
        return [t for v in node for t in texts(v)]
    return []


def assert_within_limits(payload: dict[str, Any]) -> None:
    blocks = payload["blocks"]
    assert len(blocks) <= MAX_BLOCKS
    assert len(blocks[0]["text"]["text"]) <= HEADER_CHARS
    assert all(len(t) <= SECTION_CHARS for t in sections(payload))
    assert sum(len(t) for t in texts(blocks)) <= BLOCKS_CHARS
    assert len(payload["text"]) <= 4000  # Slack splits longer notification text


def test_scan_changes_shape() -> None:
    drifts = [Drift(kind="changed", type="aws_instance", id="i-1", address="aws_instance.trainer",
                    origin="terraform.tfstate", account="123456789012", region="eu-west-1",
                    changes=[AttributeChange(attribute="instance_type", declared="t3.large",
                                             live="p4d.24xlarge")])]
    result = scan_result(drifts=drifts, coverage=[Coverage(type="aws_instance", managed=9,
                                                           unmanaged=1)])
    changed = finding("DG-DRIFT-002", "aws_instance.trainer", Severity.medium,
                      message="aws_instance i-1 changed: instance_type: declared 't3.large', "
                              "live 'p4d.24xlarge'", title="Live resource differs from its code")
    new = [finding("DG-ENC-001", "aws_s3_bucket.a"), finding("DG-ENC-001", "aws_s3_bucket.b"),
           changed, finding("DG-NET-003", "aws_security_group.ssh", Severity.critical)]
    payload = messages.scan_changes("prod", result, new, [finding("DG-STO-001")],
                                    report_url="https://ci.example.com/run/42")
    blocks = payload["blocks"]
    assert blocks[0]["type"] == "header"
    summary, new_heading, crit, enc, drift, resolved_heading, resolved = sections(payload)
    assert summary.splitlines() == [
        "*Account:* 123456789012 · *Region:* eu-west-1",
        "*New:* 1 critical, 2 high, 1 medium (drift: 1 changed; 3 policy)",
        "*Resolved:* 1 (1 policy)",
        "*Now:* 0 failing · drift 0 missing, 1 changed, 0 unmanaged · coverage 90%",
        "<https://ci.example.com/run/42|Full report>"]
    assert new_heading == ":new: *4 new*"
    assert crit.splitlines() == [
        ":rotating_light: *critical* · *DG-NET-003 title of DG-NET-003* (1)",
        "• `aws_security_group.ssh`", "_Fix:_ fix DG-NET-003"]
    assert enc.splitlines()[0] == ":red_circle: *high* · *DG-ENC-001 title of DG-ENC-001* (2)"
    assert enc.splitlines()[1:3] == ["• `aws_s3_bucket.a`", "• `aws_s3_bucket.b`"]
    # Without include_values, a change names its attributes, not their values.
    assert drift.splitlines()[1] == "• `aws_instance.trainer` — changed: instance_type"
    assert "p4d.24xlarge" not in json.dumps(payload) and "t3.large" not in json.dumps(payload)
    assert resolved_heading == ":white_check_mark: *1 resolved*"
    assert resolved == (":red_circle: *high* · *DG-STO-001 title of DG-STO-001* (1)\n"
                        "• `aws_s3_bucket.data`")  # resolved: no remediation
    assert_within_limits(payload)


def test_values_only_when_asked_and_never_masked_ones() -> None:
    plain = finding("DG-CMP-001", "aws_instance.a", message="instance type \"p5.48xlarge\" "
                    "matches none of allowed_instance_types")
    masked = finding("DG-DRIFT-002", "aws_db_instance.db",
                     message=f"aws_db_instance db changed: password: declared {MASK!r}, "
                             "live 'hunter2'")
    off = json.dumps(messages.scan_changes("j", scan_result(), [plain, masked], []))
    assert "p5.48xlarge" not in off and "hunter2" not in off
    on = json.dumps(messages.scan_changes("j", scan_result(), [plain, masked], [],
                                          include_values=True))
    assert "p5.48xlarge" in on and "hunter2" not in on


def test_many_findings_are_truncated_within_slacks_limits_and_counted() -> None:
    many = [finding(f"DG-X-{n % 120:03d}", f"module.m{n}.aws_s3_bucket.b[\"{'x' * 40}\"]",
                    Severity(n % 5)) for n in range(2000)]
    payload = messages.scan_changes("prod", scan_result(), many, many[:300])
    assert_within_limits(payload)
    shown, left_out = shown_and_left_out(payload)
    assert shown > 20 and shown + left_out == 2300
    assert payload["blocks"][-1]["type"] == "context"


def test_one_huge_rule_fills_one_section_and_says_how_many_more() -> None:
    many = [finding("DG-ENC-001", f"aws_s3_bucket.bucket_{n:05d}") for n in range(1000)]
    payload = messages.scan_changes("prod", scan_result(), many, [])
    assert_within_limits(payload)
    group = sections(payload)[2]
    assert len(group) <= SECTION_CHARS and re.search(r"_…and \d+ more_", group)
    shown, left_out = shown_and_left_out(payload)
    assert shown + left_out == 1000


def test_long_names_are_clipped_to_the_header_limit() -> None:
    payload = messages.job_status("j" * 400, True, "e" * 10_000)
    assert_within_limits(payload)
    assert payload["blocks"][0]["text"]["text"].endswith("…")


def test_mrkdwn_control_characters_are_escaped() -> None:
    payload = messages.scan_changes("<!channel>", scan_result(),
                                    [finding(address='aws_s3_bucket.b["<!here>&"]')], [])
    text = json.dumps(payload["blocks"][1:])
    assert "<!here>" not in text and "&lt;!here&gt;&amp;" in text


def test_digest_lists_what_is_open_with_its_age() -> None:
    old = finding("DG-ENC-001", "aws_s3_bucket.old")
    young = finding("DG-DRIFT-001", "aws_ebs_volume.cache", Severity.high)
    payload = messages.digest("prod", [(old, NOW - timedelta(days=3, hours=4)),
                                       (young, NOW - timedelta(minutes=42))], NOW)
    summary, *groups = sections(payload)
    assert summary.splitlines() == ["*Open:* 2 high (drift: 1 missing; 1 policy)",
                                    "*Oldest:* open for 3d 4h"]
    lines = [line for g in groups for line in g.splitlines() if line.startswith("•")]
    assert lines == ["• `aws_ebs_volume.cache` · open 42m", "• `aws_s3_bucket.old` · open 3d 4h"]
    empty = messages.digest("prod", [], NOW)
    assert sections(empty) == [":white_check_mark: Nothing open."]


def test_one_shot_report_states_the_verdict() -> None:
    result = scan_result(findings=[finding()])
    payload = messages.report(result, result.findings)
    assert payload["blocks"][0]["text"]["text"] == "driftguard scan: FAIL"
    assert sections(payload)[0].startswith("1 violation at or above low (1 high)")
