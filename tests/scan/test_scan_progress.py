"""`driftguard scan`'s progress on a real terminal (a pseudo-terminal) against moto's server
behind the fault proxy: live lines redrawn in place, retries and throttles as they
happen, the type that failed; and nothing of it without a terminal or with JSON."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

import boto3
import pytest
from collect.faultproxy import FaultProxy, Rule

REGION = "eu-west-1"
AMI = "ami-03cf127a"
TYPES = ["--type", "aws_instance", "--type", "aws_s3_bucket", "--type", "aws_ecr_repository"]


class FirstTimes(Rule):
    """The rule for its first `times` matching requests only (the proxy asks under its
    lock)."""

    def __init__(self, service: str, match: str, mode: str, times: int) -> None:
        super().__init__(service, match, mode)
        object.__setattr__(self, "left", [times])

    def matches(self, service: str, operation: str) -> bool:
        left: list[int] = self.left  # type: ignore[attr-defined]
        if left[0] > 0 and super().matches(service, operation):
            left[0] -= 1
            return True
        return False


@pytest.fixture
def estate(fault_proxy: FaultProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
           ) -> FaultProxy:
    """Two instances and three buckets; the proxy throttles the first two instance
    listings and denies ECR."""
    monkeypatch.chdir(tmp_path)
    for var in ("DRIFTGUARD_CONFIG", "DRIFTGUARD_FAIL_ON"):
        monkeypatch.delenv(var, raising=False)
    boto3.client("ec2").run_instances(ImageId=AMI, InstanceType="t3.micro", MinCount=2,
                                      MaxCount=2)
    s3 = boto3.client("s3")
    for name in ("progress-a", "progress-b", "progress-c"):
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    fault_proxy.inject(FirstTimes("ec2", "DescribeInstances", "throttle", 2),
                       Rule("ecr", mode="accessdenied"))
    return fault_proxy


def run(proxy: FaultProxy, *args: str, tty: bool) -> tuple[int, str, str]:
    """`driftguard scan` as its own process, stderr on a 120-column pseudo-terminal (or
    a pipe); (exit code, stdout, stderr)."""
    cmd = [sys.executable, "-m", "driftguard", "scan", *TYPES, "--region", REGION,
           "--endpoint-url", proxy.url, *args]
    env = {**os.environ, "TERM": "xterm"}
    if not tty:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120,
                              stdin=subprocess.DEVNULL)
        return proc.returncode, proc.stdout, proc.stderr
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    with tempfile.TemporaryFile() as stdout:  # not a pipe: nobody reads it meanwhile
        child = subprocess.Popen(cmd, stdout=stdout, stderr=slave, stdin=subprocess.DEVNULL,
                                 env=env)
        os.close(slave)
        err = _read_all(master)
        code = child.wait(timeout=30)
        stdout.seek(0)
        return code, stdout.read().decode(), err


def _read_all(master: int) -> str:
    chunks, deadline = [], time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal's other end
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


def screen_lines(raw: str) -> list[str]:
    """What stays on the screen: each redraw moves up over the live lines and rewrites."""
    lines: list[str] = []
    row = 0
    i = 0
    current = ""
    while i < len(raw):
        if raw.startswith("\x1b[", i):
            end = i + 2
            while end < len(raw) and not raw[end].isalpha():
                end += 1
            code, arg = raw[end], raw[i + 2:end]
            if code == "F":
                row -= int(arg or 1)
                current = ""
            elif code == "J":
                del lines[row:]
            i = end + 1
            continue
        ch = raw[i]
        if ch == "\r" and raw.startswith("\r\n", i):  # the terminal's newline
            pass
        elif ch == "\r":
            current = ""
        elif ch == "\n":
            lines[row:row + 1] = [current]
            row += 1
            current = ""
        else:
            current += ch
        i += 1
    return lines


def test_a_terminal_sees_each_unit_live_then_its_outcome(estate: FaultProxy) -> None:
    code, out, err = run(estate, "-f", "text", tty=True)
    assert code == 3, err  # ECR could not be read: incomplete
    assert "\x1b[K" in err and "\x1b[J" in err  # redrawn in place
    assert "listing" in err or "listed" in err  # live lines were drawn
    assert "throttled" in err and "retr" in err  # as they happened
    final = screen_lines(err)
    instance = next(line for line in final if "aws_instance" in line)
    assert "2 found" in instance and "2 throttled" in instance and "2 retries" in instance, final
    bucket = next(line for line in final if "aws_s3_bucket" in line)
    assert "3 found" in bucket and "details " in bucket, final
    done, planned = bucket.split("details ")[1].split(")")[0].split(",")[0].split("/")
    assert done == planned and int(planned) >= 3
    ecr = next(line for line in final if "aws_ecr_repository" in line)
    assert "FAILED" in ecr and "DescribeRepositories" in ecr, final
    # The volumes are read along (instances link to them): 4 units.
    assert final[-1] == ("collected: 4 units read, 7 found, 2 retries, 2 throttled, "
                         "1 failed: aws_ecr_repository in eu-west-1"), final
    assert all(len(line) < 120 for line in final)
    assert "listed" not in " ".join(final)  # no live line is left behind
    # The report is on stdout, without any of it.
    assert "\x1b" not in out and "collected:" not in out and "INCOMPLETE" in out


def test_no_terminal_no_progress(estate: FaultProxy) -> None:
    code, out, err = run(estate, "-f", "text", tty=False)
    assert code == 3
    assert "found" not in err and "collected" not in err and "\x1b" not in err
    assert "INCOMPLETE" in out


def test_a_json_report_gets_no_progress_even_on_a_terminal(estate: FaultProxy) -> None:
    code, out, err = run(estate, "-f", "json", tty=True)
    assert code == 3
    assert "found" not in err and "collected" not in err and "\x1b" not in err
    assert out.lstrip().startswith("{")
