"""driftguard.policy.isolated: evaluations bounded in time, crashes contained."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from driftguard.errors import PolicyError
from driftguard.policy import isolated


def test_the_work_runs_in_a_child_and_its_bytes_come_back() -> None:
    assert isolated.run(lambda: str(os.getpid()).encode(), 5) != str(os.getpid()).encode()
    big = b"x" * 5_000_000  # more than a pipe holds
    assert isolated.run(lambda: big, 5) == big


def test_an_exception_in_the_work_is_an_engine_error() -> None:
    def work() -> bytes:
        raise RuntimeError("p.rego:1:1: divide by zero")

    with pytest.raises(isolated.EngineError, match=r"^p\.rego:1:1: divide by zero$"):
        isolated.run(work, 5)


def test_a_crash_is_one_error_and_this_process_goes_on() -> None:
    def work() -> bytes:
        os.kill(os.getpid(), signal.SIGSEGV)
        return b""

    with pytest.raises(PolicyError, match=r"^the policy engine crashed \(SIGSEGV\) during "
                                          r"policy evaluation"):
        isolated.run(work, 5)


def test_work_past_its_deadline_is_killed() -> None:
    start = time.monotonic()
    with pytest.raises(PolicyError, match=r"^policy evaluation did not finish within 0.5 s "
                                          r"\(policy_timeout\)"):
        isolated.run(lambda: time.sleep(60) or b"", 0.5)
    assert time.monotonic() - start < 5


SUPERVISED = textwrap.dedent("""
    import os, signal, sys, time
    from driftguard.policy import isolated

    def command():
        print("output of the command")
        if sys.argv[1] == "slow":
            isolated.run(lambda: time.sleep(60) or b"", 0.5, "policy evaluation")
        if sys.argv[1] == "crash":
            isolated.run(lambda: os.kill(os.getpid(), signal.SIGSEGV) or b"", 5)
        if sys.argv[1] == "crash-outside":
            os.kill(os.getpid(), signal.SIGSEGV)
        if sys.argv[1] == "threads":  # one ends while the other is past its deadline
            import threading
            quick = threading.Thread(target=isolated.run, args=(
                lambda: time.sleep(0.5) or b"", 30, "policy evaluation"))
            quick.start()
            time.sleep(0.1)
            isolated.run(lambda: time.sleep(60) or b"", 1, "policy evaluation")
        return 7
    isolated.supervise(command)
""")


@pytest.mark.parametrize("how,code,error", [
    ("fine", 7, ""),
    ("slow", 2, "driftguard: error: policy evaluation did not finish within 0.5 s"),
    ("crash", 2, "driftguard: error: the policy engine crashed (SIGSEGV) during policy "
                 "evaluation"),
    ("crash-outside", 2, "driftguard: internal error: the process died of SIGSEGV"),
    ("threads", 2, "driftguard: error: policy evaluation did not finish within 1 s"),
])
def test_a_supervised_command_is_bounded_by_its_watchdog(how: str, code: int,
                                                         error: str) -> None:
    proc = subprocess.run([sys.executable, "-c", SUPERVISED, how], capture_output=True,
                          text=True, timeout=30)
    assert (proc.returncode, proc.stdout) == (code, "output of the command\n")
    assert proc.stderr.startswith(error) and len(proc.stderr.splitlines()) == (1 if error
                                                                              else 0)
