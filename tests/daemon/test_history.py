"""The finding history: new and resolved across scans, restarts, and a killed writer."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from driftguard.errors import InputError
from driftguard.history import MIGRATIONS, HistoryStore
from driftguard.model import Finding, NotChecked, Severity


def finding(address: str, rule: str = "DG-ENC-001", rtype: str = "aws_s3_bucket") -> Finding:
    return Finding(rule_id=rule, title="t", severity=Severity.high, level="deny",
                   message=f"{address} is bad", resource_address=address, resource_type=rtype,
                   origin="live")


def test_new_resolved_and_reopened(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite")
    a, b, c = finding("a"), finding("b"), finding("c")

    first = store.record("job", [a, b], now=100)
    assert {f.resource_address for f in first.new} == {"a", "b"} and first.resolved == []
    assert first.baseline  # the job's first scan

    second = store.record("job", [b, c], now=200)
    assert not second.baseline
    assert [f.resource_address for f in second.new] == ["c"]
    assert [f.resource_address for f in second.resolved] == ["a"]
    open_now = {o.finding.resource_address: o for o in store.open_findings("job")}
    assert set(open_now) == {"b", "c"}
    assert (open_now["b"].first_seen, open_now["b"].last_seen) == (100, 200)

    third = store.record("job", [a, b, c], now=300)  # a comes back: new again, age restarts
    assert [f.resource_address for f in third.new] == ["a"]
    assert {o.finding.resource_address: o.first_seen for o in store.open_findings()}["a"] == 300


def test_recorded_findings_say_since_when_they_are_open(tmp_path: Path) -> None:
    """Each finding's why.first_seen: the history's, and so in what the daemon stores,
    announces and serves."""
    import datetime as dt

    def since(findings: list[Finding]) -> dict[str, float]:
        return {f.resource_address: f.why.first_seen.timestamp() for f in findings
                if f.why.first_seen}

    store = HistoryStore(tmp_path / "h.sqlite")
    first = [finding("a"), finding("b")]
    store.record("job", first, now=100)
    assert since(first) == {"a": 100, "b": 100}
    second = [finding("b"), finding("c")]
    store.record("job", second, now=200)
    assert since(second) == {"b": 100, "c": 200}
    third = [finding("a"), finding("b"), finding("c")]  # a comes back: open since now
    store.record("job", third, now=300)
    assert since(third) == {"a": 300, "b": 100, "c": 200}
    stored = {o.finding.resource_address: o.finding.why.first_seen for o in store.open_findings()}
    assert stored["b"] == dt.datetime.fromtimestamp(100, dt.UTC)


def test_jobs_are_separate(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite")
    store.record("east", [finding("a")], now=1)
    changes = store.record("west", [], now=2)
    assert changes.resolved == [] and len(store.open_findings("east")) == 1


def test_types_not_checked_stay_open(tmp_path: Path) -> None:
    """A collector failure is not a fix: its type's findings are not resolved."""
    store = HistoryStore(tmp_path / "h.sqlite")
    store.record("job", [finding("bucket"), finding("i-1", "DG-CMP-001", "aws_instance")], now=1)
    gap = NotChecked(type="aws_s3_bucket", operation="ListBuckets", reason="access denied")
    changes = store.record("job", [], now=2, not_checked=[gap], status="incomplete")
    assert [f.resource_address for f in changes.resolved] == ["i-1"]
    assert [o.finding.resource_address for o in store.open_findings()] == ["bucket"]


def test_a_unit_not_checked_keeps_its_findings_open(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite")
    east = finding("a").model_copy(update={"account": "111111111111", "region": "us-east-1"})
    west = finding("b").model_copy(update={"account": "111111111111", "region": "us-west-2"})
    store.record("job", [east, west], now=1)
    gap = NotChecked(type="*", account="111111111111", region="us-east-1",
                     operation="AssumeRole", reason="access denied")
    changes = store.record("job", [], now=2, not_checked=[gap])
    assert [f.resource_address for f in changes.resolved] == ["b"]


def test_survives_restart(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    store = HistoryStore(path)
    store.record("job", [finding("a")], now=1)
    store.close()
    reopened = HistoryStore(path)
    assert reopened.record("job", [finding("a")], now=2).new == []
    assert reopened.open_findings()[0].first_seen == 1
    assert reopened.scans("job") == 2


def test_schema_version_and_refusals(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    HistoryStore(path).close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(InputError, match="newer than this driftguard"):
        HistoryStore(path)
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database" * 100)
    with pytest.raises(InputError, match="garbage.sqlite"):
        HistoryStore(garbage)


KILLED_WRITER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {tests!r})
    from daemon.test_history import finding
    from driftguard.history import HistoryStore

    store = HistoryStore(__import__("pathlib").Path({path!r}))
    inserts = 0
    def slow_down(statement):
        global inserts
        if statement.startswith("INSERT INTO findings"):
            inserts += 1
            if inserts == 500:  # well inside the transaction: say so, then wait to be killed
                print("writing", flush=True)
                time.sleep(60)
    store._db.set_trace_callback(slow_down)
    store.record("job", [finding(f"r{{i}}") for i in range(1000)], now=2)
""")


def test_write_killed_midway_loses_only_that_scan(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    store = HistoryStore(path)
    store.record("job", [finding("old")], now=1)
    store.close()

    script = KILLED_WRITER.format(tests=str(Path(__file__).parents[1]), path=str(path))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)

    reopened = HistoryStore(path)
    assert reopened._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert [o.finding.resource_address for o in reopened.open_findings()] == ["old"]
    assert reopened.scans("job") == 1
    assert len(reopened.record("job", [finding("old"), finding("r1")], now=3).new) == 1
