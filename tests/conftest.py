from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]

# Tests that take one of these arguments run once per file of that corpus folder.
CORPUS_FILE_ARGS = {"corpus_plan": "plan", "corpus_state": "state", "corpus_bad": "bad",
                    "corpus_cfn": "cfn"}


def find_corpus() -> Path | None:
    """The shared real-world corpus: $DRIFTGUARD_CORPUS or ../shared/corpus, if present."""
    env = os.environ.get("DRIFTGUARD_CORPUS")
    if env:  # named: it must be there (a typo must not skip the corpus tests)
        if not Path(env, "plan").is_dir():
            raise pytest.UsageError(f"DRIFTGUARD_CORPUS={env}: no corpus there (no plan/ "
                                    "folder)")
        return Path(env)
    beside = REPO.parent / "shared" / "corpus"
    return beside if beside.is_dir() else None


@pytest.fixture
def corpus_dir() -> Path:
    """The shared real-world corpus: $DRIFTGUARD_CORPUS or ../shared/corpus."""
    found = find_corpus()
    if found is None:
        pytest.skip("corpus not found: set DRIFTGUARD_CORPUS or place shared/corpus beside "
                    "the repo")
    return found


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize `corpus_plan`, `corpus_state`, `corpus_bad`, `corpus_cfn` by the folder's
    file names.

    Without a corpus there is one placeholder case; the test's `corpus_dir` skips it.
    """
    for arg, folder in CORPUS_FILE_ARGS.items():
        if arg not in metafunc.fixturenames:
            continue
        root = find_corpus()
        names = sorted(p.name for p in (root / folder).iterdir() if p.is_file()) if root else []
        metafunc.parametrize(arg, names or [pytest.param(None, id="no-corpus")])


@pytest.fixture(autouse=True)
def _no_terminal_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The text report reads $COLUMNS (and $NO_COLOR): a shell that exports them does not
    change what the tests see."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


# --- AWS: moto's server over real HTTP, one per test session, reset for every test ---

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _moto_call(endpoint: str, path: str, body: bytes = b"") -> bytes:
    request = urllib.request.Request(f"{endpoint}{path}", data=body or None,
                                     headers={"Content-Type": "text/plain"},
                                     method="POST" if body else "GET")
    # A reset after a big estate takes seconds on a loaded 2-core machine: wait long.
    with urllib.request.urlopen(request, timeout=120) as response:
        return bytes(response.read())


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A moto server in its own process (its IAM switch and state stay out of ours)."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p",
                             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            _moto_call(endpoint, "/moto-api/data.json")
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("moto server did not start")
            time.sleep(0.1)
    yield endpoint
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:  # a loaded machine: it is only the test's server
        proc.kill()
        proc.wait()


@pytest.fixture
def aws(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty simulated account (eu-west-1, account 123456789012); yields the endpoint.

    boto3 clients made in the test reach it through AWS_ENDPOINT_URL.
    """
    _moto_call(moto_endpoint, "/moto-api/reset", b"{}")
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "eu-west-1", "AWS_REGION": "eu-west-1",
                       "AWS_ENDPOINT_URL": moto_endpoint}.items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    yield moto_endpoint
    _moto_call(moto_endpoint, "/moto-api/reset-auth", b"inf")  # IAM enforcement off again


@pytest.fixture
def fault_proxy(aws: str) -> Iterator[Any]:
    """A fault-injecting proxy (tests/collect/faultproxy.py) in front of the moto server;
    its `url` is the endpoint to scan through, `inject(Rule(...))` sets the faults."""
    from collect.faultproxy import FaultProxy

    proxy = FaultProxy(aws)
    yield proxy
    proxy.close()
