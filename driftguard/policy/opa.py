"""The opa engine: an OPA server over its REST API, through opa-python-client.

Same contract as the embedded engine: `OpaEngine(settings, files, data).evaluate(input)`
returns the value of data.driftguard.rules, and every failure is a one-line PolicyError.
What the client library leaves to us: an undefined result is an error (never "no
violations"), errors keep the server's message, a policy the server rejects is reported as
`file:line:col`, and the query's timeout grows with the size of the input.
"""

from __future__ import annotations

import functools
import json
import os
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NoReturn, Protocol
from urllib.parse import urlsplit

import requests
from opa_client import OpaClient
from opa_client.errors import DeletePolicyError, PolicyNotFoundError, RegoParseError

from driftguard.errors import InputError, PolicyError

RULES_PATH = "driftguard/rules"
CONFIG_PATH = "driftguard/config"
ID_PREFIX = "driftguard/"  # the ids of the policies this engine pushes
_PACKAGE = re.compile(r"^package\s+([\w.]+)", re.MULTILINE)
_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\"()]+)")
# OPA compiles all modules on every PUT: a module calling a function of one not pushed yet
# fails with one of these, and succeeds once the other is there. Parse errors never do.
_ORDER_ERRORS = {"rego_type_error", "rego_compile_error", "rego_unsafe_var_error"}


class OpaOptions(Protocol):
    """What the engine reads of its settings: the config's `opa` section (config.OpaSettings,
    where each one is documented) or any object with these attributes."""

    @property
    def url(self) -> str: ...
    @property
    def mode(self) -> str: ...  # push, bundle
    @property
    def ca_file(self) -> Path | None: ...
    @property
    def token_env(self) -> str | None: ...
    @property
    def token_file(self) -> Path | None: ...
    @property
    def timeout(self) -> float: ...
    @property
    def timeout_per_mb(self) -> float: ...
    @property
    def connect_timeout(self) -> float: ...
    @property
    def ready_timeout(self) -> float: ...


