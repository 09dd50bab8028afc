"""Every way the OPA server can fail ends in one clear PolicyError, never in "no violations".

The server is tests/policy/opa_double.py (a test double of OPA's REST API over real HTTP,
answered by OPA's own engine), or nothing at all on a free port for "server down".
"""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from opa_double import OpaDouble

from driftguard import cli, pipeline
from driftguard.config import Config, OpaSettings, load_config
from driftguard.errors import InputError, PolicyError
from driftguard.policy.opa import OpaEngine

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "configs/examples/ml-plan.json"
DATA = {"driftguard": {"config": {"admin_ports": [22]}}}
RULE = ("package driftguard.rules.demo.flagged\n\nimport rego.v1\n\n"
        "deny contains {\"resource\": r.address, \"msg\": \"flagged\"} if {\n"
        "\tsome r in input.resources\n\tr.attributes.flagged\n}\n")
FLAGGED = {"resources": [{"address": "a.b", "attributes": {"flagged": True}}]}


@pytest.fixture
def opa() -> Iterator[OpaDouble]:
    with OpaDouble() as double:
        yield double


def _settings(url: str, **extra: Any) -> OpaSettings:
    return OpaSettings.model_validate({"url": url, "ready_timeout": 0.5, **extra})


def _policy(tmp_path: Path, name: str, text: str) -> tuple[Path, str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path, text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _one_line(exc: pytest.ExceptionInfo[PolicyError]) -> str:
    message = str(exc.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_a_working_server_finds_what_the_rule_says(opa: OpaDouble, tmp_path: Path) -> None:
    with OpaEngine(_settings(opa.url), [_policy(tmp_path, "r.rego", RULE)], DATA) as engine:
        result = engine.evaluate(FLAGGED)
        assert result == {"demo": {"flagged": {"deny": [{"resource": "a.b", "msg": "flagged"}]}}}
        assert engine.evaluate({"resources": []}) == {"demo": {"flagged": {"deny": []}}}
    assert opa.query(["driftguard", "config"]) == {"result": {"admin_ports": [22]}}


def test_server_down(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    with pytest.raises(PolicyError) as exc:
        OpaEngine(_settings(url), [_policy(tmp_path, "r.rego", RULE)], DATA)
    assert _one_line(exc) == (f"OPA server {url}: not ready after 0.5 s: "
                              "cannot connect: Connection refused")


def test_server_down_fails_the_gate_closed(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "driftguard.yaml"
    config.write_text(f"engine: opa\nopa: {{url: 'http://127.0.0.1:{_free_port()}', "
                      "ready_timeout: 0.2}\n", encoding="utf-8")
    assert cli.main(["check", str(EXAMPLE), "--config", str(config)]) == cli.EXIT_ERROR
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("driftguard: error: OPA server http://")
    assert "Connection refused" in err


def test_slow_server_times_out(opa: OpaDouble, tmp_path: Path) -> None:
    files = [_policy(tmp_path, "r.rego", RULE)]
    opa.delay = 1.0
    with OpaEngine(_settings(opa.url, timeout=0.2, timeout_per_mb=0), files, DATA) as engine:
        with pytest.raises(PolicyError) as exc:
            engine.evaluate(FLAGGED)
    assert "no answer within 0.2 s" in _one_line(exc)
    assert "raise opa.timeout" in str(exc.value)


def test_timeout_grows_with_the_input(opa: OpaDouble, tmp_path: Path) -> None:
    """0.2 s + 20 s/MB for a ~0.1 MB input waits ~2 s: long enough for a 1 s answer."""
    files = [_policy(tmp_path, "r.rego", RULE)]
    big = {"resources": [{"address": f"r{i}", "attributes": {"pad": "x" * 100}}
                         for i in range(1000)]}
    opa.delay = 1.0
    with OpaEngine(_settings(opa.url, timeout=0.2, timeout_per_mb=20), files, DATA) as engine:
        assert engine.evaluate(big) == {"demo": {"flagged": {"deny": []}}}


def test_undefined_result_is_an_error(opa: OpaDouble, tmp_path: Path) -> None:
    """No package under driftguard.rules: OPA answers {} - an error, not "no violations"."""
    other = _policy(tmp_path, "other.rego", "package other\n\nimport rego.v1\n\nx := 1\n")
    with OpaEngine(_settings(opa.url), [other], DATA) as engine:
        with pytest.raises(PolicyError) as exc:
            engine.evaluate(FLAGGED)
    assert _one_line(exc).endswith("data.driftguard.rules is undefined: no policy under "
                                   "package driftguard.rules")


def test_bundle_mode_needs_the_settings_and_the_rules(opa: OpaDouble) -> None:
    with pytest.raises(PolicyError) as exc:
        OpaEngine(_settings(opa.url, mode="bundle"), [], DATA)
    assert "data.driftguard.config is undefined" in _one_line(exc)
    opa.put_data(["driftguard", "config"], {"admin_ports": [22]})
    with OpaEngine(_settings(opa.url, mode="bundle"), [], DATA) as engine:
        with pytest.raises(PolicyError) as exc:
            engine.evaluate(FLAGGED)
    assert "does the bundle hold driftguard's policies?" in _one_line(exc)
    assert not any(method == "PUT" for method, _ in opa.requests[1:])  # bundle: reads only


def test_empty_result_is_empty(opa: OpaDouble, tmp_path: Path) -> None:
    with OpaEngine(_settings(opa.url), [_policy(tmp_path, "r.rego", RULE)], DATA) as engine:
        opa.override = (200, "application/json", b'{"result": {}}')
        assert engine.evaluate(FLAGGED) == {}


@pytest.mark.parametrize(("status", "content_type", "body", "expected"), [
    (200, "text/html", b"<html><body>proxy login</body></html>",
     "POST /v1/data/driftguard/rules: the answer is not JSON "
     "(text/html: <html><body>proxy login</body></html>)"),
    (200, "application/json", b'{"result": ', "the answer is not JSON"),
    (200, "application/json", b"[1, 2]", "the answer is a list, not an object"),
    (200, "application/json", b'{"result": ["deny"]}',
     "data.driftguard.rules is a list, not an object of packages"),
    (500, "application/json",
     b'{"code": "internal_error", "message": "eval_conflict_error: functions must not '
     b'produce multiple outputs"}',
     "HTTP 500: internal_error: eval_conflict_error: functions must not produce multiple"),
    (502, "text/plain", b"Bad Gateway\n upstream closed", "HTTP 502: Bad Gateway upstream closed"),
])
def test_malformed_answers_and_server_errors(opa: OpaDouble, tmp_path: Path, status: int,
                                             content_type: str, body: bytes,
                                             expected: str) -> None:
    with OpaEngine(_settings(opa.url), [_policy(tmp_path, "r.rego", RULE)], DATA) as engine:
        opa.override = (status, content_type, body)
        with pytest.raises(PolicyError) as exc:
            engine.evaluate(FLAGGED)
    assert expected in _one_line(exc)


def test_evaluation_error_keeps_the_servers_message(opa: OpaDouble, tmp_path: Path) -> None:
    broken = ("package driftguard.rules.demo.broken\n\nimport rego.v1\n\n"
              "deny contains x if {\n\tsome r in input.resources\n\tx := 1 / 0\n}\n")
    with OpaEngine(_settings(opa.url), [_policy(tmp_path, "b.rego", broken)], DATA) as engine:
        with pytest.raises(PolicyError) as exc:
            engine.evaluate(FLAGGED)
    message = _one_line(exc)
    assert "HTTP 500: internal_error:" in message and "divide by zero" in message


def test_syntax_error_is_reported_with_file_and_line(opa: OpaDouble, tmp_path: Path) -> None:
    good = _policy(tmp_path, "good.rego", RULE)
    bad = _policy(tmp_path, "bad.rego", "package driftguard.rules.demo.bad\n\nimport rego.v1\n\n"
                  "deny contains x if {\n\tx := 1 ]\n}\n")
    with pytest.raises(PolicyError) as exc:
        OpaEngine(_settings(opa.url), [good, bad], DATA)
    message = _one_line(exc)
    assert message.startswith(f"{bad[0]}:6:9: unexpected ] token")  # OPA's column
    assert message.endswith("(rejected by the OPA server)")


@pytest.mark.parametrize(("body", "where", "problem"), [
    ("deny contains x if {\n\tx := data.nowhere.f(1)\n}\n", "4:7",
     "undefined function data.nowhere.f"),
    ("deny contains x if {\n\ty := 1\n}\n", "3:15", "var x is unsafe"),
    ('deny contains x if {\n\tx := 1 + "a"\n}\n', "4:7", "plus: invalid argument(s)"),
    ("deny[msg] {\n\tmsg := 1\n}\n", "3:1", "`if` keyword is required before rule body"),
])
def test_what_opa_refuses_to_compile_is_located(opa: OpaDouble, tmp_path: Path, body: str,
                                                where: str, problem: str) -> None:
    """OPA type-checks and checks safety on PUT (regorus would only fail at evaluation), and
    it takes Rego v1 only: each refusal is `file:line:col: OPA's message`."""
    good = _policy(tmp_path, "good.rego", RULE)
    bad = _policy(tmp_path, "bad.rego", f"package driftguard.rules.demo.bad\n\n{body}")
    with pytest.raises(PolicyError) as exc:
        OpaEngine(_settings(opa.url), [bad, good], DATA)
    assert _one_line(exc) == f"{bad[0]}:{where}: {problem} (rejected by the OPA server)"


def test_syntax_error_through_the_pipeline(opa: OpaDouble, tmp_path: Path) -> None:
    (tmp_path / "extra.rego").write_text("package driftguard.rules.extra\n\ndeny contains if\n",
                                         encoding="utf-8")
    config = Config.model_validate({"engine": "opa", "opa": {"url": opa.url}})
    with pytest.raises(PolicyError) as exc:
        pipeline.check([EXAMPLE], config, [tmp_path])
    assert _one_line(exc).startswith(f"{tmp_path / 'extra.rego'}:3:")


def test_unauthorized_never_shows_the_token(tmp_path: Path) -> None:
    files = [_policy(tmp_path, "r.rego", RULE)]
    with OpaDouble(token="right-token-7f3a") as opa:
        env = {"OPA_TOKEN": "wrong-token-91c2"}
        with pytest.raises(PolicyError) as exc:
            OpaEngine(_settings(opa.url, token_env="OPA_TOKEN"), files, DATA, environ=env)
        message = _one_line(exc)
        assert "HTTP 401: unauthorized: missing or invalid bearer token" in message
        assert "wrong-token-91c2" not in message and "right-token" not in message

        env = {"OPA_TOKEN": "right-token-7f3a"}
        with OpaEngine(_settings(opa.url, token_env="OPA_TOKEN"), files, DATA,
                       environ=env) as engine:
            assert engine.evaluate(FLAGGED)["demo"]["flagged"]["deny"]
            # a server that echoes the token back: the message masks it
            opa.override = (401, "application/json", json.dumps(
                {"code": "unauthorized", "message": "token right-token-7f3a expired"}).encode())
            with pytest.raises(PolicyError) as exc:
                engine.evaluate(FLAGGED)
        assert "right-token-7f3a" not in _one_line(exc)
        assert "HTTP 401: unauthorized: token *** expired" in str(exc.value)


def test_token_from_a_file_and_a_missing_token(tmp_path: Path) -> None:
    files = [_policy(tmp_path, "r.rego", RULE)]
    token_file = tmp_path / "token"
    token_file.write_text("file-token-55\n", encoding="utf-8")
    with OpaDouble(token="file-token-55") as opa:
        with OpaEngine(_settings(opa.url, token_file=str(token_file)), files, DATA) as engine:
            assert engine.evaluate(FLAGGED)["demo"]["flagged"]["deny"]
        with pytest.raises(PolicyError, match="the environment variable NO_SUCH_VAR is not set"):
            OpaEngine(_settings(opa.url, token_env="NO_SUCH_VAR"), files, DATA, environ={})
        with pytest.raises(InputError, match="cannot read the OPA token"):
            OpaEngine(_settings(opa.url, token_file=str(tmp_path / "nope")), files, DATA)


def test_a_new_push_removes_policies_an_earlier_push_left(opa: OpaDouble,
                                                         tmp_path: Path) -> None:
    first = _policy(tmp_path, "first.rego", RULE)
    second = _policy(tmp_path, "second.rego", RULE.replace("flagged\n", "second\n", 1))
    opa.put_policy("someone-else/keep.rego", "package elsewhere\n\nx := 1\n")
    OpaEngine(_settings(opa.url), [first, second], DATA).close()
    OpaEngine(_settings(opa.url), [second], DATA).close()
    ids = {p.rsplit("/", 1)[-1] for p in opa._state.policies}
    assert ids == {"second.rego", "keep.rego"}


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_https_with_a_custom_ca(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """opa.ca_file wins over $REQUESTS_CA_BUNDLE (which requests lets override a session)."""
    system_ca = ssl.get_default_verify_paths().cafile
    if system_ca:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", system_ca)
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    files = [_policy(tmp_path, "r.rego", RULE)]
    with OpaDouble(tls=context) as opa:
        assert opa.url.startswith("https://")
        with OpaEngine(_settings(opa.url, ca_file=str(cert)), files, DATA) as engine:
            assert engine.evaluate(FLAGGED)["demo"]["flagged"]["deny"]
        with pytest.raises(PolicyError) as exc:
            OpaEngine(_settings(opa.url), files, DATA)
        assert "TLS verification failed (set opa.ca_file" in _one_line(exc)


@pytest.mark.parametrize(("url", "problem"), [
    ("127.0.0.1:8181", "must be http(s)://HOST[:PORT]"),
    ("http://user:pw@opa:8181", "a token goes in token_env"),
    ("http://opa:8181/v1/data", "give only http(s)://HOST[:PORT]"),
])
def test_bad_urls_are_config_errors(tmp_path: Path, url: str, problem: str) -> None:
    config = tmp_path / "driftguard.yaml"
    config.write_text(f"engine: opa\nopa: {{url: '{url}'}}\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_config(config, environ={})
    assert str(exc.value).startswith(f"{config}: opa.url:") and problem in str(exc.value)
    assert "pw@" not in str(exc.value)
