"""The terminal's progress display on its own (tests/scan/test_scan_progress.py drives it
through a real scan on a pseudo-terminal): what it redraws, when, and what it leaves."""

from __future__ import annotations

import io

from driftguard.progress import CLEAR_BELOW, TerminalProgress


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_live_lines_are_redrawn_in_place_at_most_every_interval() -> None:
    out, clock = io.StringIO(), Clock()
    p = TerminalProgress(out, interval=0.1, clock=clock, width=lambda: 100)
    clock.now = 1.0
    p.listed("aws_s3_bucket", None, 3)
    p.details_planned("aws_s3_bucket", None, 15)
    first = out.getvalue()
    assert "global" in first and "listed 3" in first and "details" not in first  # too soon
    for _ in range(15):
        p.detail_done("aws_s3_bucket", None)
    clock.now = 1.2
    p.listed("aws_instance", "eu-west-1", 2)
    tail = out.getvalue()[len(first):]
    assert tail.startswith("\x1b[1F")  # up over the one live line drawn
    assert "details 15/15" in tail and "listed 2" in tail and tail.endswith(CLEAR_BELOW)


def test_retries_throttles_and_ends_are_shown_at_once() -> None:
    out, clock = io.StringIO(), Clock()
    p = TerminalProgress(out, interval=10, clock=clock, width=lambda: 140)
    clock.now = 100.0
    p.listed("aws_instance", "eu-west-1", 2)
    p.throttled("aws_instance", "eu-west-1")
    p.retried("aws_instance", "eu-west-1")
    assert "1 retry, 1 throttled" in out.getvalue()
    p.finished("aws_instance", "eu-west-1", 2)
    p.failed("aws_ecr_repository", "eu-west-1", "DescribeRepositories: access \x1b[31mdenied")
    p.close()
    text = out.getvalue()
    assert "2 found (1 retry, 1 throttled)" in text
    assert "FAILED (DescribeRepositories: access \ufffd[31mdenied)" in text
    assert "\x1b[31m" not in text
    assert text.endswith("collected: 2 units read, 2 found, 1 retry, 1 throttled, 1 failed: "
                         "aws_ecr_repository in eu-west-1\n")


def test_lines_fit_the_terminal() -> None:
    out = io.StringIO()
    p = TerminalProgress(out, width=lambda: 40)
    p.failed("aws_sagemaker_notebook_instance", "ap-southeast-2", "x" * 200)
    p.close()
    for line in out.getvalue().split("\n"):
        visible = line.replace("\x1b[K", "").replace("\x1b[J", "").replace("\r", "")
        assert len(visible) <= 39, visible


def test_nothing_read_nothing_printed_but_the_clearing() -> None:
    out = io.StringIO()
    TerminalProgress(out).close()
    assert "collected" not in out.getvalue()