class OpaEngine:
    """Pushes (mode push) or checks (mode bundle) the policies once, then one POST per
    evaluation."""

    def __init__(self, settings: OpaOptions, files: list[tuple[Path, str]],
                 data: dict[str, Any], environ: Mapping[str, str] | None = None) -> None:
        self._settings = settings
        self._token = _read_token(settings, os.environ if environ is None else environ)
        parts = urlsplit(settings.url)
        https = parts.scheme == "https"
        self._client = OpaClient(
            host=parts.hostname or "", port=parts.port or (443 if https else 80),
            # the library hands `ssl` to requests' `verify`: a CA bundle path works there
            ssl=str(settings.ca_file) if https and settings.ca_file else https,
            token=self._token, timeout=(settings.connect_timeout, settings.timeout))
        if https and settings.ca_file:
            # requests lets $REQUESTS_CA_BUNDLE override a session's `verify`: pin the CA
            # on every request instead, or the configured one would be silently ignored.
            session = self._client._session
            session.request = functools.partial(session.request,
                                                verify=str(settings.ca_file))
        self._paths = {_policy_id(path): path for path, _ in files}
        try:
            self._wait_until_ready()
            if settings.mode == "push":
                self._push(files, data)
            else:
                self._check_bundle()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self._client.close_connection()

    def __enter__(self) -> OpaEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- evaluation ---

    def evaluate(self, policy_input: dict[str, Any]) -> dict[str, Any]:
        """The value of data.driftguard.rules: nested packages, each with deny/warn sets."""
        body = self.query(RULES_PATH, policy_input)
        if "result" not in body:
            hint = (" (does the bundle hold driftguard's policies?)"
                    if self._settings.mode == "bundle" else "")
            self._fail(f"data.driftguard.rules is undefined: no policy under package "
                       f"driftguard.rules{hint}")
        result = body["result"]
        if not isinstance(result, dict):
            self._fail(f"data.driftguard.rules is {_kind(result)}, not an object of packages")
        return result

    def document(self, path: str, policy_input: Any) -> Any:
        """The value of the document at `path` (`data.main`) for this input; None when it
        is undefined."""
        return self.query(path.removeprefix("data.").replace(".", "/"), policy_input).get(
            "result")

    def query(self, path: str, policy_input: Any = None) -> dict[str, Any]:
        """POST /v1/data/<path>: the server's answer, a JSON object (without `result`
        when the document is undefined)."""
        payload = json.dumps({"input": policy_input}).encode("utf-8")
        megabytes = len(payload) / 1e6
        timeout = self._settings.timeout + self._settings.timeout_per_mb * megabytes
        try:
            # The client's own session (token, TLS, retries); its query_rule cannot send a
            # body encoded once, take a per-call timeout, or keep the server's message.
            response = self._client._session.post(
                f"{self._client.root_url}/data/{path}", data=payload,
                headers={"Content-Type": "application/json"},
                timeout=(self._settings.connect_timeout, timeout))
        except requests.exceptions.ConnectTimeout:
            self._fail(f"no connection within {self._settings.connect_timeout:g} s")
        except requests.exceptions.Timeout:
            self._fail(f"no answer within {timeout:.1f} s for {megabytes:.1f} MB of input "
                       "(raise opa.timeout or opa.timeout_per_mb)")
        except requests.exceptions.RequestException as exc:
            self._fail(_reason(exc))
        if response.status_code != 200:
            self._fail(f"POST /v1/data/{path}: {_http_error(response)}")
        try:
            body = response.json()
        except ValueError:
            self._fail(f"POST /v1/data/{path}: the answer is not JSON "
                       f"({response.headers.get('Content-Type', 'no content type')}: "
                       f"{_snippet(response.text)})")
        if not isinstance(body, dict):
            self._fail(f"POST /v1/data/{path}: the answer is {_kind(body)}, not an object")
        return body

    # --- setup ---

    def _wait_until_ready(self) -> None:
        """GET /health until it answers 200, for at most ready_timeout seconds."""
        query = {"bundles": "true"} if self._settings.mode == "bundle" else None
        deadline = time.monotonic() + self._settings.ready_timeout
        while not self._client.check_health(query=query):
            if time.monotonic() >= deadline:
                self._fail(f"not ready after {self._settings.ready_timeout:g} s: "
                           f"{self._unhealthy_reason()}")
            time.sleep(0.25)

    def _unhealthy_reason(self) -> str:
        try:
            response = self._client._session.get(
                f"{self._client.schema}{self._client.host}:{self._client.port}/health",
                timeout=(self._settings.connect_timeout, self._settings.timeout))
        except requests.exceptions.RequestException as exc:
            return _reason(exc)
        return f"GET /health: {_http_error(response)}"

    def _push(self, files: list[tuple[Path, str]], data: dict[str, Any]) -> None:
        """PUT every policy (retrying those that wait for another module), then the data
        documents, then delete the policies an earlier push left that no file has now."""
        pending = [(_policy_id(path), text) for path, text in files]
        while pending:
            waiting: list[tuple[str, str, RegoParseError]] = []
            for policy_id, text in pending:
                try:
                    self._client.update_policy_from_string(text, policy_id, rego_compat=False)
                except RegoParseError as exc:
                    if not _order_error(exc):
                        self._fail_rejected(policy_id, exc)
                    waiting.append((policy_id, text, exc))
                except requests.exceptions.RequestException as exc:
                    self._fail(f"PUT /v1/policies/{policy_id}: {_reason(exc)}")
            if len(waiting) == len(pending):
                self._fail_rejected(waiting[0][0], waiting[0][2])
            pending = [(policy_id, text) for policy_id, text, _ in waiting]
        packages = [tuple(p.split(".")) for _, text in files for p in _PACKAGE.findall(text)]
        for path, document in _documents(data, packages):
            try:
                self._client.update_or_create_data(document, path)
            except RegoParseError as exc:
                self._fail(f"PUT /v1/data/{path}: {exc.expression}: {exc.message}")
            except requests.exceptions.RequestException as exc:
                self._fail(f"PUT /v1/data/{path}: {_reason(exc)}")
        self._delete_stale()

    def _delete_stale(self) -> None:
        try:
            stale = [i for i in self._client.get_policies_list()
                     if i.startswith(ID_PREFIX) and i not in self._paths]
            for policy_id in stale:
                self._client.delete_policy(policy_id)
        except requests.exceptions.RequestException as exc:
            self._fail(f"removing policies of an earlier push: {_reason(exc)}")
        except DeletePolicyError as exc:
            self._fail(f"removing policies of an earlier push: {exc.expression}: {exc.message}")

    def _check_bundle(self) -> None:
        """The rules read their settings from data.driftguard.config: without it they
        would run on nothing and find nothing, so its absence is an error."""
        try:
            self._client.get_data(CONFIG_PATH)
        except PolicyNotFoundError:
            self._fail("data.driftguard.config is undefined: in mode bundle the bundle must "
                       "carry driftguard's settings (see configs/compose/opa/data.json)")
        except requests.exceptions.RequestException as exc:
            self._fail(f"GET /v1/data/{CONFIG_PATH}: {_reason(exc)}")

    # --- errors ---

    def _fail_rejected(self, policy_id: str, exc: RegoParseError) -> NoReturn:
        """`file:line:col: message` for the first located error, with the id mapped back
        to the policy file."""
        for err in exc.errors:
            location = err.get("location") if isinstance(err, dict) else None
            if isinstance(location, dict):
                where = self._paths.get(str(location.get("file")), location.get("file"))
                raise PolicyError(self._scrub(
                    f"{where}:{location.get('row')}:{location.get('col')}: "
                    f"{err.get('message')} (rejected by the OPA server)"))
        # no location: not the policy's fault (auth, server): the server's code and message
        self._fail(f"PUT /v1/policies/{policy_id}: {exc.expression}: {exc.message}")

    def _fail(self, problem: str) -> NoReturn:
        raise PolicyError(self._scrub(f"OPA server {self._settings.url}: {problem}"))

    def _scrub(self, message: str) -> str:
        """A server could echo the token back: never let it into a message."""
        message = " ".join(message.split())
        return message.replace(self._token, "***") if self._token else message


def _read_token(settings: OpaOptions, environ: Mapping[str, str]) -> str | None:
    if settings.token_env:
        token = environ.get(settings.token_env, "").strip()
        if not token:
            raise PolicyError(f"opa.token_env: the environment variable {settings.token_env} "
                              "is not set or empty")
        return token
    if settings.token_file:
        try:
            token = settings.token_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(settings.token_file,
                             f"cannot read the OPA token: {getattr(exc, 'strerror', exc)}"
                             ) from None
        if not token:
            raise InputError(settings.token_file, "the OPA token file is empty")
        return token
    return None


def _policy_id(path: Path) -> str:
    """A stable id per file: its path (relative to the working directory when inside)."""
    absolute = path.resolve()
    try:
        name = absolute.relative_to(Path.cwd().resolve())
    except ValueError:
        name = absolute
    return ID_PREFIX + name.as_posix().lstrip("/")


def _documents(data: dict[str, Any], packages: Iterable[tuple[str, ...]],
               prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, dict[str, Any]]]:
    """Data as documents OPA accepts: a document may not sit on a policy package path, so
    descend into keys that packages share (driftguard) and write below them
    (driftguard/config)."""
    packages = list(packages)
    for key, value in data.items():
        path = (*prefix, key)
        if isinstance(value, dict) and any(p[:len(path)] == path for p in packages):
            yield from _documents(value, packages, path)
        elif isinstance(value, dict):
            yield "/".join(path), value
        else:
            raise PolicyError(f"data.{'.'.join(path)}: the opa engine pushes objects only")


def _order_error(exc: RegoParseError) -> bool:
    codes = {e.get("code") for e in exc.errors if isinstance(e, dict)}
    return bool(codes) and codes <= _ORDER_ERRORS


def _http_error(response: requests.Response) -> str:
    """`HTTP 500: <the server's message>`; OPA's errors are {"code", "message"}."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("message"):
        detail = f"{body.get('code', 'error')}: {body['message']}"
    else:
        detail = _snippet(response.text) or response.reason or "no message"
    return f"HTTP {response.status_code}: {detail}"


def _reason(exc: requests.exceptions.RequestException) -> str:
    """A short cause, not urllib3's nested repr."""
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS verification failed (set opa.ca_file to the server's CA bundle)"
    if isinstance(exc, requests.exceptions.ConnectionError):
        errno = _ERRNO.search(str(exc))
        return f"cannot connect: {errno.group(1).strip() if errno else 'connection failed'}"
    return f"{type(exc).__name__}: {_snippet(str(exc))}"


def _snippet(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


def _kind(value: Any) -> str:
    return {list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), f"a {type(value).__name__}")
